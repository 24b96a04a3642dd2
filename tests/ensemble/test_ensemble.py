"""`floodtwin ensemble` end to end, through the command line, on a tiny synthetic basin.

A tilted valley of 30 x 20 cells of 10 m with uniform rain (a hyetograph) and Green-Ampt
infiltration, 20 minutes. Checked exactly: each member run alone (`--member K`, another
thread count) gives the gauge series held for it in the ensemble file, and the ensemble's
exceedance probabilities and quantiles equal numpy's recomputation from the members' results
files; members at once give the same file as members one after another; forecast-rain members
(one file per member, or one CSV with a member column); bad settings are refused naming file,
line and key.
"""

import os
import re
import subprocess
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest
from osgeo import gdal, osr

CLI = os.environ["FLOODTWIN_CLI"]

ENSEMBLE = """
[ensemble]
members = 4
seed = 42
rain_factor = { distribution = "lognormal", median = 1.0, sigma = 0.3 }
manning_factor = { distribution = "uniform", min = 0.8, max = 1.2 }
rain_shift = { distribution = "normal", mean = 0, sd = 120 }
ks_factor = { distribution = "uniform", min = 0.5, max = 2.0 }
thresholds = [0.01, 0.05, 0.2]
quantiles = [0.1, 0.5, 0.9]
"""


def hyetograph(path, scale=1.0, times=(0, 300, 600, 900)):
    rates = (40.0, 90.0, 30.0, 0.0)
    lines = ["time,rain"] + [f"{t},{r * scale:.3f}" for t, r in zip(times, rates)]
    Path(path).write_text("\n".join(lines) + "\n")


def make_basin(root, ensemble=ENSEMBLE, rain='uniform = "rain.csv"'):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    nx, ny, dx = 30, 20, 10.0
    x = np.arange(nx) * dx
    y = np.arange(ny) * dx
    xx, yy = np.meshgrid(x, y)
    z = 50.0 + 0.01 * xx + 0.05 * np.abs(yy - y.mean())
    ds = gdal.GetDriverByName("GTiff").Create(str(root / "dem.tif"), nx, ny, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((500000.0, dx, 0.0, 4000000.0, 0.0, -dx))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32611)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(z.astype(np.float32))
    ds = None
    hyetograph(root / "rain.csv")
    (root / "basin.toml").write_text(
        f"""[simulation]
duration = "20min"
output_interval = "5min"
gauge_interval = 150

[terrain]
elevation = "dem.tif"
manning = 0.04

[rainfall]
{rain}
timing = "period-beginning"
after_end = "zero"

[infiltration]
model = "green-ampt"
ks = 2.0e-6
psi = 0.09
dtheta = 0.2

[[boundary]]
side = "west"
type = "open"

[[gauge]]
name = "outlet"
x = 500005
y = 3999905

[[gauge]]
name = "upper"
x = 500155
y = 3999905

[output]
path = "results/basin.h5"
flood_threshold = 0.01
{ensemble}"""
    )
    return root / "basin.toml"


def cli(*args, check=True, threads=1):
    # Small grids: every loop on all threads all the same (floodtwin's default would run
    # them on one, and the comparisons of thread counts would compare nothing).
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), FLOODTWIN_MIN_CELLS_PER_THREAD="0")
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"floodtwin {' '.join(map(str, args))} failed:\n{r.stdout}{r.stderr}")
    return r


def read_ensemble(path):
    with netCDF4.Dataset(path) as ds:
        return {k: np.array(v[:]) for k, v in ds.variables.items() if k != "station_name"}


def numpy_products(files, thresholds, quantiles):
    md, at = [], []
    for f in files:
        with h5py.File(f, "r") as h:
            md.append(h["max_depth"][:])
            at.append(h["arrival_time"][:])
    md = np.stack(md).astype(np.float64)
    at = np.stack(at).astype(np.float64)
    inactive = np.isnan(md[0])
    exc = np.stack([(md > t).mean(axis=0) for t in thresholds])
    exc[:, inactive] = np.nan
    mq = np.quantile(md, quantiles, axis=0)
    with np.errstate(invalid="ignore"):
        aq = np.quantile(np.where(np.isnan(at), np.inf, at), quantiles, axis=0)
    aq[~np.isfinite(aq)] = np.nan
    return exc, mq, aq


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    root = tmp_path_factory.mktemp("basin")
    scenario = make_basin(root)
    cli("ensemble", scenario, threads=2)
    return scenario


def test_members_alone_equal_the_ensemble_exactly(basin):
    root = basin.parent
    ens = read_ensemble(root / "results" / "basin_ensemble.h5")
    assert ens["exceedance_probability"].shape == (3, 20, 30)
    assert ens["gauge_depth"].shape[0] == 4 and ens["gauge_depth"].shape[2] == 2
    files = []
    for k in range(4):
        cli("ensemble", basin, "--member", k)  # one thread; the ensemble ran on two
        files.append(root / "results" / f"basin_member{k}.h5")
        with h5py.File(files[-1], "r") as h:
            assert h.attrs["status"] == b"complete" or h.attrs["status"] == "complete"
            np.testing.assert_array_equal(h["gauge_depth"][:], ens["gauge_depth"][k])
            np.testing.assert_array_equal(h["gauge_time"][:], ens["gauge_time"])
            for key in ("rain_factor", "manning_factor", "rain_shift", "ks_factor"):
                attr = h.attrs["ensemble_" + key]
                attr = attr.decode() if isinstance(attr, bytes) else attr
                assert float(attr) == ens[key][k]
    exc, mq, aq = numpy_products(files, ens["threshold"], ens["quantile"])
    np.testing.assert_array_equal(ens["exceedance_probability"], exc)
    np.testing.assert_array_equal(ens["max_depth_quantile"], mq)
    np.testing.assert_array_equal(ens["arrival_time_quantile"], aq)
    # The perturbations do something: the members differ, and wetter members flood more.
    assert len(set(ens["rain_factor"])) == 4 and len(set(ens["manning_factor"])) == 4
    assert 0 < np.nanmax(exc[0]) and np.nanmin(exc[0]) < 1
    assert not np.array_equal(ens["gauge_depth"][0], ens["gauge_depth"][1])


def test_members_at_once_give_the_same_file(basin, tmp_path):
    """The fixture's ensemble ran with the default (one member per thread: 2 at once); one
    member at a time on both threads gives the same file."""
    root = basin.parent
    out = tmp_path / "one_at_a_time.h5"
    r = cli("ensemble", basin, "--concurrent", 1, "--output", out, threads=2)
    assert "2 threads, 1 member(s) at once" in r.stdout, r.stdout
    a = read_ensemble(root / "results" / "basin_ensemble.h5")
    b = read_ensemble(out)
    for key, value in a.items():
        np.testing.assert_array_equal(value, b[key], err_msg=key)
    r = cli("ensemble", basin, "--output", tmp_path / "default.h5", threads=2)
    assert "2 threads, 2 member(s) at once" in r.stdout, r.stdout


def test_cf_metadata(basin):
    with netCDF4.Dataset(basin.parent / "results" / "basin_ensemble.h5") as ds:
        assert ds.Conventions == "CF-1.8"
        assert ds["realization"].standard_name == "realization"
        assert ds["exceedance_probability"].dimensions == ("threshold", "y", "x")
        assert ds["max_depth_quantile"].dimensions == ("quantile", "y", "x")
        assert ds["gauge_depth"].dimensions == ("realization", "gauge_time", "station")
        assert ds["rain_factor"].distribution == "lognormal(median 1, sigma 0.3)"
        assert ds["gauge_time"].units == "seconds since 1970-01-01T00:00:00Z"
        names = [bytes(n).rstrip(b"\0").decode() for n in np.array(ds["station_name"][:])]
        assert names == ["outlet", "upper"]
    assert not (basin.parent / "results" / "basin_ensemble.h5.partial").exists()


def test_scenario_with_ensemble_table_still_runs(basin):
    r = cli("validate", basin)
    assert r.returncode == 0


def test_rain_member_files(tmp_path):
    ens = """
[ensemble]
members = 3
rain_members = "forecast/rain_{member}.csv"
thresholds = [0.01]
quantiles = [0.5]
"""
    scenario = make_basin(tmp_path, ensemble=ens)
    (tmp_path / "forecast").mkdir()
    for k in range(3):
        hyetograph(tmp_path / "forecast" / f"rain_{k}.csv", scale=0.5 + 0.5 * k)
    cli("ensemble", scenario)
    e = read_ensemble(tmp_path / "results" / "basin_ensemble.h5")
    outlet = e["gauge_depth"][:, -1, 0]
    assert outlet[0] < outlet[1] < outlet[2]  # more rain, more water
    cli("ensemble", scenario, "--member", 2)
    with h5py.File(tmp_path / "results" / "basin_member2.h5", "r") as h:
        np.testing.assert_array_equal(h["gauge_depth"][:], e["gauge_depth"][2])

    # One CSV with a member column gives the same members.
    rows = ["time,member,rain"]
    for k in range(3):
        for line in (tmp_path / "forecast" / f"rain_{k}.csv").read_text().splitlines()[1:]:
            t, r = line.split(",")
            rows.append(f"{t},{k},{r}")
    (tmp_path / "forecast" / "members.csv").write_text("\n".join(rows) + "\n")
    text = scenario.read_text().replace("rain_{member}.csv", "members.csv")
    scenario.write_text(text)
    cli("ensemble", scenario, "--output", tmp_path / "column.h5")
    c = read_ensemble(tmp_path / "column.h5")
    np.testing.assert_array_equal(c["gauge_depth"], e["gauge_depth"])
    np.testing.assert_array_equal(c["exceedance_probability"], e["exceedance_probability"])

    # A member file with other times is refused, naming the key, the file and the row; the
    # earlier ensemble file stays as it was.
    before = (tmp_path / "results" / "basin_ensemble.h5").read_bytes()
    text = scenario.read_text().replace("members.csv", "rain_{member}.csv")
    scenario.write_text(text)
    hyetograph(tmp_path / "forecast" / "rain_1.csv", times=(0, 300, 750, 900))
    r = cli("ensemble", scenario, check=False)
    assert r.returncode != 0
    assert "[ensemble] rain_members: " in r.stderr
    assert "rain_1.csv (member 1) has other times than member 0's" in r.stderr
    assert "row 3" in r.stderr
    (tmp_path / "forecast" / "rain_1.csv").write_text("time,other\n0,1\n300,1\n600,1\n900,0\n")
    r = cli("ensemble", scenario, check=False)
    assert "has other columns" in r.stderr
    (tmp_path / "forecast" / "rain_1.csv").unlink()
    r = cli("ensemble", scenario, check=False)
    assert "the file of member 1 is missing" in r.stderr
    assert (tmp_path / "results" / "basin_ensemble.h5").read_bytes() == before
    assert not (tmp_path / "results" / "basin_ensemble.h5.partial").exists()


@pytest.mark.parametrize(
    "table, message",
    [
        ("members = 0", "[ensemble] members: expected 1 to 100000 members, got 0"),
        (
            'members = 3\nrain_factor = { distribution = "lognormal", median = 1, sigma = -0.3 }',
            "[ensemble] rain_factor: sigma must be >= 0, got -0.3",
        ),
        (
            'members = 3\nmanning_factor = { distribution = "uniform", min = 1.2, max = 0.8 }',
            "[ensemble] manning_factor: min (1.2) must not exceed max (0.8)",
        ),
        (
            'members = 3\nrain_factor = { distribution = "weibull", k = 1 }',
            '[ensemble] rain_factor: unknown distribution "weibull"',
        ),
    ],
)
def test_bad_settings_are_refused(tmp_path, table, message):
    scenario = make_basin(tmp_path, ensemble="\n[ensemble]\n" + table + "\n")
    r = cli("ensemble", scenario, check=False)
    assert r.returncode != 0
    line = scenario.read_text().splitlines().index("[ensemble]") + 1
    wanted = 1 if "members = 0" in table else 2
    assert f"basin.toml:{line + wanted}: " + message in r.stderr, r.stderr
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


def test_member_out_of_range_and_no_table(tmp_path):
    scenario = make_basin(tmp_path)
    r = cli("ensemble", scenario, "--member", 4, check=False)
    assert r.returncode != 0 and "the ensemble has 4 members (0 to 3" in r.stderr
    plain = make_basin(tmp_path / "plain", ensemble="")
    r = cli("ensemble", plain, check=False)
    assert r.returncode != 0 and "no [ensemble] table" in r.stderr


def test_held_lock_refuses(basin, tmp_path):
    import fcntl

    out = tmp_path / "locked.h5"
    with open(str(out) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = cli("ensemble", basin, "--output", out, check=False)
    assert r.returncode != 0 and "lock" in r.stderr
    assert not out.exists()


def add_warning_zones(root):
    """Two warning zones (west: columns 0-9, east: 10-29) with levels on every indicator that a
    results file holds (max depth, flooded area, depth share, gauge depth and level)."""
    import json

    x0, y0, dx = 500000.0, 4000000.0, 10.0

    def box(i0, i1):
        ring = [[x0 + i0 * dx, y0], [x0 + i1 * dx, y0], [x0 + i1 * dx, y0 - 20 * dx]]
        ring += [[x0 + i0 * dx, y0 - 20 * dx], [x0 + i0 * dx, y0]]
        return {"type": "Polygon", "coordinates": [ring]}

    zones = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32611"}},
        "features": [
            {"type": "Feature", "properties": {"id": "W", "name": "West"}, "geometry": box(0, 10)},
            {"type": "Feature", "properties": {"id": "E", "name": "East"}, "geometry": box(10, 30)},
        ],
    }
    (root / "zones.geojson").write_text(json.dumps(zones))
    (root / "levels.csv").write_text(
        "zone,level,indicator,value,gauge,duration,share\n"
        "W,watch,max_depth,0.02,,,\n"
        "W,warning,gauge_depth,0.012,outlet,,\n"
        "W,warning,flooded_area,9000,,,\n"
        "W,severe,max_depth,0.05,,,\n"
        "E,watch,depth_share,0.01,,,0.07\n"
        "E,warning,gauge_level,51.79,upper,,\n"
        "E,severe,flooded_area,60000,,,\n"
    )
    scenario = root / "basin.toml"
    text = scenario.read_text().replace(
        "[ensemble]", '[impacts]\nzones = "zones.geojson"\nlevels = "levels.csv"\n\n[ensemble]'
    )
    scenario.write_text(text)


def impacts_level_times(scenario, member_file, out):
    """Per (zone, level): the first time `floodtwin impacts` finds on a member's results file
    (the earliest of the level's rules reached; NaN when none is)."""
    import csv

    cli("impacts", member_file, "--scenario", scenario, "--out", out)
    times = {}
    with open(out / "levels.csv", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["zone"], row["level"])
            t = float(row["lead_time_s"]) if row["reached"] == "true" else np.nan
            times[key] = np.fmin(times.get(key, np.nan), t)
    return times


def test_zone_level_probabilities_equal_impacts_on_members_alone(tmp_path):
    scenario = make_basin(tmp_path)
    add_warning_zones(tmp_path)
    summary = cli("ensemble", scenario, threads=2).stdout
    with netCDF4.Dataset(tmp_path / "results" / "basin_ensemble.h5") as ds:
        assert ds["zone_level_probability"].dimensions == ("zone", "warning_level")
        assert ds["zone_first_crossing_time"].dimensions == (
            "realization",
            "zone",
            "warning_level",
        )
        zone_id = [bytes(n).rstrip(b"\0").decode() for n in np.array(ds["zone_id"][:])]
        levels = [bytes(n).rstrip(b"\0").decode() for n in np.array(ds["warning_level"][:])]
        prob = np.array(ds["zone_level_probability"][:])
        first = np.array(ds["zone_first_crossing_time"][:])
        quant = np.array(ds["zone_first_crossing_time_quantile"][:])
        quantiles = np.array(ds["quantile"][:])
    assert zone_id == ["W", "E"] and levels == ["watch", "warning", "severe"]
    alone = np.full(first.shape, np.nan)
    for k in range(4):
        cli("ensemble", scenario, "--member", k)
        member = tmp_path / "results" / f"basin_member{k}.h5"
        times = impacts_level_times(scenario, member, tmp_path / f"impacts{k}")
        for z, zone in enumerate(zone_id):
            for lv, level in enumerate(levels):
                alone[k, z, lv] = times[(zone, level)]
    np.testing.assert_array_equal(first, alone)  # exact, NaN where not reached
    np.testing.assert_array_equal(prob, (~np.isnan(alone)).mean(axis=0))
    for z in range(len(zone_id)):
        for lv in range(len(levels)):
            reached = alone[:, z, lv][~np.isnan(alone[:, z, lv])]
            want = np.quantile(reached, quantiles) if reached.size else np.full(3, np.nan)
            np.testing.assert_array_equal(quant[:, z, lv], want)
    # The table discriminates: levels reached by every member, by some, by none, at times
    # that differ between members.
    assert np.any(prob == 1) and np.any((prob > 0) & (prob < 1)) and np.any(prob == 0)
    assert prob[1, 0] == 1 and len(set(first[:, 1, 0])) > 1  # east watch: all, not at once
    # The command's summary: per zone and level the probability, the members reaching it and
    # the median first-crossing time (numpy's median of the members' times, exactly).
    check_zone_summary(summary, zone_id, ["West", "East"], levels, alone, origin=0.0)


ZONE_LINE = re.compile(
    r"^\s*(?:ensemble: )?zone (\S+)(?: \((.*)\))? (\S+): probability (\S+) \((\d+) of (\d+) "
    r"members\), (?:median first crossing (\S+) after (?:the start|T0)|not reached)$"
)


def seconds_of(text):
    """Seconds of a duration as floodtwin prints it exactly ("1h02m03.5s", "20m37.5s", "9s")."""
    m = re.fullmatch(r"(-?)(?:(\d+)h)?(?:(\d+)m)?([\d.e+-]+)s", text)
    assert m, text
    s = int(m.group(2) or 0) * 3600 + int(m.group(3) or 0) * 60 + float(m.group(4))
    return -s if m.group(1) else s


def check_zone_summary(output, zone_id, zone_name, levels, times, origin, has=None):
    """`times[member, zone, level]` (NaN: not reached) against the summary's zone lines; `has`
    [zone, level]: whether the zone has the level (default: all), else no line."""
    has = np.ones(times.shape[1:], bool) if has is None else has
    lines = {}
    for line in output.splitlines():
        m = ZONE_LINE.match(line)
        if m:
            lines[(m.group(1), m.group(3))] = m
    assert len(lines) == int(has.sum()), output
    n = times.shape[0]
    for z, zone in enumerate(zone_id):
        for lv, level in enumerate(levels):
            if not has[z, lv]:
                assert (zone, level) not in lines
                continue
            m = lines[(zone, level)]
            assert m.group(2) == zone_name[z]
            reached = times[:, z, lv][~np.isnan(times[:, z, lv])]
            assert int(m.group(5)) == reached.size and int(m.group(6)) == n
            assert float(m.group(4)) == float(f"{reached.size / n:.4g}")
            if reached.size:
                assert seconds_of(m.group(7)) == pytest.approx(
                    np.quantile(reached, 0.5) - origin, abs=1e-9
                )
            else:
                assert m.group(7) is None and "not reached" in m.group(0)


def write_rain_nc(path, fields, times=(0, 300, 600, 900), x_shift=0.0, member_dim=None):
    """A CF rain stack rain(time, y, x) [mm/h] on the basin's grid, or with `member_dim` one
    file for all members: rain(member_dim, time, y, x)."""
    nx, ny, dx, x0, y0 = 30, 20, 10.0, 500000.0 + x_shift, 4000000.0
    with netCDF4.Dataset(path, "w") as nc:
        if member_dim:
            nc.createDimension(member_dim, len(fields))
        nc.createDimension("time", len(times))
        nc.createDimension("y", ny)
        nc.createDimension("x", nx)
        t = nc.createVariable("time", "f8", ("time",))
        t.units = "seconds since 1970-01-01T00:00:00Z"
        t.standard_name = "time"
        t[:] = times
        x = nc.createVariable("x", "f8", ("x",))
        x.standard_name = "projection_x_coordinate"
        x.units = "m"
        x[:] = x0 + (np.arange(nx) + 0.5) * dx
        y = nc.createVariable("y", "f8", ("y",))
        y.standard_name = "projection_y_coordinate"
        y.units = "m"
        y[:] = y0 - (np.arange(ny) + 0.5) * dx
        dims = ((member_dim,) if member_dim else ()) + ("time", "y", "x")
        r = nc.createVariable("rain", "f4", dims)
        r.units = "mm/h"
        r[:] = np.array(fields if member_dim else fields[0], dtype=np.float32)


def rain_fields(members):
    """Member k's rain: the hyetograph scaled by 0.5 + 0.5 k, heavier to the east."""
    east = 0.5 + np.linspace(0, 1, 30)[None, None, :] * np.ones((4, 20, 30))
    base = np.array([40.0, 90.0, 30.0, 0.0])[:, None, None] * east
    return [base * (0.5 + 0.5 * k) for k in range(members)]


def test_rain_members_from_one_netcdf_with_a_realization_dimension(tmp_path):
    ens = """
[ensemble]
members = 3
rain_members = "forecast/members.nc"
rain_factor = { distribution = "lognormal", median = 1.0, sigma = 0.2 }
thresholds = [0.01, 0.03]
quantiles = [0.5]
"""
    scenario = make_basin(tmp_path, ensemble=ens, rain='grids = "rain_grid.nc"')
    fields = rain_fields(3)
    write_rain_nc(tmp_path / "rain_grid.nc", fields[:1])
    (tmp_path / "forecast").mkdir()
    write_rain_nc(tmp_path / "forecast" / "members.nc", fields, member_dim="realization")
    for k in range(3):
        write_rain_nc(tmp_path / "forecast" / f"rain_{k}.nc", fields[k : k + 1])
    cli("ensemble", scenario, threads=2)
    one = read_ensemble(tmp_path / "results" / "basin_ensemble.h5")
    outlet = one["gauge_depth"][:, -1, 0]
    assert len(set(outlet)) == 3  # each member its own rain
    # The same members from one file per member: the same products, exactly.
    text = scenario.read_text()
    scenario.write_text(text.replace("members.nc", "rain_{member}.nc"))
    cli("ensemble", scenario, "--output", tmp_path / "per_file.h5")
    per_file = read_ensemble(tmp_path / "per_file.h5")
    for key, value in per_file.items():
        if key != "rain_file":
            np.testing.assert_array_equal(one[key], value, err_msg=key)
    # A member alone reads its slice of the file.
    scenario.write_text(text)
    cli("ensemble", scenario, "--member", 1)
    with h5py.File(tmp_path / "results" / "basin_member1.h5", "r") as h:
        np.testing.assert_array_equal(h["gauge_depth"][:], one["gauge_depth"][1])

    # Refused, naming the file: fewer members than the ensemble, another grid, other times.
    r = cli("ensemble", scenario, "--members", 4, check=False)
    assert r.returncode != 0
    assert "members.nc has 3 members (dimension 'realization' of rain), the ensemble needs 4" in (
        r.stderr
    )
    write_rain_nc(
        tmp_path / "forecast" / "members.nc", fields, member_dim="realization", x_shift=10.0
    )
    r = cli("ensemble", scenario, check=False)
    assert r.returncode != 0
    assert "[ensemble] rain_members: " in r.stderr and "members.nc is on another grid" in r.stderr
    write_rain_nc(
        tmp_path / "forecast" / "members.nc",
        fields,
        member_dim="realization",
        times=(0, 300, 700, 900),
    )
    r = cli("ensemble", scenario, check=False)
    assert r.returncode != 0
    assert "members.nc has other times than the [rainfall] grids" in r.stderr
    assert "time 3 is t = 700 s, expected t = 600 s" in r.stderr
    # A netCDF of members for a scenario whose rain is not gridded.
    plain = make_basin(tmp_path / "plain", ensemble=ens)
    (tmp_path / "plain" / "forecast").mkdir()
    write_rain_nc(tmp_path / "plain" / "forecast" / "members.nc", fields, member_dim="member")
    r = cli("ensemble", plain, check=False)
    assert r.returncode != 0 and "replaces [rainfall] grids" in r.stderr
