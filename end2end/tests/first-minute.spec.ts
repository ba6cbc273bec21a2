import { test, expect, type Page } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";

// The public's first minute, on a phone (390 px) and a desktop (1280 px), with and without
// JavaScript, with axe on every page.

const sizes = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
];

/** axe runs inside the page, so only with JavaScript on; the HTML is the same without. */
async function axe(page: Page, javaScript: boolean) {
  if (javaScript) await new Shell(page).expectNoAxeViolations();
}

async function homeToRecommendation(page: Page, javaScript: boolean) {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Find out what happened to a recommendation");
  await axe(page, javaScript);
  // Step one: search the recommendations from the home page.
  await page.getByLabel("Search the recommendations").fill("commercial");
  await page.locator("[data-test=home-search] button").click();
  await expect(page).toHaveURL(/\/actions\?q=commercial/);
  await expect(page.locator("[data-test=results-summary]")).toContainText("match your filters");
  await axe(page, javaScript);
  // Step two: the recommendation.
  await page.locator("[data-test=register-row] a").first().click();
  await expect(page).toHaveURL(/\/actions\/[A-Z]+-\d+$/);
  await axe(page, javaScript);
}

for (const size of sizes) {
  for (const javaScript of [true, false]) {
    test.describe(`${size.name}, JavaScript ${javaScript ? "on" : "off"}`, () => {
      test.use({ viewport: { width: size.width, height: size.height }, javaScriptEnabled: javaScript });

      test("the home page leads to a recommendation in two steps", async ({ page }) => {
        await homeToRecommendation(page, javaScript);
      });

      test("the register shows results first, filters as a disclosure on phones", async ({ page }) => {
        await page.goto("/actions?engagement=public-panel");
        const filters = page.locator("[data-test=register-filters]");
        const summary = page.locator("[data-test=filter-disclosure] > summary");
        await expect(page.locator("[data-test=results-summary]")).toContainText("match your filters");
        await expect(page.locator("[data-test=clear-filters]")).toBeVisible();
        await expect(page.locator("[data-test=progress-filtered]")).toBeVisible();
        if (size.name === "phone") {
          await expect(summary).toHaveText("Filter (1 selected)");
          await expect(filters).toBeHidden();
          // The first result is on the first screen.
          const row = page.locator("[data-test=register-row]").first();
          const box = await row.boundingBox();
          expect(box && box.y < size.height, "the first result is on the first screen").toBeTruthy();
          await summary.click();
          await expect(filters).toBeVisible();
        } else {
          await expect(summary).toBeHidden();
          await expect(filters).toBeVisible();
        }
        await axe(page, javaScript);
        await page.locator("[data-test=clear-filters]").click();
        await expect(page).toHaveURL(/\/actions$/);
      });
    });
  }
}

test("anyone signed in can sign out from the header", async ({ page }) => {
  await page.goto("/sign-in?next=/actions");
  await page.getByLabel("Email address").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.locator("[data-test=sign-in-submit]").click();
  await expect(page).toHaveURL(/\/actions/);
  const nav = new Shell(page).mainNav();
  await expect(nav.getByRole("link", { name: "You said, we did" })).toBeVisible();
  await nav.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await expect(nav.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await new Shell(page).expectNoAxeViolations();
});

test("sign-in has a Show password button with JavaScript, and none without", async ({ browser }) => {
  const jsContext = await browser.newContext();
  const withJs = await jsContext.newPage();
  await withJs.goto("/sign-in");
  const password = withJs.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("type", "password");
  await withJs.getByRole("button", { name: "Show password" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await withJs.getByRole("button", { name: "Hide password" }).click();
  await expect(password).toHaveAttribute("type", "password");
  await new Shell(withJs).expectNoAxeViolations();
  await jsContext.close();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const withoutJs = await context.newPage();
  await withoutJs.goto("/sign-in");
  await expect(withoutJs.getByLabel("Password", { exact: true })).toHaveAttribute("type", "password");
  await expect(withoutJs.getByRole("button", { name: "Show password" })).toHaveCount(0);
  await context.close();
});

test.describe("phone, live search", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the filter disclosure stays open while results follow the typing", async ({ page }) => {
    await page.goto("/search?q=data");
    await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
    const summary = page.locator("[data-test=filter-disclosure] > summary");
    await summary.click();
    await expect(page.locator("[data-test=filter-disclosure]")).toHaveAttribute("open", "");
    const input = page.locator("[data-test=search-input]");
    await input.focus();
    await input.press("End");
    await input.pressSequentially(" security", { delay: 30 });
    await expect(page).toHaveURL(/\/search\?q=data\+security/);
    await expect(page.locator("[data-test=filter-disclosure]")).toHaveAttribute("open", "");
    await expect(page.getByRole("heading", { name: "Narrow your results" })).toBeVisible();
    // And closed stays closed.
    await summary.click();
    await input.focus();
    await input.press("End");
    await input.pressSequentially(" access", { delay: 30 });
    await expect(page).toHaveURL(/\/search\?q=data\+security\+access/);
    await expect(page.locator("[data-test=filter-disclosure]")).not.toHaveAttribute("open", "");
    await new Shell(page).expectNoAxeViolations();
  });
});

test.describe("phone layout", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the header's names never overlap, a register title has the row, and Back replaces the breadcrumb", async ({ page }) => {
    await page.goto("/actions?engagement=public-panel");
    const service = await page.locator(".nhsuk-header__service-name").boundingBox();
    const organisation = await page.locator(".candour-header__organisation").boundingBox();
    expect(service && organisation).toBeTruthy();
    expect(organisation!.y).toBeGreaterThanOrEqual(service!.y + service!.height - 1);
    const title = await page.locator("[data-test=register-row] .candour-register__title").first().boundingBox();
    expect(title!.width).toBeGreaterThan(300);
    // The status links keep the filter: the count is the length of the list it opens.
    const item = page.locator("[data-test=progress-summary] li", { has: page.locator("a") }).first();
    const count = Number(await item.locator("[data-test=status-count]").textContent());
    await item.locator("a").click();
    await expect(page).toHaveURL(/engagement=public-panel/);
    await expect(page.locator("[data-test=results-summary]")).toContainText(`${count} recommendation`);
    await page.locator("[data-test=register-row] a").first().click();
    const back = page.locator("[data-test=breadcrumb-back]");
    await expect(back).toBeVisible();
    await expect(page.locator(".nhsuk-breadcrumb__list")).toBeHidden();
    await new Shell(page).expectNoAxeViolations();
    await back.click();
    await expect(page).toHaveURL(/\/actions$/);
  });

  test("on paper a page shows its full address and date, and no forms", async ({ page }) => {
    await page.goto("/actions?engagement=public-panel");
    await page.emulateMedia({ media: "print" });
    await expect(page.locator("[data-test=printed-from]")).toContainText("/actions?engagement=public-panel on ");
    await expect(page.locator("[data-test=subscribe]")).toBeHidden();
    await expect(page.locator("[data-test=register-filters]")).toBeHidden();
  });
});
