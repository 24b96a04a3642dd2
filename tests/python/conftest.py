"""Shared fixtures of the Python binding tests (run from ctest with PYTHONPATH set to the
build tree's python/ folder, or after `pip install`)."""

import os
import re
from pathlib import Path

import numpy as np
import pytest
from impacts_valley import case  # noqa: F401 (the impacts valley, run once per module)

DEMO = (
    Path(os.environ.get("FLOODTWIN_SOURCE_DIR", Path(__file__).parents[2])) / "scenarios" / "demo"
)


def demo_copy(folder, cell_size=600, duration="2h"):
    """The demo scenario written to `folder` with absolute input paths, a coarser grid and a
    shorter duration (its results go to `folder`/results/demo.nc)."""
    text = (DEMO / "demo.toml").read_text()
    # Every input the demo names (a quoted path relative to its folder) made absolute.
    for name in set(re.findall(r'"([^"]+)"', text)):
        if (DEMO / name).is_file():
            text = text.replace(f'"{name}"', f'"{DEMO / name}"')
    text = text.replace("cell_size = 90", f"cell_size = {cell_size}")
    text = re.sub(r'^duration = "[^"]*"', f'duration = "{duration}"', text, count=1, flags=re.M)
    path = Path(folder) / "demo.toml"
    path.write_text(text)
    return path


@pytest.fixture
def scenario(tmp_path):
    """A coarse (600 m), 2 h copy of the demo basin scenario."""
    return demo_copy(tmp_path)


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
