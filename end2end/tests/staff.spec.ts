import { test, expect } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";

test("staff record a status change from the recommendation's page", async ({ page }) => {
  const shell = new Shell(page);
  await page.goto("/sign-in?next=/actions/PP-3");
  await page.getByLabel("Email address").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.locator("[data-test=sign-in-submit]").click();
  await expect(page).toHaveURL(/\/actions\/PP-3$/);
  await page.locator("[data-test=staff-update]").click();
  await expect(page).toHaveURL(/\/admin\/actions\/PP-3$/);
  await shell.expectNoAxeViolations();
  await page.locator("[data-test=status-form] input[type=radio]").first().check();
  await page.getByLabel("Public note").fill("Reviewed with the Digital Critical Friends in November.");
  await page.locator("[data-test=record-status]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("status change has been recorded");
  await shell.expectNoAxeViolations();
  await page.goto("/actions/PP-3");
  await expect(page.getByText("Reviewed with the Digital Critical Friends in November.")).toBeVisible();

  // Follow it, and find it on the account page.
  await page.locator("[data-test=follow]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("You follow this recommendation");
  await page.goto("/account");
  await expect(page.locator("[data-test=followed]")).toContainText("PP-3");
  await shell.expectNoAxeViolations();
});
