"""`floodtwin web` in a real browser (Debian's chromium, headless, driven by puppeteer-core from
web/node_modules through browser_check.mjs): a coarse demo run, its viewer, and what the page
shows checked against the results file (read here with h5py)."""

import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

SOURCE = Path(os.environ.get("FLOODTWIN_SOURCE_DIR", Path(__file__).parents[2]))
CLI = os.environ.get("FLOODTWIN_CLI", "floodtwin")
ARTEFACTS = Path(os.environ.get("FLOODTWIN_WEB_ARTEFACTS", "web_artefacts"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO = SOURCE / "scenarios" / "demo"


def demo_copy(folder, cell_size=600, duration="2h"):
    """The demo scenario in `folder` with absolute inputs, a coarse grid and a short storm."""
    text = (DEMO / "demo.toml").read_text()
    for name in set(re.findall(r'"([^"]+)"', text)):
        if (DEMO / name).is_file():
            text = text.replace(f'"{name}"', f'"{DEMO / name}"')
    text = text.replace("cell_size = 90", f"cell_size = {cell_size}")
    text = re.sub(r'^duration = "[^"]*"', f'duration = "{duration}"', text, count=1, flags=re.M)
    # A low flood threshold, so that the short coarse run floods a few dozen cells.
    text = text.replace("flood_threshold = 0.1", "flood_threshold = 0.02")
    path = Path(folder) / "demo.toml"
    path.write_text(text)
    return path


def floodtwin(*args, check=True):
    return subprocess.run(
        [CLI, *map(str, args)], capture_output=True, text=True, check=check, timeout=120
    )


def viewer_data(folder):
    text = (Path(folder) / "data" / "viewer_data.js").read_text()
    return json.loads(text[text.index("{") : text.rindex("}") + 1])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    scenario = demo_copy(folder)
    floodtwin("run", scenario, "--threads", "2")
    results = folder / "results" / "demo.nc"
    assert results.is_file()
    return folder, results


def test_viewer_in_chromium(run):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    folder, results = run
    out = folder / "viewer"
    roads = DEMO / "impacts" / "roads.geojson"
    printed = floodtwin("web", results, out, "--layer", roads).stdout
    assert "index.html" in printed
    for name in ("index.html", "viewer.js", "lib/leaflet.js", "lib/proj4.js", "data/frames.js"):
        assert (out / name).is_file(), name
    data = viewer_data(out)
    assert data["layers"][0]["name"] == "roads" and data["layers"][0]["geojson"]["features"]
    # The warning zones of the run's impacts, with the levels of its zone table.
    table = (results.parent / "demo_impacts" / "zones.csv").read_text().splitlines()
    header = table[0].split(",")
    levels = {r.split(",")[0]: r.split(",")[header.index("level")] for r in table[1:]}
    zones = data["zones"]["geojson"]["features"]
    assert {f["properties"]["zone"]: f["properties"].get("level", "") for f in zones} == levels
    assert data["zones"]["level_colours"]["Z1"]["evacuate"] == "#d7191c"

    with h5py.File(results, "r") as h5:
        depth = h5["depth"][-1].astype(float)
        speed = np.hypot(h5["velocity_x"][-1], h5["velocity_y"][-1]).astype(float)
        arrival = h5["arrival_time"][:].astype(float)
        max_depth = h5["max_depth"][:].astype(float)
        x = h5["x"][:]
        y = h5["y"][:]
        threshold = float(h5["arrival_time"].attrs["threshold"])
    assert data["threshold"] == pytest.approx(threshold)
    # Probe cells: deep water and dry land at the last time, away from the grid's edge.
    inner = np.zeros(depth.shape, bool)
    inner[2:-2, 2:-2] = True
    wet = np.argwhere(inner & (depth > threshold + 0.015))
    dry = np.argwhere(inner & np.isfinite(depth) & (depth < threshold - 0.015))
    assert len(wet) >= 3 and len(dry) >= 3, "the coarse run should flood some cells, not all"
    picks = [tuple(wet[k]) for k in np.linspace(0, len(wet) - 1, 5).astype(int)]
    picks += [tuple(dry[k]) for k in np.linspace(0, len(dry) - 1, 5).astype(int)]
    points = [[float(x[i]), float(y[j])] for j, i in picks]
    jc, ic = picks[0]  # the click: the first wet cell
    probes = {"points": points, "click": [float(x[ic]), float(y[jc])]}

    env = dict(os.environ, FLOODTWIN_WEB_DIR=str(SOURCE / "web"))
    node = subprocess.run(
        [
            "node",
            SOURCE / "tests" / "web" / "browser_check.mjs",
            out,
            ARTEFACTS,
            json.dumps(probes),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert node.returncode == 0, node.stderr[-3000:]
    seen = json.loads(node.stdout)
    (ARTEFACTS / "browser_check.json").write_text(json.dumps(seen, indent=1))
    paint = seen["paint"].get("first-contentful-paint", float("nan"))
    print(f"\nfirst contentful paint {paint:.0f} ms, map drawn {seen['map_drawn_ms']:.0f} ms")

    # No console error, nothing fetched from outside the folder.
    assert seen["console_errors"] == [] and seen["page_errors"] == []
    assert seen["outside"] == [], seen["outside"]
    assert seen["failed"] == []
    assert any(r.endswith("data/frames.js") for r in seen["requests"])

    # The screenshot shows water where the results have water (at the last time).
    def bluish(rgb):
        r, g, b = rgb
        return b > r + 40 and b > g

    for k, rgb in enumerate(seen["last_rgb"]):
        assert bluish(rgb) == (k < 5), (picks[k], depth[picks[k]], rgb)
    # Moving the slider to the first time changed the picture.
    assert seen["slider_pixels_changed"] > 100
    assert seen["time_label_first"].startswith("t = 00:00:00")

    # The click query returns the results' values to the stated precision (1 mm, 1 mm/s,
    # 1 s; float32 in the file).
    q = seen["click"]
    assert (q["i"], q["j"]) == (ic, jc)
    assert q["depth"] == pytest.approx(depth[jc, ic], abs=0.0005 + 1e-6)
    assert q["speed"] == pytest.approx(speed[jc, ic], abs=0.0005 + 1e-6)
    assert q["max_depth"] == pytest.approx(max_depth[jc, ic], abs=0.0005 + 1e-6)
    assert q["arrival_time"] == pytest.approx(arrival[jc, ic], abs=0.5 + 1e-3)
    hr = depth[jc, ic] * (speed[jc, ic] + 0.5) + (1.0 if depth[jc, ic] > 0.25 else 0.0)
    assert q["hazard_rating"] == pytest.approx(hr, abs=0.01)
    assert q["series_len"] == len(seen["times"]) and q["last_depth_series"] == q["depth"]
    assert f"{depth[jc, ic]:.3f} m" in seen["click_table"] or abs(q["depth"] - depth[jc, ic]) < 6e-4

    # Gauges, search, CRS.
    assert seen["search"].startswith("gauge: ")
    assert "thresholds: warning depth" in seen["gauge_panel"]
    lon, lat = seen["lonlat"]["got"]
    assert (lon, lat) == pytest.approx(seen["lonlat"]["expected"], abs=1e-6)
    assert "FD2320" in seen["legend"] or "Hazard" in seen["legend"]

    # Printing: one A4 landscape page.
    pdf = Path(seen["pdf"]).read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", pdf).group(1).split()]
    assert box[2:] == pytest.approx([841.92, 594.96], abs=1)  # A4 landscape [pt]


def test_decimation_and_refusals(run):
    folder, results = run
    out = folder / "small"
    floodtwin("web", results, out, "--max-size", "16")
    data = viewer_data(out)
    with h5py.File(results, "r") as h5:
        ny, nx = h5["depth"].shape[1:]
    stride = math.ceil(max(nx, ny) / 16)
    g = data["grid"]
    assert (g["stride"], g["nx"], g["ny"]) == (stride, -(-nx // stride), -(-ny // stride))
    assert g["dx"] == pytest.approx(g["full_dx"] * stride)
    # Writing again over an earlier viewer works; over another folder it is refused.
    floodtwin("web", results, out, "--max-size", "16")
    other = folder / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    r = floodtwin("web", results, other, check=False)
    assert r.returncode != 0 and "not a floodtwin viewer" in r.stderr
    assert (other / "notes.txt").read_text() == "mine"
    r = floodtwin("web", folder / "missing.h5", folder / "v2", check=False)
    assert r.returncode != 0 and "missing.h5" in r.stderr
    r = floodtwin("web", results, folder / "v3", "--layer", folder / "demo.toml", check=False)
    assert r.returncode != 0 and "demo.toml" in r.stderr
    assert not (folder / "v3").exists() and not (folder / "v3.partial").exists()
    shutil.rmtree(out)
