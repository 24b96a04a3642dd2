"""Shared fixtures of the Python binding tests (run from ctest with PYTHONPATH set to the
build tree's python/ folder, or after `pip install`)."""

import numpy as np
import pytest


def dam_break(nx=200, length=100.0, scheme="first-order", **kwargs):
    """The analytic tests' Ritter channel: 1 m of water west of x = 50 m, dry bed east."""
    import floodtwin

    dx = length / nx
    x = (np.arange(nx) + 0.5) * dx
    depth = np.where(x < length / 2, 1.0, 0.0)[None, :]
    return floodtwin.Simulation(
        np.zeros((1, nx)),
        dx,
        1000.0,
        (0.0, 1000.0),
        manning=0.0,
        depth=depth,
        scheme=scheme,
        **kwargs,
    )


@pytest.fixture
def basin():
    """A small 2D basin with a mound of water in the middle (walls all round)."""
    import floodtwin

    ny, nx = 24, 32
    jj, ii = np.mgrid[0:ny, 0:nx]
    z = 0.002 * ii + 0.001 * jj
    depth = np.where((abs(ii - 16) < 4) & (abs(jj - 12) < 4), 1.0, 0.2)
    return floodtwin.Simulation(z, 2.0, 2.0, (500.0, 800.0), manning=0.02, depth=depth)
