"""Scenario files from Python: Simulation.from_scenario, run_scenario and open_results give
what `floodtwin run` gives (a coarse, short copy of the demo basin)."""

import numpy as np
import pytest

import floodtwin


def test_from_scenario_prepares_the_demo(scenario):
    sim = floodtwin.Simulation.from_scenario(scenario)
    assert sim.scenario_duration == 2 * 3600
    assert list(sim.gauges()) == ["outlet", "lower creek", "middle creek"]
    assert sim.dx == 600
    sim.run(until=3600)
    mb = sim.mass_balance()
    assert mb.rain_in > 0  # the gauge rain reaches the grid through run()
    assert mb.losses > 0  # Green-Ampt infiltration
    assert mb.relative_error < 1e-12


def test_run_scenario_and_open_results_match(scenario, tmp_path):
    out = tmp_path / "out" / "r.h5"
    summary = floodtwin.run_scenario(str(scenario), output=str(out), checkpoint_every=1800)
    assert summary["results"] == str(out) and out.exists()
    assert not summary["interrupted"]
    assert len(summary["checkpoints"]) == 3
    assert summary["mass_balance_error"] < 1e-12
    ds = floodtwin.open_results(str(out))
    assert ds["max_depth"].dims == ("y", "x")
    assert float(ds["max_depth"].max()) == pytest.approx(summary["max_depth"], rel=1e-6)
    assert ds["depth"].sizes["time"] == 9  # t = 0 and every 15 min for 2 h
    assert list(ds["station_name"].values.astype(str)) == ["outlet", "lower creek", "middle creek"]

    # from_scenario + run() reaches the same state as the command-line driver.
    sim = floodtwin.Simulation.from_scenario(scenario)
    sim.run(until=sim.scenario_duration)
    last = ds["depth"].isel(time=-1).values
    assert np.allclose(np.nan_to_num(last), sim.depth, atol=1e-5)  # results are float32


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        floodtwin.Simulation.from_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[simulation]\nduraton = "1h"\n')
    with pytest.raises(floodtwin.ScenarioError, match="did you mean 'duration'"):
        floodtwin.Simulation.from_scenario(bad)
    with pytest.raises(FileNotFoundError):
        floodtwin.open_results(str(tmp_path / "none.h5"))
