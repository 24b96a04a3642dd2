"""An [ensemble] table in a twin file: each cycle of `floodtwin forecast` also publishes
ensemble.h5 with the members of its forecast leg from the T0 state. Members without
perturbations equal the cycle's deterministic forecast exactly; perturbed members differ."""

import sys
from pathlib import Path

import netCDF4
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "twin"))

from test_cycle import cycle_name, forecast, make_twin  # noqa: E402


def add_ensemble(root, table):
    twin = Path(root) / "twin.toml"
    twin.write_text(twin.read_text() + "\n[ensemble]\n" + table + "\n")


def test_unperturbed_members_equal_the_forecast(tmp_path):
    root = make_twin(tmp_path / "a")
    add_ensemble(root, "members = 2\nmanning_factor = 1.0\nthresholds = [0.01]\nquantiles = [0.5]")
    forecast(root, 2, lead="1h")
    folder = root / "cycles" / cycle_name(2)
    with netCDF4.Dataset(folder / "ensemble.h5") as e, netCDF4.Dataset(folder / "forecast.h5") as f:
        assert e.dimensions["realization"].size == 2
        t = np.array(f["gauge_time"][:])
        et = np.array(e["gauge_time"][:])
        common = np.isin(et, t)
        assert common.sum() >= 2
        fd = np.array(f["gauge_depth"][:])[np.isin(t, et)]
        for k in range(2):
            np.testing.assert_array_equal(np.array(e["gauge_depth"][k])[common], fd)
        md = np.ma.filled(f["max_depth"][:], np.nan).astype(float)
        exc = np.where(np.isnan(md), np.nan, (md > 0.01).astype(float))
        np.testing.assert_array_equal(np.ma.filled(e["exceedance_probability"][0], np.nan), exc)


def test_perturbed_members_and_bad_table(tmp_path):
    root = make_twin(tmp_path / "b")
    add_ensemble(
        root,
        'members = 3\nseed = 1\nrain_factor = { distribution = "lognormal", median = 1, '
        "sigma = 0.5 }",
    )
    forecast(root, 2, lead="1h")
    with netCDF4.Dataset(root / "cycles" / cycle_name(2) / "ensemble.h5") as e:
        g = np.array(e["gauge_depth"][:])
        assert len(set(np.array(e["rain_factor"][:]))) == 3
        assert not np.array_equal(g[0], g[1])
    bad = make_twin(tmp_path / "c")
    add_ensemble(bad, "members = 0")
    r = forecast(bad, 2, lead="1h", check=False)
    assert r.returncode != 0
    assert "twin.toml:" in r.stderr and "[ensemble] members: expected 1 to 100000" in r.stderr
    assert not (bad / "cycles" / cycle_name(2)).exists()


def scaled_rain(src, dst, factor):
    """A copy of a forecast-rain CSV with every rate multiplied by `factor`."""
    lines = Path(src).read_text().splitlines()
    out = []
    for line in lines:
        cells = line.split(",")
        if line.startswith("#") or not cells[0][:1].isdigit():
            out.append(line)
            continue
        out.append(",".join([cells[0]] + [f"{float(v) * factor:.3f}" for v in cells[1:]]))
    Path(dst).write_text("\n".join(out) + "\n")


def add_zones(root):
    """Warning zones on the twin's basin (west / east halves) with max-depth levels."""
    import json

    x0, y0, dx = 500000.0, 4000000.0, 25.0

    def box(i0, i1):
        ring = [[x0 + i0 * dx, y0], [x0 + i1 * dx, y0], [x0 + i1 * dx, y0 - 24 * dx]]
        ring += [[x0 + i0 * dx, y0 - 24 * dx], [x0 + i0 * dx, y0]]
        return {"type": "Polygon", "coordinates": [ring]}

    zones = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32611"}},
        "features": [
            {"type": "Feature", "properties": {"id": "W", "name": "West"}, "geometry": box(0, 18)},
            {"type": "Feature", "properties": {"id": "E", "name": "East"}, "geometry": box(18, 36)},
        ],
    }
    (root / "zones.geojson").write_text(json.dumps(zones))
    (root / "levels.csv").write_text(
        "zone,level,indicator,value\n"
        "W,watch,max_depth,0.01\nW,warning,max_depth,0.03\nW,severe,max_depth,50\n"
        "E,watch,max_depth,0.005\nE,warning,max_depth,50\n"
    )
    scenario = root / "basin.toml"
    scenario.write_text(
        scenario.read_text() + '\n[impacts]\nzones = "zones.geojson"\nlevels = "levels.csv"\n'
    )


RAIN_MEMBERS = (
    'members = 3\nrain_members = "forecast/rain_{cycle}_m{member}.csv"\n'
    "thresholds = [0.01, 0.03]\nquantiles = [0.5]"
)


def twin_with_rain_members(root):
    root = make_twin(root)
    add_zones(root)
    for k, factor in enumerate((1.0, 2.0, 0.5)):
        src = root / "forecast" / f"rain_{cycle_name(2)}.csv"
        scaled_rain(src, root / "forecast" / f"rain_{cycle_name(2)}_m{k}.csv", factor)
    add_ensemble(root, RAIN_MEMBERS)
    return root


def ensemble_arrays(path):
    out = {}
    with netCDF4.Dataset(path) as e:
        for k, v in e.variables.items():
            x = v[:]
            out[k] = np.ma.filled(x, np.nan) if x.dtype.kind == "f" else np.ma.getdata(x)
    return out


def test_rain_members_and_concurrent_members(tmp_path):
    """rain_members in a twin: member k reads forecast/rain_<cycle>_m<k>.csv in place of the
    [forecast] series (member 0's file equals it: member 0 equals the forecast exactly); two
    members at once (--concurrent 2) give the same ensemble file; the summary prints the zone
    probabilities and median first crossings after T0."""
    from test_ensemble import check_zone_summary

    one = twin_with_rain_members(tmp_path / "one")
    two = twin_with_rain_members(tmp_path / "two")
    r1 = forecast(one, 2, "--threads", "2", "--concurrent", "1", lead="1h")
    r2 = forecast(two, 2, "--threads", "2", "--concurrent", "2", lead="1h")
    folder = one / "cycles" / cycle_name(2)
    a = ensemble_arrays(folder / "ensemble.h5")
    b = ensemble_arrays(two / "cycles" / cycle_name(2) / "ensemble.h5")
    assert a.keys() == b.keys()
    for k in a:
        if k == "rain_file":  # the member files of each twin folder
            continue
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    names = [bytes(n).rstrip(b"\0").decode() for n in np.array(a["rain_file"])]
    assert [Path(n).name for n in names] == [f"rain_{cycle_name(2)}_m{k}.csv" for k in range(3)]
    with netCDF4.Dataset(folder / "forecast.h5") as f:
        t = np.array(f["gauge_time"][:])
        fd = np.array(f["gauge_depth"][:])
    common = np.isin(a["gauge_time"], t)
    g = a["gauge_depth"]
    np.testing.assert_array_equal(g[0][common], fd[np.isin(t, a["gauge_time"])])
    volume = [np.nansum(g[k]) for k in range(3)]  # the gauges' depths summed over the lead
    assert volume[1] > volume[0] > volume[2]  # twice and half the forecast rain
    # Summary (stdout and summary.txt): per zone and level, relative to T0 (2 h).
    zone_id = [bytes(n).rstrip(b"\0").decode() for n in np.array(a["zone_id"])]
    levels = [bytes(n).rstrip(b"\0").decode() for n in np.array(a["warning_level"])]
    times = a["zone_first_crossing_time"]
    prob = a["zone_level_probability"]
    has = ~np.isnan(prob)
    assert zone_id == ["W", "E"] and not has[1, levels.index("severe")]
    assert np.any(prob[has] == 1) and np.any(prob[has] == 0)
    for out in (r1.stdout, r2.stdout, (folder / "summary.txt").read_text()):
        assert "ensemble: 3 members" in out
        check_zone_summary(out, zone_id, ["West", "East"], levels, times, origin=7200.0, has=has)


def test_rain_members_refused(tmp_path):
    root = twin_with_rain_members(tmp_path / "m")
    (root / "forecast" / f"rain_{cycle_name(2)}_m1.csv").unlink()
    r = forecast(root, 2, lead="1h", check=False)
    assert r.returncode != 0
    assert "twin.toml:" in r.stderr and "rain_members" in r.stderr and "member 1" in r.stderr
    assert not (root / "cycles" / cycle_name(2)).exists()
    bad = make_twin(tmp_path / "n")
    (bad / "forecast" / "all_members.csv").write_text("time,member,A,B\n")
    add_ensemble(bad, 'members = 2\nrain_members = "forecast/all_members.csv"')
    r = forecast(bad, 2, lead="1h", check=False)
    assert r.returncode != 0 and "one file per member with {member}" in r.stderr
    assert not (bad / "cycles" / cycle_name(2)).exists()
    r = forecast(bad, 2, "--threads", "1", "--concurrent", "2", lead="1h", check=False)
    assert r.returncode != 0 and "--concurrent 2" in r.stderr
