// Bytes a real browser (Debian's Chromium, through Playwright) fetches for a page, as
// served (compressed, with headers: CDP's encodedDataLength), on a first visit with an
// empty cache, and on a repeat visit: another page opened after the home page in the same
// browser, so what the home page left in the cache counts as the browser would count it.
// Usage: node bench/weight.mjs http://127.0.0.1:PORT /path ... (prints JSON lines)
import { chromium } from "playwright";

const [base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });

async function visit(page, client, path) {
  const bytes = new Map();
  const urls = new Map();
  const finished = (event) => bytes.set(event.requestId, event.encodedDataLength);
  const requested = (event) => urls.set(event.requestId, event.request.url);
  client.on("Network.loadingFinished", finished);
  client.on("Network.requestWillBeSent", requested);
  await page.goto(base + path, { waitUntil: "networkidle" });
  client.off("Network.loadingFinished", finished);
  client.off("Network.requestWillBeSent", requested);
  let total = 0;
  const files = [];
  for (const [id, size] of bytes) {
    total += size;
    files.push([new URL(urls.get(id) ?? "").pathname, size]);
  }
  return { total, files };
}

for (const path of paths) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const client = await context.newCDPSession(page);
  await client.send("Network.enable");
  const first = await visit(page, client, path);
  await context.close();
  const again = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const second = await again.newPage();
  const secondClient = await again.newCDPSession(second);
  await secondClient.send("Network.enable");
  await visit(second, secondClient, path === "/" ? "/actions" : "/");
  const repeat = await visit(second, secondClient, path);
  await again.close();
  console.log(JSON.stringify({ path, first, repeat }));
}
await browser.close();
