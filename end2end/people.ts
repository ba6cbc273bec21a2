import { expect, type Browser, type Page } from "@playwright/test";
import { adminEmail, adminPassword } from "./accounts";
import { emailTo, linkIn } from "./mail";

// People the browser tests need beyond the administrator: signing in, and a Digital
// Critical Friend invited and set up through the real forms and email.

/** Signs in through the form and waits for `next`. */
export async function signIn(page: Page, email: string, password: string, next: string) {
  await page.goto(`/sign-in?next=${next}`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.locator("[data-test=sign-in-submit]").click();
  await expect(page).toHaveURL(new RegExp(next.replace("?", "\\?")));
}

/** Invites a critical friend as the administrator and sets up their account, in a browser
 * context without JavaScript (returned with its page). */
export async function newCriticalFriend(browser: Browser, email: string, password: string, name: string) {
  const staff = await browser.newPage();
  await signIn(staff, adminEmail, adminPassword, "/admin/users");
  await staff.getByLabel("Their email address").fill(email);
  await staff.getByLabel("Role", { exact: true }).selectOption({ label: "Digital Critical Friend" });
  await staff.getByRole("button", { name: "Create invitation" }).click();
  await expect(staff.locator("[data-test=one-time-link]")).toContainText(email);
  await staff.close();
  const invite = linkIn(await emailTo(email, ""), "/invite/");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(invite);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Choose a password").fill(password);
  await page.getByLabel("Type the password again").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account/);
  return { context, page };
}
