"""Zero-copy views: they share the solver's memory, are read-only, follow the state across
steps, keep the simulation alive, and are oriented like the DEM (row 0 north)."""

import gc

import numpy as np
import pytest

import floodtwin
from conftest import dam_break

FIELDS = [
    "depth",
    "discharge_x",
    "discharge_y",
    "manning",
    "velocity_x",
    "velocity_y",
    "water_level",
    "elevation",
    "max_depth",
    "max_speed",
    "max_water_level",
    "time_of_max_depth",
    "arrival_time",
    "flood_duration",
    "max_hazard",
]

FLOAT32_MAPS = {"max_speed", "max_water_level", "time_of_max_depth", "arrival_time", "max_hazard"}


@pytest.mark.parametrize("name", FIELDS)
def test_views_share_memory_and_are_read_only(basin, name):
    a = getattr(basin, name)
    b = getattr(basin, name)
    assert a.shape == (basin.ny, basin.nx)
    # The maps that the results file holds in float32 are kept so (solver/flood_maps.hpp).
    assert a.dtype == (np.float32 if name in FLOAT32_MAPS else np.float64)
    assert np.shares_memory(a, b)
    assert not a.flags.writeable
    assert not a.flags.owndata
    with pytest.raises(ValueError, match="read-only"):
        a[0, 0] = 1.0
    with pytest.raises(ValueError):
        a.setflags(write=True)  # the base is not an array: numpy refuses


def test_depth_views_the_padded_solver_buffer(basin):
    d = basin.depth
    # One ghost cell on each side: rows are nx + 2 values apart.
    assert d.strides == ((basin.nx + 2) * 8, 8)
    assert not d.flags.c_contiguous


@pytest.mark.parametrize("scheme", ["first-order", "second-order"])
def test_a_view_taken_before_step_sees_the_new_state(scheme):
    sim = dam_break(scheme=scheme)
    views = {name: getattr(sim, name) for name in FIELDS}
    before = {name: v.copy() for name, v in views.items()}
    sim.step()
    sim.run(until=1.0)
    for name in ("depth", "discharge_x", "velocity_x", "water_level", "max_depth"):
        assert not np.array_equal(views[name], before[name], equal_nan=True), name
        assert np.array_equal(views[name], getattr(sim, name), equal_nan=True), name
        assert np.shares_memory(views[name], getattr(sim, name)), name
    np.testing.assert_array_equal(views["elevation"], before["elevation"])


def test_derived_fields_match_the_state(basin):
    basin.run(until=5.0)
    h = basin.depth
    wet = h > basin.dry_depth
    assert wet.any()
    np.testing.assert_array_equal(basin.velocity_x[wet], basin.discharge_x[wet] / h[wet])
    np.testing.assert_array_equal(basin.velocity_y[wet], basin.discharge_y[wet] / h[wet])
    np.testing.assert_array_equal(basin.water_level, h + basin.elevation)
    assert (basin.max_depth >= h).all()


def test_setters_refresh_the_views(basin):
    d, eta, u = basin.depth, basin.water_level, basin.velocity_x
    basin.set_depth(np.full(basin.shape, 0.5))
    assert (d == 0.5).all()
    np.testing.assert_array_equal(eta, basin.elevation + 0.5)
    basin.set_velocity(np.full(basin.shape, 0.25))
    assert (u == 0.25).all()
    assert (basin.velocity_y == 0).all()
    # No step yet: the maxima restart from the state just set.
    assert (basin.max_depth == 0.5).all()


def test_views_keep_the_simulation_alive():
    sim = dam_break()
    d = sim.depth
    u = sim.velocity_x
    assert d.base is sim and u.base is sim
    del sim
    gc.collect()
    assert d.sum() == pytest.approx(50.0 / 0.5)  # 100 wet cells of 1 m
    assert (u == 0).all()
    d.base.run(until=0.5)  # still a working simulation
    assert d[0, 100] > 0


def test_row_zero_is_north_and_velocities_point_east_and_north():
    ny, nx = 10, 8
    z = np.zeros((ny, nx))
    z[0, :] = 5.0  # a ridge along the northern row
    sim = floodtwin.Simulation(z, 1.0, origin=(100.0, 200.0), manning=0.0)
    np.testing.assert_array_equal(sim.elevation, z)
    assert sim.y[0] == 199.5 and sim.y[-1] == 190.5  # rows go north to south
    assert sim.extent == (100.0, 108.0, 190.0, 200.0)
    assert sim.cell_of(100.2, 199.9) == (0, 0)
    assert sim.cell_of(107.9, 190.1) == (ny - 1, nx - 1)

    # Water in the south-western corner flows north and east.
    depth = np.zeros((ny, nx))
    depth[-3:, :3] = 1.0
    sim.set_depth(depth)
    sim.run(until=0.5)
    assert sim.velocity_x[-2, 3] > 0
    assert sim.velocity_y[-4, 1] > 0
    assert sim.discharge_y[-4, 1] > 0


def test_inactive_cells_are_nan_in_elevation_and_water_level():
    z = np.zeros((4, 5))
    z[1, 2] = np.nan
    active = np.ones((4, 5), dtype=bool)
    active[3, 4] = False
    sim = floodtwin.Simulation(z, 1.0, active=active, depth=np.full((4, 5), 0.1))
    assert np.isnan(sim.elevation[1, 2]) and np.isnan(sim.elevation[3, 4])
    assert np.isnan(sim.water_level[1, 2])
    assert sim.depth[1, 2] == 0 and sim.depth[3, 4] == 0
    assert sim.active_cells == 18
