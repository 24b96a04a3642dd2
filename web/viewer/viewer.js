/* floodtwin offline web viewer (docs/web.md). Reads window.FLOODTWIN_DATA and
 * window.FLOODTWIN_FRAMES (written by `floodtwin web`); makes no network request. */
"use strict";
(function () {
  const D = window.FLOODTWIN_DATA;
  const FRAMES = window.FLOODTWIN_FRAMES || [];
  const G = D.grid;
  const NO_VALUE = 65535;
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- quantised fields --
  // A field is an RGB PNG: value = offset + scale * (256 R + G); 65535 = no value.
  const decodeCanvas = document.createElement("canvas");
  decodeCanvas.width = G.nx;
  decodeCanvas.height = G.ny;
  const decodeCtx = decodeCanvas.getContext("2d", { willReadFrequently: true });
  function loadImage(uri) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("cannot decode an image of the viewer's data"));
      img.src = uri;
    });
  }
  async function decodeField(field) {
    const img = await loadImage(field.png);
    decodeCtx.clearRect(0, 0, G.nx, G.ny);
    decodeCtx.drawImage(img, 0, 0);
    const px = decodeCtx.getImageData(0, 0, G.nx, G.ny).data;
    const codes = new Uint16Array(G.nx * G.ny);
    for (let k = 0; k < codes.length; ++k) codes[k] = px[4 * k] * 256 + px[4 * k + 1];
    return { codes, offset: field.offset, scale: field.scale, units: field.units };
  }
  function valueAt(f, cell) {
    if (!f) return NaN;
    const c = f.codes[cell];
    return c === NO_VALUE ? NaN : f.offset + f.scale * c;
  }

  // Decoded frames, the most recent kept within a memory budget (big grids).
  const frameCache = new Map();
  const maxFrames = Math.max(4, Math.floor(64e6 / (4 * G.nx * G.ny)));
  async function frame(k) {
    if (frameCache.has(k)) return frameCache.get(k);
    const f = { depth: await decodeField(FRAMES[k].depth), speed: await decodeField(FRAMES[k].speed) };
    frameCache.set(k, f);
    while (frameCache.size > maxFrames) frameCache.delete(frameCache.keys().next().value);
    return f;
  }
  const statics = {};
  // The ensemble's layers (FLOODTWIN_DATA.ensemble), decoded at start.
  const E = D.ensemble;
  let ens = null;
  const probabilityLabel = (k) => `P(max depth > ${E.thresholds[k]} m)`;
  const quantileLabel = (k) => `Max depth, ${+(100 * E.quantiles[k]).toFixed(2)} % quantile`;

  // ------------------------------------------------------------------- coordinates --
  // The map uses L.CRS.Simple in metres of the results' CRS, shifted to the grid's north-west
  // corner: lat = y - north, lng = x - west.
  const toLatLng = (x, y) => L.latLng(y - G.north, x - G.west);
  const toXY = (ll) => [ll.lng + G.west, ll.lat + G.north];
  const bounds = L.latLngBounds([-G.ny * G.dy, 0], [0, G.nx * G.dx]);
  const hasProj = !!(D.proj4 && window.proj4);
  function lonLat(x, y) {
    if (!hasProj) return null;
    try { return proj4(D.proj4, "WGS84", [x, y]); } catch (e) { return null; }
  }
  function cellOf(x, y) {
    const i = Math.floor((x - G.west) / G.dx), j = Math.floor((G.north - y) / G.dy);
    if (i < 0 || j < 0 || i >= G.nx || j >= G.ny) return -1;
    return j * G.nx + i;
  }

  // ------------------------------------------------------------------ time, format --
  function clock(s) {
    if (!isFinite(s)) return "-";
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.round(s % 60);
    const p = (v) => String(v).padStart(2, "0");
    return (d ? d + "d " : "") + p(h) + ":" + p(m) + ":" + p(sec);
  }
  function dateOf(s) {
    if (!D.start_time) return "";
    const t0 = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(D.start_time) ? D.start_time : D.start_time + "Z");
    return isFinite(t0) ? new Date(t0 + 1000 * s).toISOString().replace(".000Z", "Z") : "";
  }
  const fmt = (v, digits) => (isFinite(v) ? v.toFixed(digits) : "-");

  // ------------------------------------------------------------------------ colours --
  const C = D.colours;
  const ramp = (table, t) => table[Math.max(0, Math.min(table.length - 1, Math.round(t * (table.length - 1))))];
  function hazardClass(r) {
    let c = 0;
    for (const l of C.hazard_limits) if (r >= l) ++c;
    return c;
  }
  const hazardRating = (d, v) => d * (v + 0.5) + (d > 0.25 ? D.debris_factor : 0);
  const depthTop = D.depth_top || 1;
  let arrivalTop = 1;

  // ---------------------------------------------------------------------- the map --
  const map = L.map("map", { crs: L.CRS.Simple, minZoom: -12, maxZoom: 6, zoomSnap: 0,
    attributionControl: false, preferCanvas: false });
  map.fitBounds(bounds);
  L.imageOverlay(D.hillshade, bounds, { className: "grid-image" }).addTo(map);
  const drawCanvas = document.createElement("canvas");
  drawCanvas.width = G.nx;
  drawCanvas.height = G.ny;
  const drawCtx = drawCanvas.getContext("2d");
  const overlay = L.imageOverlay(drawCanvas.toDataURL(), bounds, { className: "grid-image", opacity: 0.9 }).addTo(map);
  L.control.scale({ imperial: false, maxWidth: 160 }).addTo(map);
  const overlays = {};

  const state = { mode: "depth", k: Math.max(0, FRAMES.length - 1), drawing: null, pending: false };
  const modeNeedsTime = (m) => m === "depth" || m === "hazard";

  async function draw() {
    if (state.drawing) { state.pending = true; return state.drawing; }
    state.drawing = (async () => {
      do {
        state.pending = false;
        await drawOnce();
      } while (state.pending);
    })();
    try { await state.drawing; } finally { state.drawing = null; }
  }
  async function drawOnce() {
    const n = G.nx * G.ny;
    const img = drawCtx.createImageData(G.nx, G.ny);
    const px = img.data;
    const m = state.mode;
    const f = modeNeedsTime(m) && FRAMES.length ? await frame(state.k) : null;
    const th = D.threshold;
    for (let c = 0; c < n; ++c) {
      let rgb = null;
      if (m === "depth" && f) {
        const d = valueAt(f.depth, c);
        if (d > th) rgb = ramp(C.depth, Math.min(1, d / depthTop));
      } else if (m === "hazard" && f) {
        const d = valueAt(f.depth, c);
        if (d > th) rgb = C.hazard[hazardClass(hazardRating(d, valueAt(f.speed, c)))];
      } else if (m === "max_depth") {
        const d = valueAt(statics.max_depth, c);
        if (d > th) rgb = ramp(C.depth, Math.min(1, d / depthTop));
      } else if (m === "max_hazard") {
        const d = valueAt(statics.max_depth, c);
        if (d > th) rgb = C.hazard[hazardClass(valueAt(statics.max_hazard, c))];
      } else if (m === "arrival") {
        const a = valueAt(statics.arrival_time, c);
        if (isFinite(a)) rgb = ramp(C.arrival, Math.min(1, a / arrivalTop));
      } else if (ens && m.startsWith("p:")) {
        const p = valueAt(ens.exceedance[+m.slice(2)], c);
        if (p > 0) rgb = ramp(E.colours, p);
      } else if (ens && m.startsWith("q:")) {
        const d = valueAt(ens.quantile[+m.slice(2)], c);
        if (d > th) rgb = ramp(C.depth, Math.min(1, d / depthTop));
      }
      if (rgb) {
        px[4 * c] = rgb[0]; px[4 * c + 1] = rgb[1]; px[4 * c + 2] = rgb[2]; px[4 * c + 3] = 255;
      }
    }
    drawCtx.putImageData(img, 0, 0);
    // Resolved once the browser has the new picture (what a screenshot or print then shows).
    const loaded = new Promise((resolve) => {
      overlay.once("load", resolve);
      setTimeout(resolve, 2000);
    });
    overlay.setUrl(drawCanvas.toDataURL());
    await loaded;
    drawLegend();
    updateTimeLabel();
    if (view3d.active) view3d.update(f);
  }

  // ------------------------------------------------------------------------ legend --
  function rampHtml(table, lo, hi, units) {
    const stops = table.map((c, k) => `rgb(${c[0]},${c[1]},${c[2]}) ${(100 * k / (table.length - 1)).toFixed(1)}%`);
    return `<div class="ramp" style="background:linear-gradient(to right,${stops.join(",")})"></div>` +
      `<div class="ramp-labels"><span>${lo}</span><span>${hi} ${units}</span></div>`;
  }
  function drawLegend() {
    const m = state.mode;
    let h = "";
    if (m === "depth" || m === "max_depth") {
      h = `<h2>${m === "depth" ? "Depth" : "Peak depth"} (m)</h2>` +
        rampHtml(C.depth, D.threshold, (D.depth_top ? "&ge; " + depthTop : depthTop), "m");
    } else if (m === "hazard" || m === "max_hazard") {
      h = `<h2>${m === "hazard" ? "Hazard" : "Peak hazard"}: FD2320 classes (HR = d (v + 0.5) + DF)</h2>` +
        C.hazard_labels.map((l, k) => `<div class="legend-row"><span class="swatch" style="background:rgb(${C.hazard[k].join(",")})"></span>${l}</div>`).join("");
    } else if (m.startsWith("p:")) {
      h = `<h2>${escapeHtml(probabilityLabel(+m.slice(2)))}</h2>` + rampHtml(E.colours, "0", "1", "") +
        `<div class="legend-row">share of the ${E.members} members of ${escapeHtml(E.source)} whose maximum depth exceeds ${E.thresholds[+m.slice(2)]} m; coloured where &gt; 0</div>`;
    } else if (m.startsWith("q:")) {
      h = `<h2>${escapeHtml(quantileLabel(+m.slice(2)))} (m)</h2>` +
        rampHtml(C.depth, D.threshold, (D.depth_top ? "&ge; " + depthTop : depthTop), "m") +
        `<div class="legend-row">of the maximum depths of the ${E.members} members (numpy linear quantile)</div>`;
    } else {
      h = "<h2>Arrival time (h after the start)</h2>" + rampHtml(C.arrival, "0", fmt(arrivalTop / 3600, 1), "h");
    }
    h += `<div class="legend-row">${m.startsWith("p:") ? "" : `coloured where depth &gt; ${D.threshold} m; `}` +
      `grid ${G.nx} &times; ${G.ny} cells of ${G.dx} m${G.stride > 1 ? " (every " + G.stride + "th cell of " + G.full_nx + " &times; " + G.full_ny + ")" : ""}</div>`;
    if (D.zones) {
      h += "<h2>Warning zones (level reached)</h2>" + zoneLegend();
    }
    if (D.gauges.length) h += '<div class="legend-row"><span class="swatch" style="background:#fff;border-radius:50%;border:2px solid #e63946"></span>gauge</div>';
    $("legend").innerHTML = h;
  }
  function updateTimeLabel() {
    const t = FRAMES.length ? FRAMES[state.k].time : NaN;
    const label = modeNeedsTime(state.mode) ? `t = ${clock(t)} ${dateOf(t)}` :
      (state.mode === "arrival" ? "whole run" : /^[pq]:/.test(state.mode) ? `ensemble of ${E.members} members` : "peak over the run");
    $("time-label").textContent = label;
    $("subtitle").textContent = `${D.source}: ${$("mode").selectedOptions[0].text}, ${label}`;
  }

  // ------------------------------------------------------------------------ gauges --
  const gaugeLayer = L.layerGroup().addTo(map);
  D.gauges.forEach((g, k) => {
    const mk = L.circleMarker(toLatLng(g.x, g.y), { radius: 6, color: "#e63946", weight: 2, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(g.name, { permanent: true, direction: "right", className: "gauge-label" })
      .addTo(gaugeLayer);
    mk.on("click", (ev) => { L.DomEvent.stopPropagation(ev); showGauge(k); });
    g.marker = mk;
  });
  overlays["Gauges"] = gaugeLayer;

  function chart(canvas, series, opts) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 300, h = canvas.clientHeight || 170;
    canvas.width = w * dpr; canvas.height = h * dpr;
    const ctx = canvas.getContext("2d");
    ctx.scale(dpr, dpr);
    const L0 = 42, R0 = 8, T0 = 8, B0 = 26;
    const xs = series.t, ys = series.v;
    const bandT = (opts.bands || []).flatMap((b) => b.t), bandV = (opts.bands || []).flatMap((b) => b.hi);
    let tmax = Math.max(1, ...xs.filter(isFinite), ...bandT.filter(isFinite));
    let ymax = Math.max(0.01, ...ys.filter(isFinite), ...bandV.filter(isFinite), ...(opts.lines || []).map((l) => l.depth));
    ymax *= 1.1;
    const X = (t) => L0 + (w - L0 - R0) * t / tmax, Y = (v) => h - B0 - (h - B0 - T0) * v / ymax;
    ctx.font = "10px sans-serif"; ctx.fillStyle = "#333"; ctx.strokeStyle = "#999";
    ctx.strokeRect(L0, T0, w - L0 - R0, h - B0 - T0);
    for (let q = 0; q <= 4; ++q) {
      ctx.fillText((ymax * q / 4).toFixed(2), 2, Y(ymax * q / 4) + 3);
      ctx.fillText((tmax * q / 4 / 3600).toFixed(1) + " h", X(tmax * q / 4) - 10, h - B0 + 12);
    }
    ctx.fillText("depth (m)", w - R0 - 56, T0 + 10);
    for (const b of opts.bands || []) {
      ctx.fillStyle = b.colour;
      ctx.beginPath();
      b.t.forEach((t, k) => { if (k) ctx.lineTo(X(t), Y(b.hi[k])); else ctx.moveTo(X(t), Y(b.hi[k])); });
      for (let k = b.t.length - 1; k >= 0; --k) ctx.lineTo(X(b.t[k]), Y(b.lo[k]));
      ctx.closePath(); ctx.fill();
    }
    ctx.fillStyle = "#333";
    for (const l of opts.lines || []) {
      ctx.strokeStyle = l.colour || "#d62828"; ctx.setLineDash([4, 3]);
      ctx.beginPath(); ctx.moveTo(L0, Y(l.depth)); ctx.lineTo(w - R0, Y(l.depth)); ctx.stroke();
      ctx.fillStyle = ctx.strokeStyle; ctx.fillText(`${l.label} ${l.depth} m`, L0 + 4, Y(l.depth) - 3);
    }
    ctx.setLineDash([]); ctx.strokeStyle = "#1d4e89"; ctx.lineWidth = 1.5; ctx.beginPath();
    let on = false;
    xs.forEach((t, k) => {
      if (!isFinite(ys[k])) { on = false; return; }
      if (on) ctx.lineTo(X(t), Y(ys[k])); else ctx.moveTo(X(t), Y(ys[k]));
      on = true;
    });
    ctx.stroke();
    if (opts.now !== undefined) {
      ctx.strokeStyle = "#888"; ctx.beginPath(); ctx.moveTo(X(opts.now), T0); ctx.lineTo(X(opts.now), h - B0); ctx.stroke();
    }
  }
  function showGauge(k) {
    const g = D.gauges[k];
    const peak = Math.max(...g.depth.filter(isFinite));
    const lines = g.thresholds.map((t, n) => ({ label: t.label, depth: t.depth, colour: ["#d62828", "#f77f00", "#6a4c93"][n % 3] }));
    const crossed = g.thresholds.filter((t) => peak > t.depth).map((t) => t.label);
    $("info").innerHTML = `<h2>Gauge ${escapeHtml(g.name)}</h2>` +
      `<div>x ${fmt(g.x, 1)}, y ${fmt(g.y, 1)}; peak depth ${fmt(peak, 3)} m</div>` +
      (g.thresholds.length ? `<div>thresholds: ${g.thresholds.map((t) => escapeHtml(t.label) + " " + t.depth + " m").join("; ")}` +
        (crossed.length ? ` &mdash; <b>exceeded: ${crossed.map(escapeHtml).join(", ")}</b>` : " &mdash; none exceeded") + "</div>" : "") +
      '<canvas class="chart" id="chart"></canvas>';
    const band = E ? E.gauges.find((b) => b.name === g.name) : null;
    const bands = band ? [{ t: E.gauge_time, lo: band.min, hi: band.max, colour: "rgba(29,78,137,0.15)" }].concat(
      E.quantiles.length >= 2 ? [{ t: E.gauge_time, lo: band.quantiles[0], hi: band.quantiles[E.quantiles.length - 1], colour: "rgba(29,78,137,0.3)" }] : []) : [];
    chart($("chart"), { t: g.time, v: g.depth }, { lines, bands, now: FRAMES.length ? FRAMES[state.k].time : undefined });
    if (band) {
      const lastQ = E.quantiles.length - 1;
      $("info").insertAdjacentHTML("beforeend", `<div class="legend-row" id="gauge-band">ensemble of ${E.members} members: ` +
        `band min&ndash;max (light)${lastQ > 0 ? `, ${+(100 * E.quantiles[0]).toFixed(2)}&ndash;${+(100 * E.quantiles[lastQ]).toFixed(2)} % (darker)` : ""}; ` +
        `peak of the members' max ${fmt(Math.max(...band.max.filter(isFinite)), 3)} m</div>`);
    }
    lastQuery = { gauge: g.name, thresholds: g.thresholds, peak, band };
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  // ------------------------------------------------------------------ click queries --
  let lastQuery = null;
  let queryMarker = null;
  async function query(x, y) {
    const cell = cellOf(x, y);
    if (cell < 0) return { inside: false };
    const f = FRAMES.length ? await frame(state.k) : null;
    const depth = f ? valueAt(f.depth, cell) : NaN, speed = f ? valueAt(f.speed, cell) : NaN;
    const rating = depth > 0 ? hazardRating(depth, speed) : NaN;
    const series = { t: [], v: [] };
    for (let k = 0; k < FRAMES.length; ++k) {
      const fk = await frame(k);
      series.t.push(FRAMES[k].time);
      series.v.push(valueAt(fk.depth, cell));
    }
    const i = cell % G.nx, j = Math.floor(cell / G.nx);
    const q = {
      inside: true, cell, i, j, x, y,
      cell_x: G.west + (i + 0.5) * G.dx, cell_y: G.north - (j + 0.5) * G.dy,
      time: f ? FRAMES[state.k].time : NaN, time_index: state.k,
      depth, speed, hazard_rating: rating, hazard_class: isFinite(rating) ? C.hazard_labels[hazardClass(rating)] : "-",
      elevation: valueAt(statics.elevation, cell),
      max_depth: valueAt(statics.max_depth, cell), max_speed: valueAt(statics.max_speed, cell),
      max_hazard: valueAt(statics.max_hazard, cell), arrival_time: valueAt(statics.arrival_time, cell),
      series,
    };
    if (ens) {
      q.probabilities = ens.exceedance.map((f) => valueAt(f, cell));
      q.depth_quantiles = ens.quantile.map((f) => valueAt(f, cell));
    }
    lastQuery = q;
    return q;
  }
  async function showQuery(x, y) {
    const q = await query(x, y);
    if (!q.inside) { $("info").innerHTML = '<p class="hint">Outside the grid.</p>'; return q; }
    const ll = lonLat(x, y);
    if (queryMarker) queryMarker.remove();
    queryMarker = L.circleMarker(toLatLng(x, y), { radius: 4, color: "#000", weight: 1, fillColor: "#ffd166", fillOpacity: 1 }).addTo(map);
    $("info").innerHTML = "<h2>At this point</h2><table id=\"query\">" +
      `<tr><th>x, y</th><td>${fmt(x, 1)}, ${fmt(y, 1)}${ll ? `<br>${fmt(ll[1], 5)}&deg;, ${fmt(ll[0], 5)}&deg;` : ""}</td></tr>` +
      `<tr><th>time</th><td>${clock(q.time)}</td></tr>` +
      `<tr><th>depth</th><td data-q="depth">${fmt(q.depth, 3)} m</td></tr>` +
      `<tr><th>velocity</th><td data-q="speed">${fmt(q.speed, 3)} m/s</td></tr>` +
      `<tr><th>hazard</th><td data-q="hazard">${fmt(q.hazard_rating, 2)} (${q.hazard_class})</td></tr>` +
      `<tr><th>arrival</th><td data-q="arrival">${isFinite(q.arrival_time) ? clock(q.arrival_time) + " after the start" : "not reached"}</td></tr>` +
      `<tr><th>peak depth</th><td data-q="max_depth">${fmt(q.max_depth, 3)} m</td></tr>` +
      `<tr><th>peak velocity</th><td>${fmt(q.max_speed, 3)} m/s</td></tr>` +
      `<tr><th>ground</th><td>${fmt(q.elevation, 2)} m</td></tr>` +
      (ens ? E.thresholds.map((t, k) => `<tr><th>${escapeHtml(probabilityLabel(k))}</th><td data-q="p${k}">${fmt(q.probabilities[k], 4)}</td></tr>`).join("") +
        E.quantiles.map((p, k) => `<tr><th>${escapeHtml(quantileLabel(k))}</th><td data-q="q${k}">${fmt(q.depth_quantiles[k], 3)} m</td></tr>`).join("") : "") +
      "</table>" +
      `<div class="hint">values to 1 mm, 1 mm/s${ens ? `, probabilities to 0.0001 (ensemble of ${E.members} members)` : ""} (the data's precision)</div><canvas class="chart" id="chart"></canvas>`;
    chart($("chart"), q.series, { lines: [{ label: "flood threshold", depth: D.threshold, colour: "#888" }], now: q.time });
    return q;
  }
  map.on("click", (ev) => { const [x, y] = toXY(ev.latlng); showQuery(x, y); });
  map.on("mousemove", (ev) => {
    const [x, y] = toXY(ev.latlng);
    const ll = lonLat(x, y);
    $("coords").textContent = `x ${x.toFixed(1)}  y ${y.toFixed(1)}` + (ll ? `   lon ${ll[0].toFixed(5)}  lat ${ll[1].toFixed(5)}` : "  (local grid)");
  });

  // -------------------------------------------------------------------------- zones --
  function zoneColour(p) {
    const lv = p.level || "";
    const table = (D.zones.level_colours || {})[p.zone] || {};
    return table[lv] || (lv && lv !== "none" ? "#fdae61" : D.zones.none_colour);
  }
  function zoneLegend() {
    const seen = new Map();
    for (const f of D.zones.geojson.features) seen.set(f.properties.level || "none", zoneColour(f.properties));
    return [...seen].map(([l, c]) => `<div class="legend-row"><span class="swatch" style="background:${c}"></span>${escapeHtml(l)}</div>`).join("");
  }
  const geo = (gj, style, each) => L.geoJSON(gj, {
    coordsToLatLng: (c) => toLatLng(c[0], c[1]), style,
    pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 4, color: "#333", weight: 1, fillColor: "#ffb703", fillOpacity: 1 }),
    onEachFeature: each,
  });
  const zoneIndex = [];
  if (D.zones) {
    const zl = geo(D.zones.geojson, (f) => ({ color: "#333", weight: 1.5, fillColor: zoneColour(f.properties), fillOpacity: 0.35 }),
      (f, layer) => {
        const p = f.properties;
        layer.bindPopup(`<b>${escapeHtml(p.name || p.zone)}</b> (${escapeHtml(p.zone)})<br>level: ${escapeHtml(p.level || "none")}` +
          (p.level_time ? `<br>at ${escapeHtml(p.level_time)}` : "") +
          (p.max_depth_m !== undefined ? `<br>max depth ${fmt(p.max_depth_m, 2)} m` : "") +
          (p.people_affected !== undefined ? `<br>people affected ${Math.round(p.people_affected)}` : ""));
        zoneIndex.push({ p, layer });
      }).addTo(map);
    overlays["Warning zones"] = zl;
    const cols = ["zone", "name", "level", "level_time", "max_depth_m", "flooded_area_m2", "people_affected", "buildings_flooded"];
    const show = cols.filter((c) => D.zones.geojson.features.some((f) => f.properties[c] !== undefined));
    const cell = (p, c) => (typeof p[c] === "number" ? (Number.isInteger(p[c]) ? p[c] : p[c].toFixed(2)) : escapeHtml(p[c] ?? ""));
    $("zones").hidden = false;
    $("zones").innerHTML = "<h2>Warning zones</h2><table><tr>" + show.map((c) => `<th>${c}</th>`).join("") + "</tr>" +
      zoneIndex.map((z, k) => `<tr class="zone-row" data-k="${k}" style="background:${zoneColour(z.p)}">` +
        show.map((c) => `<td>${cell(z.p, c)}</td>`).join("") + "</tr>").join("") + "</table>";
    $("zones").querySelectorAll("tr.zone-row").forEach((tr) => tr.addEventListener("click", () => focusZone(+tr.dataset.k)));
  }
  function focusZone(k) {
    const z = zoneIndex[k];
    map.fitBounds(z.layer.getBounds(), { maxZoom: map.getZoom() + 2 });
    z.layer.openPopup();
  }
  D.layers.forEach((l, k) => {
    const colours = ["#6a040f", "#2a9d8f", "#7209b7", "#3a5a40"];
    overlays[l.name] = geo(l.geojson, () => ({ color: colours[k % colours.length], weight: 2, fillOpacity: 0.1 }),
      (f, layer) => {
        const p = f.properties;
        const txt = Object.keys(p).slice(0, 6).map((key) => `${escapeHtml(key)}: ${escapeHtml(p[key])}`).join("<br>");
        if (txt) layer.bindPopup(txt);
      }).addTo(map);
  });
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);

  // ------------------------------------------------------------------------- search --
  const searchable = D.gauges.map((g, k) => ({ label: "gauge: " + g.name, go: () => { map.panTo(g.marker.getLatLng()); showGauge(k); } }))
    .concat(zoneIndex.map((z, k) => ({ label: `zone: ${z.p.zone}${z.p.name ? " " + z.p.name : ""}`, go: () => focusZone(k) })));
  $("search-list").innerHTML = searchable.map((s) => `<option value="${escapeHtml(s.label)}">`).join("");
  function search(text) {
    const t = text.trim().toLowerCase();
    if (!t) return null;
    const hit = searchable.find((s) => s.label.toLowerCase() === t) ||
      searchable.find((s) => s.label.toLowerCase().includes(t));
    if (hit) hit.go();
    return hit ? hit.label : null;
  }
  $("search").addEventListener("change", (ev) => search(ev.target.value));
  $("search").addEventListener("keydown", (ev) => { if (ev.key === "Enter") search(ev.target.value); });

  // ------------------------------------------------------------------ time controls --
  const slider = $("time");
  slider.max = String(Math.max(0, FRAMES.length - 1));
  slider.value = String(state.k);
  function setTime(k) {
    state.k = Math.max(0, Math.min(FRAMES.length - 1, k));
    slider.value = String(state.k);
    if (!modeNeedsTime(state.mode)) { state.mode = "depth"; $("mode").value = "depth"; }
    return draw();
  }
  slider.addEventListener("input", () => setTime(+slider.value));
  $("mode").addEventListener("change", (ev) => { state.mode = ev.target.value; draw(); });
  let timer = null;
  $("play").addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; $("play").innerHTML = "&#9654;"; return; }
    $("play").innerHTML = "&#10073;&#10073;";
    if (state.k >= FRAMES.length - 1) state.k = -1;
    timer = setInterval(async () => {
      if (state.drawing) return;
      if (state.k >= FRAMES.length - 1) { clearInterval(timer); timer = null; $("play").innerHTML = "&#9654;"; return; }
      await setTime(state.k + 1);
    }, 400);
  });

  // -------------------------------------------------------------------------- print --
  function setPaper(p) {
    const height = p === "A3" ? 255 : 170;
    $("page-size").textContent = `@page { size: ${p} landscape; margin: 8mm; } @media print { main { height: ${height}mm; } }`;
  }
  $("paper").addEventListener("change", (ev) => setPaper(ev.target.value));
  $("print").addEventListener("click", () => window.print());
  window.addEventListener("beforeprint", () => map.invalidateSize());

  // ------------------------------------------------------------------------ 3D view --
  // A small WebGL view: the terrain (shaded by the hillshade) and the water surface at the
  // slider's time, drag to turn, wheel to zoom.
  const view3d = (function () {
    const canvas = $("view3d-canvas");
    let gl = null, prog = null, terrain = null, water = null, built = false;
    const v = { active: false, yaw: -0.5, pitch: 0.8, dist: 1.7, exag: 2 };
    const n3 = Math.min(256, Math.max(G.nx, G.ny));
    const s3 = Math.max(1, Math.ceil(Math.max(G.nx, G.ny) / n3));
    const nx3 = Math.ceil(G.nx / s3), ny3 = Math.ceil(G.ny / s3);
    let zmin = 0, zscale = 1, hill = null;
    const vs = "attribute vec3 p; attribute vec4 c; uniform mat4 m; varying vec4 vc; void main(){ gl_Position = m * vec4(p,1.0); vc = c; }";
    const fs = "precision mediump float; varying vec4 vc; void main(){ gl_FragColor = vc; }";
    function shader(type, src) { const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s); return s; }
    function cellAt(i, j) { return Math.min(G.ny - 1, j * s3) * G.nx + Math.min(G.nx - 1, i * s3); }
    function mesh(height, colour) {
      const pos = [], col = [], idx = [];
      const ext = Math.max(G.nx * G.dx, G.ny * G.dy);
      const id = new Int32Array(nx3 * ny3).fill(-1);
      for (let j = 0; j < ny3; ++j) for (let i = 0; i < nx3; ++i) {
        const c = cellAt(i, j), h = height(c);
        if (!isFinite(h)) continue;
        id[j * nx3 + i] = pos.length / 3;
        pos.push(((i + 0.5) * s3 * G.dx) / ext - 0.5 * G.nx * G.dx / ext, (h - zmin) * zscale, ((j + 0.5) * s3 * G.dy) / ext - 0.5 * G.ny * G.dy / ext);
        col.push(...colour(c));
      }
      for (let j = 0; j + 1 < ny3; ++j) for (let i = 0; i + 1 < nx3; ++i) {
        const a = id[j * nx3 + i], b = id[j * nx3 + i + 1], c = id[(j + 1) * nx3 + i], d = id[(j + 1) * nx3 + i + 1];
        if (a >= 0 && b >= 0 && c >= 0) idx.push(a, b, c);
        if (b >= 0 && d >= 0 && c >= 0) idx.push(b, d, c);
      }
      const m = { n: idx.length, pos: gl.createBuffer(), col: gl.createBuffer(), idx: gl.createBuffer() };
      gl.bindBuffer(gl.ARRAY_BUFFER, m.pos); gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(pos), gl.STATIC_DRAW);
      gl.bindBuffer(gl.ARRAY_BUFFER, m.col); gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(col), gl.STATIC_DRAW);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, m.idx); gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array(idx), gl.STATIC_DRAW);
      return m;
    }
    async function build() {
      gl = canvas.getContext("webgl", { antialias: true, preserveDrawingBuffer: true });
      if (!gl) throw new Error("no WebGL in this browser");
      gl.getExtension("OES_element_index_uint");
      prog = gl.createProgram();
      gl.attachShader(prog, shader(gl.VERTEX_SHADER, vs)); gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, fs));
      gl.linkProgram(prog);
      const img = await loadImage(D.hillshade);
      decodeCtx.clearRect(0, 0, G.nx, G.ny); decodeCtx.drawImage(img, 0, 0);
      hill = decodeCtx.getImageData(0, 0, G.nx, G.ny).data;
      let lo = Infinity, hi = -Infinity;
      for (let c = 0; c < G.nx * G.ny; ++c) { const z = valueAt(statics.elevation, c); if (isFinite(z)) { lo = Math.min(lo, z); hi = Math.max(hi, z); } }
      zmin = lo;
      zscale = v.exag / Math.max(G.nx * G.dx, G.ny * G.dy);
      terrain = mesh((c) => valueAt(statics.elevation, c), (c) => { const s = hill[4 * c] / 255; return [0.45 + 0.5 * s, 0.42 + 0.48 * s, 0.35 + 0.45 * s, 1]; });
      built = true;
    }
    function matrix() {
      const w = canvas.width, h = canvas.height, f = 1 / Math.tan(0.4), a = w / h, near = 0.01, far = 20;
      const cy = Math.cos(v.yaw), sy = Math.sin(v.yaw), cp = Math.cos(v.pitch), sp = Math.sin(v.pitch);
      // view = translate(0,0,-dist) * rotX(pitch) * rotY(yaw); column-major
      const R = [cy, sy * sp, -sy * cp, 0, 0, cp, sp, 0, sy, -cy * sp, cy * cp, 0, 0, 0, -v.dist, 1];
      const P = [f / a, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) / (near - far), -1, 0, 0, 2 * far * near / (near - far), 0];
      const M = new Float32Array(16);
      for (let r = 0; r < 4; ++r) for (let c = 0; c < 4; ++c) { let s = 0; for (let k = 0; k < 4; ++k) s += P[k * 4 + r] * R[c * 4 + k]; M[c * 4 + r] = s; }
      return M;
    }
    function drawMesh(m) {
      if (!m || !m.n) return;
      const lp = gl.getAttribLocation(prog, "p"), lc = gl.getAttribLocation(prog, "c");
      gl.bindBuffer(gl.ARRAY_BUFFER, m.pos); gl.enableVertexAttribArray(lp); gl.vertexAttribPointer(lp, 3, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, m.col); gl.enableVertexAttribArray(lc); gl.vertexAttribPointer(lc, 4, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, m.idx);
      gl.drawElements(gl.TRIANGLES, m.n, gl.UNSIGNED_INT, 0);
    }
    function render() {
      canvas.width = canvas.clientWidth * (window.devicePixelRatio || 1);
      canvas.height = canvas.clientHeight * (window.devicePixelRatio || 1);
      gl.viewport(0, 0, canvas.width, canvas.height);
      gl.clearColor(0.95, 0.95, 0.93, 1); gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.enable(gl.DEPTH_TEST); gl.enable(gl.BLEND); gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
      gl.useProgram(prog);
      gl.uniformMatrix4fv(gl.getUniformLocation(prog, "m"), false, matrix());
      drawMesh(terrain);
      // The water surface drawn over the terrain where they nearly coincide (thin sheets).
      gl.enable(gl.POLYGON_OFFSET_FILL); gl.polygonOffset(-2, -64);
      drawMesh(water);
      gl.disable(gl.POLYGON_OFFSET_FILL);
    }
    function update(f) {
      if (!built) return;
      if (water) { gl.deleteBuffer(water.pos); gl.deleteBuffer(water.col); gl.deleteBuffer(water.idx); water = null; }
      if (f) {
        water = mesh((c) => { const d = valueAt(f.depth, c); return d > D.threshold ? valueAt(statics.elevation, c) + d + 0.05 : NaN; },
          (c) => { const rgb = ramp(C.depth, Math.min(1, valueAt(f.depth, c) / depthTop)); return [rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, 0.85]; });
      }
      render();
    }
    let drag = null;
    canvas.addEventListener("mousedown", (e) => { drag = [e.clientX, e.clientY]; });
    window.addEventListener("mouseup", () => { drag = null; });
    canvas.addEventListener("mousemove", (e) => {
      if (!drag) return;
      v.yaw += (e.clientX - drag[0]) * 0.01; v.pitch = Math.max(0.1, Math.min(1.5, v.pitch + (e.clientY - drag[1]) * 0.01));
      drag = [e.clientX, e.clientY]; render();
    });
    canvas.addEventListener("wheel", (e) => { e.preventDefault(); v.dist = Math.max(0.4, Math.min(8, v.dist * (e.deltaY > 0 ? 1.1 : 0.9))); render(); }, { passive: false });
    return {
      get active() { return v.active; },
      async toggle() {
        v.active = !v.active;
        canvas.hidden = !v.active; $("map").style.display = v.active ? "none" : "";
        $("view3d").textContent = v.active ? "Map" : "3D";
        if (v.active) {
          if (!built) await build();
          update(FRAMES.length ? await frame(state.k) : null);
        } else { map.invalidateSize(); }
      },
      update,
    };
  })();
  $("view3d").addEventListener("click", () => view3d.toggle());

  // --------------------------------------------------------------------------- start --
  $("title").textContent = D.title || "floodtwin";
  document.title = (D.title || "floodtwin") + " - floodtwin viewer";
  if (!D.peaks) ["max_depth", "max_hazard", "arrival"].forEach((m) => $("mode").querySelector(`option[value=${m}]`).remove());
  if (E) {
    const group = document.createElement("optgroup");
    group.label = `Ensemble (${E.members} members)`;
    E.thresholds.forEach((t, k) => group.appendChild(new Option(probabilityLabel(k), "p:" + k)));
    E.quantiles.forEach((q, k) => group.appendChild(new Option(quantileLabel(k), "q:" + k)));
    $("mode").appendChild(group);
    if (!FRAMES.length) {  // an ensemble alone (no results): its first probability map
      ["depth", "hazard"].forEach((m) => $("mode").querySelector(`option[value=${m}]`).remove());
      state.mode = "p:0";
      $("mode").value = "p:0";
    }
  }
  const ready = (async () => {
    statics.elevation = await decodeField(D.elevation);
    if (D.peaks) {
      for (const k of ["max_depth", "max_speed", "max_hazard", "arrival_time"]) statics[k] = await decodeField(D.peaks[k]);
      let top = 0;
      for (let c = 0; c < G.nx * G.ny; ++c) { const a = valueAt(statics.arrival_time, c); if (a > top) top = a; }
      arrivalTop = top > 0 ? top : 1;
    }
    if (E) {
      const e = { exceedance: [], quantile: [] };
      for (const f of E.exceedance) e.exceedance.push(await decodeField(f));
      for (const f of E.max_depth_quantile) e.quantile.push(await decodeField(f));
      ens = e;
    }
    await draw();
    // Milliseconds since the navigation started: the map with its data is on screen.
    performance.mark("floodtwin-map-drawn");
    return performance.now();
  })();
  ready.catch((e) => { console.error(e); $("info").textContent = "Error: " + e.message; });

  // For scripts and tests: the viewer's state and queries.
  window.floodtwinViewer = {
    map, ready, query, showQuery, setTime, search, view3d,
    setMode: (m) => { state.mode = m; $("mode").value = m; return draw(); },
    get timeIndex() { return state.k; },
    get lastQuery() { return lastQuery; },
    toContainer: (x, y) => map.latLngToContainerPoint(toLatLng(x, y)),
    lonLat,
    /** Shows the whole grid. */
    fit: () => map.fitBounds(bounds),
    /** Shows or hides the vector overlays (gauges, zones, layers) over the rasters. */
    showOverlays: (on) => Object.values(overlays).forEach((l) => (on ? l.addTo(map) : l.remove())),
  };
})();
