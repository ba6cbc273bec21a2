import { test, expect, type Page } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";
import { newCriticalFriend, signIn } from "../people";

// A revised policy reviewed by a critical friend without JavaScript (the changed paragraph
// marked, the comment form under the paragraph, an edit and a withdrawal), answered by the
// PPIE team from the answer queue, published, and checked by the public in the comparison;
// axe on the pages with JavaScript.

async function policyEditor(page: Page): Promise<string> {
  await page.goto("/admin/policies");
  await page.getByRole("link", { name: "Sharing summary results" }).click();
  return page.url();
}

async function publish(page: Page, note: string) {
  await page.getByLabel("What this version changes").fill(note);
  await page.locator("[data-test=publish-policy]").click();
  await page.locator("[data-test=confirm]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("has been published");
}

test("a revised policy is reviewed under its paragraphs, answered from the queue and compared in public", async ({ browser, page }) => {
  const shell = new Shell(page);
  await signIn(page, adminEmail, adminPassword, "/admin/policies");

  // Version 1, published.
  await page.locator("[data-test=new-policy]").click();
  await page.getByLabel("Title").fill("Sharing summary results");
  await page.getByLabel("Web address (optional)").fill("sharing-results");
  await page.getByLabel("Summary").fill("What may leave the SDE, and who checks it.");
  await page
    .getByLabel("The policy (Markdown)")
    .fill("Researchers see data only inside the SDE.\n\nOnly summary results may leave.\n\nWe list every project on this website.");
  await page.locator("[data-test=save-policy]").click();
  await page.locator("[data-test=open-review]").click();
  await publish(page, "The first version.");

  // Version 2 changes paragraph 2 and goes to review.
  await policyEditor(page);
  await page.locator("[data-test=revise-policy]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("new draft");
  await page
    .getByLabel("The policy (Markdown)")
    .fill("Researchers see data only inside the SDE.\n\nOnly summary results checked by two trained staff may leave.\n\nWe list every project on this website.");
  await page.locator("[data-test=save-policy]").click();
  await page.locator("[data-test=open-review]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("open for review");

  // A critical friend, without JavaScript.
  const friend = await newCriticalFriend(browser, "sam.reviewer@example.org", "orchard pebble harbour quiet", "Sam");
  const review = friend.page;
  await review.goto("/review/sharing-results");
  await expect(review.locator("#p-2 [data-test=changed-paragraph]")).toBeVisible();
  await expect(review.locator("#p-1 [data-test=changed-paragraph]")).toHaveCount(0);
  await review.locator("#p-2 [data-test=comment-on-paragraph]").click();
  const form = review.locator("#p-2 [data-test=comment-form]");
  await expect(form).toBeVisible();
  await expect(form).toContainText("You can enter up to 2,000 characters");
  await form.getByLabel("Your comment", { exact: true }).fill("Who are the two staff, and are they trained?");
  await form.locator("[data-test=post-comment]").click();
  await expect(review.locator("[data-test=notice]")).toContainText("comment has been posted");
  await expect(review.locator("#p-2 [data-test=thread]")).toContainText("Who are the two staff");

  // The author corrects it; the earlier text stays with it.
  const own = review.locator("#p-2 [data-test=own-comment]");
  await own.getByText("Change or withdraw your comment").click();
  await own.getByLabel("Change your comment to").fill("Who are the two staff, and how are they trained?");
  await own.locator("[data-test=save-edit]").click();
  await expect(review.locator("[data-test=notice]")).toContainText("has been changed");
  await expect(review.locator("#p-2 [data-test=thread]")).toContainText("how are they trained?");
  await expect(review.locator("#p-2 [data-test=earlier-texts]")).toContainText("Edited by its author");

  // A second comment, on the whole policy, withdrawn after a confirmation.
  await review.goto("/review/sharing-results#comment-form");
  await review.getByLabel("Your comment", { exact: true }).fill("I posted this by mistake.");
  await review.locator("[data-test=post-comment]").click();
  const mistaken = review.locator("[data-test=thread]", { hasText: "I posted this by mistake." });
  await mistaken.getByText("Change or withdraw your comment").click();
  await mistaken.locator("[data-test=withdraw]").click();
  await expect(review.locator("[data-test=confirm-heading]")).toContainText("Withdraw your comment?");
  await review.locator("[data-test=confirm]").click();
  await expect(review.locator("[data-test=notice]")).toContainText("has been withdrawn");
  await expect(review.locator("body")).toContainText("Withdrawn by its author.");
  await expect(review.locator("body")).not.toContainText("I posted this by mistake.");
  await friend.context.close();

  // The same review with JavaScript: the form under a paragraph and the author's own forms
  // pass axe.
  const withScript = await browser.newContext();
  const reviewer = await withScript.newPage();
  await signIn(reviewer, "sam.reviewer@example.org", "orchard pebble harbour quiet", "/review/sharing-results?paragraph=3");
  await expect(reviewer.locator("#p-3 [data-test=comment-form]")).toBeVisible();
  await new Shell(reviewer).expectNoAxeViolations();
  await withScript.close();

  // The team answers from the queue, with JavaScript.
  await policyEditor(page);
  await page.locator("[data-test=answer-queue-link]").click();
  await expect(page.locator("[data-test=queue-count]")).toContainText("1 comment is waiting for an answer");
  await expect(page.locator("[data-test=queue-paragraph]")).toContainText("checked by two trained staff");
  await shell.expectNoAxeViolations();
  const item = page.locator("[data-test=queue-item]").first();
  await item.getByLabel("We changed the policy", { exact: true }).check();
  await item.getByLabel("The answer").fill("Paragraph 2 now says they are trained output checkers.");
  await item.locator("[data-test=save-answer]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("answer has been saved");
  await expect(page.locator("[data-test=queue-count]")).toContainText("Every comment has an answer");

  // Version 2, published; the public compares it with version 1.
  await policyEditor(page);
  await publish(page, "Says who checks results.");
  const publicContext = await browser.newContext();
  const reader = await publicContext.newPage();
  const readerShell = new Shell(reader);
  await reader.goto("/policies/sharing-results");
  await expect(reader.locator("[data-test=review-summary]").first()).toContainText("1 changed the policy");
  await readerShell.expectNoAxeViolations();
  await reader.goto("/policies/sharing-results/compare?from=1&to=2");
  const change = reader.locator("[data-test=paragraph-change]").first();
  await expect(change).toContainText("Paragraph 2 changed");
  await expect(change.locator("ins").first()).toBeVisible();
  await expect(change).toContainText("checked by two trained staff");
  await readerShell.expectNoAxeViolations();
  await reader.goto("/policies/sharing-results/versions");
  await expect(reader.locator("[data-test=version-item]")).toHaveCount(2);
  await readerShell.expectNoAxeViolations();
  await publicContext.close();
});
