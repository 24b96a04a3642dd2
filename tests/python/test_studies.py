"""The worked studies of docs/python.md (scenarios/python) run and give what they claim."""

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SOURCE = Path(os.environ.get("FLOODTWIN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE / "scenarios" / "python"
PNG = b"\x89PNG\r\n\x1a\n"


def run_example(name, out, *args):
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_dam_break_convergence(tmp_path):
    stdout = run_example("dam_break_convergence.py", tmp_path)
    assert "L1 error" in stdout
    with open(tmp_path / "convergence.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    for scheme in ("first-order", "second-order"):
        errors = [float(r["l1_error_m2"]) for r in rows if r["scheme"] == scheme]
        orders = [float(r["observed_order"]) for r in rows if r["scheme"] == scheme]
        assert errors[0] > errors[1] > errors[2] > 0, scheme  # converges
        assert math.isnan(orders[0]) and all(o > 0.5 for o in orders[1:]), (scheme, orders)
    first = [float(r["l1_error_m2"]) for r in rows if r["scheme"] == "first-order"]
    second = [float(r["l1_error_m2"]) for r in rows if r["scheme"] == "second-order"]
    assert all(s < f for s, f in zip(second, first))  # second order is more accurate


def test_rain_on_grid(tmp_path):
    pytest.importorskip("matplotlib")
    xr = pytest.importorskip("xarray")
    stdout = run_example("rain_on_grid.py", tmp_path, "--cell-size", "600")
    assert "CRS EPSG:32611" in stdout
    line = next(s for s in stdout.splitlines() if s.startswith("rain "))
    rain, expected = float(line.split()[1]), float(line.split("expected ")[1].split(")")[0])
    assert rain == pytest.approx(expected, rel=1e-6)
    series = xr.open_dataset(tmp_path / "peaks.nc")
    assert float(series.max_depth.max()) > 0.5
    with open(tmp_path / "hydrographs.csv") as f:
        rows = list(csv.DictReader(f))
    # Both forecast points (on the creek) peak after the rain hour, inside the 8 h, and recede.
    for station, recession in (("outlet", 0.95), ("lower creek", 0.8)):
        depth = np.array([float(r["depth"]) for r in rows if r["station"] == station])
        times = np.array([float(r["time"]) for r in rows if r["station"] == station])
        assert np.allclose(np.diff(times), 300.0) and times[-1] == 8 * 3600.0
        peak = int(np.argmax(depth))
        assert 3600.0 < times[peak] < times[-1] - 1800.0, station
        assert depth[-1] < recession * depth[peak], station
    with xr.open_dataset(tmp_path / "rain_on_grid.nc", decode_times=False) as ds:
        assert ds.crs.attrs["grid_mapping_name"] == "transverse_mercator"
        assert float(ds.time[-1]) == 3600.0
    assert (tmp_path / "rain_on_grid.png").read_bytes()[:8] == PNG


def test_roughness_sensitivity(tmp_path):
    pytest.importorskip("matplotlib")
    xr = pytest.importorskip("xarray")
    run_example("roughness_sensitivity.py", tmp_path)
    with open(tmp_path / "sensitivity.csv") as f:
        rows = list(csv.DictReader(f))
    n = [float(r["manning"]) for r in rows]
    peak = [float(r["peak_depth"]) for r in rows]
    t_peak = [float(r["time_of_peak"]) for r in rows]
    assert n == sorted(n) and len(n) == 5
    assert peak == sorted(peak) and peak[-1] > peak[0]  # rougher beds flow deeper
    assert t_peak == sorted(t_peak) and t_peak[-1] > t_peak[0]  # and slower
    reference = next(r for r in rows if float(r["manning"]) == 0.035)
    assert float(reference["max_change_vs_reference"]) == 0.0
    with xr.open_dataset(tmp_path / "peaks.nc") as peaks:
        assert peaks.max_depth.dims == ("manning", "y", "x")
    assert (tmp_path / "sensitivity.png").read_bytes()[:8] == PNG
