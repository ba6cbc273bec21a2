import { test, expect } from "@playwright/test";
import { RegisterPage, Shell } from "./pages";

const everyPage = [
  "/",
  "/actions",
  "/actions?status=in-progress&sort=updated",
  "/actions?as_of=2025-06-30",
  "/actions/PP-5",
  "/values",
  "/values/transparency",
  "/priorities",
  "/priorities/health-inequalities",
  "/engagement",
  "/you-said-we-did",
  "/accessibility",
  "/privacy",
  "/contact",
  "/no-such-page",
];

test("the home page renders the social licence and progress", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Candour/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("[data-test=licence-parts] li")).toHaveCount(3);
  await expect(page.locator("[data-test=progress-summary]")).toBeVisible();
});

for (const path of everyPage) {
  test(`no axe violations on ${path}`, async ({ page }) => {
    await page.goto(path);
    await new Shell(page).expectNoAxeViolations();
  });
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("navigation and register filters work as plain links and forms", async ({ page }) => {
    const register = new RegisterPage(page);
    await page.goto("/");
    await register.goToSection("Actions to Build Trust");
    await expect(page).toHaveURL(/\/actions$/);
    await expect(register.rows()).toHaveCount(20);
    await register.filterByStatus("Not taken forward");
    await expect(page).toHaveURL(/status=not-taken-forward/);
    const count = await register.rows().count();
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(20);
    await register.goToSection("Our values");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Our core values");
    // The copy-link island stays hidden when it cannot work.
    await expect(page.locator("[data-test=copy-link]")).toBeHidden();
  });
});

test.describe("with JavaScript", () => {
  test("navigation works and the copy-link island hydrates and responds", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const register = new RegisterPage(page);
    await page.goto("/");
    await register.goToSection("Actions to Build Trust");
    await expect(page).toHaveURL(/\/actions$/);
    await register.filterByStatus("In progress");
    await expect(page).toHaveURL(/status=in-progress/);
    await register.waitForHydration();
    await page.locator("[data-test=copy-link]").click();
    await expect(page.locator("[data-test=copy-link-status]")).toContainText("Link copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("status=in-progress");
    await register.expectNoAxeViolations();
  });
});
