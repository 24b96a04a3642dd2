// Drives Debian's chromium (headless, puppeteer-core) through a floodtwin web viewer with an
// ensemble's layers and prints what it saw as JSON; test_web_ensemble.py compares it with the
// ensemble file.
//   node browser_ensemble.mjs VIEWER_DIR ARTEFACT_DIR PROBES_JSON
// PROBES_JSON: {"click": [x, y], "mode": "p:1", "gauge": "name"} in the results' CRS.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [viewerDir, artefacts, probesText] = process.argv.slice(2);
const require = createRequire(path.resolve(process.env.FLOODTWIN_WEB_DIR, "package.json"));
const puppeteer = require("puppeteer-core");
const probes = JSON.parse(probesText);
fs.mkdirSync(artefacts, { recursive: true });
const root = fs.realpathSync(viewerDir);
const url = pathToFileURL(path.join(root, "index.html")).href;
const out = { console_errors: [], page_errors: [], requests: [], outside: [], failed: [] };

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--no-first-run", "--disable-background-networking", "--disable-component-update"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const u = req.url();
    out.requests.push(u.startsWith("data:") ? "data:" : u);
    const inside = u.startsWith("data:") || u.startsWith("blob:") ||
      (u.startsWith("file://") && decodeURIComponent(new URL(u).pathname).startsWith(root + "/"));
    if (!inside) { out.outside.push(u); req.abort(); } else req.continue();
  });
  page.on("requestfailed", (req) => out.failed.push(req.url().slice(0, 120)));
  page.on("console", (m) => { if (m.type() === "error") out.console_errors.push(m.text()); });
  page.on("pageerror", (e) => out.page_errors.push(String(e)));

  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => window.floodtwinViewer.ready);
  out.modes = await page.$$eval("#mode option", (els) => els.map((e) => [e.value, e.textContent]));
  // The probability layer, chosen as a user does (the select's value and a change event).
  await page.$eval("#mode", (el, m) => { el.value = m; el.dispatchEvent(new Event("change")); }, probes.mode);
  await page.waitForFunction(() => !document.querySelector("#legend h2") || document.querySelector("#legend h2").textContent.startsWith("P("));
  await new Promise((r) => setTimeout(r, 300));
  out.legend = await page.$eval("#legend", (el) => el.innerText);
  out.subtitle = await page.$eval("#subtitle", (el) => el.textContent);
  await page.screenshot({ path: path.join(artefacts, "ensemble_probability.png") });

  // A real mouse click at the probe point.
  const mapBox = await (await page.$("#map")).boundingBox();
  const cp = await page.evaluate(([x, y]) => { const c = window.floodtwinViewer.toContainer(x, y); return [c.x, c.y]; }, probes.click);
  await page.mouse.click(mapBox.x + cp[0], mapBox.y + cp[1]);
  await page.waitForSelector("#query");
  out.click = await page.evaluate(() => {
    const q = window.floodtwinViewer.lastQuery;
    return { i: q.i, j: q.j, probabilities: q.probabilities, depth_quantiles: q.depth_quantiles };
  });
  out.click_table = await page.$eval("#query", (el) => el.innerText);
  await page.screenshot({ path: path.join(artefacts, "ensemble_click.png") });

  // A gauge's ensemble band.
  out.search = await page.evaluate((g) => window.floodtwinViewer.search(g), probes.gauge);
  out.gauge = await page.evaluate(() => window.floodtwinViewer.lastQuery);
  out.gauge_panel = await page.$eval("#info", (el) => el.innerText);
  await page.screenshot({ path: path.join(artefacts, "ensemble_gauge.png") });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
