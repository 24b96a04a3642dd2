"""Type stub of the floodtwin package (python/floodtwin/__init__.py)."""

import datetime
import os
import pathlib
from typing import Callable, Iterable, Iterator, List, NamedTuple, Optional, Tuple, TypeVar, Union

import numpy as np
import numpy.typing as npt
import xarray

from . import _core
from ._core import MassBalance as MassBalance
from ._core import condition_dem as condition_dem
from ._core import NumericalError as NumericalError
from ._core import ScenarioError as ScenarioError
from ._core import parse_boundary_type as parse_boundary_type
from ._core import parse_scheme as parse_scheme
from ._core import parse_side as parse_side
from ._core import export as export
from ._core import info as info
from ._core import run_scenario as run_scenario
from ._core import impacts as impacts
from ._core import validate as validate
from ._viz import render as render
from ._viz import write_vtk as write_vtk

__version__: str
__all__: list[str]

_Rate = TypeVar("_Rate", float, npt.NDArray[np.float64])

def open_results(path: str, **kwargs: object) -> xarray.Dataset:
    """Opens a floodtwin results file as an xarray.Dataset (netCDF4 engine)."""

def rehearse(
    scenario: Union[str, os.PathLike[str]],
    variants: dict[str, dict[str, object]],
    out: Union[str, os.PathLike[str]],
    *,
    threads: Optional[int] = None,
    baseline: bool = False,
) -> dict:
    """Runs what-if variants (rain_factor, inflow, breach) side by side; returns their impacts
    compared."""

def mm_per_hour(value: _Rate) -> _Rate:
    """Converts a rain intensity from mm/h to m/s."""

def to_mm_per_hour(value: _Rate) -> _Rate:
    """Converts a rain intensity from m/s to mm/h."""

class Cycle:
    """One published cycle folder cycles/<YYYYmmddTHHMMZ>/."""

    folder: pathlib.Path
    def __init__(self, folder: Union[str, os.PathLike[str]]) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def info(self) -> dict: ...
    def results(self, **kwargs: object) -> xarray.Dataset: ...
    def analysis(self, **kwargs: object) -> xarray.Dataset: ...
    def gauges(self) -> xarray.Dataset: ...

class Ensemble:
    """The ensemble of a scenario's [ensemble] table: members' factors and products."""

    scenario: str
    output: Optional[str]
    def __init__(
        self, scenario: Union[str, os.PathLike[str]], members: Optional[int] = None
    ) -> None: ...
    @property
    def members(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def distributions(self) -> dict: ...
    @property
    def thresholds(self) -> List[float]: ...
    @property
    def quantiles(self) -> List[float]: ...
    @property
    def factors(self) -> dict: ...
    @property
    def rain_files(self) -> List[str]: ...
    def run(
        self,
        threads: Optional[int] = None,
        concurrent: int | None = None,
        output: Optional[Union[str, os.PathLike[str]]] = None,
    ) -> xarray.Dataset: ...
    def products(self, path: Optional[Union[str, os.PathLike[str]]] = None) -> xarray.Dataset: ...
    def run_member(
        self,
        member: int,
        threads: Optional[int] = None,
        output: Optional[Union[str, os.PathLike[str]]] = None,
    ) -> str: ...

class Twin:
    """A basin twin (twin.toml): forecast cycles with warm states (docs/twin.md)."""

    path: pathlib.Path
    def __init__(self, path: Union[str, os.PathLike[str]]) -> None: ...
    @property
    def settings(self) -> dict: ...
    def forecast(
        self,
        at: Optional[Union[str, datetime.datetime]] = None,
        lead: Optional[Union[float, str, datetime.timedelta]] = None,
        wait: float = 0.0,
        threads: Optional[int] = None,
        concurrent: int | None = None,
    ) -> dict: ...
    def cycles(self) -> List[Cycle]: ...
    def cycle(self, name: Union[str, datetime.datetime]) -> Cycle: ...
    def states(self) -> List[pathlib.Path]: ...

class Gauge(NamedTuple):
    """The state at a gauge: the cell that contains the point (x, y)."""

    name: str
    x: float
    y: float
    row: int
    col: int
    depth: float
    water_level: float
    speed: float

class CRS(NamedTuple):
    """A coordinate reference system: WKT, EPSG code when known, name and CF attributes."""

    wkt: str
    epsg: Optional[int]
    name: str
    grid_mapping_name: str
    cf: dict

class Simulation(_core.Simulation):
    """A 2D shallow-water simulation on a regular grid, built from numpy arrays."""

    def __init__(
        self,
        elevation: npt.ArrayLike,
        dx: float,
        dy: Optional[float] = None,
        origin: Optional[Tuple[float, float]] = None,
        *,
        manning: Union[float, npt.ArrayLike] = 0.035,
        depth: Optional[npt.ArrayLike] = None,
        water_level: Optional[npt.ArrayLike] = None,
        velocity_x: Optional[npt.ArrayLike] = None,
        velocity_y: Optional[npt.ArrayLike] = None,
        scheme: str = "second-order",
        limiter: str = "van-leer",
        cfl: float = 0.5,
        gravity: float = 9.81,
        dry_depth: float = 1e-6,
        max_dt: float = 10.0,
        local_levels: int = 0,
        active: Optional[npt.ArrayLike] = None,
        flood_threshold: float = 0.1,
        threads: Optional[int] = None,
        crs: Optional[str] = None,
    ) -> None: ...
    @classmethod
    def from_raster(
        cls,
        path: Union[str, os.PathLike[str]],
        cell_size: Optional[float] = None,
        *,
        cell_size_y: Optional[float] = None,
        resampling: str = "bilinear",
        target_crs: Optional[str] = None,
        basin: Optional[Union[str, os.PathLike[str]]] = None,
        band: int = 1,
        manning: Union[float, npt.ArrayLike, str, os.PathLike[str]] = 0.035,
        depth: Optional[Union[npt.ArrayLike, str, os.PathLike[str]]] = None,
        water_level: Optional[Union[npt.ArrayLike, str, os.PathLike[str]]] = None,
        scheme: str = "second-order",
        limiter: str = "van-leer",
        cfl: float = 0.5,
        gravity: float = 9.81,
        dry_depth: float = 1e-6,
        max_dt: float = 10.0,
        local_levels: int = 0,
        flood_threshold: float = 0.1,
        threads: Optional[int] = None,
    ) -> "Simulation":
        """A simulation on the grid of an elevation raster (any GDAL raster)."""
    @property
    def crs(self) -> Optional[CRS]: ...
    def run(
        self,
        until: float,
        callback: Optional[Callable[["Simulation"], Optional[bool]]] = None,
        every: Optional[float] = None,
        *,
        output: Optional[Union[str, os.PathLike[str]]] = None,
        output_interval: Optional[float] = None,
        progress: Union[bool, Callable[["Simulation"], object]] = False,
    ) -> None: ...
    def evolve(self, until: float, every: float, *, progress: bool = False) -> Iterator[float]:
        """Yields the simulated time at the start, every multiple of `every` and `until`."""
    def peak_maps(self) -> xarray.Dataset: ...
    @classmethod
    def from_scenario(cls, path: str, *, threads: Optional[int] = None) -> "Simulation":
        """Prepares the simulation of a scenario file (TOML), as `floodtwin run` does."""
    @property
    def x(self) -> npt.NDArray[np.float64]: ...
    @property
    def y(self) -> npt.NDArray[np.float64]: ...
    @property
    def extent(self) -> Tuple[float, float, float, float]: ...
    def cell_of(self, x: float, y: float) -> Tuple[int, int]: ...
    def add_gauge(self, name: str, x: float, y: float) -> None: ...
    def remove_gauge(self, name: str) -> None: ...
    def gauge(self, name: str) -> Gauge: ...
    def gauges(self) -> dict[str, Gauge]: ...
    def gauge_series(self) -> xarray.Dataset: ...
    @property
    def cross_sections(self) -> list[dict[str, object]]: ...
    def section_series(self) -> xarray.Dataset: ...
    def boundary_series(self) -> xarray.Dataset: ...
    def to_xarray(self, fields: Optional[Iterable[str]] = None) -> xarray.Dataset: ...
