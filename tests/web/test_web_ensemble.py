"""Probability maps of an ensemble (issue 12) in the web viewer and in `floodtwin render`: a
coarse demo ensemble of 5 members, its viewer driven in Debian's chromium (browser_ensemble.mjs)
and its rendered PNG maps, each compared with the ensemble file (read here with h5py/netCDF4);
and `floodtwin forecast --web` on a twin with [ensemble], whose viewer carries the cycle's
ensemble.h5."""

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "twin"))

from test_web_viewer import ARTEFACTS, CHROMIUM, SOURCE, demo_copy, floodtwin  # noqa: E402

ENSEMBLE = """
[ensemble]
members = 5
seed = 3
rain_factor = { distribution = "lognormal", median = 1.0, sigma = 0.5 }
thresholds = [0.02, 0.1, 0.3]
quantiles = [0.1, 0.5, 0.9]
"""
# The probability ramp (viz::probability_colour, docs/web.md): five stops, linear between them,
# rounded to the nearest integer.
STOPS = np.array(
    [[255, 237, 160], [254, 178, 76], [240, 59, 32], [189, 0, 38], [84, 0, 80]], dtype=float
)


def ramp(t):
    x = np.clip(t, 0, 1) * (len(STOPS) - 1)
    k = min(int(x), len(STOPS) - 2)
    f = x - k
    return np.floor(STOPS[k] * (1 - f) + STOPS[k + 1] * f + 0.5)


def viewer_data(folder):
    text = (Path(folder) / "data" / "viewer_data.js").read_text()
    return json.loads(text[text.index("{") : text.rindex("}") + 1])


def decode(field):
    """A quantised field of the viewer (value = offset + scale * (256 R + G); 65535: none)."""
    png = base64.b64decode(field["png"].split(",", 1)[1])
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int64)
    code = rgb[..., 0] * 256 + rgb[..., 1]
    return np.where(code == 65535, np.nan, field["offset"] + field["scale"] * code)


def results_file(folder):
    """The demo's results (results/demo.nc, or demo.h5 before the demo wrote netCDF names)."""
    found = [p for p in (Path(folder) / "results").glob("demo.*") if p.suffix in (".nc", ".h5")]
    assert len(found) == 1, found
    return found[0]


def read_ensemble(path):
    with h5py.File(path, "r") as h5:
        return {
            "p": h5["exceedance_probability"][:].astype(float),
            "q": h5["max_depth_quantile"][:].astype(float),
            "thresholds": h5["threshold"][:].astype(float),
            "quantiles": h5["quantile"][:].astype(float),
            "gauge_depth": h5["gauge_depth"][:].astype(float),
            "stations": [s.decode() if isinstance(s, bytes) else s for s in _names(h5)],
            "x": h5["x"][:],
            "y": h5["y"][:],
            "station_x": h5["station_x"][:],
            "station_y": h5["station_y"][:],
        }


def _names(h5):
    raw = h5["station_name"][:]
    return [b"".join(r).rstrip(b"\0").decode() for r in raw]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ens")
    scenario = demo_copy(folder)
    scenario.write_text(scenario.read_text() + ENSEMBLE)
    floodtwin("run", scenario, "--threads", "2")
    floodtwin("ensemble", scenario, "--threads", "2")
    path = folder / "results" / "demo_ensemble.h5"
    assert path.is_file()
    return folder, path


def test_viewer_layers_and_click_in_chromium(ensemble):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    folder, path = ensemble
    out = folder / "viewer"
    # The ensemble file as the input: the results beside it give terrain and depths.
    printed = floodtwin("web", path, out).stdout
    assert "ensemble of 5 members" in printed and results_file(folder).name in printed
    e = read_ensemble(path)
    data = viewer_data(out)
    ens = data["ensemble"]
    assert ens["members"] == 5 and ens["thresholds"] == pytest.approx(list(e["thresholds"]))
    # Every cell of every layer within the stated precision (1e-4 / 2; 1 mm / 2).
    for k in range(len(e["thresholds"])):
        got = decode(ens["exceedance"][k])
        np.testing.assert_array_equal(np.isnan(got), np.isnan(e["p"][k]))
        assert np.nanmax(np.abs(got - e["p"][k])) <= 5e-5 + 1e-12
    for k in range(len(e["quantiles"])):
        got = decode(ens["max_depth_quantile"][k])
        assert np.nanmax(np.abs(got - e["q"][k])) <= 5e-4 + 1e-6
    # The gauges' bands against numpy over the members.
    gd = e["gauge_depth"]  # (realization, time, station)
    for s, name in enumerate(e["stations"]):
        band = next(b for b in ens["gauges"] if b["name"] == name)
        np.testing.assert_allclose(band["min"], gd[:, :, s].min(axis=0), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(band["max"], gd[:, :, s].max(axis=0), rtol=1e-8, atol=1e-12)
        for k, q in enumerate(e["quantiles"]):
            expected = np.quantile(gd[:, :, s], q, axis=0)
            np.testing.assert_allclose(band["quantiles"][k], expected, rtol=1e-8, atol=1e-12)

    # The click: a cell where the probability of the middle threshold is strictly between 0
    # and 1, away from the grid's edge and from the gauges' markers.
    p1 = e["p"][1]
    inner = np.zeros(p1.shape, bool)
    inner[2:-2, 2:-2] = True
    for sx, sy in zip(e["station_x"], e["station_y"]):
        i = int(np.argmin(np.abs(e["x"] - sx)))
        j = int(np.argmin(np.abs(e["y"] - sy)))
        inner[max(0, j - 2) : j + 3, max(0, i - 2) : i + 3] = False
    candidates = np.argwhere(inner & (p1 > 0) & (p1 < 1))
    assert len(candidates) > 0, "the ensemble should give partial probabilities"
    jc, ic = candidates[len(candidates) // 2]
    probes = {
        "click": [float(e["x"][ic]), float(e["y"][jc])],
        "mode": "p:1",
        "gauge": e["stations"][0],
    }
    env = dict(os.environ, FLOODTWIN_WEB_DIR=str(SOURCE / "web"))
    node = subprocess.run(
        [
            "node",
            SOURCE / "tests" / "web" / "browser_ensemble.mjs",
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
    (ARTEFACTS / "browser_ensemble.json").write_text(json.dumps(seen, indent=1))
    assert seen["console_errors"] == [] and seen["page_errors"] == []
    assert seen["outside"] == [], seen["outside"]
    assert seen["failed"] == []
    assert ["p:1", "P(max depth > 0.1 m)"] in seen["modes"]
    assert ["q:1", "Max depth, 50 % quantile"] in seen["modes"]
    assert seen["legend"].startswith("P(max depth > 0.1 m)")
    assert "ensemble of 5 members" in seen["subtitle"]

    q = seen["click"]
    assert (q["i"], q["j"]) == (ic, jc)
    for k in range(len(e["thresholds"])):
        assert q["probabilities"][k] == pytest.approx(e["p"][k][jc, ic], abs=5e-5 + 1e-12)
    for k in range(len(e["quantiles"])):
        assert q["depth_quantiles"][k] == pytest.approx(e["q"][k][jc, ic], abs=5e-4 + 1e-6)
    assert f"{e['p'][1][jc, ic]:.4f}" in seen["click_table"]

    g = seen["gauge"]
    assert g["gauge"] == e["stations"][0] and g["band"]["name"] == e["stations"][0]
    assert "ensemble of 5 members" in seen["gauge_panel"]


def test_ensemble_alone(ensemble, tmp_path):
    """An ensemble file with no results beside it: its grid over a flat terrain, no times."""
    folder, path = ensemble
    alone = tmp_path / "ensemble.h5"
    shutil.copy(path, alone)
    printed = floodtwin("web", alone, tmp_path / "v").stdout
    assert "no results beside it" in printed
    data = viewer_data(tmp_path / "v")
    e = read_ensemble(alone)
    assert data["times"] == [] and data["peaks"] is None
    assert (data["grid"]["nx"], data["grid"]["ny"]) == (len(e["x"]), len(e["y"]))
    for k in range(len(e["thresholds"])):
        got = decode(data["ensemble"]["exceedance"][k])
        assert np.nanmax(np.abs(got - e["p"][k])) <= 5e-5 + 1e-12
    assert [g["name"] for g in data["gauges"]] == e["stations"]
    # A results file on another grid is refused, naming both files.
    other = tmp_path / "other.h5"
    shutil.copy(results_file(folder), other)
    with h5py.File(other, "a") as h5:
        h5["x"][...] = h5["x"][:] + 1000.0
    r = floodtwin("web", alone, tmp_path / "v2", "--results", other, check=False)
    assert r.returncode != 0 and "ensemble.h5" in r.stderr and "other.h5" in r.stderr
    assert not (tmp_path / "v2").exists()


def test_probability_maps_rendered(ensemble):
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed")
    folder, path = ensemble
    e = read_ensemble(path)
    xvfb = ["sh", str(SOURCE / "tests" / "viz" / "xvfb.sh")]
    cli = os.environ.get("FLOODTWIN_CLI", "floodtwin")

    def render(*args):
        r = subprocess.run(
            [*xvfb, cli, "render", str(path), "--no-gauges", "--width", "900", "--height", "600"]
            + list(map(str, args)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    # One map per threshold.
    printed = render("--out", folder / "prob.png")
    files = [folder / f"prob_gt{t:g}m.png" for t in e["thresholds"]]
    for f in files:
        assert f.is_file() and str(f) in printed
    # One threshold.
    printed = render("--out", folder / "p01.png", "--threshold", "0.1")
    m = re.search(r"map at \((\d+), (\d+)\), (\d+) x (\d+) pixels", printed)
    x0, y0, w, h = map(int, m.groups())
    img = np.asarray(Image.open(folder / "p01.png").convert("RGB")).astype(int)
    p = e["p"][1]
    ny, nx = p.shape
    checked = coloured = 0
    for j in range(ny):
        for i in range(nx):
            if np.isnan(p[j, i]):
                continue
            px = img[int(y0 + (j + 0.5) * h / ny), int(x0 + (i + 0.5) * w / nx)]
            if p[j, i] > 0:
                assert np.abs(px - ramp(p[j, i])).max() <= 2, (i, j, p[j, i], px)
                coloured += 1
            else:
                assert max(abs(px[0] - px[1]), abs(px[1] - px[2])) <= 2, (i, j, px)  # grey
            checked += 1
    assert coloured > 0 and checked > coloured
    # A threshold the file does not hold is refused, naming those it holds.
    r = subprocess.run(
        [cli, "render", str(path), "--out", str(folder / "x.png"), "--threshold", "0.5"],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "thresholds are 0.02, 0.1, 0.3 m" in r.stderr
    assert not (folder / "x.png").exists()


def test_forecast_web_includes_the_cycle_ensemble(tmp_path):
    from test_cycle import cycle_name, forecast, make_twin  # tests/twin

    root = make_twin(tmp_path / "twin")
    twin = root / "twin.toml"
    twin.write_text(
        twin.read_text()
        + "\n[ensemble]\nmembers = 3\nseed = 1\n"
        + 'rain_factor = { distribution = "lognormal", median = 1.0, sigma = 0.4 }\n'
        + "thresholds = [0.01, 0.05]\nquantiles = [0.5]\n"
    )
    forecast(root, 2, "--web", lead="1h")
    cycle = root / "cycles" / cycle_name(2)
    data = viewer_data(cycle / "web")
    ens = data["ensemble"]
    assert ens["source"] == "ensemble.h5" and ens["members"] == 3
    e = read_ensemble(cycle / "ensemble.h5")
    for k in range(2):
        got = decode(ens["exceedance"][k])
        assert np.nanmax(np.abs(got - e["p"][k])) <= 5e-5 + 1e-12
    assert [b["name"] for b in ens["gauges"]] == e["stations"]
