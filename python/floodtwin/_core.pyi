"""Type stub of the compiled module floodtwin._core (bindings/*.cpp)."""

import os
from typing import Any, Callable, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str
git_commit: str

ArrayLike = npt.ArrayLike
Field = npt.NDArray[np.float64]
Series = Union[float, Tuple[ArrayLike, ArrayLike]]

class ScenarioError(ValueError):
    """A scenario or solver configuration is invalid (floodtwin::ConfigError)."""

class NumericalError(RuntimeError):
    """The numerical solution broke down (floodtwin::NumericalError)."""

class MassBalance:
    """Water volumes [m3] accumulated since the start of a simulation."""

    @property
    def initial_volume(self) -> float: ...
    @property
    def volume(self) -> float: ...
    @property
    def rain_in(self) -> float: ...
    @property
    def boundary_in(self) -> float: ...
    @property
    def boundary_out(self) -> float: ...
    @property
    def point_in(self) -> float: ...
    @property
    def losses(self) -> float: ...
    @property
    def correction(self) -> float: ...
    @property
    def edits(self) -> float: ...
    @property
    def expected_volume(self) -> float: ...
    @property
    def error(self) -> float: ...
    @property
    def relative_error(self) -> float: ...
    def as_dict(self) -> dict[str, float]: ...

def parse_scheme(text: str) -> str:
    """Canonical scheme name; raises ScenarioError for an unknown one."""

def run_scenario(
    path: Union[str, os.PathLike[str]],
    *,
    output: Union[str, os.PathLike[str]] = "",
    checkpoint_every: float = 0.0,
    resume: Union[str, os.PathLike[str]] = "",
    progress: Optional[Callable[[dict], object]] = None,
    threads: Optional[int] = None,
) -> dict:
    """Runs a scenario file as `floodtwin run` does and returns its summary dict."""

has_viz: bool

def condition_dem(
    elevation: npt.ArrayLike,
    dx: float,
    dy: Optional[float] = None,
    max_depth: Optional[float] = None,
    max_volume: Optional[float] = None,
    *,
    method: str = "fill",
    breach_max_depth: Optional[float] = None,
    breach_max_length: Optional[float] = None,
    breach_max_volume: Optional[float] = None,
) -> Tuple[np.ndarray, dict]:
    """Conditions a DEM as a scenario's [terrain] condition does: method "fill"
    (priority-flood), "breach" or "fill+breach"; returns (elevation, report dict)."""

def validate(path: Union[str, os.PathLike[str]]) -> dict:
    """Checks a scenario and its files as `floodtwin validate` does; returns a summary dict."""

def ensemble_spec(path: Union[str, os.PathLike[str]], members: Optional[int] = None) -> dict:
    """The [ensemble] table of a scenario and its members' drawn perturbations (a dict)."""

def run_ensemble(
    path: Union[str, os.PathLike[str]],
    members: Optional[int] = None,
    threads: Optional[int] = None,
    concurrent: int | None = None,
    output: Optional[Union[str, os.PathLike[str]]] = None,
) -> str:
    """Runs the ensemble as `floodtwin ensemble` does; returns the ensemble file's path."""

def run_ensemble_member(
    path: Union[str, os.PathLike[str]],
    member: int,
    members: Optional[int] = None,
    threads: Optional[int] = None,
    output: Optional[Union[str, os.PathLike[str]]] = None,
) -> str:
    """Runs one member alone into an ordinary results file; returns its path."""

def twin_info(path: Union[str, os.PathLike[str]]) -> dict:
    """The settings of a twin file (paths resolved), checked as `floodtwin forecast` does."""

def forecast_cycle(
    path: Union[str, os.PathLike[str]],
    at: str = "",
    lead: Optional[float] = None,
    wait: float = 0.0,
    threads: Optional[int] = None,
    concurrent: int | None = None,
) -> str:
    """Runs one forecast cycle of a twin file; returns its cycle.json text."""

def impacts(
    results: Union[str, os.PathLike[str]],
    scenario: Union[str, os.PathLike[str]],
    out: Optional[Union[str, os.PathLike[str]]] = None,
    *,
    forecast_time: str = "",
    write: bool = True,
) -> dict:
    """Impacts per zone as `floodtwin impacts` does; writes the folder, returns the zone table
    as a dict of columns (those of zones.csv)."""

def rehearse(
    scenario: Union[str, os.PathLike[str]],
    variants: dict[str, dict[str, object]],
    out: Union[str, os.PathLike[str]],
    *,
    threads: Optional[int] = None,
    baseline: bool = False,
) -> str:
    """What `floodtwin rehearse` does, with variants as dicts; returns comparison.csv's path."""

def info(path: Union[str, os.PathLike[str]], *, threshold: Optional[float] = None) -> dict:
    """Summarises a results file as `floodtwin info` does; returns a dict (with `report`)."""

def export(
    results: Union[str, os.PathLike[str]],
    out: Union[str, os.PathLike[str]],
    variable: str,
    *,
    time: str = "last",
    format: str = "GTiff",
) -> dict:
    """Writes one map of a results file as a GDAL raster, as `floodtwin export` does."""

def parse_side(text: str) -> str:
    """Canonical side name (north, south, east, west); raises ScenarioError otherwise."""

def parse_boundary_type(text: str) -> str:
    """Canonical boundary type (wall, open, discharge, water_level); ScenarioError otherwise."""

def _raise_error(kind: str, message: str) -> None:
    """Throws the C++ error of `kind` (tests of the exception translation)."""

def _crs_info(wkt: str) -> dict:
    """The CF grid mapping of a CRS WKT: {name, epsg, grid_mapping_name, attributes}."""

PathLike = Union[str, os.PathLike[str]]

class Simulation:
    """A 2D shallow-water simulation (see floodtwin.Simulation)."""

    def __init__(
        self,
        elevation: ArrayLike,
        dx: float,
        dy: Optional[float] = None,
        origin: Optional[Tuple[float, float]] = None,
        *,
        manning: Union[float, ArrayLike] = 0.035,
        depth: Optional[ArrayLike] = None,
        water_level: Optional[ArrayLike] = None,
        velocity_x: Optional[ArrayLike] = None,
        velocity_y: Optional[ArrayLike] = None,
        scheme: str = "second-order",
        limiter: str = "van-leer",
        cfl: float = 0.5,
        gravity: float = 9.81,
        dry_depth: float = 1e-6,
        max_dt: float = 10.0,
        local_levels: int = 0,
        active: Optional[ArrayLike] = None,
        flood_threshold: float = 0.1,
        threads: Optional[int] = None,
    ) -> None: ...
    # fields
    @property
    def scenario_gauges(self) -> list[tuple[str, float, float]]:
        """Gauges of the scenario file: (name, x, y) tuples."""
    @property
    def scenario_duration(self) -> Optional[float]:
        """Duration of the scenario [s], or None when not built from one."""
    @property
    def crs_wkt(self) -> Optional[str]:
        """The grid's CRS as WKT, None when unknown."""
    def set_crs(self, crs: Optional[str]) -> None: ...
    @property
    def raster_warnings(self) -> list[str]:
        """Warnings about the elevation raster (from_raster)."""
    def set_manning(self, n: Union[float, ArrayLike, PathLike]) -> None: ...
    def set_depth(self, depth: Union[ArrayLike, PathLike]) -> None: ...
    def set_water_level(self, water_level: Union[ArrayLike, PathLike]) -> None: ...
    def set_velocity(
        self, velocity_x: Optional[ArrayLike], velocity_y: Optional[ArrayLike] = None
    ) -> None: ...
    def set_discharge(self, discharge_x: ArrayLike, discharge_y: ArrayLike) -> None: ...
    def set_active(self, active: ArrayLike) -> None: ...
    # forcing
    def add_cross_section(self, name: str, line: ArrayLike) -> None: ...
    def section_discharge(self) -> dict[str, float]: ...
    def boundary_discharge(self, by: str = "condition") -> dict[str, dict[str, Any]]: ...
    def set_elevation(self, elevation: ArrayLike) -> None: ...
    def add_channel(
        self,
        line: ArrayLike,
        *,
        width: float | None = None,
        depth: float | None = None,
        manning: float = 0.03,
        profile: ArrayLike | None = None,
        design_depth: float | None = None,
        name: str = "channel",
        model: str = "subgrid",
    ) -> dict[str, Any]: ...
    def schedule_elevation(self, time: float, elevation: ArrayLike) -> None: ...
    def set_infiltration(
        self,
        model: str,
        *,
        ks: float | ArrayLike | None = None,
        psi: float | ArrayLike | None = None,
        dtheta: float | ArrayLike | None = None,
        curve_number: float | ArrayLike | None = None,
        initial_abstraction_ratio: float = 0.2,
        ks_units: str = "m/s",
    ) -> None: ...
    def clear_infiltration(self) -> None: ...
    def set_boundary(
        self,
        side: str,
        type: str,
        series: Optional[Series] = None,
        from_: Optional[float] = None,
        to: Optional[float] = None,
        *,
        after_end: str = "error",
    ) -> None: ...
    def clear_boundaries(self) -> None: ...
    def set_rain_rate(
        self, rate: Union[None, float, ArrayLike, PathLike], *, units: str = "mm/h"
    ) -> None: ...
    def set_rain_grids(
        self,
        path: Optional[PathLike],
        times: Optional[ArrayLike] = None,
        *,
        units: str = "mm/h",
        timing: str = "period-ending",
        start: str = "",
        resampling: str = "bilinear",
        nodata_as_zero: bool = False,
        after_end: str = "error",
    ) -> None: ...
    def set_rain_gauges(
        self,
        stations: Union[None, dict[str, Tuple[float, float]], Sequence[Tuple[str, float, float]]],
        times: Optional[ArrayLike] = None,
        values: Optional[ArrayLike] = None,
        *,
        method: str = "idw",
        power: float = 2.0,
        units: str = "mm/h",
        timing: str = "period-ending",
        fallback: Optional[float] = None,
        after_end: str = "error",
    ) -> None: ...
    def set_uniform_rain(
        self,
        times: Optional[ArrayLike] = None,
        values: Union[None, float, ArrayLike] = None,
        *,
        units: str = "mm/h",
        after_end: str = "error",
    ) -> None: ...
    def add_point_source(
        self,
        x: float,
        y: float,
        times: Optional[ArrayLike],
        values: Union[float, ArrayLike],
        name: str = "",
        *,
        after_end: str = "error",
    ) -> int: ...
    # time stepping
    def step(self, dt_limit: float = ...) -> float: ...
    def run(
        self,
        until: float,
        callback: Optional[Callable[[Any], Optional[bool]]] = None,
        every: Optional[float] = None,
        *,
        output: Optional[Union[str, os.PathLike[str]]] = None,
        output_interval: Optional[float] = None,
        progress: Optional[Callable[[Any], object]] = None,
    ) -> None: ...
    def stable_dt(self) -> float: ...
    def mass_balance(self) -> MassBalance: ...
    def wet_cells(self, threshold: float = 1e-3) -> int: ...
    @property
    def time(self) -> float: ...
    @property
    def dt(self) -> float: ...
    @property
    def steps(self) -> int: ...
    @property
    def running(self) -> bool: ...
    @property
    def threads(self) -> int:
        """OpenMP threads of this simulation's step()/run(); None sets OpenMP's default."""
    @threads.setter
    def threads(self, value: Optional[int]) -> None: ...
    @property
    def gauge_interval(self) -> Optional[float]:
        """Interval [s] of the gauge series recorded by run()/step(); None: not recorded."""
    @gauge_interval.setter
    def gauge_interval(self, value: Optional[float]) -> None: ...
    def clear_gauge_series(self) -> None: ...
    def save(self, path: Union[str, os.PathLike[str]]) -> None: ...
    def load(self, path: Union[str, os.PathLike[str]]) -> None: ...
    def _add_gauge(self, name: str, x: float, y: float) -> None: ...
    def _remove_gauge(self, name: str) -> None: ...
    def _gauge_series(self) -> tuple: ...
    def _gauge_state(self, row: int, col: int) -> tuple[float, float, float]: ...
    # grid and configuration
    @property
    def nx(self) -> int: ...
    @property
    def ny(self) -> int: ...
    @property
    def shape(self) -> Tuple[int, int]: ...
    @property
    def dx(self) -> float: ...
    @property
    def dy(self) -> float: ...
    @property
    def origin(self) -> Tuple[float, float]: ...
    @property
    def scheme(self) -> str: ...
    @property
    def limiter(self) -> str:
        """Slope limiter of the second-order scheme: "van-leer", "mc" or "minmod"."""
    @property
    def cfl(self) -> float: ...
    @property
    def gravity(self) -> float: ...
    @property
    def dry_depth(self) -> float: ...
    @property
    def max_dt(self) -> float: ...
    @property
    def local_levels(self) -> int: ...
    @property
    def flood_threshold(self) -> float: ...
    @property
    def active_cells(self) -> int: ...
    @property
    def stored_volume(self) -> float: ...
    # read-only zero-copy views, (ny, nx), row 0 north
    @property
    def depth(self) -> Field: ...
    @property
    def discharge_x(self) -> Field: ...
    @property
    def discharge_y(self) -> Field: ...
    @property
    def manning(self) -> Field: ...
    @property
    def velocity_x(self) -> Field: ...
    @property
    def velocity_y(self) -> Field: ...
    @property
    def water_level(self) -> Field: ...
    @property
    def elevation(self) -> Field: ...
    @property
    def max_depth(self) -> Field: ...
    @property
    def max_speed(self) -> Field: ...
    @property
    def max_water_level(self) -> Field: ...
    @property
    def time_of_max_depth(self) -> Field: ...
    @property
    def arrival_time(self) -> Field: ...
    @property
    def flood_duration(self) -> Field: ...
    @property
    def max_hazard(self) -> Field: ...
