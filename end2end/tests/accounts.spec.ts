import { test, expect } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";

/** Signing in and out, with and without JavaScript, each page free of axe violations. */
class SignInPage extends Shell {
  async open() {
    await this.page.goto("/sign-in");
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel("Email address").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.locator("[data-test=sign-in-submit]").click();
  }

  errorSummary() {
    return this.page.locator("[data-test=error-summary]");
  }
}

test("a failed sign-in says what is wrong beside the field and in the summary", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.expectNoAxeViolations();
  await signIn.signIn(adminEmail, "not the right password");
  await expect(signIn.errorSummary()).toContainText("The email address or password is not right");
  await expect(page.locator("#email-error")).toContainText("not right");
  await expect(page.getByLabel("Email address")).toHaveValue(adminEmail);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await signIn.expectNoAxeViolations();
});

test("signing in opens the account page and signing out ends it", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.signIn(adminEmail, adminPassword);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your account");
  await expect(page.locator("[data-test=display-name]")).toHaveText("Alex Admin");
  await expect(signIn.mainNav().getByRole("link", { name: "Your account" })).toBeVisible();
  await signIn.expectNoAxeViolations();

  for (const path of ["/admin/users", "/admin/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await signIn.expectNoAxeViolations();
  }

  await page.goto("/account");
  await page.locator("[data-test=sign-out]").first().click();
  await expect(page).toHaveURL(/\/sign-in\?done=signed-out$/);
  await expect(page.locator("[data-test=notice]")).toHaveText("You have signed out.");
  await signIn.expectNoAxeViolations();
  await page.goto("/account");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in to continue");
});

test("without JavaScript signing in works as a plain form", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/admin/audit");
  await page.locator("[data-test=sign-in-to-continue]").click();
  const signIn = new SignInPage(page);
  await signIn.signIn(adminEmail, adminPassword);
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
  await context.close();
});
