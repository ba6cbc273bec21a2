import { test, expect, type Page } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";

/** The PPIE team running the register from the browser, with JavaScript on and off. */
async function signIn(page: Page, next: string) {
  await page.goto(`/sign-in?next=${next}`);
  await page.getByLabel("Email address").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.locator("[data-test=sign-in-submit]").click();
}

async function fillDate(page: Page, legend: string, date: Date) {
  const group = page.getByRole("group", { name: legend });
  await group.getByLabel("Day").fill(String(date.getDate()));
  await group.getByLabel("Month").fill(String(date.getMonth() + 1));
  await group.getByLabel("Year").fill(String(date.getFullYear()));
}

test("the staff home lists what needs doing and every staff page has the same navigation", async ({ page }) => {
  const shell = new Shell(page);
  await signIn(page, "/account");
  await shell.mainNav().getByRole("link", { name: "Staff", exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Staff home");
  await expect(page.locator("[data-test=overdue]")).toBeVisible();
  await expect(page.locator("[data-test=open-reviews]")).toBeVisible();
  await shell.expectNoAxeViolations();
  for (const section of ["Engagements and recommendations", "Values, priorities and pages", "Reports", "Policies"]) {
    await page.locator("[data-test=staff-nav]").getByRole("link", { name: section }).click();
    await expect(page.locator("[data-test=staff-nav] [aria-current=true]")).toHaveText(section);
    await shell.expectNoAxeViolations();
  }
});

test("a decision is checked, recorded, and shows no stale progress", async ({ page }) => {
  const shell = new Shell(page);
  await signIn(page, "/actions/SH-2");
  await expect(page).toHaveURL(/\/actions\/SH-2$/);
  await expect(page.getByText("% complete")).toBeVisible();
  await page.locator("[data-test=staff-update]").click();
  await expect(page).toHaveURL(/\/admin\/actions\/SH-2$/);
  await shell.expectNoAxeViolations();

  // A mistake first: a date that does not exist is named by its box.
  await page.getByLabel("Done", { exact: true }).check();
  const group = page.getByRole("group", { name: "Date of the change" });
  await group.getByLabel("Day").fill("31");
  await group.getByLabel("Month").fill("2");
  await group.getByLabel("Year").fill("2026");
  await page.getByLabel("Public note about the change").fill("Finished: every leaflet is now in five languages.");
  await page.getByLabel("Progress, per cent").fill("");
  const target = page.getByRole("group", { name: "Target date" });
  for (const box of ["Day", "Month", "Year"]) await target.getByLabel(box).fill("");
  await page.locator("[data-test=continue]").click();
  await expect(page.locator("[data-test=error-summary]")).toContainText("Date of the change must be a real date");
  await expect(page.getByLabel("Public note about the change")).toHaveValue("Finished: every leaflet is now in five languages.");
  await shell.expectNoAxeViolations();

  await fillDate(page, "Date of the change", new Date());
  await page.getByLabel("Summary").fill("Every leaflet is now in five community languages.");
  await page.locator("[data-test=continue]").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Check your update before recording it");
  await expect(page.locator("[data-test=permanent-warning]")).toBeVisible();
  await shell.expectNoAxeViolations();
  await page.locator("[data-test=record-update]").click();
  await expect(page).toHaveURL(/\/actions\/SH-2\?done=recommendation-updated$/);
  await expect(page.locator("[data-test=decided-on]")).toContainText("Decision made on");
  await expect(page.getByText("% complete")).toHaveCount(0);
  await expect(page.getByText("Finished: every leaflet is now in five languages.")).toBeVisible();
  await shell.expectNoAxeViolations();

  // Follow it, and find it on the account page.
  await page.locator("[data-test=follow]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("You follow this recommendation");
  await page.goto("/account");
  await expect(page.locator("[data-test=followed]")).toContainText("SH-2");
  await shell.expectNoAxeViolations();
});

test("without JavaScript an editor adds an engagement and a recommendation, and rewords it", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, "/admin/engagements");
  await expect(page).toHaveURL(/\/admin\/engagements$/);
  await page.locator("[data-test=new-engagement]").click();
  await page.getByLabel("Name", { exact: true }).fill("Young People's Data Jury 2027");
  await page.getByLabel("Reference prefix").fill("YJ");
  await page.getByLabel("Kind of engagement").selectOption("public-panel");
  await fillDate(page, "Start date", new Date(2027, 0, 9));
  await page.getByLabel("Summary").fill("Twenty young people aged 16 to 24 met over three weekends.");
  await page.getByLabel("Description").fill("They asked how apps and the NHS share health data.");
  await page.getByLabel("Figure 1", { exact: true }).fill("20");
  await page.getByLabel("What figure 1 counts").fill("young people aged 16 to 24");
  await page.locator("[data-test=save-engagement]").click();
  await expect(page.locator("[data-test=notice]")).toContainText("The engagement has been saved");
  const key = new URL(page.url()).pathname.split("/").pop();

  await page.goto(`/admin/actions/new?engagement=${key}`);
  await expect(page.getByLabel("Reference")).toHaveValue("YJ-1");
  await page.getByLabel("Title", { exact: true }).fill("Explain data use in the apps we already use");
  await page.getByLabel("What people said").fill("Tell us in the NHS App when our records are used for research.");
  await page.getByLabel("Transparency").check();
  await page.getByLabel("Team responsible").fill("SDE Communications Team");
  await page.getByLabel("Evidence 1: title").fill("The jury's report");
  await page.getByLabel("Evidence 1: web address").fill("not a web address");
  await page.locator("[data-test=add-recommendation]").click();
  await expect(page.locator("[data-test=error-summary]")).toContainText("Enter a full web address");
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Explain data use in the apps we already use");
  await page.getByLabel("Evidence 1: web address").fill("/engagement");
  await page.locator("[data-test=add-recommendation]").click();
  await expect(page).toHaveURL(/\/actions\/YJ-1\?done=recommendation-added$/);
  await expect(page.locator("[data-test=history]")).toContainText("Raised at Young People's Data Jury 2027.");

  // The public finds it in the register and its feed.
  const register = await page.goto(`/actions?engagement=${key}`);
  expect(register?.status()).toBe(200);
  await expect(page.getByRole("link", { name: /Explain data use in the apps/ }).first()).toBeVisible();
  const feed = await page.request.get("/actions/feed.atom");
  expect(await feed.text()).toContain("YJ-1");

  // A new wording needs a reason; the earlier one stays on the public page.
  await page.goto("/admin/actions/YJ-1/details");
  await page.getByLabel("Title", { exact: true }).fill("Explain data use in the NHS App");
  await page.locator("[data-test=save-details]").click();
  await expect(page.locator("[data-test=error-summary]")).toContainText("Say why the wording changes");
  await page.getByLabel("Why the wording changes").fill("Agreed with the jury: the NHS App is the one they meant.");
  await page.locator("[data-test=save-details]").click();
  await expect(page.locator("[data-test=earlier-wordings]")).toContainText("Agreed with the jury");
  await expect(page.locator("[data-test=earlier-wordings]")).toContainText("Explain data use in the apps we already use");
  await context.close();
});

test("the new staff pages pass axe, and a page edited in the browser shows at once", async ({ page }) => {
  const shell = new Shell(page);
  await signIn(page, "/admin/engagements");
  await shell.expectNoAxeViolations();
  await page.goto("/admin/engagements/new");
  await shell.expectNoAxeViolations();
  await page.goto("/admin/actions/new?engagement=public-panel");
  await shell.expectNoAxeViolations();
  await page.goto("/admin/actions/PP-7/details");
  await shell.expectNoAxeViolations();
  await page.goto("/admin/content");
  await shell.expectNoAxeViolations();
  await page.goto("/admin/glossary");
  await shell.expectNoAxeViolations();

  await page.goto("/admin/pages/accessibility");
  await shell.expectNoAxeViolations();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.locator("[data-test=body]").fill("## Our promise\n\nWe test every page with a screen reader before it changes.");
  await expect(page.locator("[data-test=preview]").getByRole("heading", { name: "Our promise" })).toBeVisible();
  await page.getByLabel("What changed (optional)").fill("A shorter statement");
  await page.locator("[data-test=save-content]").click();
  await expect(page).toHaveURL(/\/accessibility\?done=content-saved$/);
  await expect(page.getByText("We test every page with a screen reader before it changes.")).toBeVisible();
  await shell.expectNoAxeViolations();
});
