"""Impacts end to end: `floodtwin run` of a small valley with [impacts] writes the impacts
folder; people affected, buildings flooded, damage and the critical-rain crossing time are
recomputed here from the results file and the inputs (numpy, h5py, this file's own
point-in-polygon) and match the engine to round-off; the CAP alerts follow the CAP 1.2 schema;
floodtwin.impacts() returns the same table."""

import csv
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py
import numpy as np
import pytest
from osgeo import gdal

import floodtwin

from impacts_valley import (
    CLI,
    CURVE_DEPTHS,
    CURVES,
    DX,
    NX,
    NY,
    RAIN,
    X0,
    Y0,
    ZONES,
    inside,
    read_csv,
)


def test_run_writes_the_folder_and_prints_the_headline(case):
    d, out = case
    folder = d / "out" / "valley_impacts"
    for name in [
        "zones.csv",
        "totals.csv",
        "levels.csv",
        "actions.csv",
        "zones.gpkg",
        "report.html",
    ]:
        assert (folder / name).is_file(), name
    assert not (d / "out" / "valley_impacts.partial").exists()
    assert "impacts: 2 zones" in out and "people affected" in out and "first crossing" in out
    header = (folder / "zones.csv").read_text().splitlines()[0].split(",")
    contract = (
        "zone,name,level,level_time,flooded_area_m2,max_depth_m,people_affected,"
        "buildings_flooded,damage,roads_cut_m"
    ).split(",")
    assert header[: len(contract)] == contract
    assert [r["zone"] for r in read_csv(folder / "zones.csv")] == ["A", "B"]
    zones = read_csv(folder / "zones.csv")
    (total,) = read_csv(folder / "totals.csv")
    assert total["zone"] == "TOTAL"
    for key in ["people_affected", "damage", "flooded_area_m2"]:
        assert float(total[key]) == pytest.approx(sum(float(z[key]) for z in zones), rel=1e-12)
    assert int(total["buildings_flooded"]) == sum(int(z["buildings_flooded"]) for z in zones)


def test_numbers_match_an_independent_computation(case):
    d, _ = case
    rows = {r["zone"]: r for r in read_csv(d / "out" / "valley_impacts" / "zones.csv")}
    with h5py.File(d / "out" / "valley.h5", "r") as f:
        x = f["x"][:]
        y = f["y"][:]
        max_depth = f["max_depth"][:].astype(float)
    X, Y = np.meshgrid(x, y)
    pop = gdal.Open(str(d / "pop.tif")).ReadAsArray()
    b_ds = gdal.OpenEx(str(d / "buildings.geojson"))
    layer = b_ds.GetLayer(0)
    buildings = []
    for feat in layer:
        g = feat.GetGeometryRef()
        if g.GetGeometryName() == "POINT":
            px, py = g.GetX(), g.GetY()
            ci, cj = int((px - X0) // DX), int((Y0 - py) // DX)
            depth = max_depth[cj, ci]
            anchor = (X0 + (ci + 0.5) * DX, Y0 - (cj + 0.5) * DX)
        else:
            ring = g.GetGeometryRef(0).GetPoints()[:-1]
            mask = inside(ring, X, Y)
            assert mask.any()
            depth = max_depth[mask].max()
            anchor = tuple(np.mean(ring, axis=0))  # the footprints are rectangles
        occ = feat.GetField("occupancy")
        floor = feat.GetField("floor_height")
        value = feat.GetField("value")
        frac = np.interp(depth - floor, CURVE_DEPTHS, CURVES[occ], left=0.0, right=CURVES[occ][-1])
        buildings.append((anchor, depth > floor, value * frac))
    assert any(b[1] for b in buildings), "the case floods no building"
    for zid, ring in ZONES.items():
        mask = inside(ring, X, Y)
        people = pop[mask & (max_depth > 0.03)].sum()
        zone_buildings = [
            b for b in buildings if inside(ring, *np.array([[b[0][0]], [b[0][1]]]))[0]
        ]
        flooded = sum(1 for b in zone_buildings if b[1])
        damage = sum(b[2] for b in zone_buildings)
        r = rows[zid]
        assert float(r["people_affected"]) == pytest.approx(people, rel=1e-12, abs=1e-9)
        assert int(r["buildings_flooded"]) == flooded
        assert float(r["damage"]) == pytest.approx(damage, rel=1e-12, abs=1e-6)
        assert float(r["flooded_area_m2"]) == (mask & (max_depth > 0.02)).sum() * DX * DX
        assert float(r["max_depth_m"]) == max_depth[mask].max()
    assert float(rows["A"]["people_affected"]) > 0


def test_rain_crossing_times_match(case):
    d, _ = case
    with h5py.File(d / "out" / "valley.h5", "r") as f:
        times = np.union1d(f["time"][:], f["gauge_time"][:])
    # Period-ending rain: the value at t_k falls over (t_{k-1}, t_k], the first interval as
    # long as the second.
    t = np.array([r[0] for r in RAIN], dtype=float)
    rate = np.array([r[1] for r in RAIN]) / 3600.0  # mm/s
    starts = np.concatenate([[t[0] - (t[1] - t[0])], t[:-1]])

    def past(tt, window):
        a = tt - window
        return sum(rk * max(0.0, min(e, tt) - max(s, a)) for s, e, rk in zip(starts, t, rate))

    start = np.datetime64("2024-06-01T12:00:00")
    levels = read_csv(d / "out" / "valley_impacts" / "levels.csv")
    checked = 0
    for row in levels:
        if row["indicator"] != "rain":
            continue
        window = float(row["duration_s"])
        values = np.array([past(tt, window) for tt in times])
        above = np.nonzero(values >= float(row["threshold"]))[0]
        assert float(row["peak"]) == pytest.approx(values.max(), rel=1e-12)
        if len(above) == 0:
            assert row["reached"] == "false"
            continue
        expected = start + np.timedelta64(int(round(times[above[0]])), "s")
        assert row["reached"] == "true"
        assert row["first_time"] == str(expected) + "Z", row
        checked += 1
    assert checked >= 2


def test_cap_alerts_follow_the_cap_1_2_schema(case):
    d, _ = case
    ns = "{urn:oasis:names:tc:emergency:cap:1.2}"
    alert_order = [
        "identifier",
        "sender",
        "sent",
        "status",
        "msgType",
        "source",
        "scope",
        "restriction",
        "addresses",
        "code",
        "note",
        "references",
        "incidents",
        "info",
    ]
    info_order = [
        "language",
        "category",
        "event",
        "responseType",
        "urgency",
        "severity",
        "certainty",
        "audience",
        "eventCode",
        "effective",
        "onset",
        "expires",
        "senderName",
        "headline",
        "description",
        "instruction",
        "web",
        "contact",
        "parameter",
        "resource",
        "area",
    ]
    area_order = ["areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"]
    enums = {
        "status": {"Actual", "Exercise", "System", "Test", "Draft"},
        "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
        "scope": {"Public", "Restricted", "Private"},
        "category": {
            "Geo",
            "Met",
            "Safety",
            "Security",
            "Rescue",
            "Fire",
            "Health",
            "Env",
            "Transport",
            "Infra",
            "CBRNE",
            "Other",
        },
        "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
        "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
        "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"},
    }
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

    def in_order(element, order, required):
        names = [c.tag.replace(ns, "") for c in element]
        assert all(c.tag.startswith(ns) for c in element), names
        positions = [order.index(n) for n in names]
        assert positions == sorted(positions), names
        for r in required:
            assert r in names, (r, names)
        return names

    alerts = sorted((d / "out" / "valley_impacts" / "alerts").glob("*.xml"))
    zones = read_csv(d / "out" / "valley_impacts" / "zones.csv")
    assert len(alerts) == sum(1 for z in zones if z["level"]) >= 1
    for path in alerts:
        root = ET.parse(path).getroot()
        assert root.tag == ns + "alert"
        in_order(root, alert_order, ["identifier", "sender", "sent", "status", "msgType", "scope"])
        assert not re.search(r"[\s,<&]", root.find(ns + "identifier").text)
        assert stamp.match(root.find(ns + "sent").text)
        for key in ["status", "msgType", "scope"]:
            assert root.find(ns + key).text in enums[key]
        for info in root.findall(ns + "info"):
            in_order(info, info_order, ["category", "event", "urgency", "severity", "certainty"])
            for key in ["category", "urgency", "severity", "certainty"]:
                assert info.find(ns + key).text in enums[key]
            assert stamp.match(info.find(ns + "onset").text)
            for area in info.findall(ns + "area"):
                in_order(area, area_order, ["areaDesc"])
                for poly in area.findall(ns + "polygon"):
                    pairs = [tuple(map(float, p.split(","))) for p in poly.text.split()]
                    assert len(pairs) >= 4 and pairs[0] == pairs[-1]
                    for lat, lon in pairs:  # the valley is at about 37.9 N, 117 W
                        assert 37 < lat < 39 and -118 < lon < -116
    text = (d / "out" / "valley_impacts" / "alerts" / "A.xml").read_text()
    assert "Warn &lt;residents&gt; &amp; farms" in text


def test_report_is_one_self_contained_page(case):
    d, _ = case
    html = (d / "out" / "valley_impacts" / "report.html").read_text()
    assert "@page" in html and "A4" in html
    assert "data:image/png;base64," in html
    assert not re.search(r'(src|href)="(?!data:)', html)
    assert "zone A" in html


def test_python_returns_the_same_table(case, tmp_path):
    d, _ = case
    table = floodtwin.impacts(d / "out" / "valley.h5", d / "valley.toml", out=tmp_path / "py")
    rows = read_csv(tmp_path / "py" / "zones.csv")
    assert table["zone"] == ["A", "B"]
    for k, r in enumerate(rows[:2]):
        assert table["people_affected"][k] == float(r["people_affected"])
        assert table["buildings_flooded"][k] == int(r["buildings_flooded"])
        assert table["level"][k] == r["level"]
    with pytest.raises(FileNotFoundError):
        floodtwin.impacts(d / "out" / "nope.h5", d / "valley.toml", write=False)


def test_impacts_command_and_forecast_time(case, tmp_path):
    d, _ = case
    out = tmp_path / "cli"
    run = subprocess.run(
        [CLI, "impacts", str(d / "out" / "valley.h5"), "--scenario", str(d / "valley.toml")]
        + ["--out", str(out), "--forecast-time", "2024-06-01T12:10:00Z"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "impacts: 2 zones" in run.stdout
    levels = read_csv(out / "levels.csv")
    first = read_csv(d / "out" / "valley_impacts" / "levels.csv")
    for a, b in zip(levels, first):
        if a["reached"] == "true":  # the same crossings, lead times 10 min shorter
            assert a["first_time"] == b["first_time"]
            assert float(a["lead_time_s"]) == float(b["lead_time_s"]) - 600


def test_run_refuses_bad_impacts_inputs_before_running(case, tmp_path):
    d, _ = case
    text = (d / "valley.toml").read_text()
    bad = tmp_path / "levels.csv"
    bad.write_text("zone,level,indicator,value\nA,watch,max_depth,0.1\nQ,watch,max_depth,0.1\n")
    for name in ["dem.tif", "rain.csv", "zones.geojson", "pop.tif", "buildings.geojson"]:
        text = text.replace(f'"{name}"', f'"{d / name}"')
    text = text.replace('"plan.csv"', f'"{d / "plan.csv"}"').replace('"levels.csv"', f'"{bad}"')
    (tmp_path / "s.toml").write_text(text.replace('"out/valley.h5"', '"r/valley.h5"'))
    for command in ["validate", "run"]:
        run = subprocess.run(
            [CLI, command, str(tmp_path / "s.toml")], capture_output=True, text=True
        )
        assert run.returncode != 0
        assert f"{bad}' line 3" in run.stderr and "unknown zone id 'Q'" in run.stderr, run.stderr
        assert "valid" not in run.stdout
    assert not (tmp_path / "r").exists()
    ok = subprocess.run([CLI, "validate", str(d / "valley.toml")], capture_output=True, text=True)
    assert ok.returncode == 0 and "impacts zones: 2 from" in ok.stdout, ok.stdout + ok.stderr


def test_cap_alerts_validate_against_a_cap_1_2_schema(case, tmp_path):
    """xmllint (libxml2-utils) against tests/python/cap12.xsd, written from the standard."""
    import shutil

    xmllint = shutil.which("xmllint")
    if xmllint is None:
        pytest.skip("xmllint not installed (Debian package libxml2-utils)")
    d, _ = case
    schema = Path(__file__).with_name("cap12.xsd")
    alerts = sorted(str(p) for p in (d / "out" / "valley_impacts" / "alerts").glob("*.xml"))
    run = subprocess.run(
        [xmllint, "--noout", "--schema", str(schema)] + alerts, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    # The schema does catch a bad message.
    bad = tmp_path / "bad.xml"
    bad.write_text(
        Path(alerts[0]).read_text().replace("<urgency>", "<severity>Bad</severity><urgency>")
    )
    run = subprocess.run(
        [xmllint, "--noout", "--schema", str(schema), str(bad)], capture_output=True, text=True
    )
    assert run.returncode != 0


def test_rehearsal_compares_variants(case, tmp_path):
    d, _ = case
    variants = {
        "as_is": {},
        "wetter": {"rain_scale": 2.0},
        "inflow": {"inflow": (X0 + 15.5 * DX, Y0 - 1.5 * DX, 2.0)},
    }
    table = floodtwin.rehearse(d / "valley.toml", variants, tmp_path / "r", threads=2)
    assert table["variant"] == ["as_is"] * 2 + ["wetter"] * 2 + ["inflow"] * 2
    rows = read_csv(tmp_path / "r" / "comparison.csv")
    assert [r["variant"] for r in rows] == table["variant"]
    # The unchanged variant reproduces the run's impacts; more water floods more.
    base = {r["zone"]: r for r in read_csv(d / "out" / "valley_impacts" / "zones.csv")}
    for k in range(2):
        zone = table["zone"][k]
        assert table["people_affected"][k] == float(base[zone]["people_affected"])
        assert table["level"][k] == base[zone]["level"]
    peak = [max(table["max_depth_m"][k : k + 2]) for k in (0, 2, 4)]
    assert peak[1] > peak[0] and peak[2] > peak[0]
    # People count above people_depth (0.03 m): never fewer when wetter (the cells the extra
    # rain floods may stay below it); the flooded area must grow.
    assert sum(table["people_affected"][2:4]) >= sum(table["people_affected"][0:2])
    assert sum(table["flooded_area_m2"][2:4]) > sum(table["flooded_area_m2"][0:2])
    assert sum(table["damage"][4:6]) > sum(table["damage"][0:2])
    assert table["level"][2] == "alarm"  # zone A reaches its upper level only when wetter
    with pytest.raises(ValueError, match="unknown change"):
        floodtwin.rehearse(d / "valley.toml", {"x": {"levee": 1}}, tmp_path / "bad")


def test_rain_factor_scales_gridded_rain_and_polygon_breach_from_python(case, tmp_path):
    """rain_factor on gridded rain (a netCDF stack equal to the valley's hyetograph) doubles
    the rain put on the basin; a polygon breach given from Python lowers the cells inside."""
    import netCDF4

    d, _ = case
    with netCDF4.Dataset(d / "rain_grid.nc", "w") as nc:
        nc.createDimension("time", len(RAIN))
        nc.createDimension("y", NY)
        nc.createDimension("x", NX)
        t = nc.createVariable("time", "f8", ("time",))
        t.units = "seconds since 2024-06-01T12:00:00Z"
        t.standard_name = "time"
        t[:] = [tt for tt, _ in RAIN]
        x = nc.createVariable("x", "f8", ("x",))
        x.standard_name = "projection_x_coordinate"
        x.units = "m"
        x[:] = X0 + (np.arange(NX) + 0.5) * DX
        y = nc.createVariable("y", "f8", ("y",))
        y.standard_name = "projection_y_coordinate"
        y.units = "m"
        y[:] = Y0 - (np.arange(NY) + 0.5) * DX
        r = nc.createVariable("rain", "f4", ("time", "y", "x"))
        r.units = "mm/h"
        r[:] = np.array([v for _, v in RAIN], dtype=np.float32)[:, None, None] * np.ones((NY, NX))
    text = (d / "valley.toml").read_text().replace('uniform = "rain.csv"', 'grids = "rain_grid.nc"')
    (d / "valley_grid.toml").write_text(text)
    ring = [(X0 + 14 * DX, Y0 - 9 * DX), (X0 + 17 * DX, Y0 - 9 * DX), (X0 + 17 * DX, Y0 - 11 * DX)]
    ring.append((X0 + 14 * DX, Y0 - 11 * DX))
    variants = {
        "as_is": {},
        "x2": {"rain_factor": 2.0},
        "gap": {"breach": {"polygon": ring, "depth": 2.0, "time": "30min"}},
    }
    floodtwin.rehearse(d / "valley_grid.toml", variants, tmp_path / "g", threads=2)

    def rain(v):
        with h5py.File(tmp_path / "g" / v / f"{v}.h5", "r") as f:
            return f["rain_in"][-1] - f["rain_in"][0]

    total = sum(v * 600 / 3.6e6 for _, v in RAIN) * NX * NY * DX * DX  # m3, hyetograph exact
    assert rain("as_is") == pytest.approx(total, rel=1e-6)
    assert rain("x2") == pytest.approx(2 * rain("as_is"), rel=1e-12)
    with h5py.File(tmp_path / "g" / "as_is" / "as_is.h5", "r") as fa, h5py.File(
        tmp_path / "g" / "gap" / "gap.h5", "r"
    ) as fg:
        bed_a = fa["water_level"][-1].astype(float) - fa["depth"][-1]
        bed_g = fg["water_level"][-1].astype(float) - fg["depth"][-1]
    rows, cols = np.nonzero(np.abs(bed_a - bed_g) > 1e-3)
    # Cell centres strictly inside: columns 14..16 (x = 14.5, 15.5, 16.5 DX), rows 9, 10.
    assert sorted(set(cols)) == [14, 15, 16] and sorted(set(rows)) == [9, 10]
    assert np.allclose((bed_a - bed_g)[rows, cols], 2.0, atol=1e-4)


def test_cli_rehearse_runs_baseline_and_variants_including_a_breach(case, tmp_path):
    """`floodtwin rehearse`: the baseline reproduces `floodtwin run`; the breach variant is the
    baseline bitwise up to the breach time and differs after it; the wetter variant floods
    more; comparison.csv keeps the Python table's columns."""
    d, _ = case
    t_breach = 1500.0  # between two snapshots (every 600 s): the run must stop exactly there
    xa, xb, yb = X0 + 12 * DX, X0 + 19 * DX, Y0 - 8.5 * DX  # across the channel
    (tmp_path / "variants.toml").write_text(
        f"""
[[variant]]
name = "wetter"
rain_factor = 2.0

[[variant]]
name = "breach"
breach = {{ line = [[{xa}, {yb}], [{xb}, {yb}]], width = 25, depth = 1.5, time = "25min" }}

[[variant]]
name = "side_inflow"
inflow = {{ side = "north", series = [[0, 0], [3600, 3.0]] }}
"""
    )
    run = subprocess.run(
        [
            CLI,
            "rehearse",
            str(d / "valley.toml"),
            "--variants",
            str(tmp_path / "variants.toml"),
            "--out",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "breach of " in run.stdout and "comparison:" in run.stdout
    with open(tmp_path / "r" / "comparison.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header == [
        "variant",
        "zone",
        "name",
        "level",
        "level_time",
        "flooded_area_m2",
        "max_depth_m",
        "people_affected",
        "buildings_flooded",
        "damage",
        "roads_cut_m",
    ]
    rows = read_csv(tmp_path / "r" / "comparison.csv")
    assert [r["variant"] for r in rows] == [
        v for v in ["baseline", "wetter", "breach", "side_inflow"] for _ in range(2)
    ]
    base = read_csv(d / "out" / "valley_impacts" / "zones.csv")
    for r, b in zip(rows[:2], base):
        assert all(r[c] == b[c] for c in header[1:]), (r, b)
    for v in ["baseline", "wetter", "breach", "side_inflow"]:
        assert (tmp_path / "r" / v / f"{v}_impacts" / "zones.csv").is_file()
    by = {v: [r for r in rows if r["variant"] == v] for v in ["baseline", "wetter", "side_inflow"]}
    area = {v: sum(float(r["flooded_area_m2"]) for r in rs) for v, rs in by.items()}
    assert area["wetter"] > area["baseline"] and area["side_inflow"] > area["baseline"]
    with h5py.File(tmp_path / "r" / "baseline" / "baseline.h5", "r") as fb, h5py.File(
        tmp_path / "r" / "breach" / "breach.h5", "r"
    ) as fr:
        times = fb["time"][:]
        assert np.array_equal(times, fr["time"][:])
        before = times <= t_breach
        assert before.sum() >= 3 and (~before).sum() >= 2
        hb, hr = fb["depth"][:], fr["depth"][:]
        assert np.array_equal(hb[before], hr[before])  # bitwise: nothing changed before T
        assert not np.array_equal(hb[~before][0], hr[~before][0])
    # Bad variants name the file, the line and the key.
    (tmp_path / "bad.toml").write_text('[[variant]]\nname = "b"\nbreach = { x = 1, y = 2 }\n')
    run = subprocess.run(
        [CLI, "rehearse", str(d / "valley.toml"), "--variants", str(tmp_path / "bad.toml")],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "bad.toml:3" in run.stderr and "width" in run.stderr, run.stderr
    # floodtwin.rehearse takes the same variant as a dict and runs the same C++ code.
    breach = {"line": [(xa, yb), (xb, yb)], "width": 25, "depth": 1.5, "time": "25min"}
    table = floodtwin.rehearse(
        d / "valley.toml", {"breach": {"breach": breach}}, tmp_path / "py", threads=2
    )
    cli_rows = [r for r in rows if r["variant"] == "breach"]
    assert table["zone"] == [r["zone"] for r in cli_rows]
    assert table["people_affected"] == [float(r["people_affected"]) for r in cli_rows]
    assert table["damage"] == [float(r["damage"]) for r in cli_rows]
    with h5py.File(tmp_path / "r" / "breach" / "breach.h5", "r") as fc, h5py.File(
        tmp_path / "py" / "breach" / "breach.h5", "r"
    ) as fp:
        assert np.array_equal(fc["depth"][:], fp["depth"][:])
    with pytest.raises(ValueError, match="breach: give either level or depth"):
        floodtwin.rehearse(
            d / "valley.toml", {"b": {"breach": dict(breach, level=99.0)}}, tmp_path / "bad"
        )
