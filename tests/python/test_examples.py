"""The scripting examples in scenarios/python run and produce sensible results."""

import csv
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
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_rainfall_ensemble(tmp_path):
    pytest.importorskip("matplotlib")
    stdout = run_example("ensemble.py", tmp_path)
    assert "20 members" in stdout
    p = np.load(tmp_path / "probability.npy")
    assert p.shape == (30, 40)
    assert ((p >= 0) & (p <= 1)).all()
    assert (p == 1).any() and ((p > 0) & (p < 1)).any() and (p == 0).any()
    assert np.all(np.isin(p * 20, np.arange(21)))  # counts of members
    assert (tmp_path / "probability.png").read_bytes()[:8] == PNG
    with open(tmp_path / "members.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 20
    areas = [float(r["area_above_threshold_m2"]) for r in rows]  # sorted by scale
    assert areas == sorted(areas) and areas[-1] > areas[0]
    assert max(float(r["mass_balance_relative_error"]) for r in rows) < 1e-12


def test_manning_study(tmp_path):
    pytest.importorskip("matplotlib")
    run_example("manning_study.py", tmp_path)
    assert (tmp_path / "manning_study.png").read_bytes()[:8] == PNG
    with open(tmp_path / "manning_study.csv") as f:
        rows = list(csv.DictReader(f))
    n = [float(r["manning_n"]) for r in rows]
    peak = [float(r["peak_depth_m"]) for r in rows]
    t_peak = [float(r["time_of_peak_s"]) for r in rows]
    assert n == sorted(n) and len(n) >= 5
    # Rougher beds: deeper and later peaks.
    assert all(a < b for a, b in zip(peak, peak[1:]))
    assert all(a < b for a, b in zip(t_peak, t_peak[1:]))
