"""Inputs that are wrong are refused, never run silently (issue 17, "Python")."""

import datetime
import subprocess
import sys
import time

import numpy as np
import pytest

import floodtwin


def test_a_simulation_without_init_raises_instead_of_crashing():
    code = (
        "import numpy as np, floodtwin\n"
        "s = floodtwin.Simulation.__new__(floodtwin.Simulation)\n"
        "for call in (lambda: s.time, lambda: s.depth, lambda: s.run(1.0), lambda: s.step(),\n"
        "             lambda: s.set_depth(np.zeros((2, 2))), lambda: s.running,\n"
        "             lambda: s.mass_balance(), lambda: s.velocity_x, lambda: repr(s)):\n"
        "    try:\n"
        "        call()\n"
        "    except TypeError as e:\n"
        "        assert '__init__ was not called' in str(e), e\n"
        "    else:\n"
        "        raise SystemExit('no error')\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.parametrize(
    "elevation, dtype",
    [
        (np.array([[None, 1.0], [2.0, 3.0]], dtype=object), "object"),
        (np.zeros((2, 2), dtype=bool), "bool"),
        (np.zeros((2, 2), dtype=complex), "complex128"),
        (np.full((2, 2), np.datetime64("2024-01-01")), "datetime64"),
        ([[datetime.date(2024, 1, 1)] * 2] * 2, "object"),
        ([["1", "2"], ["3", "4"]], "<U1"),
    ],
)
def test_elevations_that_are_not_real_numbers_are_refused(elevation, dtype):
    with pytest.raises(ValueError, match=f"elevation: expected real numbers.*dtype {dtype}"):
        floodtwin.Simulation(elevation, 1.0)


def test_fields_and_series_that_are_not_real_numbers_are_refused():
    sim = floodtwin.Simulation(np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match="depth: expected real numbers.*complex"):
        sim.set_depth(np.zeros((2, 3), dtype=complex))
    with pytest.raises(ValueError, match="manning: expected real numbers.*bool"):
        sim.set_manning(np.zeros((2, 3), dtype=bool))
    with pytest.raises(ValueError, match="uniform rain values: expected real numbers"):
        sim.set_uniform_rain([0, 1], [None, 1.0])
    sim.set_active(np.ones((2, 3), dtype=bool))  # a mask may be bool
    sim.set_depth([[0, 1, 2], [3, 4, 5]])  # integers are numbers
    assert sim.depth.sum() == 15


@pytest.mark.parametrize("dx, dy", [(1e300, None), (0.0, None), (np.nan, None), (1.0, 1e7)])
def test_absurd_cell_sizes_are_refused(dx, dy):
    with pytest.raises(ValueError, match=r"d[xy]: expected a cell size in \[0.001, 100000\] m"):
        floodtwin.Simulation(np.zeros((2, 2)), dx, dy)


def test_runs_that_would_not_end_are_refused_at_once():
    sim = floodtwin.Simulation(np.zeros((2, 2)), 1.0, depth=np.full((2, 2), 0.1))
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"run: until = 1e\+300 s .*expected at most 3650 days"):
        sim.run(until=1e300)
    with pytest.raises(ValueError, match=r"run: every = 1e-12 s gives more than 1e\+07 callbacks"):
        sim.run(until=10.0, callback=lambda s: None, every=1e-12)
    assert time.perf_counter() - t0 < 1.0 and sim.steps == 0
    sim.run(until=1.0, callback=lambda s: None, every=1e-3)  # 1000 callbacks is fine
    assert sim.time == 1.0


@pytest.mark.parametrize("every", [-60.0, float("nan"), float("inf")])
def test_run_scenario_refuses_bad_checkpoint_intervals(scenario, every):
    with pytest.raises(floodtwin.ScenarioError, match="checkpoint_every must be a finite interval"):
        floodtwin.run_scenario(scenario, checkpoint_every=every)
