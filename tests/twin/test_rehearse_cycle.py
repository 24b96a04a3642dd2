"""Rehearsal of a forecast cycle (`floodtwin rehearse TWIN --cycle CYCLE`): what-if variants of
the cycle's forecast leg, rerun from the state the cycle saved at T0.

Checked: the baseline reproduces the cycle's own forecast bitwise; rain scaled by 2 puts twice
the forecast rain on the basin and reaches a higher warning level; a breach over a polygon
lowers exactly the cells whose centres lie inside it, at T0 + its time (bitwise equal to the
baseline before); lead times count from T0; a cycle that was never run is refused.
"""

import csv
import json
import os
import subprocess

import h5py
import numpy as np
import pytest

from test_cycle import CLI, cycle_name, forecast, make_twin

HOUR = 2  # the cycle rehearsed: T0 = 02:00, lead 3 h
X0, Y0, DX = 500000.0, 4000000.0, 25.0


def add_impacts(root):
    """One warning zone over the valley, levels on its max depth and flooded area, and the
    basin's scenario pointing at them."""
    ring = [[X0, Y0], [X0 + 36 * DX, Y0], [X0 + 36 * DX, Y0 - 24 * DX], [X0, Y0 - 24 * DX]]
    zones = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32611"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "V", "name": "Valley"},
                "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]},
            }
        ],
    }
    (root / "zones.geojson").write_text(json.dumps(zones))
    (root / "levels.csv").write_text(
        "zone,level,indicator,value\nV,watch,max_depth,0.02\nV,alarm,flooded_area,100000\n"
    )
    text = (root / "basin.toml").read_text()
    text += '\n[impacts]\nzones = "zones.geojson"\nlevels = "levels.csv"\n'
    (root / "basin.toml").write_text(text)


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory):
    root = make_twin(tmp_path_factory.mktemp("twin"))
    add_impacts(root)
    forecast(root, HOUR, "--web")
    # Breach polygon: a 3 x 2 block of cell centres (columns 10..12, rows 11..12).
    px0, px1 = X0 + 9.9 * DX, X0 + 12.9 * DX
    py0, py1 = Y0 - 12.9 * DX, Y0 - 10.9 * DX
    (root / "variants.toml").write_text(
        f"""
[[variant]]
name = "wetter"
rain_factor = 2.0

[[variant]]
name = "gap"
breach = {{ polygon = [[{px0}, {py0}], [{px1}, {py0}], [{px1}, {py1}], [{px0}, {py1}]], \
depth = 1.0, time = "45min" }}
"""
    )
    out = root / "r"
    run = subprocess.run(
        [
            CLI,
            "rehearse",
            str(root / "twin.toml"),
            "--cycle",
            cycle_name(HOUR),
            "--variants",
            str(root / "variants.toml"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return root, out, run.stdout


def read(path, names):
    with h5py.File(path, "r") as f:
        return {n: f[n][()] for n in names}


def test_baseline_reproduces_the_cycle_forecast_bitwise(rehearsed):
    root, out, stdout = rehearsed
    names = ["time", "depth", "velocity_x", "max_depth", "arrival_time", "gauge_depth"]
    cycle = read(root / "cycles" / cycle_name(HOUR) / "forecast.h5", names)
    base = read(out / "baseline" / "baseline.h5", names)
    for n in names:
        assert np.array_equal(cycle[n], base[n], equal_nan=True), n
    assert f"cycle {cycle_name(HOUR)}" in stdout


def test_rain_factor_doubles_the_forecast_rain_and_raises_the_level(rehearsed):
    _, out, _ = rehearsed
    base = read(out / "baseline" / "baseline.h5", ["rain_in", "max_depth"])
    wet = read(out / "wetter" / "wetter.h5", ["rain_in", "max_depth"])
    rain_base = base["rain_in"][-1] - base["rain_in"][0]
    rain_wet = wet["rain_in"][-1] - wet["rain_in"][0]
    assert rain_base > 0
    assert rain_wet == pytest.approx(2 * rain_base, rel=1e-12)
    assert np.nanmax(wet["max_depth"]) > np.nanmax(base["max_depth"])
    with open(out / "comparison.csv", newline="") as f:
        rows = {r["variant"]: r for r in csv.DictReader(f)}
    assert rows["baseline"]["level"] == "watch"
    assert rows["wetter"]["level"] == "alarm"
    assert (
        float(rows["wetter"]["flooded_area_m2"])
        > 100000
        > float(rows["baseline"]["flooded_area_m2"])
    )
    # Lead times count from T0.
    with open(out / "wetter" / "wetter_impacts" / "levels.csv", newline="") as f:
        alarm = [r for r in csv.DictReader(f) if r["level"] == "alarm"][0]
    t0 = f"2024-05-01T{HOUR:02d}:00:00Z"
    assert alarm["reached"] == "true" and alarm["first_time"] > t0
    hh, mm, ss = (int(v) for v in alarm["first_time"][11:19].split(":"))
    assert float(alarm["lead_time_s"]) == (hh - HOUR) * 3600 + mm * 60 + ss


def test_polygon_breach_lowers_the_cells_inside_at_its_time(rehearsed):
    _, out, _ = rehearsed
    names = ["time", "depth", "water_level"]
    base = read(out / "baseline" / "baseline.h5", names)
    gap = read(out / "gap" / "gap.h5", names)
    # The bed at the last output: water level - depth (the static `elevation` is the initial bed).
    bed = {
        k: v["water_level"][-1].astype(float) - v["depth"][-1] for k, v in (("b", base), ("g", gap))
    }
    lowered = bed["b"] - bed["g"]
    lowered[np.abs(lowered) < 1e-3] = 0
    rows, cols = np.nonzero(lowered != 0)
    assert sorted(set(cols)) == [10, 11, 12] and sorted(set(rows)) == [11, 12]
    assert np.allclose(lowered[rows, cols], 1.0, rtol=0, atol=1e-4)
    t_breach = HOUR * 3600.0 + 45 * 60.0
    times = base["time"]
    before = times < t_breach - 1e-6
    assert before.any() and (~before).any()
    assert np.array_equal(base["depth"][before], gap["depth"][before], equal_nan=True)
    assert not np.array_equal(base["depth"][~before], gap["depth"][~before], equal_nan=True)
    # The water stands in the gap: deeper there than anywhere in the baseline.
    assert np.nanmax(gap["depth"][-1][rows, cols]) > np.nanmax(base["depth"][-1])


def test_the_cycle_publishes_its_web_viewer_with_zones(rehearsed):
    root, _, _ = rehearsed
    web = root / "cycles" / cycle_name(HOUR) / "web"
    assert (web / "index.html").is_file()
    data = (web / "data" / "viewer_data.js").read_text()
    assert "Valley" in data and cycle_name(HOUR) in data  # the zone and the title
    assert not list((root / "cycles").glob("*.partial")) and not list(web.parent.glob("*.lock"))


def test_a_cycle_never_run_is_refused(rehearsed):
    root, _, _ = rehearsed
    run = subprocess.run(
        [
            CLI,
            "rehearse",
            str(root / "twin.toml"),
            "--cycle",
            cycle_name(HOUR + 1),
            "--variants",
            str(root / "variants.toml"),
            "--out",
            str(root / "r2"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert cycle_name(HOUR + 1) in run.stderr and "no saved state" in run.stderr


assert os.path.exists(CLI)
