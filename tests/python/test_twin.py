"""floodtwin.Twin: forecast cycles from Python run the same code as `floodtwin forecast`."""

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

import floodtwin

HERE = Path(__file__).resolve().parent
SOURCE = Path(os.environ.get("FLOODTWIN_SOURCE_DIR", HERE.parents[1]))


@pytest.fixture
def twin_dir(tmp_path):
    """The small synthetic twin of tests/twin/test_cycle.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cycle", SOURCE / "tests/twin/test_cycle.py")
    os.environ.setdefault("FLOODTWIN_CLI", "floodtwin")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_twin(tmp_path / "twin")


def test_forecast_returns_the_cycle_summary_and_results_open_as_xarray(twin_dir):
    twin = floodtwin.Twin(twin_dir / "twin.toml")
    assert twin.settings["lead"] == 3 * 3600
    s = twin.forecast(at="2024-05-01T02:00:00Z", lead="2h")
    assert s["cycle"] == "20240501T0200Z" and s["lead_s"] == 7200 and s["cold_start"]
    t0 = dt.datetime(2024, 5, 1, 4, tzinfo=dt.timezone.utc)
    s2 = twin.forecast(at=t0, lead=dt.timedelta(hours=1))
    assert not s2["cold_start"] and s2["state_used"].endswith(".state.h5")
    assert [c.name for c in twin.cycles()] == ["20240501T0200Z", "20240501T0400Z"]
    assert len(twin.states()) == 2
    cycle = twin.cycle(t0)
    ds = cycle.results()
    assert ds.time.size == 3  # T0 = 04:00, lead 1 h, output every 30 min: 04:00, 04:30, 05:00
    assert ds.depth.shape[1:] == (24, 36)
    g = cycle.gauges()
    assert list(g.station.values) == ["outlet", "upstream"]
    assert g.depth.sel(station="outlet").size == g.time.size
    with h5py.File(cycle.folder / "forecast.h5", "r") as f:
        np.testing.assert_array_equal(g.depth.values, f["gauge_depth"][()].T)


def test_python_and_command_line_cycles_are_identical(twin_dir, tmp_path):
    cli_dir = tmp_path / "cli"
    shutil.copytree(twin_dir, cli_dir)
    floodtwin.Twin(twin_dir / "twin.toml").forecast(at="2024-05-01T03:00:00Z")
    cli = os.environ.get("FLOODTWIN_CLI")
    if not cli or not Path(cli).exists():
        pytest.skip("FLOODTWIN_CLI not set")
    r = subprocess.run(
        [cli, "forecast", str(cli_dir / "twin.toml"), "--at", "2024-05-01T03:00:00Z"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    a = sorted((twin_dir / "states").glob("*.state.h5"))[0]
    b = sorted((cli_dir / "states").glob("*.state.h5"))[0]
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        np.testing.assert_array_equal(fa["h"][()], fb["h"][()])


def test_bad_arguments_are_refused(twin_dir):
    twin = floodtwin.Twin(twin_dir / "twin.toml")
    with pytest.raises(ValueError, match="lead"):
        twin.forecast(lead=-1)
    with pytest.raises(ValueError, match="timezone"):
        twin.forecast(at=dt.datetime(2024, 5, 1, 2))
    with pytest.raises(ValueError, match="--at"):
        twin.forecast(at="yesterday")
    with pytest.raises(FileNotFoundError):
        floodtwin.Twin(twin_dir / "missing.toml")
