"""Outputs on sub-grid channel cells (docs/solver.md, "Outputs on channel cells"): depth,
water level, gauges, cross-sections and the results file show the river in bank, where the 2D
depth is 0; the elevation stays the DEM and water_level - depth is the channel bed."""

import numpy as np
import pytest

import floodtwin

Q = 35.0  # m3/s: in bank (10 m wide, 2 m deep, n 0.03, S 0.002: normal depth 1.8981 m)
NORMAL_DEPTH = 1.8981


def river(tmp_path=None):
    ny, nx, dx = 5, 20, 30.0
    x = (np.arange(nx) + 0.5) * dx
    z = np.tile(50.0 - 0.002 * x, (ny, 1))
    sim = floodtwin.Simulation(z, dx, dx, (0.0, ny * dx), manning=0.06)
    y = ny * dx - 2.5 * dx  # centre of row 2
    r = sim.add_channel([[0.0, y + 0.3], [nx * dx + 100.0, y + 0.3]], width=10.0, depth=2.0)
    sim.add_point_source(0.5 * dx, y, None, Q)
    sim.add_gauge("river", 10.5 * dx, y)
    sim.add_gauge("bank", 10.5 * dx, y + dx)
    # Drawn from the left (north) bank to the right: downstream (east) positive.
    sim.add_cross_section("bridge", [[10.0 * dx + 0.3, ny * dx], [10.0 * dx + 0.3, 0.0]])
    sim.gauge_interval = 600.0
    return sim, z, r


def test_depth_level_gauges_and_sections_show_the_river(tmp_path):
    sim, z, r = river()
    path = tmp_path / "run.nc"
    sim.run(3600.0, output=path, output_interval=1800.0)
    depth, level = np.asarray(sim.depth), np.asarray(sim.water_level)
    floodplain = np.ones(depth.shape, bool)
    floodplain[2] = False
    assert (depth[floodplain] == 0).all()
    mid = slice(5, 15)  # away from the inflow and the outlet
    assert depth[2, mid] == pytest.approx(NORMAL_DEPTH, rel=0.02)
    assert np.allclose(level[2] - depth[2], r["bed"], rtol=0, atol=1e-9)  # the channel bed
    assert np.array_equal(np.asarray(sim.elevation), z)  # the DEM (the banks)

    g = sim.gauge("river")
    assert g.depth == depth[2, 10] and g.water_level == level[2, 10]
    assert g.depth == pytest.approx(NORMAL_DEPTH, rel=0.02)  # Manning's normal depth
    assert g.speed == pytest.approx(Q / (10.0 * NORMAL_DEPTH), rel=0.02)
    assert sim.gauge("bank").depth == 0.0
    series = sim.gauge_series()
    assert series.depth.sel(station="river").values[-1] == g.depth
    assert series.speed.sel(station="river").values[-1] == g.speed
    assert series.depth.sel(station="bank").values[-1] == 0.0

    q = sim.section_series().discharge.sel(section="bridge").values
    assert q[-1] == pytest.approx(Q, rel=0.01)  # the channel's discharge, not ~0
    assert sim.cross_sections[0]["rate"] == pytest.approx(Q, rel=0.01)

    assert np.asarray(sim.max_depth)[2, mid] == pytest.approx(NORMAL_DEPTH, rel=0.03)
    with floodtwin.open_results(path, decode_times=False) as ds:
        assert np.array_equal(ds.depth.isel(time=-1).values, depth.astype(np.float32))
        assert np.array_equal(ds.water_level.isel(time=-1).values, level.astype(np.float32))
        assert np.array_equal(ds.elevation.values, z.astype(np.float32))
        assert np.array_equal(ds.max_depth.values, np.asarray(sim.max_depth).astype(np.float32))
        assert ds.gauge_depth.values[-1, 0] == g.depth
