// Opens a `charter docs` site from disk (file://) in Debian's headless Chromium through
// playwright-core, follows every internal link (pages and #fragments), runs a search, records
// console errors and page errors, and saves screenshots. Prints one JSON summary line; exits 1 on
// any broken link, console error or failed search.
//
//   node check.mjs SITE_DIR SCREENSHOT_DIR
//
// Environment: CHARTER_CHROMIUM (default /usr/bin/chromium). Used by
// cli/tests/site_browser.rs.
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const [siteDir, shotDir] = process.argv.slice(2).map((p) => path.resolve(p));
const executablePath = process.env.CHARTER_CHROMIUM || "/usr/bin/chromium";
const MAX_PAGES = 200;

fs.mkdirSync(shotDir, { recursive: true });
const userDataDir = fs.mkdtempSync(path.join(shotDir, "profile-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
});

const consoleErrors = [];
const broken = [];
const requests = [];
let linksChecked = 0;

const dialogs = [];

function watch(page) {
  // A dialog (alert, confirm) can only come from script injected through spec text.
  page.on("dialog", async (d) => { dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`); await d.dismiss(); });
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  page.on("requestfailed", (r) => broken.push(`request failed: ${r.url()}`));
}

const page = await context.newPage();
watch(page);
const start = pathToFileURL(path.join(siteDir, "index.html")).href;
const queue = [start];
const visited = new Set();
const ids = new Map(); // page URL → Set of element ids
const fragments = []; // [from, target page URL, fragment]

while (queue.length > 0 && visited.size < MAX_PAGES) {
  const url = queue.shift();
  if (visited.has(url)) continue;
  visited.add(url);
  const file = fileURLToPath(url);
  if (!fs.existsSync(file)) {
    broken.push(`missing page: ${url}`);
    continue;
  }
  if (!url.endsWith(".html")) continue; // the diagram, the dot source: existence is enough
  await page.goto(url, { waitUntil: "load" });
  const found = await page.evaluate(() => ({
    ids: Array.from(document.querySelectorAll("[id]"), (e) => e.id),
    links: Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
    images: Array.from(document.images, (i) => [i.src, i.complete && i.naturalWidth > 0]),
  }));
  ids.set(url, new Set(found.ids));
  for (const [src, ok] of found.images) {
    if (!ok) broken.push(`image not shown: ${src} on ${url}`);
  }
  for (const href of found.links) {
    if (!href.startsWith("file://")) {
      broken.push(`external link: ${href} on ${url}`);
      continue;
    }
    linksChecked++;
    const [target, fragment] = href.split("#");
    if (fragment) fragments.push([url, target, decodeURIComponent(fragment)]);
    if (!visited.has(target)) queue.push(target);
  }
}
for (const [from, target, fragment] of fragments) {
  const set = ids.get(target);
  if (set && !set.has(fragment)) broken.push(`missing #${fragment} in ${target} (linked from ${from})`);
}

// Screenshots: the index and a service page, on a laptop and on a phone.
await page.goto(start, { waitUntil: "load" });
await page.screenshot({ path: path.join(shotDir, "index.png"), fullPage: false });
const servicePages = [...visited].filter((u) => /\/[^/]+\.v\d+[^/]*\.html$/.test(u)).sort();
const service = servicePages.find((u) => u.includes("user")) || servicePages[0];
let expectedTextShown = null;
if (service) {
  await page.goto(service, { waitUntil: "load" });
  const expected = process.env.CHARTER_EXPECT_TEXT;
  if (expected) expectedTextShown = await page.evaluate((t) => document.body.innerText.includes(t), expected);
  await page.screenshot({ path: path.join(shotDir, "service.png"), fullPage: false });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shotDir, "service-phone.png"), fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
}

// Search: type a query on the index, see results, follow the first one.
const query = process.env.CHARTER_SEARCH_QUERY || "user";
await page.goto(start, { waitUntil: "load" });
await page.fill("#search", query);
await page.waitForSelector("#results a", { timeout: 5000 });
const results = await page.$$eval("#results a", (as) => as.map((a) => a.textContent));
await page.screenshot({ path: path.join(shotDir, "search.png"), fullPage: false });
const firstHref = await page.$eval("#results a", (a) => a.href);
await page.click("#results a");
await page.waitForLoadState("load");
const landed = page.url();
const searchOk = results.length > 0 && landed.split("#")[0] === firstHref.split("#")[0];
await page.fill("#search", "zzzz-no-such-thing");
const none = await page.$eval("#results", (ul) => ul.textContent);

await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });

const summary = {
  pages: [...visited].filter((u) => u.endsWith(".html")).length,
  links: linksChecked,
  fragments: fragments.length,
  broken,
  consoleErrors,
  dialogs,
  expectedTextShown,
  externalRequests: requests,
  search: { query, results: results.length, first: results[0] || null, landed, nothingMessage: none },
  screenshots: fs.readdirSync(shotDir).filter((f) => f.endsWith(".png")).sort(),
};
console.log(JSON.stringify(summary));
const ok = broken.length === 0 && consoleErrors.length === 0 && dialogs.length === 0 && requests.length === 0 && searchOk
  && none.includes("Nothing matches") && expectedTextShown !== false;
process.exit(ok ? 0 : 1);
