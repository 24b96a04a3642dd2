"""The exact-solution and forcing cases driven from Python give the same numbers, bit for bit,
as the same cases driven from C++ (tests/python/reference_runs.cpp)."""

import os
import subprocess

import numpy as np
import pytest

import floodtwin
from conftest import dam_break


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    exe = os.environ.get("FLOODTWIN_REFERENCE")
    if not exe:
        pytest.skip("FLOODTWIN_REFERENCE (the C++ reference runner) is not set; run via ctest")
    out = tmp_path_factory.mktemp("reference")
    text = subprocess.run([exe, str(out)], check=True, capture_output=True, text=True).stdout
    values = dict(line.split() for line in text.splitlines())
    return out, {k: float(v) for k, v in values.items()}


def load(path, shape):
    return np.fromfile(path, dtype="<f8").reshape(shape)


def ritter_depth(x, t, hl=1.0, x0=50.0, g=9.81):
    cl = np.sqrt(g * hl)
    s = 2 * cl - (x - x0) / t
    h = s * s / (9 * g)
    return np.where(x <= x0 - cl * t, hl, np.where(x >= x0 + 2 * cl * t, 0.0, h))


@pytest.mark.parametrize("scheme", ["first-order", "second-order"])
def test_ritter_dam_break_matches_cpp(reference, scheme):
    out, values = reference
    sim = dam_break(nx=200, scheme=scheme)
    sim.run(until=4.0)
    assert sim.time == 4.0
    assert sim.steps == values[f"ritter_{scheme}_steps"]
    expected = load(out / f"ritter_{scheme}_depth.bin", (1, 200))
    assert np.array_equal(sim.depth, expected)  # bitwise
    l1 = np.abs(sim.depth[0] - ritter_depth(sim.x, 4.0)).sum() * sim.dx / 100.0
    assert l1 == pytest.approx(values[f"ritter_{scheme}_l1"], rel=1e-12)
    assert l1 < (0.01 if scheme == "first-order" else 0.006)


def test_forced_2d_case_matches_cpp(reference):
    out, values = reference
    ny, nx = 20, 30
    jj, ii = np.mgrid[0:ny, 0:nx]
    z = 0.01 * ii + 0.02 * jj + 0.05 * ((ii * jj) % 7)
    sim = floodtwin.Simulation(
        z,
        5.0,
        4.0,
        (1000.0, 2000.0),
        manning=0.035,
        water_level=np.full((ny, nx), 1.0),
        scheme="second-order",
        cfl=0.45,
    )
    sim.set_boundary("west", "discharge", ([0, 60, 120], [0, 5, 2]), after_end="hold")
    sim.set_boundary("east", "open")
    sim.set_boundary("north", "water_level", 1.2, from_=1050, to=1100)
    sim.set_uniform_rain([0, 100], [1e-5, 3e-5], units="m/s", after_end="hold")
    sim.set_rain_rate(np.where(ii < 10, 2e-6, 0.0), units="m/s")
    sim.add_point_source(1100, 1950, [0, 50], [0.5, 0], "well", after_end="hold")
    sim.run(until=150.0)
    assert sim.steps == values["forced_steps"]
    for name in ("depth", "velocity_x", "velocity_y", "water_level"):
        expected = load(out / f"forced_{name}.bin", (ny, nx))
        assert np.array_equal(getattr(sim, name), expected), name
    assert sim.stored_volume == values["forced_volume"]
    mb = sim.mass_balance()
    assert mb.rain_in > 0 and mb.boundary_in > 0 and mb.point_in > 0
    assert mb.relative_error < 1e-12
