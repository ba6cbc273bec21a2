import { test, expect, type Page } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";

async function signIn(page: Page, next: string) {
  await page.goto(`/sign-in?next=${next}`);
  await page.getByLabel("Email address").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.locator("[data-test=sign-in-submit]").click();
}

test("a draft policy is reviewed paragraph by paragraph, answered and published", async ({ page }) => {
  const shell = new Shell(page);
  await signIn(page, "/admin/policies");
  await expect(page).toHaveURL(/\/admin\/policies$/);
  await shell.expectNoAxeViolations();

  await page.locator("[data-test=new-policy]").click();
  await page.getByLabel("Title").fill("Keeping data inside the SDE");
  await page.getByLabel("Web address (optional)").fill("keeping-data-inside");
  await page.getByLabel("Summary").fill("Why data never leaves the Secure Data Environment.");
  await page
    .getByLabel("The policy (Markdown)")
    .fill("Researchers work on the data inside the SDE.\n\nOnly summary results, checked by our staff, can leave it.");
  await shell.expectNoAxeViolations();
  await page.locator("[data-test=save-policy]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("created as a draft");
  await page.locator("[data-test=open-review]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("open for review");
  await shell.expectNoAxeViolations();

  // Comment on the second paragraph, from the link under it.
  await page.goto("/review/keeping-data-inside");
  await shell.expectNoAxeViolations();
  // The form opens under the paragraph, with the paragraph right above it.
  await page.locator("#p-2 [data-test=comment-on-paragraph]").click();
  await expect(page.locator("#p-2 [data-test=comment-form]")).toBeVisible();
  await expect(page.locator("[data-test=commenting-on]")).toContainText("paragraph 2");
  await expect(page.locator("#body-info")).toContainText("You can enter up to 2,000 characters");
  await page.getByLabel("Your comment", { exact: true }).fill("Who checks the results, and how?");
  // The NHS.UK character count counts down as the person types.
  await expect(page.locator("#body-info")).toContainText("You have 1,968 characters remaining");
  await page.locator("[data-test=post-comment]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("comment has been posted");
  await expect(page.locator("#p-2 [data-test=thread]")).toContainText("Who checks the results, and how?");

  // A mistake is shown beside the field, and nothing is posted.
  await page.locator("[data-test=post-comment]").click();
  await expect(page.locator("[data-test=error-summary]")).toContainText("Enter your comment");
  await shell.expectNoAxeViolations();

  // Answer it, then publish.
  const thread = page.locator("[data-test=thread]").first();
  await thread.getByText("Answer this comment").click();
  await thread.getByLabel("We changed the policy", { exact: true }).check();
  await thread.getByLabel("The answer").fill("The policy now names the output checkers.");
  await thread.locator("[data-test=save-answer]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("answer has been saved");
  await expect(page.locator("[data-test=answer]")).toContainText("The policy now names the output checkers.");

  await page.goto("/admin/policies");
  await page.getByRole("link", { name: "Keeping data inside the SDE" }).click();
  await page.getByLabel("What this version changes").fill("First version, after review.");
  await page.locator("[data-test=publish-policy]").click();
  await expect(page.locator("[data-test=confirm-heading]")).toContainText("Publish version 1");
  await shell.expectNoAxeViolations();
  await page.locator("[data-test=confirm]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("has been published");

  await page.goto("/policies");
  await shell.expectNoAxeViolations();
  await page.getByRole("link", { name: "Keeping data inside the SDE" }).click();
  await expect(page.locator("[data-test=policy-body]")).toContainText("Only summary results");
  await expect(page.locator("[data-test=reviews]")).toContainText("Who checks the results, and how?");
  await expect(page.locator("[data-test=reviews]")).toContainText("The policy now names the output checkers.");
  await shell.expectNoAxeViolations();

  // The account page lists the comment and its answer.
  await page.goto("/account");
  await expect(page.locator("[data-test=my-comment]").first()).toContainText("Answered: We changed the policy");
  await shell.expectNoAxeViolations();
});
