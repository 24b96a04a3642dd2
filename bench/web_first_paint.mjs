// First paint of a floodtwin web viewer in headless Chromium (docs/web.md, bench/README.md).
//   FLOODTWIN_WEB_DIR=web node bench/web_first_paint.mjs VIEWER_DIR [REPS]
// For each repetition: a freshly started browser ("cold": the browser's own start-up counts,
// as when a team double-clicks index.html with no browser open) and a new tab of a running
// browser ("warm"). Prints, per run, the first contentful paint and the time at which the
// viewer had drawn the map with its data (window.floodtwinViewer.ready), both in ms since the
// navigation started, and the wall time from launch (cold) or from navigation (warm) to the
// map drawn; then the best and the median of each. Not a test: nothing is asserted.
import path from "node:path";
import fs from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [viewerDir, repsText] = process.argv.slice(2);
if (!viewerDir) {
  console.error("usage: node bench/web_first_paint.mjs VIEWER_DIR [REPS]");
  process.exit(2);
}
const reps = Number(repsText || 5);
const webDir = process.env.FLOODTWIN_WEB_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), "..", "web");
const require = createRequire(path.resolve(webDir, "package.json"));
const puppeteer = require("puppeteer-core");
const url = pathToFileURL(path.join(fs.realpathSync(viewerDir), "index.html")).href;
const launchOptions = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--no-first-run", "--disable-background-networking", "--disable-component-update"],
};

async function measure(page) {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load" });
  const drawn = await page.evaluate(() => window.floodtwinViewer.ready);
  const wall = Date.now() - t0;
  const paint = await page.evaluate(() => new Promise((resolve) => {
    const seen = {};
    new PerformanceObserver((list) => { for (const e of list.getEntries()) seen[e.name] = e.startTime; })
      .observe({ type: "paint", buffered: true });
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(seen), 100)));
  }));
  return { fcp: paint["first-contentful-paint"], drawn, wall };
}

const runs = { cold: [], warm: [] };
for (let r = 0; r < reps; ++r) {
  const t0 = Date.now();
  const browser = await puppeteer.launch(launchOptions);
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    const m = await measure(page);
    m.wall = Date.now() - t0;  // from the launch of the browser
    runs.cold.push(m);
    await page.close();
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1200, height: 800 });
    runs.warm.push(await measure(tab));
  } finally {
    await browser.close();
  }
  console.log(`rep ${r + 1}: cold ${JSON.stringify(runs.cold[r])}  warm ${JSON.stringify(runs.warm[r])}`);
}
const median = (v) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
for (const kind of ["cold", "warm"]) {
  for (const key of ["fcp", "drawn", "wall"]) {
    const v = runs[kind].map((m) => m[key]);
    console.log(`${kind} ${key}: best ${Math.min(...v).toFixed(0)} ms, median ${median(v).toFixed(0)} ms (${v.map((x) => x.toFixed(0)).join(", ")})`);
  }
}
