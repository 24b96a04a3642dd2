"""Forecast cycles of a basin twin (`floodtwin forecast`), driven through the command line.

A small synthetic basin (a tilted valley, 36 x 24 cells of 25 m) with two rain gauges, eight
hours of hourly observations and forecast rain files, built fresh in a temporary folder for
each test. Checked: warm starts give the same state as one uninterrupted run (bitwise), a
forecast whose rain equals the later observations equals that run, the lock, kills at random
moments, late and missing data, foreign states, the CF station file and bad twin files.
"""

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest
from osgeo import gdal, osr

CLI = os.environ["FLOODTWIN_CLI"]
HOURS = 8
GAUGES = ("A", "B")


def truth(hour, gauge):
    """Observed rain [mm/h] in the hour ending at `hour`."""
    base = {1: 8.0, 2: 30.0, 3: 22.0, 4: 12.0, 5: 6.0, 6: 3.0}.get(hour, 0.0)
    return base * (1.0 if gauge == "A" else 1.4)


def stamp(hour):
    return f"2024-05-01T{hour:02d}:00:00Z"


def cycle_name(hour):
    return f"20240501T{hour:02d}00Z"


def write_rain(path, hours, comment="rain"):
    lines = [f"# {comment}", "time," + ",".join(GAUGES)]
    for h in hours:
        lines.append(stamp(h) + "," + ",".join(f"{truth(h, g):.3f}" for g in GAUGES))
    Path(path).write_text("\n".join(lines) + "\n")


def make_twin(root, manning=0.04, forecast=True):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    nx, ny, dx = 36, 24, 25.0
    x = np.arange(nx) * dx
    y = np.arange(ny) * dx
    xx, yy = np.meshgrid(x, y)
    z = 100.0 + 0.02 * xx + 0.08 * np.abs(yy - y.mean())  # a valley draining west
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(str(root / "dem.tif"), nx, ny, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((500000.0, dx, 0.0, 4000000.0, 0.0, -dx))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32611)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(z.astype(np.float32))
    ds = None
    (root / "stations.csv").write_text("id,x,y\nA,500200,3999700\nB,500700,3999600\n")
    (root / "observed").mkdir(exist_ok=True)
    write_rain(root / "observed" / "rain.csv", range(0, HOURS + 1), "observed")
    if forecast:
        (root / "forecast").mkdir(exist_ok=True)
        for h0 in range(0, HOURS):
            write_rain(
                root / "forecast" / f"rain_{cycle_name(h0)}.csv",
                range(h0 + 1, HOURS + 1),
                "forecast equal to the later observations",
            )
    (root / "basin.toml").write_text(
        f"""
[simulation]
duration = "8h"
output_interval = "30min"
gauge_interval = "10min"
scheme = "second-order"
start = "2024-05-01T00:00:00Z"
max_dt = "30s"

[terrain]
elevation = "dem.tif"
manning = {manning}

[[boundary]]
side = "west"
type = "open"

[[gauge]]
name = "outlet"
x = 500030
y = 3999700
warning_depth = 0.01

[[gauge]]
name = "upstream"
x = 500800
y = 3999700

[output]
path = "results/basin.h5"
flood_threshold = 0.01
"""
    )
    (root / "twin.toml").write_text(
        """
[twin]
scenario = "basin.toml"
state_expiry = "2d"

[observations]
stations = "stations.csv"
series = "observed/rain.csv"
units = "mm/h"

[forecast]
lead = "3h"
series = "forecast/rain_{cycle}.csv"
"""
    )
    return root


def forecast(twin, hour, *extra, check=True, lead="3h"):
    cmd = [CLI, "forecast", str(Path(twin) / "twin.toml"), "--at", stamp(hour), "--lead", lead]
    cmd += list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def state_file(twin, hour):
    files = sorted((Path(twin) / "states").glob(f"basin_20240501T{hour:02d}0000Z_*.state.h5"))
    assert len(files) == 1, files
    return files[0]


def fields(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in ("h", "qx", "qy")}


def cycle_json(twin, hour):
    return json.loads((Path(twin) / "cycles" / cycle_name(hour) / "cycle.json").read_text())


def tree_digest(folder):
    """Name and content hash of every file under `folder`."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_warm_starts_equal_one_uninterrupted_run(tmp_path):
    cycled = make_twin(tmp_path / "cycled")
    for hour in (0, 3, 6):
        forecast(cycled, hour)
    info = cycle_json(cycled, 6)
    assert not info["cold_start"]
    assert Path(info["state_used"]).name == state_file(cycled, 3).name
    assert cycle_json(cycled, 0)["cold_start"]

    once = make_twin(tmp_path / "once")
    forecast(once, 6)
    assert cycle_json(once, 6)["cold_start"]
    a, b = fields(state_file(cycled, 6)), fields(state_file(once, 6))
    assert a["h"].max() > 1e-3  # it rained: the comparison is not between dry grids
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])  # bitwise

    # The 03:00 cycle's forecast rain equals the observations after 03:00: its forecast at
    # 06:00 equals the uninterrupted run's state at 06:00 (the first snapshot of its forecast).
    with h5py.File(cycled / "cycles" / cycle_name(3) / "forecast.h5", "r") as f3, h5py.File(
        once / "cycles" / cycle_name(6) / "forecast.h5", "r"
    ) as f6:
        t3 = f3["time"][()]
        k = int(np.argmin(np.abs(t3 - 6 * 3600)))
        assert t3[k] == 6 * 3600 and f6["time"][0] == 6 * 3600
        for var in ("depth", "velocity_x", "velocity_y"):
            np.testing.assert_array_equal(f3[var][k], f6[var][0])


def test_cycle_products(tmp_path):
    twin = make_twin(tmp_path / "t")
    r = forecast(twin, 2)
    out = twin / "cycles" / cycle_name(2)
    for name in ("forecast.h5", "analysis.h5", "gauges.nc", "warnings.csv", "cycle.json"):
        assert (out / name).is_file(), name
    info = cycle_json(twin, 2)
    assert info["t0"] == "2024-05-01T02:00:00Z" and info["lead_s"] == 3 * 3600
    assert info["exit_status"] == "ok"
    assert info["observations_until"] == "2024-05-01T02:00:00Z"
    assert info["forecast_rain"].endswith(f"rain_{cycle_name(2)}.csv")
    assert "COLD START" in r.stdout + r.stderr
    # The outlet's warning depth is crossed: time and lead time in cycle.json and warnings.csv.
    w = [x for x in info["warnings"] + info["analysis_warnings"] if x["gauge"] == "outlet"]
    assert w, info
    with h5py.File(out / "forecast.h5", "r") as f:
        t = f["time"][()]
        assert t[0] == 2 * 3600 and t[-1] == 5 * 3600
        assert "since 2024-05-01" in f["time"].attrs["units"].decode()
    with netCDF4.Dataset(out / "gauges.nc") as nc:
        assert nc.featureType == "timeSeries" and nc.Conventions == "CF-1.8"
        assert nc["station_id"].cf_role == "timeseries_id"
        ids = [s.tobytes().decode().rstrip("\0") for s in nc["station_id"][:].data]
        assert ids == ["outlet", "upstream"]
        assert nc["depth"].shape == (2, len(nc["time"]))
        assert "since 2024-05-01" in nc["time"].units
        assert -118 < float(nc["lon"][0]) < -116 and 35 < float(nc["lat"][0]) < 37
        with h5py.File(out / "forecast.h5", "r") as f:
            np.testing.assert_array_equal(nc["depth"][:].data, f["gauge_depth"][()].T)


def test_default_t0_is_newest_observation_and_rerun_replaces(tmp_path):
    twin = make_twin(tmp_path / "t")
    r = subprocess.run(
        [CLI, "forecast", str(twin / "twin.toml")], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert cycle_json(twin, HOURS)["t0"] == stamp(HOURS)
    first = (twin / "cycles" / cycle_name(HOURS) / "cycle.json").read_text()
    forecast(twin, HOURS)  # the same cycle again: replaced whole, from the state at T0
    again = cycle_json(twin, HOURS)
    assert again["state_used"] and not again["cold_start"]
    assert json.loads(first)["cycle"] == again["cycle"]
    assert not list((twin / "cycles").glob(".cycle-*"))


def test_second_cycle_is_refused_while_one_runs(tmp_path):
    import fcntl

    twin = make_twin(tmp_path / "t")
    forecast(twin, 1)
    before = tree_digest(twin / "cycles" / cycle_name(1))
    (twin / "cycles").mkdir(exist_ok=True)
    with open(twin / "cycles" / ".forecast.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = forecast(twin, 1, check=False)
        assert r.returncode == 75, r.stderr
        assert "ERROR busy" in r.stderr and "another cycle" in r.stderr
        t = time.monotonic()
        r = forecast(twin, 2, "--wait", "1s", check=False)
        assert r.returncode == 75 and time.monotonic() - t >= 0.9
    assert tree_digest(twin / "cycles" / cycle_name(1)) == before
    assert not (twin / "cycles" / cycle_name(2)).exists()


def test_killed_cycles_lose_nothing(tmp_path):
    twin = make_twin(tmp_path / "t")
    forecast(twin, 2)
    cycles_before = tree_digest(twin / "cycles")
    states_before = tree_digest(twin / "states")
    inputs_before = {p: tree_digest(twin / p) for p in ("observed", "forecast")}
    rng = random.Random(1234)
    start = time.monotonic()
    forecast(make_twin(tmp_path / "probe"), 4)  # how long a whole cycle takes here
    full = time.monotonic() - start
    for trial in range(6):
        proc = subprocess.Popen(
            [CLI, "forecast", str(twin / "twin.toml"), "--at", stamp(4), "--lead", "3h"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if (twin / "cycles" / cycle_name(4)).exists():
            # The kill came after the publish: the cycle is whole.
            assert cycle_json(twin, 4)["exit_status"] == "ok"
            shutil.rmtree(twin / "cycles" / cycle_name(4))
            for s in (twin / "states").glob("basin_20240501T040000Z_*"):
                s.unlink()
        # Everything earlier is untouched, whatever the moment of the kill.
        now = tree_digest(twin / "cycles")
        assert {k: v for k, v in now.items() if k in cycles_before} == cycles_before
        assert not [k for k in now if cycle_name(2) in k and k not in cycles_before]
        assert {
            k: v for k, v in tree_digest(twin / "states").items() if k in states_before
        } == states_before
        assert {p: tree_digest(twin / p) for p in inputs_before} == inputs_before
    forecast(twin, 4)  # a rerun after the kills completes
    assert cycle_json(twin, 4)["exit_status"] == "ok"
    assert not list((twin / "cycles").glob(".cycle-*"))


def test_late_data_are_used_by_the_next_cycle(tmp_path):
    twin = make_twin(tmp_path / "late")
    write_rain(twin / "observed" / "rain.csv", range(0, 3), "only up to 02:00 so far")
    forecast(twin, 3)
    info = cycle_json(twin, 3)
    assert any(i["what"] == "observations_gap" for i in info["data_issues"])
    assert info["observations_until"] == stamp(2)
    # The data for 02:00-06:00 arrive late; the 06:00 cycle must not build on the provisional
    # 03:00 state: it equals a run that had all the data.
    write_rain(twin / "observed" / "rain.csv", range(0, HOURS + 1), "complete")
    forecast(twin, 6)
    assert Path(cycle_json(twin, 6)["state_used"] or "").name != state_file(twin, 3).name
    full = make_twin(tmp_path / "full")
    forecast(full, 6)
    a, b = fields(state_file(twin, 6)), fields(state_file(full, 6))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_missing_and_stale_data_are_named(tmp_path):
    twin = make_twin(tmp_path / "t")
    (twin / "forecast" / f"rain_{cycle_name(4)}.csv").unlink()
    # Gauge B stops reporting after 02:00.
    text = (twin / "observed" / "rain.csv").read_text().splitlines()
    rows = [
        (ln.rsplit(",", 1)[0] + "," if ln.startswith("2024") and ln[11:13] > "02" else ln)
        for ln in text
    ]
    (twin / "observed" / "rain.csv").write_text("\n".join(rows) + "\n")
    r = forecast(twin, 4)
    info = cycle_json(twin, 4)
    kinds = {i["what"]: i["message"] for i in info["data_issues"]}
    assert "forecast_rain_missing" in kinds and cycle_name(4) in kinds["forecast_rain_missing"]
    assert info["forecast_rain"] is None
    assert "gauge_stale" in kinds and "'B'" in kinds["gauge_stale"]
    assert "WARN forecast_rain_missing" in r.stderr and "WARN gauge_stale" in r.stderr
    # Forecast rain that ends before the lead time is said too.
    write_rain(twin / "forecast" / f"rain_{cycle_name(5)}.csv", [6, 7], "two hours only")
    forecast(twin, 5)
    kinds = {i["what"] for i in cycle_json(twin, 5)["data_issues"]}
    assert "forecast_rain_short" in kinds


def test_state_of_other_terrain_is_not_used(tmp_path):
    twin = make_twin(tmp_path / "t")
    forecast(twin, 2)
    make_twin(twin, manning=0.06)  # the same twin, another roughness: old states do not fit
    forecast(twin, 4)
    info = cycle_json(twin, 4)
    assert info["cold_start"]
    assert any("other inputs" in n for n in info["notes"])


def test_observations_too_old_stop_the_cycle(tmp_path):
    twin = make_twin(tmp_path / "t")
    r = forecast(twin, 0, check=False)
    assert r.returncode == 0
    r = subprocess.run(
        [CLI, "forecast", str(twin / "twin.toml"), "--at", "2024-05-02T12:00:00Z"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 4 and "ERROR" in r.stderr and "max_observation_gap" in r.stderr
    assert not (twin / "cycles" / "20240502T1200Z").exists()
    # The failure is recorded beside the cycles, for the platform that ran it.
    failed = json.loads((twin / "cycles" / "20240502T1200Z.failed.json").read_text())
    assert failed["exit_status"] == "failed" and "max_observation_gap" in failed["error"]
    assert failed["t0"] == "2024-05-02T12:00:00Z"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[twin]\nscenario = "basin.toml"\nstate_expiry = "5 weeks"\n', "state_expiry"),
        ('[twin]\nscenario = "basin.toml"\nsates = "x"\n', "did you mean 'states'"),
        ('[twin]\nscenario = "nope.toml"\n[observations]\nseries = "observed/rain.csv"\n', "nope"),
        ('[twin]\nscenario = "basin.toml"\n[observations]\n', "needs series"),
        ('[twin]\nscenario = "basin.toml"\nt\u0194 = 1\n', ":3:"),
        ('[[[twin]]b]\nscenario = "basin.toml"\n', ":1:"),
    ],
)
def test_bad_twin_files_are_refused_with_file_and_key(tmp_path, text, expected):
    twin = make_twin(tmp_path / "t")
    (twin / "twin.toml").write_text(
        text
        + ('[observations]\nstations = "stations.csv"\n' if "[observations]" not in text else "")
    )
    r = subprocess.run(
        [CLI, "forecast", str(twin / "twin.toml"), "--at", stamp(2)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 3, r.stderr
    assert "twin.toml" in r.stderr and expected in r.stderr
    assert not (twin / "cycles").exists() or not any((twin / "cycles").iterdir())


def write_radar_frame(path, mm_per_hour, like):
    """A radar frame (GeoTIFF) on a coarser grid than the model's, uniform rain."""
    ref = gdal.Open(str(like))
    gt = list(ref.GetGeoTransform())
    nx, ny = ref.RasterXSize // 3 + 1, ref.RasterYSize // 3 + 1
    ds = gdal.GetDriverByName("GTiff").Create(str(path), nx, ny, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((gt[0], gt[1] * 3, 0.0, gt[3], 0.0, gt[5] * 3))
    ds.SetProjection(ref.GetProjection())
    ds.GetRasterBand(1).WriteArray(np.full((ny, nx), mm_per_hour, dtype=np.float32))
    ds = None


def test_radar_frames_with_gaps_fall_back_to_gauges(tmp_path):
    twin = make_twin(tmp_path / "radar")
    radar = twin / "radar"
    radar.mkdir()
    for h in range(0, 5):
        if h == 2:
            continue  # missing frame
        write_radar_frame(radar / f"radar_{cycle_name(h)}.tif", 10.0 * h, twin / "dem.tif")
    (radar / f"radar_{cycle_name(3)}.tif").write_bytes(b"not a tiff")  # corrupt frame
    text = (twin / "twin.toml").read_text()
    text = text.replace(
        "[forecast]", 'grids = "radar/radar_{time}.tif"\ngrid_interval = "1h"\n\n[forecast]'
    )
    (twin / "twin.toml").write_text(text)
    r = forecast(twin, 4)
    kinds = {i["what"]: i["message"] for i in cycle_json(twin, 4)["data_issues"]}
    assert "radar_missing" in kinds and cycle_name(2) in kinds["radar_missing"]
    assert "radar_corrupt" in kinds and cycle_name(3) in kinds["radar_corrupt"]
    assert "WARN radar_corrupt" in r.stderr
    # The analysis rain: radar where frames exist (10 mm/h x hour), gauges for hours 2 and 3.
    with h5py.File(twin / "cycles" / cycle_name(4) / "analysis.h5", "r") as f:
        rain = float(f["rain_in"][-1])
    cell = 25.0 * 25.0
    area = cell * 36 * 24
    radar_mm = 10.0 * (1 + 4)  # frames of hours 1 and 4 (hour 0 holds 0 mm/h)
    gauge_mm_lo = min(truth(2, g) + truth(3, g) for g in GAUGES)
    gauge_mm_hi = max(truth(2, g) + truth(3, g) for g in GAUGES)
    assert area * (radar_mm + gauge_mm_lo) / 1e3 <= rain * (1 + 1e-9)
    assert rain <= area * (radar_mm + gauge_mm_hi) / 1e3 * (1 + 1e-9)


def test_observed_inflow_and_its_forecast(tmp_path):
    twin = make_twin(tmp_path / "inflow")
    rows = ["time,discharge"] + [f"{stamp(h)},{2.0 + h}" for h in range(0, 5)]
    (twin / "observed" / "inflow.csv").write_text("\n".join(rows) + "\n")
    text = (
        (twin / "twin.toml")
        .read_text()
        .replace(
            "[forecast]",
            '[[observations.inflow]]\nside = "east"\nseries = "observed/inflow.csv"\n'
            'forecast = "forecast/inflow_{cycle}.csv"\n\n[forecast]',
        )
    )
    (twin / "twin.toml").write_text(text)
    (twin / "basin.toml").write_text(
        (twin / "basin.toml")
        .read_text()
        .replace('[[boundary]]\nside = "west"', '[[boundary]]\nside = "west"')
    )
    # No forecast file for 04:00: the inflow at T0 (6 m3/s) is held, and said.
    forecast(twin, 4)
    info = cycle_json(twin, 4)
    kinds = {i["what"] for i in info["data_issues"]}
    assert "forecast_inflow_persistence" in kinds
    with h5py.File(twin / "cycles" / cycle_name(4) / "forecast.h5", "r") as f:
        inflow = f["boundary_in"][()]
        t = f["time"][()]
    # 3 h at 6 m3/s held (plus nothing else entering through boundaries).
    np.testing.assert_allclose(inflow[-1] - inflow[0], 6.0 * (t[-1] - t[0]), rtol=1e-9)
    # With a forecast file, the inflow follows it after T0.
    rows = ["time,discharge"] + [f"{stamp(h)},{1.0}" for h in range(5, 9)]
    (twin / "forecast" / f"inflow_{cycle_name(5)}.csv").write_text("\n".join(rows) + "\n")
    forecast(twin, 5)
    with h5py.File(twin / "cycles" / cycle_name(5) / "forecast.h5", "r") as f:
        inflow = f["boundary_in"][()]
    # The observations end at 04:00 (6 m3/s, held to T0 = 05:00); from there to the forecast's
    # 1 m3/s at 06:00, then 1 m3/s: a trapezoid and two hours.
    np.testing.assert_allclose(inflow[-1] - inflow[0], 3600 * (6 + 1) / 2 + 7200 * 1.0, rtol=1e-9)
