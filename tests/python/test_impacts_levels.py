"""Warning levels of the valley case by indicator (depth share, assets raster damage, gauge
level), each recomputed here from the results file and the inputs."""

import datetime as dt
import subprocess

import h5py
import numpy as np
import pytest
from osgeo import gdal, osr


from impacts_valley import (
    CLI,
    CURVE_DEPTHS,
    CURVES,
    DX,
    NX,
    NY,
    X0,
    Y0,
    ZONES,
    inside,
    read_csv,
)


def impacts_with_levels(d, tmp_path, name):
    """`floodtwin impacts` on the valley results with tmp_path/levels.csv in place of the
    case's levels table (the scenario copied as tmp_path/<name>.toml); output in tmp_path/imp."""
    text = (d / "valley.toml").read_text().replace('levels = "levels.csv"', "levels = 'LV'")
    text = text.replace("LV", str(tmp_path / "levels.csv"))
    for f in ["dem.tif", "rain.csv", "zones.geojson", "pop.tif", "buildings.geojson", "plan.csv"]:
        text = text.replace(f'"{f}"', f'"{d / f}"')
    (tmp_path / f"{name}.toml").write_text(text)
    run = subprocess.run(
        [CLI, "impacts", str(d / "out" / "valley.h5"), "--scenario", str(tmp_path / f"{name}.toml")]
        + ["--out", str(tmp_path / "imp")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_depth_share_levels_match_an_independent_computation(case, tmp_path):
    """depth_share: reached at the first snapshot where at least `share` of the zone's cells
    (centre inside) are deeper than `value`; recomputed here from the depth snapshots."""
    d, _ = case
    (tmp_path / "levels.csv").write_text(
        "zone,level,indicator,value,gauge,duration,share\n"
        "A,watch,depth_share,0.02,,,0.03\n"
        "A,alarm,depth_share,0.05,,,0.025\n"
        "B,watch,depth_share,0.02,,,0.1\n"
        "B,alarm,max_depth,0.3,,,\n"
    )
    impacts_with_levels(d, tmp_path, "share")
    levels = read_csv(tmp_path / "imp" / "levels.csv")
    assert list(levels[0])[-1] == "share"
    with h5py.File(d / "out" / "valley.h5", "r") as f:
        x, y, times, depth = f["x"][:], f["y"][:], f["time"][:], f["depth"][:].astype(float)
    X, Y = np.meshgrid(x, y)
    start = np.datetime64("2024-06-01T12:00:00")
    checked = 0
    for row in levels:
        if row["indicator"] != "depth_share":
            assert row["share"] == ""
            continue
        cells = inside(ZONES[row["zone"]], X, Y)
        shares = np.array([(h[cells] > float(row["threshold"])).sum() / cells.sum() for h in depth])
        assert float(row["peak"]) == shares.max()
        above = np.nonzero(shares >= float(row["share"]))[0]
        assert row["reached"] == ("true" if len(above) else "false")
        if len(above):
            expected = start + np.timedelta64(int(round(times[above[0]])), "s")
            assert row["first_time"] == str(expected) + "Z"
            checked += 1
    assert checked >= 2
    # A depth_share row without its share names the file and line.
    (tmp_path / "bad.csv").write_text("zone,level,indicator,value\nA,x,depth_share,0.1\n")
    (tmp_path / "bad.toml").write_text(
        (tmp_path / "share.toml")
        .read_text()
        .replace(str(tmp_path / "levels.csv"), str(tmp_path / "bad.csv"))
    )
    run = subprocess.run(
        [
            CLI,
            "impacts",
            str(d / "out" / "valley.h5"),
            "--scenario",
            str(tmp_path / "bad.toml"),
            "--out",
            str(tmp_path / "imp2"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "bad.csv" in run.stderr and "line 2" in run.stderr, run.stderr
    assert "depth_share needs a share" in run.stderr


def test_assets_raster_damage_matches_an_independent_computation(case, tmp_path):
    """[impacts] assets: zones.csv gains assets,assets_damaged at the end (only then): the
    value of the zone's cells deeper than people_depth, or value x curve(max depth) with
    assets_curve; recomputed here from the max-depth map."""
    d, _ = case
    rng = np.random.default_rng(11)
    values = rng.uniform(0, 1e4, size=(NY, NX))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32611)
    ds = gdal.GetDriverByName("GTiff").Create(
        str(tmp_path / "assets.tif"), NX, NY, 1, gdal.GDT_Float64
    )
    ds.SetGeoTransform((X0, DX, 0, Y0, 0, -DX))
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(values)
    ds = None
    base = (d / "valley.toml").read_text()
    for name in [
        "dem.tif",
        "rain.csv",
        "zones.geojson",
        "pop.tif",
        "buildings.geojson",
        "plan.csv",
        "levels.csv",
    ]:
        base = base.replace(f'"{name}"', f'"{d / name}"')
    with h5py.File(d / "out" / "valley.h5", "r") as f:
        x, y, max_depth = f["x"][:], f["y"][:], f["max_depth"][:].astype(float)
    X, Y = np.meshgrid(x, y)
    base_header = list(read_csv(d / "out" / "valley_impacts" / "zones.csv")[0])
    assert "assets" not in base_header  # without an assets raster the table is unchanged
    for extra, curve in [("", None), ('assets_curve = "residential"\n', "residential")]:
        text = base.replace(
            "[impacts]\n", f'[impacts]\nassets = "{tmp_path / "assets.tif"}"\n' + extra
        )
        (tmp_path / "a.toml").write_text(text)
        out = tmp_path / ("imp_" + (curve or "depth"))
        run = subprocess.run(
            [
                CLI,
                "impacts",
                str(d / "out" / "valley.h5"),
                "--scenario",
                str(tmp_path / "a.toml"),
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        rows = read_csv(out / "zones.csv")
        assert list(rows[0]) == base_header + ["assets", "assets_damaged"]
        total = 0.0
        for r in rows:
            cells = inside(ZONES[r["zone"]], X, Y)
            if curve is None:
                damaged = values[cells & (max_depth > 0.03)].sum()
            else:
                frac = np.interp(max_depth[cells], CURVE_DEPTHS, CURVES[curve])
                damaged = (values[cells] * frac).sum()
            assert float(r["assets"]) == pytest.approx(values[cells].sum(), rel=1e-12)
            assert float(r["assets_damaged"]) == pytest.approx(damaged, rel=1e-12)
            total += damaged
        assert total > 0
    text = base.replace("[impacts]\n", '[impacts]\nassets_curve = "residential"\n')
    (tmp_path / "b.toml").write_text(text)
    run = subprocess.run(
        [CLI, "impacts", str(d / "out" / "valley.h5"), "--scenario", str(tmp_path / "b.toml")],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "assets_curve" in run.stderr and "b.toml" in run.stderr


def test_gauge_level_levels_cross_when_the_gauge_water_level_does(case, tmp_path):
    """gauge_level: the first gauge sample whose water level is at or above the value."""
    d, _ = case
    with h5py.File(d / "out" / "valley.h5", "r") as f:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["station_name"][:]]
        s = names.index("channel")
        t = f["gauge_time"][:]
        level = f["gauge_water_level"][:, s].astype(float)
        depth = f["gauge_depth"][:, s].astype(float)
    wet = depth > 0.01
    threshold = float(np.median(level[wet])) if wet.any() else float(level.max())
    expected = t[np.argmax(level >= threshold)]
    (tmp_path / "levels.csv").write_text(
        "zone,level,indicator,value,gauge,duration\n"
        "A,watch,max_depth,0.01,,\n"
        f"B,alarm,gauge_level,{threshold!r},channel,\n"
    )
    impacts_with_levels(d, tmp_path, "stage")
    rows = [r for r in read_csv(tmp_path / "imp" / "levels.csv") if r["zone"] == "B"]
    assert rows and rows[0]["indicator"].startswith("gauge_level")
    zone = [r for r in read_csv(tmp_path / "imp" / "zones.csv") if r["zone"] == "B"][0]
    assert zone["level"] == "alarm"
    start = dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)
    first = (start + dt.timedelta(seconds=float(expected))).strftime("%Y-%m-%dT%H:%M:%S")
    assert zone["level_time"].startswith(first), (zone["level_time"], first)
