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
