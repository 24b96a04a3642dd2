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
