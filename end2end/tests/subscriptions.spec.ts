import { test, expect } from "@playwright/test";
import { Shell } from "./pages";
import { emailTo, emailsTo, linkIn } from "../mail";

/** A member of the public asks for emails, confirms from the email, changes and stops them:
 * with JavaScript, and without. Every page is checked with axe. */

test("someone follows a recommendation by email, confirms, chooses weekly and stops", async ({ page }) => {
  const shell = new Shell(page);
  const address = "js.reader@example.org";
  await page.goto("/actions/SH-4");
  const card = page.locator("[data-test=subscribe]");
  await expect(card.getByRole("heading", { name: "Get emails when this changes" })).toBeVisible();
  await expect(page.getByText("Or, in a feed reader")).toBeVisible();
  // A mistake first: explained beside the field, with what was typed kept.
  await card.getByLabel("Email address").fill("js.reader at example.org");
  await card.locator("[data-test=subscribe-button]").click();
  await expect(page.locator("[data-test=error-summary]")).toContainText("email address");
  await expect(page.getByLabel("Email address")).toHaveValue("js.reader at example.org");
  await shell.expectNoAxeViolations();
  await page.getByLabel("Email address").fill(address);
  await page.locator("[data-test=subscribe-button]").click();
  await expect(page).toHaveURL(/\/subscribe(\?|$)/);
  await expect(page.locator("[data-test=subscribe-outcome]")).toContainText("Check your email");
  await shell.expectNoAxeViolations();

  const confirmation = await emailTo(address, "Confirm");
  expect(confirmation.text).toContain("changes to recommendation SH-4");
  const confirm = linkIn(confirmation, "/subscriptions/");
  await page.goto(confirm);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confirm your subscription");
  await shell.expectNoAxeViolations();
  await page.locator("[data-test=confirm-button]").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your emails from Wessex Secure Data Environment");
  await expect(page.locator("[data-test=notice]")).toContainText("your subscription is confirmed");
  await expect(page.getByLabel(/changes to recommendation SH-4/)).toBeChecked();
  await shell.expectNoAxeViolations();

  await page.getByLabel("One summary a week, on Mondays").check();
  await page.locator("[data-test=save-subscription]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("Your choices have been saved");
  await expect(page.getByLabel("One summary a week, on Mondays")).toBeChecked();

  // The "stop all emails" link in every email's footer opens this page.
  await page.goto(confirm.replace(/\/confirm$/, "/unsubscribe"));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Stop emails from Wessex Secure Data Environment");
  await shell.expectNoAxeViolations();
  await page.locator("[data-test=unsubscribe-button]").click();
  await expect(page).toHaveURL(/\/subscriptions\/left/);
  await expect(page.locator("[data-test=left]")).toHaveText("You will get no more emails");
  await shell.expectNoAxeViolations();
  // The page a mail program's "unsubscribe" link opens, for a subscription still there.

  // The secret link no longer finds anything.
  const gone = await page.goto(confirm.replace(/\/confirm$/, ""));
  expect(gone?.status()).toBe(404);
  expect(emailsTo(address)).toHaveLength(1);
});

// axe needs JavaScript in the page, so these pages are checked with it in the test above.
test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("subscribing to new reports: a mistake is explained, then confirm and stop", async ({ page }) => {
    const address = "plain.reader@example.org";
    await page.goto("/reports");
    const card = page.locator("[data-test=subscribe]");
    await card.getByLabel("Email address").fill("plain.reader at example.org");
    await card.locator("[data-test=subscribe-button]").click();
    await expect(page.locator("[data-test=error-summary]")).toBeVisible();
    await expect(page.getByLabel("Email address")).toHaveValue("plain.reader at example.org");
    await page.getByLabel("Email address").fill(address);
    await page.locator("[data-test=subscribe-button]").click();
    await expect(page.locator("[data-test=subscribe-outcome]")).toContainText("new reports");

    const confirm = linkIn(await emailTo(address, "Confirm"), "/subscriptions/");
    await page.goto(confirm);
    await page.locator("[data-test=confirm-button]").click();
    await expect(page.getByLabel("new reports")).toBeChecked();
    const token = confirm.split("/")[2];

    // The "stop all emails" link in every email's footer.
    await page.goto(`/subscriptions/${token}/unsubscribe`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Stop emails from Wessex Secure Data Environment");
    await page.locator("[data-test=unsubscribe-button]").click();
    await expect(page.locator("[data-test=left]")).toBeVisible();
  });
});
