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


def test_twin_forecast_runs_the_twin_ensemble_as_the_command_does(tmp_path):
    """Twin.forecast publishes the cycle's ensemble.h5 (the twin's [ensemble] table) with the
    same numbers as `floodtwin forecast` on an identical twin."""
    import sys
    from pathlib import Path

    import netCDF4

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "twin"))
    from test_cycle import cycle_name, forecast, make_twin, stamp

    table = (
        '\n[ensemble]\nmembers = 2\nseed = 3\nrain_factor = { distribution = "lognormal", '
        "median = 1, sigma = 0.4 }\nthresholds = [0.01]\nquantiles = [0.5]\n"
    )
    roots = []
    for name in ("py", "cli"):
        root = make_twin(tmp_path / name)
        (root / "twin.toml").write_text((root / "twin.toml").read_text() + table)
        roots.append(root)
    summary = floodtwin.Twin(roots[0] / "twin.toml").forecast(at=stamp(2), lead="1h")
    assert any("ensemble: 2 members" in n for n in summary.get("notes", [])), summary
    forecast(roots[1], 2, lead="1h")
    files = [r / "cycles" / cycle_name(2) / "ensemble.h5" for r in roots]
    with netCDF4.Dataset(files[0]) as a, netCDF4.Dataset(files[1]) as b:
        assert a.dimensions["realization"].size == 2
        for key in ("rain_factor", "gauge_depth", "exceedance_probability", "max_depth_quantile"):
            np.testing.assert_array_equal(
                np.ma.filled(a[key][:], np.nan), np.ma.filled(b[key][:], np.nan), err_msg=key
            )
        g = np.array(a["gauge_depth"][:])
        assert not np.array_equal(g[0], g[1])  # the members differ


def test_concurrent_members_equal_one_at_a_time(tmp_path):
    """Twin.forecast(concurrent=2) and Ensemble.run(concurrent=2) (members two at a time, as
    `--concurrent 2`) publish the numbers of concurrent=1, bitwise; more members at once than
    threads is refused as the command refuses it."""
    import sys
    from pathlib import Path

    import netCDF4

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "twin"))
    from test_cycle import cycle_name, make_twin, stamp

    table = (
        '\n[ensemble]\nmembers = 3\nseed = 5\nrain_factor = { distribution = "lognormal", '
        "median = 1, sigma = 0.5 }\nthresholds = [0.01]\nquantiles = [0.5]\n"
    )
    files = []
    for name, concurrent in (("one", 1), ("two", 2)):
        root = make_twin(tmp_path / name)
        (root / "twin.toml").write_text((root / "twin.toml").read_text() + table)
        summary = floodtwin.Twin(root / "twin.toml").forecast(
            at=stamp(2), lead="1h", threads=2, concurrent=concurrent
        )
        assert any(f"({concurrent} at once)" in n for n in summary["notes"]), summary["notes"]
        files.append(root / "cycles" / cycle_name(2) / "ensemble.h5")
    with netCDF4.Dataset(files[0]) as a, netCDF4.Dataset(files[1]) as b:
        assert a.dimensions["realization"].size == 3
        for key in ("gauge_depth", "exceedance_probability", "max_depth_quantile"):
            np.testing.assert_array_equal(
                np.ma.filled(a[key][:], np.nan), np.ma.filled(b[key][:], np.nan), err_msg=key
            )
        g = np.array(a["gauge_depth"][:])
        assert not np.array_equal(g[0], g[1])  # the members differ
    twin = floodtwin.Twin(tmp_path / "one" / "twin.toml")
    with pytest.raises(floodtwin.ScenarioError, match="concurrent=3: more members at once"):
        twin.forecast(at=stamp(2), lead="1h", threads=2, concurrent=3)
    with pytest.raises(floodtwin.ScenarioError, match="concurrent=0: at least 1"):
        twin.forecast(at=stamp(2), lead="1h", concurrent=0)

    scenario = make_basin(tmp_path / "basin")
    ens = floodtwin.Ensemble(scenario)
    one = ens.run(threads=2, concurrent=1, output=tmp_path / "c1.h5")
    two = ens.run(threads=2, concurrent=2, output=tmp_path / "c2.h5")
    for key in ("gauge_depth", "exceedance_probability", "max_depth_quantile"):
        np.testing.assert_array_equal(one[key].values, two[key].values, err_msg=key)
    with pytest.raises(floodtwin.ScenarioError, match="concurrent=3: more members at once"):
        ens.run(threads=2, concurrent=3)


def test_zone_products_labelled_by_zone_and_level(tmp_path):
    from test_ensemble import add_warning_zones

    scenario = make_basin(tmp_path)
    add_warning_zones(tmp_path)
    ds = floodtwin.Ensemble(scenario).run(threads=1)
    assert list(ds.zone.values) == ["W", "E"]
    assert list(ds.warning_level.values) == ["watch", "warning", "severe"]
    p = ds.zone_level_probability
    assert p.dims == ("zone", "warning_level")
    first = ds.zone_first_crossing_time.sel(zone="W", warning_level="watch").values
    assert first.shape == (4,)
    assert p.sel(zone="W", warning_level="watch") == np.mean(~np.isnan(first))
