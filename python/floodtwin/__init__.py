"""floodtwin: 2D shallow-water flood forecasting.

The compiled solver lives in :mod:`floodtwin._core` (pybind11); this package re-exports it and
adds pure-Python conveniences (gauges, coordinates, xarray export, unit helpers).

Conventions: arrays are ``(ny, nx)`` with row 0 the northern row and column 0 the western
column, as in a north-up DEM; ``origin`` is the north-west corner of the grid, as in a GDAL
geotransform. Velocities and discharges are positive towards east and north. SI units
throughout (m, s, m/s, m3/s; rain intensity in m/s).

Example::

    import numpy as np
    import floodtwin

    z = np.zeros((50, 100))
    sim = floodtwin.Simulation(elevation=z, dx=1.0, manning=0.0,
                               depth=np.where(np.arange(100) < 50, 1.0, 0.0) * np.ones((50, 1)))
    sim.run(until=4.0)
    print(sim.depth.max(), sim.mass_balance().relative_error)
"""

from . import _core
from ._core import (
    MassBalance,
    NumericalError,
    ScenarioError,
    parse_boundary_type,
    parse_scheme,
    parse_side,
)
from ._simulation import Gauge, Simulation
from ._units import mm_per_hour, to_mm_per_hour

__version__ = _core.__version__

__all__ = [
    "Gauge",
    "MassBalance",
    "NumericalError",
    "ScenarioError",
    "Simulation",
    "mm_per_hour",
    "parse_boundary_type",
    "parse_scheme",
    "parse_side",
    "to_mm_per_hour",
    "__version__",
]
