import { test, expect } from "@playwright/test";
import { adminEmail, adminPassword } from "../accounts";

// What outside testing found in a real browser: the typeface, printed addresses, errors
// that take focus, and a live search that Back returns to.

test("pages use the NHS.UK font stack, never the browser's serif default", async ({ page }) => {
  await page.goto("/actions");
  for (const selector of ["body", "h1", ".nhsuk-button, button", "input"]) {
    const family = await page.locator(selector).first().evaluate((el) => getComputedStyle(el).fontFamily);
    expect(family, selector).toContain("Arial");
    expect(family, selector).not.toMatch(/Times/);
  }
});

test("a printed page shows each link's full address", async ({ page }) => {
  await page.goto("/actions/PP-5");
  await page.emulateMedia({ media: "print" });
  const link = page.locator("main a[href^='/']").first();
  const after = await link.evaluate((el) => getComputedStyle(el, "::after").content);
  expect(after).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
  await expect(page.locator("[data-test=printed-from]")).toBeVisible();
});

test("a form with mistakes says so in the title and moves focus to the summary", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveTitle(/^Error: /);
  await expect(page.locator(".nhsuk-error-summary")).toBeFocused();
});

test("a live search is kept in the address, so Back from a result returns to it", async ({ page }) => {
  await page.goto("/search");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.locator("[data-test=search-input]").pressSequentially("security", { delay: 30 });
  await expect(page).toHaveURL(/\/search\?q=security/);
  const first = page.locator("[data-test=search-hit] a").first();
  const href = await first.getAttribute("href");
  await first.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await page.goBack();
  await expect(page).toHaveURL(/\/search\?q=security/);
  await expect(page.locator("[data-test=search-input]")).toHaveValue("security");
  await expect(page.locator("[data-test=search-hit]").first()).toBeVisible();
});

test("a double click on a form's button sends it once", async ({ page }) => {
  await page.goto("/sign-in?next=/admin/users");
  await page.getByLabel("Email address").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.locator("[data-test=sign-in-submit]").click();
  await expect(page).toHaveURL(/\/admin\/users/);
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") sent.push(request.url());
  });
  // The guard is the page's script, which loads after the page: wait until it has run.
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Their email address").fill("double.click@example.org");
  await page.getByRole("button", { name: "Create invitation" }).dblclick();
  await expect(page.locator("[data-test=one-time-link]")).toContainText("double.click@example.org");
  expect(sent.filter((url) => url.endsWith("/admin/users/invite"))).toHaveLength(1);
  await expect(page.getByRole("cell", { name: "double.click@example.org", exact: true })).toHaveCount(1);
});
