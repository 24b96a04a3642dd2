"""floodtwin.Simulation: the compiled simulation plus pure-Python conveniences."""

import math
from typing import NamedTuple

import numpy as np

from . import _core


class Gauge(NamedTuple):
    """The state at a gauge: the cell that contains the point (x, y)."""

    name: str
    x: float  #: map coordinate of the gauge (east) [m]
    y: float  #: map coordinate of the gauge (north) [m]
    row: int  #: row of its cell, 0 = north
    col: int  #: column of its cell, 0 = west
    depth: float  #: water depth [m]
    water_level: float  #: free-surface elevation [m]
    speed: float  #: flow speed [m/s]


class Simulation(_core.Simulation):
    """A 2D shallow-water simulation on a regular grid, built from numpy arrays.

    Parameters
    ----------
    elevation : array_like, shape (ny, nx)
        Bed elevation [m]; row 0 is the northern row. NaN marks an inactive cell (a wall).
    dx, dy : float
        Cell sizes west-east and north-south [m]; ``dy`` defaults to ``dx``.
    origin : (float, float), optional
        (x, y) of the north-west corner of the grid, as in a GDAL geotransform. Default
        ``(0, ny * dy)``: the grid covers ``[0, nx dx] x [0, ny dy]``.
    manning : float or array_like
        Manning n [s/m^(1/3)], 0 for frictionless (default 0.035, as scenario files).
    depth, water_level : array_like, optional
        Initial depth [m] or free-surface elevation [m] (one of them); default dry.
    velocity_x, velocity_y : array_like, optional
        Initial velocities [m/s], positive towards east and north.
    scheme : str
        ``"second-order"`` (MUSCL + Heun; the default, as scenario files) or ``"first-order"``.
    cfl, gravity, dry_depth, max_dt : float
        Courant number in (0, 1], gravity [m/s2], depth below which velocities are zero [m],
        upper bound on the time step [s].
    active : array_like of bool, optional
        False marks further cells inactive (e.g. outside a catchment).
    flood_threshold : float
        Depth [m] above which a cell counts as flooded (``arrival_time``, ``flood_duration``).
    threads : int, optional
        OpenMP threads for this simulation's :meth:`run` and :meth:`step` (default: OpenMP's
        setting, ``OMP_NUM_THREADS``); also the ``threads`` property. Results are bitwise
        identical for any count.

    Fields (``depth``, ``velocity_x``, ``water_level``, ``max_depth``, ...) are read-only
    numpy views of the solver's memory, shape (ny, nx): they follow the simulation as it
    runs; copy them (``sim.depth.copy()``) to keep a snapshot. Change the state through the
    ``set_*`` methods, which validate their input.
    """

    def __init__(
        self,
        elevation,
        dx,
        dy=None,
        origin=None,
        *,
        manning=0.035,
        depth=None,
        water_level=None,
        velocity_x=None,
        velocity_y=None,
        scheme="second-order",
        cfl=0.5,
        gravity=9.81,
        dry_depth=1e-6,
        max_dt=10.0,
        active=None,
        flood_threshold=0.1,
        threads=None,
    ):
        super().__init__(
            elevation,
            dx,
            dy,
            origin,
            manning=manning,
            depth=depth,
            water_level=water_level,
            velocity_x=velocity_x,
            velocity_y=velocity_y,
            scheme=scheme,
            cfl=cfl,
            gravity=gravity,
            dry_depth=dry_depth,
            max_dt=max_dt,
            active=active,
            flood_threshold=flood_threshold,
            threads=threads,
        )
        self._gauges = {}

    @classmethod
    def from_scenario(cls, path, *, threads=None):
        """Prepares the simulation of a scenario file (TOML), as ``floodtwin run`` does.

        Terrain, roughness, initial state, rainfall (stepped through its intervals by
        :meth:`run` and :meth:`step`), infiltration, boundaries, point sources and the
        scenario's gauges are set up; ``sim.scenario_duration`` is the scenario's duration, so
        ``sim.run(until=sim.scenario_duration)`` runs the whole event. Errors in the file raise
        :class:`floodtwin.ScenarioError` naming the file, line and key. ``threads``: OpenMP
        threads for this simulation (default: OpenMP's setting; see the ``threads`` property).
        """
        self = cls.__new__(cls)
        _core.Simulation.__init__(self, scenario=str(path), threads=threads)
        self._gauges = {}
        for name, x, y in self.scenario_gauges:
            self.add_gauge(name, x, y)
        return self

    def __repr__(self):
        return (
            f"floodtwin.Simulation(ny={self.ny}, nx={self.nx}, dx={self.dx}, dy={self.dy}, "
            f"scheme={self.scheme!r}, time={self.time}, steps={self.steps})"
        )

    # ---- coordinates ---------------------------------------------------------------------
    @property
    def x(self):
        """Map x of the cell centres, west to east, shape (nx,) [m]."""
        return self.origin[0] + (np.arange(self.nx) + 0.5) * self.dx

    @property
    def y(self):
        """Map y of the cell centres, north to south (row order), shape (ny,) [m]."""
        return self.origin[1] - (np.arange(self.ny) + 0.5) * self.dy

    @property
    def extent(self):
        """(west, east, south, north) edges: the ``extent`` of ``matplotlib.imshow``."""
        x0, y0 = self.origin
        return (x0, x0 + self.nx * self.dx, y0 - self.ny * self.dy, y0)

    def cell_of(self, x, y):
        """(row, col) of the cell that contains the point (x, y); ValueError outside."""
        x0, y0 = self.origin
        fi = (x - x0) / self.dx
        fj = (y0 - y) / self.dy
        if not (0 <= fi < self.nx and 0 <= fj < self.ny):
            raise ValueError(
                f"({x}, {y}) lies outside the grid (x {x0} to {x0 + self.nx * self.dx}, "
                f"y {y0 - self.ny * self.dy} to {y0})"
            )
        return int(math.floor(fj)), int(math.floor(fi))

    # ---- gauges --------------------------------------------------------------------------
    def add_gauge(self, name, x, y):
        """Adds a gauge named ``name`` at the cell that contains (x, y)."""
        name = str(name)
        if name in self._gauges:
            raise ValueError(f"gauge '{name}': a gauge of that name exists already")
        try:
            row, col = self.cell_of(x, y)
        except ValueError as e:
            raise ValueError(f"gauge '{name}': {e}") from None
        self._add_gauge(name, float(x), float(y))
        self._gauges[name] = (float(x), float(y), row, col)

    def remove_gauge(self, name):
        """Removes the gauge ``name`` (KeyError if there is none) and its recorded series."""
        del self._gauges[name]
        self._remove_gauge(name)

    def gauge(self, name):
        """The current state at the gauge ``name`` (a :class:`Gauge`)."""
        x, y, row, col = self._gauges[name]
        depth = float(self.depth[row, col])
        speed = math.hypot(float(self.velocity_x[row, col]), float(self.velocity_y[row, col]))
        return Gauge(name, x, y, row, col, depth, float(self.water_level[row, col]), speed)

    def gauges(self):
        """The current state at every gauge: a dict name -> :class:`Gauge`, in order added."""
        return {name: self.gauge(name) for name in self._gauges}

    def gauge_series(self):
        """The gauge series recorded by :meth:`run` and :meth:`step`, as an ``xarray.Dataset``.

        Samples are taken every ``gauge_interval`` seconds on the absolute clock (steps end
        there; the first sample at the start of the first run), no callback needed. Variables
        ``depth`` [m], ``water_level`` [m] and ``speed`` [m/s] on (``time``, ``station``); the
        ``station`` coordinate holds the gauge names (``ds.depth.sel(station="outlet")``),
        ``x``/``y`` their map coordinates. A gauge added later has NaN before it was added.
        """
        import xarray as xr

        times, names, xs, ys, depth, level, speed = self._gauge_series()
        dims = ("time", "station")
        attrs = {"featureType": "timeSeries"}
        if self.gauge_interval is not None:
            attrs["gauge_interval"] = self.gauge_interval
        return xr.Dataset(
            {
                "depth": (dims, depth, {"units": "m", "long_name": "water depth"}),
                "water_level": (
                    dims,
                    level,
                    {"units": "m", "long_name": "free-surface elevation"},
                ),
                "speed": (dims, speed, {"units": "m s-1", "long_name": "flow speed"}),
            },
            coords={
                "time": ("time", times, {"units": "s", "long_name": "simulated time"}),
                "station": ("station", np.array(names, dtype=object)),
                "x": ("station", np.array(xs, dtype=float), {"units": "m"}),
                "y": ("station", np.array(ys, dtype=float), {"units": "m"}),
            },
            attrs=attrs,
        )

    # ---- export --------------------------------------------------------------------------
    def to_xarray(self, fields=("depth", "velocity_x", "velocity_y", "water_level", "max_depth")):
        """A snapshot of ``fields`` as an ``xarray.Dataset`` with x/y coordinates (copies)."""
        import xarray as xr

        data = {name: (("y", "x"), np.array(getattr(self, name))) for name in fields}
        data["elevation"] = (("y", "x"), np.array(self.elevation))
        return xr.Dataset(
            data,
            coords={"x": self.x, "y": self.y},
            attrs={"time": self.time, "steps": self.steps, "scheme": self.scheme},
        )
