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
  "/search?q=commercial+access",
  "/reports",
  "/reports?kind=briefing",
  "/reports/quarterly-summary-2026-q2",
  "/reports/public-panel-report/history",
  "/policies",
  "/policies/data-access",
  "/policies/data-access/versions",
  "/policies/data-access/versions/1",
  "/policies/data-access/moderation",
  "/no-such-page",
];

test("the home page renders the social licence and progress", async ({ page }) => {
  const wasm: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith(".wasm")) wasm.push(request.url());
  });
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  expect(wasm, "a page without islands downloads no WebAssembly").toEqual([]);
  await expect(page).toHaveTitle(/You said, we did/);
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
    // The copy-link button stays hidden when it cannot work.
    await expect(page.locator("[data-test=copy-link]")).toBeHidden();
  });
});

test.describe("with JavaScript", () => {
  test("navigation works and the copy-link button responds", async ({ page, context }) => {
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

test.describe("search", () => {
  test("without JavaScript the header box and the search form return results", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/");
    await page.getByLabel("Search this site").fill("opt-out");
    await page.getByLabel("Search this site").press("Enter");
    await expect(page).toHaveURL(/\/search\?q=opt-out/);
    await expect(page.locator("[data-test=search-hit]").first()).toBeVisible();
    await page.getByLabel("Search for").fill("PP-17");
    await page.getByRole("button", { name: "Search", exact: true }).last().click();
    await expect(page.locator("[data-test=search-hit] a").first()).toHaveAttribute("href", "/actions/PP-17");
    await context.close();
  });

  test("with JavaScript results follow the typing and the count is announced", async ({ page }) => {
    await page.goto("/search");
    const shell = new Shell(page);
    // Typing changes the results without a page load, and a status line reads the count.
    const input = page.locator("[data-test=search-input]");
    await expect(page.locator("[data-test=search-announcer]")).toHaveAttribute("aria-live", "polite");
    await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
    await input.pressSequentially("security", { delay: 30 });
    await expect(page.locator("[data-test=search-hit]").first()).toBeVisible();
    await expect(page.locator("[data-test=search-count]")).toContainText(/result/);
    await expect(page.locator("[data-test=search-announcer]")).toHaveText(
      (await page.locator("[data-test=search-count]").textContent()) ?? "",
    );
    expect(page.url()).toContain("/search");
    await expect(page.locator("[data-test=search-hit] mark").first()).toBeVisible();
    await shell.expectNoAxeViolations();
  });
});

test.describe("page weight", () => {
  test("a repeat visit revalidates the page and fetches none of its files again", async ({ page, context }) => {
    await page.goto("/actions");
    // The first visit is over once its script has run (it is fetched after the first paint).
    await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
    // What went over the wire (the browser reports a revalidated page as its cached 200;
    // the DevTools protocol gives the status the server sent).
    const client = await context.newCDPSession(page);
    await client.send("Network.enable");
    const sent: { url: string; status: number }[] = [];
    const urls = new Map<string, string>();
    client.on("Network.requestWillBeSent", (event) => urls.set(event.requestId, event.request.url));
    client.on("Network.responseReceivedExtraInfo", (event) =>
      sent.push({ url: new URL(urls.get(event.requestId) ?? "http://x/").pathname, status: event.statusCode }),
    );
    await page.goto("/actions");
    await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
    // The page is asked about again (ETag) and answered 304; the stylesheet and scripts
    // have content-hashed names and are kept, so they are not asked for at all.
    expect(sent.filter(({ url }) => url === "/actions").map(({ status }) => status)).toEqual([304]);
    expect(sent.filter(({ url }) => /\.(css|js|wasm)$/.test(url))).toEqual([]);
  });

  test("no public page fetches WebAssembly, search included", async ({ page }) => {
    const fetched: string[] = [];
    page.on("request", (request) => fetched.push(request.url()));
    for (const path of ["/", "/actions", "/actions/PP-1", "/reports", "/policies", "/you-said-we-did", "/search?q=data"]) {
      await page.goto(path);
      await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
    }
    const wasm = (url: string) => url.endsWith(".wasm") || /\/pkg\/candour[^/]*\.js$/.test(url);
    expect(fetched.filter(wasm)).toEqual([]);
  });

  test("the stylesheet's icons come with it: a page with a search box fetches no image but the favicon", async ({ page }) => {
    const images: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "image") images.push(new URL(request.url()).pathname);
    });
    for (const path of ["/", "/search?q=data"]) {
      await page.goto(path);
      await page.locator("[data-test=search-input], #search-field").first().fill("data");
      await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
    }
    expect(images.filter((path) => !path.includes("favicon"))).toEqual([]);
  });
});
