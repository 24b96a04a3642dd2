"""floodtwin.Simulation: the compiled simulation plus pure-Python conveniences."""

import math
import numbers
import sys
import time as _time
from typing import NamedTuple, Optional

import numpy as np

from . import _core
from ._sections import SectionsMixin


def _courant(cfl):
    """The cfl passed to the core, where 0 asks for the scheme's default (None here); an
    explicit 0 is refused with its own message, other values outside (0, 1] by the core."""
    if cfl is None:
        return 0.0
    if cfl == 0:
        raise _core.ScenarioError(
            "cfl: expected a Courant number in (0, 1], got 0 (leave cfl out, or None, for the "
            "scheme's default: 0.75 first order, 0.5 second order)"
        )
    return float(cfl)


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


class CRS(NamedTuple):
    """A coordinate reference system: the WKT the grid carries and what is known of it."""

    wkt: str  #: the CRS as WKT (as GDAL gives it)
    epsg: Optional[int]  #: its EPSG code when the WKT names one, else None
    name: str  #: e.g. "WGS 84 / UTM zone 33N"
    grid_mapping_name: str  #: the CF grid_mapping_name ("" when CF has none)
    cf: dict  #: the CF grid-mapping attributes results files carry on their ``crs`` variable

    def __str__(self):
        return f"EPSG:{self.epsg}" if self.epsg is not None else self.name or self.wkt


def crs_of(wkt):
    """The :class:`CRS` of a WKT (None for None or "")."""
    if not wkt:
        return None
    info = _core._crs_info(wkt)
    return CRS(wkt, info["epsg"], info["name"], info["grid_mapping_name"], info["attributes"])


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def next_multiple(t, every):
    """The first multiple of ``every`` after ``t`` (as the engine: within 1e-9 is on it)."""
    return (math.floor(t / every + 1e-9) + 1) * every


class Progress:
    """A one-line text progress bar on stderr: simulated time, percentage, dt, steps, wall time.

    Redrawn at most every ``interval`` s of wall time (and at the end) with a carriage return;
    on a stream that is not a terminal, one line is printed every ``interval`` s instead.
    """

    def __init__(self, start, until, stream=None, width=30, interval=0.5):
        self.start, self.until = float(start), float(until)
        self.stream = stream if stream is not None else sys.stderr
        self.width, self.interval = width, interval
        self.wall0 = _time.perf_counter()
        self.last = -math.inf
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.drawn = False

    def line(self, sim):
        span = self.until - self.start
        done = 1.0 if span <= 0 else min(1.0, max(0.0, (sim.time - self.start) / span))
        filled = int(round(done * self.width))
        bar = "#" * filled + "-" * (self.width - filled)
        wall = _time.perf_counter() - self.wall0
        return (
            f"[{bar}] {100 * done:5.1f}%  t = {sim.time:.6g} / {self.until:.6g} s  "
            f"dt = {sim.dt:.3g} s  steps = {sim.steps}  wall = {wall:.1f} s"
        )

    def __call__(self, sim, final=False):
        now = _time.perf_counter()
        if not final and now - self.last < self.interval:
            return
        self.last = now
        if self.tty:
            self.stream.write("\r" + self.line(sim))
            self.drawn = True
        else:
            self.stream.write(self.line(sim) + "\n")
        self.stream.flush()

    def close(self, sim):
        """Draws the final state and ends the line."""
        self(sim, final=True)
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class Simulation(SectionsMixin, _core.Simulation):
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
    limiter : str
        Slope limiter of the second-order scheme: ``"van-leer"`` (the default: it settles on
        steady states), ``"mc"`` (a little sharper on transients, but keeps a small limit
        cycle at bed kinks and jumps) or ``"minmod"`` (the most diffusive); docs/solver.md,
        "Limiter". The first-order scheme has no slopes and ignores it.
    cfl : float, optional
        Courant number in (0, 1]; default: the largest at which the scheme keeps depths
        non-negative, 0.75 for ``"first-order"`` and 0.5 for ``"second-order"`` (docs/solver.md,
        "Time step"). The ``cfl`` property reports the value used.
    gravity, dry_depth, max_dt : float
        Gravity [m/s2], depth below which velocities are zero [m], upper bound on the time
        step [s].
    local_levels : int, optional
        Local time stepping (first order only): 0 (the default) steps every cell with one
        global step; 1..6 lets a cell whose own CFL condition allows it step 2, 4, .. 2^L
        times the global step (docs/solver.md, "Local time steps"). Not yet with
        sub-grid channels, SCS losses or MPI.
    active : array_like of bool, optional
        False marks further cells inactive (e.g. outside a catchment).
    flood_threshold : float
        Depth [m] above which a cell counts as flooded (``arrival_time``, ``flood_duration``).
    threads : int, optional
        OpenMP threads for this simulation's :meth:`run` and :meth:`step` (default: OpenMP's
        setting, ``OMP_NUM_THREADS``); also the ``threads`` property. Results are bitwise
        identical for any count.
    crs : str, optional
        The grid's coordinate reference system (``"EPSG:32633"``, a WKT or a PROJ string;
        projected, in metres): ``sim.crs``, written into results files; rasters given to the
        ``set_*`` methods are reprojected from their CRS to it.

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
        limiter="van-leer",
        cfl=None,
        gravity=9.81,
        dry_depth=1e-6,
        max_dt=10.0,
        local_levels=0,
        active=None,
        flood_threshold=0.1,
        threads=None,
        crs=None,
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
            limiter=limiter,
            cfl=_courant(cfl),
            gravity=gravity,
            dry_depth=dry_depth,
            max_dt=max_dt,
            local_levels=local_levels,
            active=active,
            flood_threshold=flood_threshold,
            threads=threads,
        )
        self._gauges = {}
        if crs is not None:
            self.set_crs(crs)

    @classmethod
    def from_raster(
        cls,
        path,
        cell_size=None,
        *,
        cell_size_y=None,
        resampling="bilinear",
        target_crs=None,
        basin=None,
        band=1,
        manning=0.035,
        depth=None,
        water_level=None,
        scheme="second-order",
        limiter="van-leer",
        cfl=None,
        gravity=9.81,
        dry_depth=1e-6,
        max_dt=10.0,
        local_levels=0,
        flood_threshold=0.1,
        threads=None,
    ):
        """A simulation on the grid of an elevation raster (any GDAL raster: GeoTIFF, ESRI
        ASCII, VRT, netCDF...), read as ``floodtwin run`` reads a scenario's DEM.

        The grid takes the raster's size, cell size, north-west corner and CRS (``sim.crs``);
        no-data cells are inactive. ``cell_size`` [m] resamples it (GDAL warp with
        ``resampling``; ``cell_size_y`` for rectangular cells); ``target_crs`` (e.g.
        ``"EPSG:32633"``) reprojects it, which a DEM in degrees needs; ``basin`` (a polygon
        file) makes cells outside it inactive; ``band`` is 1-based. ``manning``, ``depth`` and
        ``water_level`` may be numbers, arrays or raster paths (see :meth:`set_manning`); the
        rest as for :class:`Simulation`. Errors name the file (``ValueError``, ``OSError``).
        """
        self = cls.__new__(cls)
        _core.Simulation.__init__(
            self,
            raster=path,
            cell_size=None if cell_size is None else float(cell_size),
            cell_size_y=None if cell_size_y is None else float(cell_size_y),
            resampling=resampling,
            target_crs=target_crs or "",
            basin=basin,
            band=band,
            scheme=scheme,
            limiter=limiter,
            cfl=_courant(cfl),
            gravity=gravity,
            dry_depth=dry_depth,
            max_dt=max_dt,
            local_levels=local_levels,
            flood_threshold=flood_threshold,
            threads=threads,
        )
        self._gauges = {}
        self.set_manning(manning)
        if depth is not None and water_level is not None:
            raise ValueError("depth and water_level: give one of them, not both")
        if depth is not None:
            self.set_depth(np.full(self.shape, depth) if _is_number(depth) else depth)
        elif water_level is not None:
            level = water_level
            self.set_water_level(np.full(self.shape, level) if _is_number(level) else level)
        return self

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

    @property
    def crs(self):
        """The grid's :class:`CRS` (``wkt``, ``epsg``, ``name``, CF attributes), or None when
        unknown; from the raster (:meth:`from_raster`), the scenario or ``crs=``/:meth:`set_crs`.
        """
        return crs_of(self.crs_wkt)

    # ---- running -------------------------------------------------------------------------
    def run(
        self,
        until,
        callback=None,
        every=None,
        *,
        output=None,
        output_interval=None,
        progress=False,
    ):
        """Advances the simulation to the time ``until`` [s] (exactly).

        ``callback(sim)`` is called at the start, at every multiple of ``every`` [s] of
        simulated time on the absolute clock (multiples since t = 0, not since the call, so
        chained runs sample one grid of times; steps end exactly there), or after every step
        when ``every`` is None, and at ``until``; returning False stops the run.

        ``output``/``output_interval``: a results file, as ``floodtwin run`` writes (see
        docs/python.md). ``progress=True`` draws a text bar on stderr (simulated time, dt,
        steps, wall time), redrawn every 0.5 s; or give a callable ``progress(sim)``, called
        at the start, about every 0.2 s of wall time and at the end.
        """
        bar = None
        hook = None
        if progress is True:
            bar = Progress(self.time, until)
            hook = bar
        elif callable(progress):
            hook = progress
        elif progress not in (False, None):
            raise TypeError("run: progress must be True, False or a callable progress(sim)")
        try:
            super().run(
                until,
                callback,
                every,
                output=output,
                output_interval=output_interval,
                progress=hook,
            )
        finally:
            if bar is not None:
                bar.close(self)

    def evolve(self, until, every, *, progress=False):
        """Steps to ``until`` [s], yielding the simulated time at the start, at every multiple
        of ``every`` [s] on the absolute clock and at ``until`` (as ANUGA's
        ``domain.evolve(yieldstep, finaltime)``)::

            for t in sim.evolve(until=3600, every=600):
                print(t, sim.gauge("outlet").depth)

        Between yields the simulation runs as :meth:`run` (gauge series recorded, steps end
        exactly at the yield times); the loop body may change it (``set_*``) and ``break``
        leaves it at the last time yielded. ``progress=True`` draws one bar for the whole
        loop. For a results file use :meth:`run` with ``output=``.
        """
        if not (isinstance(every, (int, float)) and math.isfinite(every) and every > 0):
            raise ValueError(f"evolve: every must be a positive finite interval [s], got {every}")
        if not math.isfinite(until) or until < self.time:
            raise ValueError(
                f"evolve: until = {until} s must be a finite time not before the current time "
                f"{self.time} s"
            )
        bar = Progress(self.time, until) if progress is True else None
        try:
            yield self.time
            while self.time < until:
                target = min(next_multiple(self.time, every), until)
                super().run(target, progress=bar)
                yield self.time
        finally:
            if bar is not None:
                bar.close(self)

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
        """The current state at the gauge ``name`` (a :class:`Gauge`).

        On a sub-grid channel cell the gauge reads the river: ``depth`` above the channel bed,
        the level shared by channel and floodplain, and the channel's mean velocity (discharge /
        (width x depth)) as ``speed``; as :meth:`gauge_series` and the results file.
        """
        x, y, row, col = self._gauges[name]
        depth, level, speed = self._gauge_state(row, col)
        return Gauge(name, x, y, row, col, depth, level, speed)

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
    def _coords(self):
        import xarray as xr

        x_attrs = {"units": "m", "axis": "X", "standard_name": "projection_x_coordinate"}
        y_attrs = {"units": "m", "axis": "Y", "standard_name": "projection_y_coordinate"}
        coords = {"x": ("x", self.x, x_attrs), "y": ("y", self.y, y_attrs)}
        crs = self.crs
        if crs is not None:
            attrs = dict(crs.cf)
            attrs["crs_wkt"] = attrs["spatial_ref"] = crs.wkt
            if crs.epsg is not None:
                attrs["epsg"] = crs.epsg
            x0, y0 = self.origin
            attrs["GeoTransform"] = f"{x0!r} {self.dx!r} 0 {y0!r} 0 {-self.dy!r}"
            coords["spatial_ref"] = xr.Variable((), 0, attrs)
        return coords

    def _dataset(self, variables, attrs):
        import xarray as xr

        coords = self._coords()
        data = {}
        for name, (values, var_attrs) in variables.items():
            var_attrs = dict(var_attrs)
            if "spatial_ref" in coords:
                var_attrs["grid_mapping"] = "spatial_ref"
            data[name] = xr.Variable(("y", "x"), values, var_attrs)
        attrs = dict(attrs, Conventions="CF-1.8")
        return xr.Dataset(data, coords=coords, attrs=attrs)

    #: name -> (units, long_name, standard_name) of the fields :meth:`to_xarray` gives.
    _STATE_FIELDS = {
        "depth": ("m", "water depth", None),
        "water_level": (
            "m",
            "water surface elevation",
            "water_surface_height_above_reference_datum",
        ),
        "velocity_x": ("m s-1", "depth-averaged velocity towards east", None),
        "velocity_y": ("m s-1", "depth-averaged velocity towards north", None),
        "discharge_x": ("m2 s-1", "unit discharge towards east", None),
        "discharge_y": ("m2 s-1", "unit discharge towards north", None),
        "elevation": ("m", "bed elevation", "surface_altitude"),
    }
    #: name -> (units, long_name) of the peak maps :meth:`peak_maps` gives.
    _PEAK_FIELDS = {
        "max_depth": ("m", "maximum water depth"),
        "max_speed": ("m s-1", "maximum depth-averaged speed"),
        "max_water_level": ("m", "maximum water surface elevation"),
        "time_of_max_depth": ("s", "time of maximum depth"),
        "arrival_time": ("s", "first time the depth exceeds flood_threshold"),
        "flood_duration": ("s", "time with depth above flood_threshold"),
        "max_hazard": ("1", "maximum UK flood hazard rating d (v + 0.5) + DF"),
    }

    def to_xarray(self, fields=None):
        """The current state as an ``xarray.Dataset`` on (``y``, ``x``) map coordinates.

        Variables (``fields``, default all): ``depth`` [m], ``water_level`` [m],
        ``velocity_x``/``velocity_y`` [m/s], ``discharge_x``/``discharge_y`` [m2/s],
        ``elevation`` [m], with units, long names and ``grid_mapping``; the ``spatial_ref``
        coordinate carries the CRS (CF grid-mapping attributes, ``crs_wkt``, ``spatial_ref``,
        ``GeoTransform``, as results files and rioxarray have them) when the grid has one;
        ``time`` [s] is a scalar coordinate, ``steps`` and ``scheme`` attributes (and
        ``limiter`` in second order).

        No copies: every variable is a read-only view of the simulation's memory (depth and
        discharges of the solver state itself; velocities, water level and elevation of the
        buffers the wrapper refreshes after every step), so the dataset follows the
        simulation as it runs. ``.copy(deep=True)`` keeps a snapshot; the ``time``
        coordinate is the time of the call.
        """
        names = list(self._STATE_FIELDS) if fields is None else list(fields)
        variables = {}
        for name in names:
            if name not in self._STATE_FIELDS:
                raise ValueError(
                    f"to_xarray: unknown field {name!r}; expected some of "
                    f"{list(self._STATE_FIELDS)}"
                )
            units, long_name, standard_name = self._STATE_FIELDS[name]
            attrs = {"units": units, "long_name": long_name}
            if standard_name:
                attrs["standard_name"] = standard_name
            variables[name] = (getattr(self, name), attrs)
        attrs = {"steps": self.steps, "scheme": self.scheme}
        if self.scheme == "second-order":  # as the results file: the first order has no slopes
            attrs["limiter"] = self.limiter
        ds = self._dataset(variables, attrs)
        time_attrs = {"units": "s", "long_name": "simulated time"}
        return ds.assign_coords(time=((), self.time, time_attrs))

    def peak_maps(self):
        """The peak maps since the start as an ``xarray.Dataset`` (views, as :meth:`to_xarray`):
        ``max_depth`` [m], ``max_speed`` [m/s], ``max_water_level`` [m], ``time_of_max_depth``
        [s], ``arrival_time`` [s] (NaN where never flooded), ``flood_duration`` [s] and
        ``max_hazard`` [-], with ``flood_threshold`` [m], ``time`` and ``steps`` attributes."""
        variables = {
            name: (getattr(self, name), {"units": units, "long_name": long_name})
            for name, (units, long_name) in self._PEAK_FIELDS.items()
        }
        attrs = {"flood_threshold": self.flood_threshold, "time": self.time, "steps": self.steps}
        return self._dataset(variables, attrs)
