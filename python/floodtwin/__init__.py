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


def _viz_module():
    """floodtwin._viz, the VTK part, imported on first use: `import floodtwin` loads no VTK."""
    if not _core.has_viz:
        raise RuntimeError("this floodtwin was built without the viz module (VTK)")
    from . import _viz as module

    return module


def write_vtk(results, outdir, *, z_scale=1.0, wet_depth=1e-3):
    """Converts a results file to a VTK time series for ParaView, as ``floodtwin vtk`` does:
    OUTDIR/flood.pvd with flood_NNNN.vts per output time (depth, water_level, velocity, speed,
    hazard, elevation, wet), terrain.vts, gauges.vtp and max.vts (peak maps). ``z_scale``
    exaggerates the surfaces vertically; ``wet`` is 1 where depth > ``wet_depth`` [m]. Returns
    a dict: dir, pvd, times, gauges, peaks, files. Loads VTK on its first call."""
    return _viz_module().write_vtk(results, outdir, z_scale=z_scale, wet_depth=wet_depth)


def render(
    results,
    out,
    *,
    time="max",
    field="depth",
    width=1200,
    height=900,
    min_depth=None,
    gauges=True,
    animate=False,
    movies=("gif", "mp4"),
    fps=2.0,
):
    """Renders a flood map PNG of a results file with VTK off screen, as ``floodtwin render``
    does: hillshaded terrain, ``field`` ("depth" [m], "hazard" (UK classes) or "arrival_time"
    [h]) at ``time`` ("max", "END" or an output time: 3600, "90min", "01:30:00"), legend,
    title, scale bar, north arrow and gauges. With ``animate=True`` one frame per output time
    (OUT_STEM_NNNN.png) and, with ffmpeg installed, the ``movies`` ("gif", "mp4") made from
    them at ``fps`` frames per second. Needs an X display (e.g. run under ``xvfb-run -a``).
    Returns a dict: images, movies, times, subtitle, shown_cells, map_box (x, y, w, h pixels),
    note (why a movie was not made, else ""). Loads VTK on its first call."""
    return _viz_module().render(
        results,
        out,
        time=time,
        field=field,
        width=width,
        height=height,
        min_depth=min_depth,
        gauges=gauges,
        animate=animate,
        movies=list(movies),
        fps=fps,
    )


def open_results(path, **kwargs):
    """Opens a floodtwin results file as an :class:`xarray.Dataset` (netCDF4 engine).

    The file follows the netCDF-4/CF layout (dimensions ``time``, ``y``, ``x``; ``crs`` grid
    mapping; gauges on ``gauge_time`` x ``station``), so every variable comes with its
    coordinates, units and CF attributes. Stations, cross-sections and boundaries are indexed
    by name: ``ds.gauge_depth.sel(station="outlet")``, ``section=``, ``boundary=``. ``kwargs``
    go to :func:`xarray.open_dataset`.
    """
    import os

    import xarray

    if not os.path.exists(path):
        raise FileNotFoundError(f"results file not found: {path}")
    kwargs.setdefault("engine", "netcdf4")
    ds = xarray.open_dataset(path, **kwargs)
    # Station series by name: ds.gauge_depth.sel(station="outlet"), section=, boundary=.
    for dim, names in (
        ("station", "station_name"),
        ("section", "section_name"),
        ("boundary", "boundary_name"),
    ):
        if dim in ds.dims and names in ds.variables:
            ds = ds.assign_coords({dim: ds[names].values.astype(str)})
    return ds


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
