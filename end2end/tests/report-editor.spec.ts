import { test, expect, type Page } from "@playwright/test";
import { Shell } from "./pages";
import { adminEmail, adminPassword } from "../accounts";

/** The report editor: write, preview and publish, with JavaScript on and off. */
class ReportEditor extends Shell {
  async signIn() {
    await this.page.goto("/sign-in?next=/admin/reports/new");
    await this.page.getByLabel("Email address").fill(adminEmail);
    await this.page.getByLabel("Password").fill(adminPassword);
    await this.page.locator("[data-test=sign-in-submit]").click();
    await expect(this.page).toHaveURL(/\/admin\/reports\/new$/);
  }

  async fillDetails(title: string) {
    await this.page.getByLabel("Title").fill(title);
    await this.page.getByLabel("Type of report").selectOption("briefing");
    const date = this.page.getByRole("group", { name: "Date of the report" });
    await date.getByLabel("Day").fill("20");
    await date.getByLabel("Month").fill("11");
    await date.getByLabel("Year").fill("2026");
    await this.page.getByLabel("Summary").fill("How researchers outside the NHS may use data, in plain words.");
  }

  body() {
    return this.page.locator("[data-test=body]");
  }

  preview() {
    return this.page.locator("[data-test=preview]");
  }
}

const BODY =
  "## Who can use the data\n\nOnly approved researchers can use the data, inside the secure environment.\n\n" +
  "## What they cannot do\n\nThey cannot take the data away. The data is pseudonymised before they see it.";

async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
}

test("with JavaScript the preview follows the typing, and publishing makes the report public", async ({ page }) => {
  const editor = new ReportEditor(page);
  await editor.signIn();
  await editor.expectNoAxeViolations();
  await hydrated(page);
  await editor.fillDetails("Researchers outside the NHS");
  await editor.body().fill(BODY);
  await expect(editor.preview().getByRole("heading", { name: "Who can use the data" })).toBeVisible();
  await expect(page.locator("[data-test=word-count]")).not.toHaveText("0");
  await expect(page.locator("[data-test=jargon]")).toContainText("pseudonymised");
  await expect(page.locator("[data-test=preview-status]")).toHaveText("Preview updated.");
  await editor.expectNoAxeViolations();
  await page.locator("[data-test=publish]").click();
  // Publishing is public at once: it asks first.
  await expect(page.locator("[data-test=confirm-heading]")).toHaveText("Publish “Researchers outside the NHS”?");
  await editor.expectNoAxeViolations();
  await page.locator("[data-test=confirm]").click();
  await expect(page).toHaveURL(/\/admin\/reports\/\d+\?done=report-published$/);
  await expect(page.locator("[data-test=notice]")).toHaveText("The report has been published.");
  await editor.expectNoAxeViolations();
  await page.goto("/reports/researchers-outside-the-nhs");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Researchers outside the NHS");
  await expect(page.getByText("Only approved researchers can use the data")).toBeVisible();
});

test("without JavaScript the Preview button shows the preview and a draft stays private", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const editor = new ReportEditor(page);
  await editor.signIn();
  await editor.fillDetails("A draft about consent");
  await editor.body().fill(BODY);
  await page.locator("[data-test=preview-button]").click();
  await expect(editor.preview().getByRole("heading", { name: "What they cannot do" })).toBeVisible();
  await expect(page.getByLabel("Title")).toHaveValue("A draft about consent");
  await expect(editor.body()).toHaveValue(BODY);
  // (axe needs JavaScript in the page, so the markup is checked in the test above.)
  await page.locator("[data-test=save-draft]").click();
  await expect(page.locator("[data-test=notice]")).toHaveText("The report has been saved as a draft.");
  await expect(page.locator("[data-test=report-state]")).toHaveText("Draft");
  const response = await page.goto("/reports/a-draft-about-consent");
  expect(response?.status()).toBe(404);
  await context.close();
});

test("with JavaScript, leaving the editor with unsaved changes asks first", async ({ page }) => {
  const editor = new ReportEditor(page);
  await editor.signIn();
  await editor.body().fill("Some words that were never saved.");
  const asked = new Promise<string>((resolve) =>
    page.on("dialog", async (dialog) => {
      resolve(dialog.type());
      await dialog.accept();
    }),
  );
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe("beforeunload");
});

test("a report with mistakes is shown again with each message beside its field", async ({ page }) => {
  const editor = new ReportEditor(page);
  await editor.signIn();
  await page.getByLabel("Title").fill("");
  await page.locator("[data-test=save-draft]").click();
  await expect(page.locator("[data-test=error-summary]")).toContainText("Enter a title");
  await expect(page.locator("[data-test=error-summary]")).toContainText("Enter the report");
  await editor.expectNoAxeViolations();
});
