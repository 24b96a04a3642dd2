"""step(), run(until, callback, every), mass balance, forcing and gauges from Python."""

import numpy as np
import pytest

import floodtwin
from conftest import dam_break


def test_step_and_clock():
    sim = dam_break()
    assert sim.time == 0 and sim.steps == 0 and sim.dt == 0
    dt = sim.step()
    assert dt > 0 and sim.dt == dt and sim.time == dt and sim.steps == 1
    assert sim.stable_dt() > 0
    assert sim.step(dt_limit=1e-3) == 1e-3
    with pytest.raises(ValueError, match="dt_limit"):
        sim.step(dt_limit=0)


def test_run_calls_back_at_exact_times():
    sim = dam_break()
    times = []
    seen = []

    def cb(s):
        times.append(s.time)
        seen.append(s)

    sim.run(until=1.0, callback=cb, every=0.25)
    assert times == [0.0, 0.25, 0.5, 0.75, 1.0]  # the start, the multiples and until
    assert all(s is sim for s in seen)  # the callback gets the Python object itself
    assert sim.time == 1.0
    times.clear()
    sim.run(until=2.1, callback=cb, every=0.5)  # multiples of every since t = 0
    assert times == [1.0, 1.5, 2.0, 2.1]
    assert sim.time == 2.1


def test_run_stops_when_the_callback_returns_false():
    sim = dam_break()
    calls = []

    def cb(s):
        calls.append(s.time)
        return len(calls) < 3  # None or True continue; False stops

    sim.run(until=10.0, callback=cb, every=0.5)
    assert calls == [0.0, 0.5, 1.0]
    assert sim.time == 1.0


def test_run_without_every_calls_back_after_each_step():
    sim = dam_break()
    steps = []
    sim.run(until=0.5, callback=lambda s: steps.append((s.steps, s.time)))
    assert [n for n, _ in steps] == list(range(0, sim.steps + 1))  # the start, then each step
    assert steps[-1][1] == 0.5


def test_callback_views_are_current_and_changes_take_effect():
    sim = dam_break()
    peaks = []

    def cb(s):
        peaks.append(float(s.depth[0, 120]))
        np.testing.assert_array_equal(s.water_level, s.depth + s.elevation)
        if s.time == 1.0:
            s.set_uniform_rain(None, 1e-3, units="m/s")

    sim.run(until=2.0, callback=cb, every=0.5)
    assert peaks[0] == 0 and peaks[-1] > 0
    assert sim.mass_balance().rain_in == pytest.approx(1e-3 * 1.0 * 100 * 1000, rel=1e-12)


def test_callback_exceptions_propagate():
    sim = dam_break()

    def cb(s):
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        sim.run(until=1.0, callback=cb, every=0.25)
    assert sim.time == 0.0  # raised by the call at the start
    assert not sim.running


def test_run_to_the_current_time_does_nothing_but_call_back_once():
    sim = dam_break()
    calls = []
    sim.run(until=0.0, callback=lambda s: calls.append(s.time), every=1.0)
    assert calls == [0.0] and sim.steps == 0


def test_mass_balance_with_rain_boundaries_and_sources():
    ny, nx = 12, 16
    sim = floodtwin.Simulation(np.zeros((ny, nx)), 5.0, manning=0.03, depth=np.full((ny, nx), 0.2))
    sim.set_uniform_rain([0, 30, 60], [0, 72, 0])  # mm/h, to the end of the run
    sim.set_rain_rate(np.full((ny, nx), 3.6))  # mm/h
    sim.set_boundary("west", "discharge", 2.0)
    sim.set_boundary("east", "open")
    sim.add_point_source(40.0, 30.0, None, 0.1, "pump")
    sim.run(until=60.0)
    mb = sim.mass_balance()
    area = ny * nx * 25.0
    assert mb.initial_volume == pytest.approx(0.2 * area)
    rain = area * (floodtwin.mm_per_hour(72) * 30 + floodtwin.mm_per_hour(3.6) * 60)
    assert mb.rain_in == pytest.approx(rain, rel=1e-12)
    assert mb.boundary_in == pytest.approx(120.0, rel=1e-9)
    assert mb.point_in == pytest.approx(6.0, rel=1e-12)
    assert mb.boundary_out > 0
    assert mb.relative_error < 1e-12
    d = mb.as_dict()
    assert set(d) >= {
        "initial_volume",
        "volume",
        "rain_in",
        "boundary_in",
        "boundary_out",
        "point_in",
        "losses",
        "correction",
        "relative_error",
        "error",
    }
    assert d["volume"] == mb.volume == pytest.approx(sim.stored_volume)
    assert "relative_error" in repr(mb)
    assert floodtwin.to_mm_per_hour(floodtwin.mm_per_hour(5.0)) == pytest.approx(5.0)


def test_second_order_lake_at_rest_stays_at_rest():
    ny, nx = 16, 20
    jj, ii = np.mgrid[0:ny, 0:nx]
    z = 0.3 * np.exp(-((ii - 10.0) ** 2 + (jj - 8.0) ** 2) / 8.0)
    sim = floodtwin.Simulation(z, 1.0, water_level=np.full((ny, nx), 0.5), scheme="second-order")
    sim.run(until=2.0)
    np.testing.assert_allclose(sim.water_level, 0.5, atol=1e-12)
    assert np.abs(sim.velocity_x).max() < 1e-12


def test_gauges_report_depth_level_and_speed():
    sim = dam_break()
    sim.add_gauge("dam", 50.1, 500.0)
    sim.add_gauge("downstream", 75.0, 500.0)
    with pytest.raises(ValueError, match="exists already"):
        sim.add_gauge("dam", 1.0, 500.0)
    g = sim.gauges()
    assert list(g) == ["dam", "downstream"]
    assert g["dam"].row == 0 and g["dam"].col == 100 and g["dam"].depth == 0.0
    sim.run(until=2.0)
    dam = sim.gauge("dam")
    assert dam.depth == sim.depth[0, 100] > 0
    assert dam.water_level == dam.depth
    assert dam.speed == pytest.approx(sim.velocity_x[0, 100])
    sim.remove_gauge("dam")
    assert list(sim.gauges()) == ["downstream"]


def test_to_xarray_snapshot():
    sim = dam_break(nx=50)
    sim.run(until=1.0)
    ds = sim.to_xarray()
    assert ds["depth"].dims == ("y", "x")
    np.testing.assert_array_equal(ds["depth"].values, sim.depth)
    np.testing.assert_array_equal(ds["x"].values, sim.x)
    assert float(ds["time"]) == 1.0
    snapshot = ds.copy(deep=True)
    sim.run(until=2.0)
    np.testing.assert_array_equal(ds["depth"].values, sim.depth)  # a view (test_xarray.py)
    assert not np.array_equal(snapshot["depth"].values, sim.depth)


def test_properties_and_repr():
    sim = dam_break(nx=40, scheme="2", cfl=0.4, max_dt=5.0, flood_threshold=0.3)
    assert sim.shape == (1, 40) and sim.nx == 40 and sim.ny == 1
    assert sim.dx == 2.5 and sim.dy == 1000.0 and sim.origin == (0.0, 1000.0)
    assert sim.scheme == "second-order" and sim.cfl == 0.4 and sim.max_dt == 5.0
    assert sim.gravity == 9.81 and sim.dry_depth == 1e-6 and sim.flood_threshold == 0.3
    assert sim.wet_cells() == 20
    assert "second-order" in repr(sim)
    assert floodtwin.__version__


def test_python_defaults_match_the_compiled_ones():
    z = np.zeros((2, 3))
    a = floodtwin.Simulation(z, 1.0)
    b = floodtwin._core.Simulation(z, 1.0)
    for name in (
        "origin",
        "dy",
        "scheme",
        "cfl",
        "gravity",
        "dry_depth",
        "max_dt",
        "flood_threshold",
    ):
        assert getattr(a, name) == getattr(b, name), name
    np.testing.assert_array_equal(a.manning, b.manning)


def test_field_and_forcing_setters():
    ny, nx = 6, 8
    sim = floodtwin.Simulation(np.zeros((ny, nx)), 1.0, depth=np.full((ny, nx), 0.5))
    n = np.linspace(0.0, 0.07, ny * nx).reshape(ny, nx)
    sim.set_manning(n)
    np.testing.assert_array_equal(sim.manning, n)
    sim.set_manning(0.02)
    assert (sim.manning == 0.02).all()
    sim.set_discharge(np.full((ny, nx), 0.1), np.full((ny, nx), -0.05))
    assert (sim.discharge_x == 0.1).all() and (sim.velocity_y == -0.1).all()
    active = np.ones((ny, nx), dtype=bool)
    active[:, -1] = False
    sim.set_active(active)
    assert sim.active_cells == ny * (nx - 1)
    assert np.isnan(sim.elevation[:, -1]).all() and (sim.depth[:, -1] == 0).all()
    # Rain: a field, then removed; a uniform series, then removed.
    sim.set_rain_rate(1e-4, units="m/s")
    sim.set_uniform_rain(None, 360.0)  # mm/h: 1e-4 m/s
    sim.run(until=1.0)
    rain = sim.mass_balance().rain_in
    assert rain == pytest.approx(2e-4 * ny * (nx - 1), rel=1e-12)
    sim.set_rain_rate(None)
    sim.set_uniform_rain()
    sim.run(until=2.0)
    assert sim.mass_balance().rain_in == rain
    # Boundaries: an open side lets water out; cleared, the basin is closed again.
    sim.set_boundary("west", "open")
    sim.run(until=4.0)
    out = sim.mass_balance().boundary_out
    assert out > 0
    sim.clear_boundaries()
    sim.run(until=6.0)
    assert sim.mass_balance().boundary_out == out
    assert sim.mass_balance().relative_error < 1e-12


def test_peak_maps_include_the_initial_state(tmp_path):
    """A cell that starts at 1.6 m reports a peak of 1.6 m after one step (the water spreads,
    so the depth at the end of the step is lower), however the initial state was given: the
    maps record it before the first step, as `floodtwin run` does (issue 17)."""
    ny, nx = 5, 6
    depth = np.zeros((ny, nx))
    depth[2, 3] = 1.6
    made = {
        "depth=": lambda: floodtwin.Simulation(np.zeros((ny, nx)), 10.0, depth=depth),
        "water_level=": lambda: floodtwin.Simulation(np.zeros((ny, nx)), 10.0, water_level=depth),
    }
    for how, make in made.items():
        sim = make()
        sim.step()
        assert sim.depth[2, 3] < 1.5, how
        assert sim.max_depth[2, 3] == 1.6, how
        assert sim.time_of_max_depth[2, 3] == 0.0, how
    sim = floodtwin.Simulation(np.zeros((ny, nx)), 10.0)
    sim.set_depth(depth)
    sim.run(sim.time + 1.0)
    assert sim.max_depth[2, 3] == 1.6

    from conftest import demo_copy

    path = demo_copy(tmp_path)
    path.write_text(path.read_text().replace("[terrain]\n", "[terrain]\ninitial_depth = 1.6\n", 1))
    sim = floodtwin.Simulation.from_scenario(path)
    sim.step()
    active = ~np.isnan(sim.max_depth)
    assert active.any() and (sim.max_depth[active] >= 1.6).all()
