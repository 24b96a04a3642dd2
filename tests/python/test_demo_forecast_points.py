"""The demo's forecast points sit on the creek and show a forecaster's hydrograph.

1. On the demo's own 90 m grid (the conditioned DEM that `floodtwin run` uses), every forecast
   point of scenarios/demo/demo.toml (and the same points in scenarios/demo-twin/basin.toml)
   lies on the main stem of Big Tujunga Creek: the cell drains a large area (flow accumulation
   over the 4-neighbour steepest-descent network that the solver's face fluxes follow) and it
   holds at least half the largest area of its 3 x 3 neighbourhood (the next cell downstream
   drains a little more; a cell beside the stream drains a tiny part of it).
2. A run of the demo at 180 m cells over its full duration (storm and recession; the 90 m
   demo costs ~8x more): at every forecast point the depth rises, peaks inside the run and
   recedes (last value well below the peak), the point carries flow (peak unit discharge
   depth x speed; 2.0-3.8 m2/s in the 90 m demo, 0.28-1.1 m2/s at 180 m, where the points
   lie near, not always on, the coarser thalweg) and the flood wave passes the points in
   order down the creek (middle creek, lower creek, outlet).
"""

import heapq
import re

import numpy as np
import pytest

import floodtwin
from conftest import DEMO, demo_copy

TWIN = DEMO.parent / "demo-twin"


def gauges_of(path):
    """(name, x, y, warning_depth) of every [[gauge]] of a scenario file, in file order."""
    text = path.read_text()
    found = []
    for block in re.split(r"^\[\[gauge\]\]\s*$", text, flags=re.M)[1:]:
        block = block.split("\n[", 1)[0]
        name = re.search(r'^name = "([^"]+)"', block, re.M).group(1)
        x = float(re.search(r"^x = ([0-9.]+)", block, re.M).group(1))
        y = float(re.search(r"^y = ([0-9.]+)", block, re.M).group(1))
        warning = re.search(r"^warning_depth = ([0-9.]+)", block, re.M)
        found.append((name, x, y, float(warning.group(1)) if warning else None))
    return found


def flow_accumulation(z):
    """Cells draining through each cell (itself included) on the DEM z (NaN: inactive), with
    depressions filled by priority-flood (a 1 mm rise per cell on flats) and water leaving at
    the grid's edges; one receiver per cell among its 4 face neighbours (steepest descent)."""
    ny, nx = z.shape
    filled = np.where(np.isnan(z), -np.inf, z).astype(float)
    done = np.isnan(z).copy()
    heap = []
    for j in range(ny):
        for i in range(nx):
            if not done[j, i] and (j in (0, ny - 1) or i in (0, nx - 1)):
                heapq.heappush(heap, (filled[j, i], j, i))
                done[j, i] = True
    order = []
    receiver = {}
    while heap:
        level, j, i = heapq.heappop(heap)
        order.append((j, i))
        for jj, ii in ((j - 1, i), (j + 1, i), (j, i - 1), (j, i + 1)):
            if 0 <= jj < ny and 0 <= ii < nx and not done[jj, ii]:
                done[jj, ii] = True
                filled[jj, ii] = max(filled[jj, ii], level + 1e-3)
                receiver[(jj, ii)] = (j, i)  # the cell it was reached from drains it
                heapq.heappush(heap, (filled[jj, ii], jj, ii))
    # Steepest descent where the filled DEM falls; else the priority-flood parent.
    for j, i in order:
        best, drop = receiver.get((j, i)), 0.0
        for jj, ii in ((j - 1, i), (j + 1, i), (j, i - 1), (j, i + 1)):
            if 0 <= jj < ny and 0 <= ii < nx and filled[jj, ii] > -np.inf:
                if filled[j, i] - filled[jj, ii] > drop:
                    best, drop = (jj, ii), filled[j, i] - filled[jj, ii]
        if best is not None:
            receiver[(j, i)] = best
    area = np.where(np.isnan(z), 0.0, 1.0)
    for j, i in sorted(order, key=lambda c: -filled[c]):
        r = receiver.get((j, i))
        if r is not None:
            area[r] += area[j, i]
    return area


def test_the_twin_uses_the_demo_forecast_points():
    demo = [g[:3] for g in gauges_of(DEMO / "demo.toml")]
    assert [g[0] for g in demo] == ["outlet", "lower creek", "middle creek"]
    assert [g[:3] for g in gauges_of(TWIN / "basin.toml")] == demo


def test_forecast_points_are_on_the_main_stem():
    sim = floodtwin.Simulation.from_scenario(DEMO / "demo.toml", threads=1)
    assert sim.dx == 90
    z = np.array(sim.elevation, dtype=float).reshape(sim.ny, sim.nx)
    area = flow_accumulation(z) * sim.dx * sim.dy / 1e6  # km2
    for name, x, y, _ in gauges_of(DEMO / "demo.toml"):
        j, i = sim.cell_of(x, y)
        # At the centre of its cell (a point on a cell edge would be ambiguous).
        assert abs(x - (sim.origin[0] + (i + 0.5) * sim.dx)) < 1.0, name
        assert abs(y - (sim.origin[1] - (j + 0.5) * sim.dy)) < 1.0, name
        # Big Tujunga Creek above the dam drains about 210 km2; the points are on its stem.
        assert area[j, i] > 50.0, (name, area[j, i])
        around = area[max(j - 1, 0) : j + 2, max(i - 1, 0) : i + 2]
        assert area[j, i] >= 0.5 * around.max(), (name, area[j, i], around.max())


@pytest.fixture(scope="module")
def coarse_run(tmp_path_factory):
    """The demo at 180 m cells over its whole duration (the storm and its recession)."""
    folder = tmp_path_factory.mktemp("demo180")
    text = (DEMO / "demo.toml").read_text()
    duration = re.search(r'^duration = "([^"]+)"', text, re.M).group(1)
    path = demo_copy(folder, cell_size=180, duration=duration)
    floodtwin.run_scenario(str(path), threads=2)
    return floodtwin.open_results(str(folder / "results" / "demo.nc"), decode_times=False)


def test_hydrographs_rise_peak_and_recede(coarse_run):
    ds = coarse_run
    t = ds.gauge_time.values
    peak_time = {}
    for name, *_ in gauges_of(DEMO / "demo.toml"):
        depth = ds.gauge_depth.sel(station=name).values
        speed = ds.gauge_speed.sel(station=name).values
        k = int(np.argmax(depth))
        assert depth[0] == 0.0, name  # dry at the start
        assert 0 < t[k] < t[-1] - 1800, (name, t[k])  # the peak comes inside the run
        assert depth[k] > 0.3, (name, depth[k])
        assert depth[-1] < 0.6 * depth[k], (name, depth[k], depth[-1])  # and it recedes
        q = depth * speed
        assert q.max() > 0.2, (name, q.max())  # flow: peak unit discharge [m2/s]
        peak_time[name] = t[k]
    assert peak_time["middle creek"] < peak_time["lower creek"] < peak_time["outlet"]
