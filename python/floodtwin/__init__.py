"""floodtwin: 2D shallow-water flood forecasting.

The compiled solver lives in :mod:`floodtwin._core` (pybind11); this package re-exports it and
adds pure-Python conveniences (gauges, coordinates, xarray export, unit helpers).

Everything the ``floodtwin`` command does is here too: :func:`run_scenario` (run),
:func:`validate`, :func:`info`, :func:`export`, :func:`write_vtk` (vtk) and :func:`render`.

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
from ._core import export, impacts, info, run_scenario, validate
from ._core import condition_dem
from ._ensemble import Ensemble
from ._rehearsal import rehearse
from ._simulation import CRS, Gauge, Simulation
from ._twin import Cycle, Twin
from ._units import mm_per_hour, to_mm_per_hour

__version__ = _core.__version__

if _core.has_viz:
    from ._core import render, write_vtk
else:

    def write_vtk(results, outdir, **kwargs):
        """Converts a results file to a VTK series; needs floodtwin built with VTK (viz)."""
        raise RuntimeError("write_vtk: this floodtwin was built without the viz module (VTK)")

    def render(results, out, **kwargs):
        """Renders a flood map PNG; needs floodtwin built with VTK (the viz module)."""
        raise RuntimeError("render: this floodtwin was built without the viz module (VTK)")


def open_results(path, **kwargs):
    """Opens a floodtwin results file as an :class:`xarray.Dataset` (netCDF4 engine).

    The file follows the netCDF-4/CF layout (dimensions ``time``, ``y``, ``x``; ``crs`` grid
    mapping; gauges on ``gauge_time`` x ``station``), so every variable comes with its
    coordinates, units and CF attributes. ``kwargs`` go to :func:`xarray.open_dataset`.
    """
    import os

    import xarray

    if not os.path.exists(path):
        raise FileNotFoundError(f"results file not found: {path}")
    kwargs.setdefault("engine", "netcdf4")
    return xarray.open_dataset(path, **kwargs)


__all__ = [
    "condition_dem",
    "CRS",
    "Cycle",
    "Ensemble",
    "Gauge",
    "MassBalance",
    "NumericalError",
    "ScenarioError",
    "Simulation",
    "Twin",
    "export",
    "impacts",
    "info",
    "mm_per_hour",
    "open_results",
    "parse_boundary_type",
    "parse_scheme",
    "parse_side",
    "rehearse",
    "render",
    "run_scenario",
    "to_mm_per_hour",
    "validate",
    "write_vtk",
    "__version__",
]
