"""run() callbacks at the start, on the absolute clock and at `until`; evolve(); progress."""

import io

import numpy as np
import pytest

import floodtwin
from conftest import dam_break
from floodtwin._simulation import Progress


def times_of_run(sim, until, every=None):
    seen = []
    sim.run(until=until, callback=lambda s: seen.append(s.time), every=every)
    return seen


def test_callback_at_the_start_the_multiples_and_until():
    sim = dam_break()
    assert times_of_run(sim, 1.1, every=0.25) == [0.0, 0.25, 0.5, 0.75, 1.0, 1.1]
    assert sim.time == 1.1


def test_every_is_anchored_to_the_absolute_clock_over_chained_runs():
    sim = dam_break()
    sim.run(until=0.3)
    # Multiples of 0.5 since t = 0 (not 0.8, 1.3, ... since the call), then until.
    assert times_of_run(sim, 2.1, every=0.5) == [0.3, 0.5, 1.0, 1.5, 2.0, 2.1]
    # A chained run starts where the last one ended and stays on the same grid.
    assert times_of_run(sim, 3.0, every=0.5) == [2.1, 2.5, 3.0]


def test_until_on_a_multiple_is_called_once():
    sim = dam_break()
    assert times_of_run(sim, 1.0, every=0.5) == [0.0, 0.5, 1.0]


def test_anchored_callbacks_give_the_uninterrupted_state():
    """Steps that end at the callback times are the same steps in chained runs: two runs
    that meet at a multiple of `every` equal one run bitwise."""
    a, b = dam_break(), dam_break()
    a.run(until=2.0, callback=lambda s: None, every=0.5)
    b.run(until=1.0, callback=lambda s: None, every=0.5)
    b.run(until=2.0, callback=lambda s: None, every=0.5)
    assert a.steps == b.steps
    np.testing.assert_array_equal(a.depth, b.depth)


def test_per_step_callback_also_at_the_start():
    sim = dam_break()
    steps = []
    sim.run(until=0.5, callback=lambda s: steps.append((s.steps, s.time)))
    assert steps[0] == (0, 0.0)
    assert [n for n, _ in steps] == list(range(0, sim.steps + 1))
    assert steps[-1][1] == 0.5


def test_false_at_the_start_stops_before_any_step():
    sim = dam_break()
    sim.run(until=1.0, callback=lambda s: False, every=0.5)
    assert sim.time == 0.0 and sim.steps == 0


def test_run_to_the_current_time_calls_once():
    sim = dam_break()
    assert times_of_run(sim, 0.0, every=1.0) == [0.0]
    assert sim.steps == 0


def test_evolve_yields_on_the_absolute_clock():
    sim = dam_break()
    sim.run(until=0.3)
    depths = []
    times = []
    for t in sim.evolve(until=1.2, every=0.25):
        times.append(t)
        depths.append(float(sim.depth[0, 110]))  # x = 55.25 m
    assert times == [0.3, 0.5, 0.75, 1.0, 1.2]
    assert sim.time == 1.2
    # Ritter's front, x = 50 + 2 sqrt(g) t, passes x = 55.25 m at t = 0.84 s (x = 60 m, used
    # before, is beyond the exact front at 1.2 s: only numerical diffusion had reached it).
    assert depths[0] == 0.0 and depths[-1] > 0


def test_evolve_equals_run_bitwise_and_allows_changes_between_yields():
    a, b = dam_break(), dam_break()
    a.run(until=1.0, callback=lambda s: None, every=0.25)
    for _ in b.evolve(until=1.0, every=0.25):
        pass
    assert a.steps == b.steps
    np.testing.assert_array_equal(a.depth, b.depth)
    c = dam_break()
    for t in c.evolve(until=1.0, every=0.5):
        if t == 0.5:
            c.set_uniform_rain(None, 3.6e3)  # 1 mm/s from t = 0.5 s
    assert c.mass_balance().rain_in == pytest.approx(1e-3 * 0.5 * 100 * 1000, rel=1e-12)


def test_evolve_break_leaves_the_last_time_and_checks_its_arguments():
    sim = dam_break()
    for t in sim.evolve(until=10.0, every=0.5):
        if t >= 1.0:
            break
    assert sim.time == 1.0
    with pytest.raises(ValueError, match="every"):
        next(sim.evolve(until=2.0, every=0))
    with pytest.raises(ValueError, match="before the current time"):
        next(sim.evolve(until=0.5, every=0.1))


def test_progress_callable_is_called_at_start_and_end():
    sim = dam_break()
    seen = []
    sim.run(until=0.5, progress=lambda s: seen.append(s.time))
    assert seen[0] == 0.0 and seen[-1] == 0.5
    with pytest.raises(TypeError, match="progress"):
        sim.run(until=1.0, progress="yes")


def test_progress_bar_text():
    sim = dam_break()
    out = io.StringIO()
    bar = Progress(sim.time, 1.0, stream=out, width=10)
    bar(sim)
    sim.run(until=0.5, progress=bar)
    bar.close(sim)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("[----------]   0.0%  t = 0 / 1 s")
    assert lines[-1].startswith("[#####-----]  50.0%  t = 0.5 / 1 s")
    assert f"steps = {sim.steps}" in lines[-1] and "wall = " in lines[-1] and "dt = " in lines[-1]


def test_progress_true_writes_to_stderr(capsys):
    sim = dam_break()
    sim.run(until=0.2, progress=True)
    err = capsys.readouterr().err
    assert "100.0%" in err and "t = 0.2 / 0.2 s" in err
    for _ in sim.evolve(until=0.4, every=0.1, progress=True):
        pass
    assert "t = 0.4 / 0.4 s" in capsys.readouterr().err


def test_gauge_series_and_callbacks_share_the_clock():
    sim = dam_break()
    sim.gauge_interval = 0.5
    sim.add_gauge("g", 60.0, 500.0)
    seen = {}
    sim.run(until=0.7, callback=lambda s: seen.setdefault(s.time, s.gauge("g").depth), every=0.5)
    sim.run(until=2.0, callback=lambda s: seen.setdefault(s.time, s.gauge("g").depth), every=0.5)
    ds = sim.gauge_series()
    for t in (0.0, 0.5, 1.0, 1.5, 2.0):
        assert float(ds.depth.sel(time=t, station="g")) == seen[t]
    assert isinstance(sim, floodtwin.Simulation)
