"""Type stub of the compiled module floodtwin._viz (bindings/viz_module.cpp): the VTK part,
imported on the first call of floodtwin.write_vtk or floodtwin.render."""

import os
from typing import Optional, Sequence, Union

def write_vtk(
    results: Union[str, os.PathLike[str]],
    outdir: Union[str, os.PathLike[str]],
    *,
    z_scale: float = 1.0,
    wet_depth: float = 1e-3,
) -> dict:
    """Converts a results file to a VTK time series, as `floodtwin vtk` does."""

def render(
    results: Union[str, os.PathLike[str]],
    out: Union[str, os.PathLike[str]],
    *,
    time: str = "max",
    field: str = "depth",
    width: int = 1200,
    height: int = 900,
    min_depth: Optional[float] = None,
    gauges: bool = True,
    animate: bool = False,
    movies: Sequence[str] = ("gif", "mp4"),
    fps: float = 2.0,
) -> dict:
    """Renders a flood map PNG (or animation frames and GIF/MP4), as `floodtwin render` does."""
