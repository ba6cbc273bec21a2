import { test, expect } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";
import { newCriticalFriend, signIn } from "../people";

// Critical friends' views of a recommendation: a critical friend gives one without
// JavaScript (a mistake first), the PPIE team answers it with JavaScript, and the public
// finds it through the register's filter; axe on every page where it can run.

test("a critical friend disagrees without JavaScript, the team answers, and the public finds it", async ({ browser, page }) => {
  const email = "priya.friend@example.org";
  const password = "meadow copper lantern violet";
  const friend = await newCriticalFriend(browser, email, password, "Priya");

  // Without JavaScript: a mistake first, shown beside the field, keeping the choice.
  await friend.page.goto("/actions/PP-3");
  await expect(friend.page.locator("[data-test=friends-counts]")).toContainText("No critical friend has given a view yet");
  await friend.page.getByLabel("Disagree").check();
  await friend.page.getByLabel("Show my name with my view").check();
  await friend.page.locator("[data-test=save-view]").click();
  await expect(friend.page.locator("[data-test=error-summary]")).toContainText("Enter your reason");
  await expect(friend.page.getByLabel("Disagree")).toBeChecked();
  await friend.page.getByLabel("Your reason").fill("The opt-out page is still hard to find from the home page.");
  await friend.page.locator("[data-test=save-view]").click();
  await expect(friend.page).toHaveURL(/done=view-saved#friends-view$/);
  await expect(friend.page.locator("[data-test=notice]")).toContainText("Your view has been saved");
  await expect(friend.page.locator("[data-test=friends-counts]")).toContainText("0 agree, 0 partly agree, 1 disagree");
  await expect(friend.page.locator("[data-test=friends-view]")).toContainText("Priya");
  await expect(friend.page.getByRole("heading", { name: "Change your view" })).toBeVisible();
  await friend.context.close();

  // The critical friend's form, with its character count, passes axe (which needs JavaScript).
  const withScript = await browser.newContext();
  const friendPage = await withScript.newPage();
  await signIn(friendPage, email, password, "/actions/PP-3");
  await expect(friendPage.locator("#reason-info")).toContainText("characters remaining");
  await new Shell(friendPage).expectNoAxeViolations();
  await withScript.close();

  // With JavaScript, the PPIE team answers it in public.
  const shell = new Shell(page);
  await signIn(page, adminEmail, adminPassword, "/actions/PP-3");
  await shell.expectNoAxeViolations();
  const view = page.locator("[data-test=friends-view]").first();
  await view.getByText("Answer this view in public").click();
  await view.getByLabel("Your answer").fill("We are moving the opt-out link to the top of the home page this month.");
  await shell.expectNoAxeViolations();
  await view.locator("[data-test=save-view-answer]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("The answer has been saved");
  await expect(page.locator("[data-test=view-answer]")).toContainText("moving the opt-out link");

  // The public: the home page's count leads to the filtered register, then the reasons.
  const publicContext = await browser.newContext();
  const reader = await publicContext.newPage();
  const readerShell = new Shell(reader);
  await reader.goto("/");
  await expect(reader.locator("[data-test=friends-disagree]")).toContainText("disagree with the status of 1 recommendation.");
  await reader.locator("[data-test=friends-disagree] a").click();
  await expect(reader).toHaveURL(/\/actions\?friends_view=disagree$/);
  await expect(reader.locator("[data-test=register-row]")).toHaveCount(1);
  await expect(reader.locator("[data-test=row-friends]")).toContainText("1 disagree");
  await readerShell.expectNoAxeViolations();
  await reader.locator("[data-test=register-row] a").first().click();
  await expect(reader.locator("[data-test=friends-views]")).toContainText("The opt-out page is still hard to find");
  await expect(reader.locator("[data-test=friends-views]")).toContainText("The SDE’s answer");
  await expect(reader.locator("[data-test=friends-view-form]")).toHaveCount(0);
  await readerShell.expectNoAxeViolations();
  await publicContext.close();
});
