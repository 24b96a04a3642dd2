"""The GIL is released while the solver runs, and Ctrl-C interrupts a long run() cleanly."""

import _thread
import signal
import threading
import time

import numpy as np
import pytest

import floodtwin


def big_dam_break(n=120):
    """A 2D dam break that takes far longer than the tests wait for."""
    z = np.zeros((n, n))
    depth = np.where(np.arange(n) < n // 2, 2.0, 0.5)[None, :] * np.ones((n, 1))
    return floodtwin.Simulation(z, 1.0, manning=0.02, depth=depth, scheme="second-order")


def test_python_threads_run_while_the_solver_computes():
    sim = big_dam_break(80)
    counter = 0
    stop = False

    def count():
        nonlocal counter
        while not stop:
            counter += 1

    worker = threading.Thread(target=count)
    worker.start()
    try:
        time.sleep(0.02)
        start_count = counter
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 0.3:
            sim.step()
        during = counter - start_count
    finally:
        stop = True
        worker.join()
    assert during > 10_000, f"only {during} increments while run() computed"


def test_simulations_run_in_parallel_threads():
    sims = [big_dam_break(60) for _ in range(2)]
    threads = [threading.Thread(target=s.run, kwargs={"until": 2.0}) for s in sims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s.time == 2.0 for s in sims)
    assert np.array_equal(sims[0].depth, sims[1].depth)


def test_a_running_simulation_refuses_changes_from_other_threads():
    sim = big_dam_break(100)
    stop = False
    errors = []

    def run():
        try:
            sim.run(until=1e6, callback=lambda s: not stop, every=0.5)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    runner = threading.Thread(target=run)
    runner.start()
    try:
        deadline = time.time() + 5
        while not sim.running and time.time() < deadline:
            time.sleep(0.001)
        assert sim.running
        with pytest.raises(RuntimeError, match="running in another thread"):
            sim.set_depth(np.zeros(sim.shape))
        with pytest.raises(RuntimeError, match="running in another thread"):
            sim.step()
        for query in (sim.mass_balance, sim.stable_dt, sim.wet_cells):
            with pytest.raises(RuntimeError, match="running in another thread"):
                query()
        with pytest.raises(RuntimeError, match="running in another thread"):
            sim.stored_volume
        assert sim.depth.shape == sim.shape  # views can still be taken
    finally:
        stop = True  # the next callback returns False
        runner.join()
    assert not errors
    assert not sim.running
    assert sim.time > 0 and sim.time % 0.5 == 0


def interrupt_with_thread(delay):
    timer = threading.Timer(delay, _thread.interrupt_main)
    timer.start()
    return timer.cancel


def interrupt_with_itimer(delay):
    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, delay)

    def restore():
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    return restore


@pytest.mark.parametrize("interrupt", [interrupt_with_thread, interrupt_with_itimer])
def test_ctrl_c_stops_run_with_the_state_intact(interrupt):
    sim = big_dam_break(120)
    depth = sim.depth
    cleanup = interrupt(0.3)
    t0 = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            sim.run(until=1e6)
    finally:
        cleanup()
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.5, f"run() took {elapsed:.2f} s to notice the interrupt"
    assert not sim.running
    assert 0 < sim.time < 1e6 and sim.steps > 0
    # The state is that of a step boundary: the same number of plain steps gives it bitwise.
    replay = big_dam_break(120)
    for _ in range(sim.steps):
        replay.step()
    assert replay.time == sim.time
    assert np.array_equal(replay.depth, depth)
    assert np.array_equal(replay.velocity_x, sim.velocity_x)
    assert np.array_equal(replay.max_depth, sim.max_depth)
    assert sim.mass_balance().relative_error < 1e-12
    # And the simulation carries on.
    t = sim.time
    sim.run(until=t + 0.05)
    assert sim.time == t + 0.05
