"""Rain gauges from Python (Simulation.set_rain_gauges), and step() following gauge or
scenario rain through its intervals as run() does."""

import numpy as np
import pytest

import floodtwin


def flat_basin(nx=20, ny=10, dx=10.0):
    """A flat, frictionless, closed basin; its north-west corner at (0, ny * dx)."""
    return floodtwin.Simulation(np.zeros((ny, nx)), dx, origin=(0.0, ny * dx), manning=0.0)


def test_thiessen_gauges_put_each_rate_on_its_half():
    sim = flat_basin()
    # Period-ending values at 300 s and 600 s: intervals (0, 300] and (300, 600].
    sim.set_rain_gauges(
        {"west": (50.0, 50.0), "east": (150.0, 50.0)},
        [300.0, 600.0],
        [[36.0, 72.0], [36.0, 72.0]],
        method="thiessen",
        after_end="zero",
    )
    sim.run(until=600)
    half = 100 * 100.0  # m2 per half
    expected = half * (1e-5 + 2e-5) * 600  # 36 mm/h = 1e-5 m/s
    assert sim.mass_balance().rain_in == pytest.approx(expected, rel=1e-12)
    sim.run(until=900)  # no rain after the last interval
    assert sim.mass_balance().rain_in == pytest.approx(expected, rel=1e-12)
    assert abs(sim.mass_balance().relative_error) < 1e-12


def test_idw_of_equal_gauges_is_uniform_and_units_convert():
    sim = flat_basin()
    sim.set_rain_gauges(
        [("a", 10.0, 10.0), ("b", 190.0, 90.0)],
        [0.0, 600.0],
        [[3.0, 3.0], [np.nan, np.nan]],
        units="mm",
        timing="period-beginning",
        fallback=0.0,
    )
    sim.run(until=600)
    # 3 mm in the 600 s interval [0, 600) on 200 m x 100 m; the second interval has no value
    # at any gauge: the fallback (no rain) applies.
    assert sim.mass_balance().rain_in == pytest.approx(200 * 100 * 3e-3, rel=1e-12)
    assert np.ptp(sim.depth) < 1e-12


def test_step_lands_on_rain_interval_bounds():
    sim = flat_basin(dx=1.0)  # small cells: many steps per interval
    sim.set_depth(np.full(sim.shape, 0.5))
    sim.set_rain_gauges({"g": (5.0, 5.0)}, [2.0, 4.0], [[36.0], [0.0]])
    times = []
    while sim.time < 4.0:
        sim.step()
        times.append(sim.time)
    assert 2.0 in times and times[-1] == 4.0
    assert sim.mass_balance().rain_in == pytest.approx(200.0 * 1e-5 * 2.0, rel=1e-12)
    sim.set_rain_rate(None)  # an explicit rate replaces the gauges
    sim.run(until=6.0)
    assert sim.mass_balance().rain_in == pytest.approx(200.0 * 1e-5 * 2.0, rel=1e-12)


def test_scenario_rain_reaches_step_as_run(scenario):
    stepped = floodtwin.Simulation.from_scenario(scenario)
    ran = floodtwin.Simulation.from_scenario(scenario)
    ran.run(until=1800)
    while stepped.time < 1800:
        stepped.step(dt_limit=1800 - stepped.time)
    assert stepped.time == 1800
    assert stepped.mass_balance().rain_in > 0
    assert stepped.mass_balance().rain_in == pytest.approx(ran.mass_balance().rain_in, rel=1e-12)
    assert np.allclose(stepped.depth, ran.depth, atol=1e-9)


def test_rain_gauge_errors():
    sim = flat_basin()
    with pytest.raises(ValueError, match=r"values must be an array of shape \(times, stations\)"):
        sim.set_rain_gauges({"g": (5.0, 5.0)}, [1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="stations must be a dict"):
        sim.set_rain_gauges([("g", 5.0)], [1.0], [[1.0]])
    with pytest.raises(floodtwin.ScenarioError, match="idw.*thiessen"):
        sim.set_rain_gauges({"g": (5.0, 5.0)}, [1.0], [[1.0]], method="kriging")
    with pytest.raises(floodtwin.ScenarioError, match="mm/h"):
        sim.set_rain_gauges({"g": (5.0, 5.0)}, [1.0], [[1.0]], units="inch")
    with pytest.raises(floodtwin.ScenarioError, match="period-ending"):
        sim.set_rain_gauges({"g": (5.0, 5.0)}, [1.0], [[1.0]], timing="later")
    with pytest.raises(ValueError, match="increas"):
        sim.set_rain_gauges({"g": (5.0, 5.0)}, [2.0, 1.0], [[1.0], [1.0]])
