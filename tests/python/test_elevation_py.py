"""Bed changes from Python (issue 15): set_elevation and schedule_elevation (a levee breach),
with the C++ rules (depths kept, so no volume is booked as an edit; NaN only in inactive cells;
shape checked) and the mass balance closed."""

import numpy as np
import pytest

import floodtwin


def levee(**kwargs):
    """A closed basin: a 2 m lake west of a 3 m levee (column 20), dry land east of it."""
    ny, nx = 10, 40
    z = np.zeros((ny, nx))
    z[:, 20] = 3.0
    depth = np.zeros((ny, nx))
    depth[:, :20] = 2.0
    kwargs.setdefault("manning", 0.03)
    return floodtwin.Simulation(z, 10.0, depth=depth, **kwargs), z


def breached(z):
    z = z.copy()
    z[3:7, 20] = 0.0
    return z


def test_set_elevation_keeps_depths_and_the_balance():
    sim, z = levee()
    sim.run(until=30.0)
    before = sim.depth.copy()
    volume = sim.mass_balance().volume
    sim.set_elevation(breached(z))
    np.testing.assert_array_equal(sim.depth, before)
    np.testing.assert_array_equal(sim.elevation, breached(z))
    mb = sim.mass_balance()
    assert mb.volume == volume and mb.edits == 0.0
    sim.run(until=300.0)
    assert sim.depth[:, 30:].max() > 0.1, "the land behind the breach floods"
    mb = sim.mass_balance()
    assert mb.relative_error < 1e-13
    assert mb.edits == 0.0


def test_schedule_elevation_equals_setting_it_at_that_time():
    a, z = levee()
    a.schedule_elevation(40.0, breached(z))
    a.run(until=120.0)
    b, _ = levee()
    b.run(until=40.0)
    assert b.time == 40.0
    b.set_elevation(breached(z))
    b.run(until=120.0)
    assert a.time == b.time and a.steps == b.steps
    np.testing.assert_array_equal(a.depth, b.depth)
    np.testing.assert_array_equal(a.elevation, b.elevation)
    np.testing.assert_array_equal(a.discharge_x, b.discharge_x)


def test_elevation_rules():
    sim, z = levee()
    with pytest.raises(ValueError, match=r"expected an array of shape \(ny, nx\) = \(10, 40\)"):
        sim.set_elevation(z[:, :10])
    with pytest.raises(ValueError, match="shape"):
        sim.schedule_elevation(5.0, np.zeros(400))
    bad = z.copy()
    bad[2, 3] = np.nan
    with pytest.raises(ValueError, match="elevation"):
        sim.set_elevation(bad)
    with pytest.raises(ValueError, match="finite"):
        sim.schedule_elevation(float("nan"), z)
    # NaN is fine in an inactive cell, which stays inactive
    active = np.ones(z.shape, dtype=bool)
    active[2, 3] = False
    sim.set_active(active)
    sim.set_elevation(bad)
    assert np.isnan(sim.elevation[2, 3])
    sim.run(until=10.0)
    assert sim.depth[2, 3] == 0.0
