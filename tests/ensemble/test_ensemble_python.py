"""floodtwin.Ensemble: members' factors inspectable before a run, products as xarray, equal to
the command line's ensemble file and members."""

import os

import numpy as np
import pytest

floodtwin = pytest.importorskip("floodtwin")

from test_ensemble import cli, make_basin, read_ensemble  # noqa: E402


def test_factors_and_products(tmp_path):
    scenario = make_basin(tmp_path)
    ens = floodtwin.Ensemble(scenario)
    assert ens.members == 4 and ens.seed == 42
    assert ens.distributions["rain_factor"] == "lognormal(median 1, sigma 0.3)"
    f = ens.factors
    assert f["rain_factor"].shape == (4,) and np.all(f["curve_number_factor"] == 1)
    assert np.all((f["manning_factor"] >= 0.8) & (f["manning_factor"] <= 1.2))
    # The first members of a larger ensemble are the same.
    np.testing.assert_array_equal(
        floodtwin.Ensemble(scenario, members=6).factors["rain_factor"][:4], f["rain_factor"]
    )
    ds = ens.run(threads=1, output=tmp_path / "py.h5")
    assert ds.exceedance_probability.dims == ("threshold", "y", "x")
    np.testing.assert_array_equal(ds.rain_factor.values, f["rain_factor"])
    cli("ensemble", scenario)  # the command line's file: the same numbers
    c = read_ensemble(tmp_path / "results" / "basin_ensemble.h5")
    np.testing.assert_array_equal(ds.max_depth_quantile.values, c["max_depth_quantile"])
    np.testing.assert_array_equal(ds.gauge_depth.values, c["gauge_depth"])
    path = ens.run_member(1)
    assert os.path.basename(path) == "basin_member1.h5"
    with floodtwin.open_results(path) as r:
        np.testing.assert_array_equal(r.gauge_depth.values, ds.gauge_depth.values[1])


def test_no_table(tmp_path):
    scenario = make_basin(tmp_path, ensemble="")
    with pytest.raises(floodtwin.ScenarioError, match="no \\[ensemble\\] table"):
        floodtwin.Ensemble(scenario)
