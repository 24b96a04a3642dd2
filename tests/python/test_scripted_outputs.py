"""Scripted runs as complete as scenario runs (issue 15): threads per simulation, results
files from run(), gauge series recorded by the engine, save/load of the state, and the
scenario files' defaults."""

import threading

import numpy as np
import pytest

import floodtwin


def dam_break(n=40, **kwargs):
    """A 2D dam break over a bump, wet enough to use every part of the scheme."""
    y, x = np.mgrid[0:n, 0:n]
    z = 0.3 * np.exp(-((x - n / 2) ** 2 + (y - n / 3) ** 2) / 20.0)
    depth = np.where(x < n // 3, 2.0, 0.2) * np.ones((n, 1))
    kwargs.setdefault("scheme", "second-order")
    kwargs.setdefault("manning", 0.03)
    return floodtwin.Simulation(z, 1.0, depth=np.maximum(depth - z, 0.0), **kwargs)


STATE = ("depth", "discharge_x", "discharge_y", "max_depth", "max_speed", "arrival_time")


def assert_same_state(a, b):
    assert a.time == b.time and a.steps == b.steps
    for name in STATE:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert a.mass_balance().as_dict() == b.mass_balance().as_dict()


# ---- threads ------------------------------------------------------------------------------
def test_threads_give_bitwise_identical_results():
    runs = []
    for threads in (1, 2, 3):
        sim = dam_break(threads=threads)
        assert sim.threads == threads
        sim.run(until=3.0)
        runs.append(sim)
    for other in runs[1:]:
        assert_same_state(runs[0], other)


def test_threads_setter_applies_per_simulation_and_restores_the_caller():
    default = dam_break().threads  # OMP_NUM_THREADS=2 under ctest
    assert default >= 1
    sim = dam_break()
    sim.threads = 1
    assert sim.threads == 1
    sim.run(until=1.0)
    sim.threads = 3
    sim.step()
    # the calling thread's own OpenMP setting is back after the run
    assert dam_break().threads == default
    sim.threads = None
    assert sim.threads == default
    for bad in (0, -2):
        with pytest.raises(ValueError, match="threads must be a positive integer"):
            sim.threads = bad
        with pytest.raises(ValueError, match="threads must be a positive integer"):
            dam_break(threads=bad)


def test_simulations_with_different_threads_in_parallel_python_threads():
    sims = [dam_break(threads=k) for k in (1, 2)]
    workers = [threading.Thread(target=s.run, kwargs={"until": 2.0}) for s in sims]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert_same_state(sims[0], sims[1])


# ---- results files from run() -------------------------------------------------------------
def test_run_writes_the_results_file_open_results_reads(tmp_path):
    sim = dam_break()
    sim.add_gauge("left", 5.5, 20.5)
    sim.add_gauge("right", 30.5, 20.5)
    sim.run(until=1.0)  # the output clock is absolute: snapshots at 1, 2, 4, 5
    path = tmp_path / "out" / "run.nc"
    sim.run(until=5.0, output=path, output_interval=2.0)
    assert path.exists()
    assert not (tmp_path / "out" / "run.nc.partial").exists()
    assert not (tmp_path / "out" / "run.nc.lock").exists()
    with floodtwin.open_results(path, decode_times=False) as ds:
        assert ds.attrs["status"] == "complete"
        assert list(ds.time.values) == [1, 2, 4, 5]
        last = ds.depth.isel(time=-1).values
        assert np.array_equal(last, sim.depth.astype(np.float32))
        assert np.array_equal(ds.max_depth.values, sim.max_depth.astype(np.float32))
        assert list(ds.station_name.values.astype(str)) == ["left", "right"]
        depth = ds.gauge_depth.values
        assert depth[-1, 0] == sim.gauge("left").depth
    info = floodtwin.info(path)
    assert info["report"]
    floodtwin.export(path, tmp_path / "depth.tif", "depth")
    assert (tmp_path / "depth.tif").exists()


def test_scripted_results_equal_the_cli_results(scenario, tmp_path):
    cli = tmp_path / "cli.h5"
    floodtwin.run_scenario(scenario, output=cli)
    sim = floodtwin.Simulation.from_scenario(scenario)
    scripted = tmp_path / "scripted.nc"
    sim.run(until=sim.scenario_duration, output=scripted, output_interval=900)
    with floodtwin.open_results(cli) as a, floodtwin.open_results(scripted) as b:
        assert np.array_equal(a.time.values, b.time.values)
        for name in ("depth", "velocity_x", "max_depth", "arrival_time", "gauge_depth"):
            assert np.array_equal(a[name].values, b[name].values, equal_nan=True), name
        assert np.array_equal(a.gauge_time.values, b.gauge_time.values)
        assert a.crs.attrs == b.crs.attrs
        assert b.attrs["scenario"] == a.attrs["scenario"]


def test_a_stopped_run_ends_its_file_and_a_failed_one_leaves_partial(tmp_path):
    sim = dam_break()
    path = tmp_path / "stopped.nc"
    sim.run(until=10.0, callback=lambda s: s.time < 2.0, every=1.0, output=path)
    with floodtwin.open_results(path) as ds:
        assert ds.sizes["time"] == 2 and ds.attrs["status"] == "complete"
    failed = tmp_path / "failed.nc"

    def fail(s):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        sim.run(until=10.0, callback=fail, every=1.0, output=failed)
    assert not failed.exists() and (tmp_path / "failed.nc.partial").exists()
    with pytest.raises(ValueError, match="output_interval"):
        sim.run(until=11.0, output_interval=1.0)
    with pytest.raises(ValueError, match="output_interval"):
        sim.run(until=11.0, output=path, output_interval=0.0)


# ---- gauge series --------------------------------------------------------------------------
def test_gauge_series_recorded_by_the_engine():
    sim = dam_break()
    sim.gauge_interval = 0.5
    sim.add_gauge("left", 5.5, 20.5)
    sim.add_gauge("right", 30.5, 20.5)
    samples = {}

    def sample(s):
        samples[s.time] = {name: g for name, g in s.gauges().items()}

    sim.run(until=3.0, callback=sample, every=0.5)
    sim.run(until=4.2)
    ds = sim.gauge_series()
    assert list(ds.station.values) == ["left", "right"]
    assert np.allclose(ds.time.values, np.arange(0, 4.01, 0.5))
    for t, gauges in samples.items():
        for name, g in gauges.items():
            row = ds.sel(time=t, station=name)
            assert float(row.depth) == g.depth
            assert float(row.water_level) == g.water_level
            assert float(row.speed) == g.speed
    assert float(ds.depth.sel(station="right").max()) > 0.2  # the wave reached it
    sim.add_gauge("late", 20.5, 20.5)
    sim.run(until=5.0)
    ds = sim.gauge_series()
    late = ds.depth.sel(station="late").values
    assert np.isnan(late[:-2]).all() and not np.isnan(late[-2:]).any()  # samples at 4.5, 5
    sim.remove_gauge("left")
    assert list(sim.gauge_series().station.values) == ["right", "late"]
    sim.clear_gauge_series()
    assert sim.gauge_series().sizes["time"] == 0
    with pytest.raises(ValueError, match="gauge_interval"):
        sim.gauge_interval = -1.0


def test_gauge_series_of_a_scenario_follows_its_gauge_interval(scenario):
    sim = floodtwin.Simulation.from_scenario(scenario)
    sim.run(until=3600)
    ds = sim.gauge_series()
    assert list(ds.station.values) == ["outlet", "lower creek", "middle creek"]
    step = np.diff(ds.time.values)
    assert np.all(step == sim.gauge_interval)


# ---- save / load ---------------------------------------------------------------------------
def rainy_dam_break():
    sim = dam_break()
    sim.set_boundary("east", "open")
    sim.set_uniform_rain([0, 10], [200.0, 0.0], after_end="zero")
    sim.add_gauge("right", 30.5, 20.5)
    sim.gauge_interval = 0.5
    return sim


def test_save_load_continue_equals_an_uninterrupted_run(tmp_path):
    whole = rainy_dam_break()
    whole.run(until=2.0)
    whole.run(until=5.0)

    first = rainy_dam_break()
    first.run(until=2.0)
    path = tmp_path / "state.h5"
    first.save(path)
    assert path.exists() and not (tmp_path / "state.h5.partial").exists()
    second = rainy_dam_break()
    second.load(path)
    assert second.time == 2.0 and second.steps == first.steps
    assert np.array_equal(second.water_level, first.water_level, equal_nan=True)
    second.run(until=5.0)
    assert_same_state(whole, second)
    assert np.array_equal(whole.velocity_x, second.velocity_x)
    tail = whole.gauge_series().sel(time=slice(2.0, None))
    assert np.array_equal(tail.depth.values, second.gauge_series().depth.values)


def test_load_refuses_other_grids_and_schemes(tmp_path):
    sim = dam_break()
    sim.run(until=1.0)
    path = tmp_path / "state.h5"
    sim.save(path)
    with pytest.raises(ValueError, match="scheme|order"):
        dam_break(scheme="first-order").load(path)
    with pytest.raises(ValueError):
        dam_break(n=30).load(path)
    with pytest.raises(FileNotFoundError):
        sim.load(tmp_path / "missing.h5")
    fresh = dam_break()
    fresh.load(path)
    assert fresh.time == 1.0


# ---- defaults ------------------------------------------------------------------------------
def test_defaults_are_those_of_scenario_files():
    sim = floodtwin.Simulation(np.zeros((3, 4)), 1.0)
    assert sim.scheme == "second-order"
    assert np.all(sim.manning == 0.035)
    assert (sim.cfl, sim.max_dt, sim.flood_threshold) == (0.5, 10.0, 0.1)


def test_load_restarts_the_gauge_series_at_the_loaded_time(tmp_path):
    sim = rainy_dam_break()
    sim.run(until=1.0)
    path = tmp_path / "state.h5"
    sim.save(path)
    sim.run(until=3.0)
    later = sim.gauge_series()
    sim.load(path)
    assert sim.time == 1.0 and sim.gauge_series().sizes["time"] == 0
    sim.run(until=3.0)
    again = sim.gauge_series()
    assert list(again.time.values) == [1.0, 1.5, 2.0, 2.5, 3.0]
    assert np.array_equal(again.depth.values, later.depth.sel(time=slice(1.0, None)).values)
