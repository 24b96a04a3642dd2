// Drives Debian's chromium (headless, puppeteer-core) through a floodtwin web viewer and
// prints what it saw as JSON; test_web_viewer.py compares it with the results file.
//   node browser_check.mjs VIEWER_DIR ARTEFACT_DIR PROBES_JSON
// PROBES_JSON: {"points": [[x, y], ...], "click": [x, y]} in the results' CRS.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [viewerDir, artefacts, probesText] = process.argv.slice(2);
const require = createRequire(path.join(process.env.FLOODTWIN_WEB_DIR, "package.json"));
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

  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load" });
  out.map_drawn_ms = await page.evaluate(() => window.floodtwinViewer.ready);
  out.load_wall_ms = Date.now() - t0;
  out.paint = await page.evaluate(() => new Promise((resolve) => {
    const seen = {};
    new PerformanceObserver((list) => { for (const e of list.getEntries()) seen[e.name] = e.startTime; })
      .observe({ type: "paint", buffered: true });
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(seen), 200)));
  }));
  out.grid = await page.evaluate(() => window.FLOODTWIN_DATA.grid);
  out.times = await page.evaluate(() => window.FLOODTWIN_DATA.times);
  out.threshold = await page.evaluate(() => window.FLOODTWIN_DATA.threshold);

  // Pixels of a screenshot of the map at the probe points (decoded in the page).
  const mapBox = await (await page.$("#map")).boundingBox();
  async function sample(name) {
    const file = path.join(artefacts, name);
    const b64 = await page.screenshot({ encoding: "base64" });
    fs.writeFileSync(file, Buffer.from(b64, "base64"));
    const pts = await page.evaluate((p) => p.map(([x, y]) => { const c = window.floodtwinViewer.toContainer(x, y); return [c.x, c.y]; }), probes.points);
    return page.evaluate(async (b64, pts, box, name) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext("2d");
      ctx.drawImage(img, 0, 0);
      const all = ctx.getImageData(0, 0, c.width, c.height).data;
      const rgb = pts.map(([x, y]) => {
        const px = Math.round(box.x + x), py = Math.round(box.y + y);
        const k = 4 * (py * c.width + px);
        return [all[k], all[k + 1], all[k + 2]];
      });
      window.__shots = window.__shots || {};
      window.__shots[name] = all;
      return { rgb };
    }, b64, pts, mapBox, name);
  }
  const last = out.times.length - 1;
  // The rasters alone: gauges, zones and layers drawn over them would hide probe pixels.
  await page.evaluate(() => window.floodtwinViewer.showOverlays(false));
  await page.evaluate((k) => window.floodtwinViewer.setTime(k), last);
  const atLast = await sample("viewer_last_time.png");
  out.last_rgb = atLast.rgb;
  // Move the slider (as a user does: the input's value and an input event) to the first time.
  await page.$eval("#time", (el) => { el.value = "0"; el.dispatchEvent(new Event("input")); });
  await page.waitForFunction(() => window.floodtwinViewer.timeIndex === 0);
  await new Promise((r) => setTimeout(r, 300));
  const atFirst = await sample("viewer_first_time.png");
  out.first_rgb = atFirst.rgb;
  out.slider_pixels_changed = await page.evaluate(() => {
    const a = window.__shots["viewer_last_time.png"], b = window.__shots["viewer_first_time.png"];
    let differ = 0;
    for (let k = 0; k < Math.min(a.length, b.length); k += 4) {
      if (a[k] !== b[k] || a[k + 1] !== b[k + 1] || a[k + 2] !== b[k + 2]) ++differ;
    }
    return differ;
  });
  out.time_label_first = await page.$eval("#time-label", (el) => el.textContent);

  await page.evaluate(() => window.floodtwinViewer.showOverlays(true));
  // A real click at the probe point, at the last time.
  await page.evaluate((k) => window.floodtwinViewer.setTime(k), last);
  const cp = await page.evaluate(([x, y]) => { const c = window.floodtwinViewer.toContainer(x, y); return [c.x, c.y]; }, probes.click);
  await page.mouse.click(mapBox.x + cp[0], mapBox.y + cp[1]);
  await page.waitForSelector("#query");
  out.click = await page.evaluate(() => { const q = { ...window.floodtwinViewer.lastQuery }; q.series_len = q.series.t.length; q.last_depth_series = q.series.v[q.series.v.length - 1]; delete q.series; return q; });
  out.click_table = await page.$eval("#query", (el) => el.innerText);
  await page.screenshot({ path: path.join(artefacts, "viewer_click.png") });

  // Gauges and search.
  out.search = await page.evaluate(() => window.floodtwinViewer.search(window.FLOODTWIN_DATA.gauges[0]?.name || "none"));
  out.gauge_panel = await page.$eval("#info", (el) => el.innerText);
  // Coordinates: proj4js in the page against GDAL's transformation written by the exporter.
  out.lonlat = await page.evaluate(() => {
    const c = window.FLOODTWIN_DATA.lonlat_check;
    return c ? { expected: [c.lon, c.lat], got: window.floodtwinViewer.lonLat(c.x, c.y) } : null;
  });
  // Modes.
  for (const m of ["max_depth", "max_hazard", "arrival", "hazard"]) {
    await page.evaluate((m) => window.floodtwinViewer.setMode(m), m);
    await page.screenshot({ path: path.join(artefacts, `viewer_${m}.png`) });
  }
  out.legend = await page.$eval("#legend", (el) => el.innerText);
  // The 3D view.
  await page.evaluate(() => window.floodtwinViewer.view3d.toggle());
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: path.join(artefacts, "viewer_3d.png") });
  await page.evaluate(() => window.floodtwinViewer.view3d.toggle());
  // Printing: A4 landscape, one page.
  await page.evaluate(() => { window.floodtwinViewer.fit(); return window.floodtwinViewer.setMode("depth"); });
  const pdf = path.join(artefacts, "viewer_print.pdf");
  await page.emulateMediaType("print");
  await page.pdf({ path: pdf, format: "A4", landscape: true, printBackground: true, preferCSSPageSize: true });
  await page.setViewport({ width: 1123, height: 794 });
  await page.screenshot({ path: path.join(artefacts, "viewer_print_media.png") });
  out.pdf = pdf;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
