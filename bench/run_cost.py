#!/usr/bin/python3
"""Wall time and peak memory of `floodtwin run` end to end (issue 13, parts 2 and 4).

Cases (written under --dir, inputs as GeoTIFFs):
  valley N   a fully wet tilted valley, N x N cells of 10 m (0.1 % slope to the east, 0.5 m of
             water everywhere, 20 m3/s in from the west, open east), first order
  river N    a mostly dry N x N grid of 10 m: a 60 m wide channel 2 m deep running east, a
             100 m3/s discharge entering at its west end, open east; dry hillsides around it
  river-ns N the same river running south (in from the north side, open south): each row
             holds a few wet cells, so what counts is skipping dry columns, not dry rows
  demo R     scenarios/demo/demo.toml at R m cells (90 or 30)
  eatest4 5  after UK Environment Agency benchmark Test 4 (speed of flood propagation over an
             extended floodplain): a flat dry 1000 m x 2000 m floodplain of 5 m cells, Manning
             0.05, a hydrograph entering through 20 m in the middle of the west side (0 -> 20
             m3/s in 1 h, 20 m3/s to 3 h, back to 0 at 5 h), 5 h; SIZE is the cell size [m]

usage: bench/run_cost.py CASE SIZE [--cli build/release/cli/floodtwin] [--threads 2]
                         [--duration 60s] [--dir /tmp/ft-run-cost] [--order 1] [--cfl C]
                         [--local-levels L]
prints: run case=... wall_s=... cpu_s=... steps=... peak_rss_mib=... bytes_per_cell=...
"""

import argparse
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from osgeo import gdal, osr

X0, Y0, DX = 500000.0, 4000000.0, 10.0


def write_raster(path, array):
    ny, nx = array.shape
    ds = gdal.GetDriverByName("GTiff").Create(
        str(path), nx, ny, 1, gdal.GDT_Float32, ["COMPRESS=NONE", "TILED=YES"]
    )
    ds.SetGeoTransform((X0, DX, 0.0, Y0, 0.0, -DX))
    s = osr.SpatialReference()
    s.ImportFromEPSG(32611)
    ds.SetProjection(s.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(array.astype(np.float32))
    ds = None


def eatest4_case(d, cell, order, cfl, local_levels=0):
    """After EA Test 4 (Neelz & Pender 2013): flat 1000 m (x) by 2000 m (y), dry."""
    d.mkdir(parents=True, exist_ok=True)
    nx, ny = int(round(1000 / cell)), int(round(2000 / cell))
    ds = gdal.GetDriverByName("GTiff").Create(str(d / "dem.tif"), nx, ny, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((X0, cell, 0.0, Y0, 0.0, -cell))
    s = osr.SpatialReference()
    s.ImportFromEPSG(32611)
    ds.SetProjection(s.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(np.zeros((ny, nx), np.float32))
    ds = None
    (d / "inflow.csv").write_text("time,value\n0,0\n3600,20\n10800,20\n18000,0\n")
    scheme = "first-order" if order == 1 else "second-order"
    cfl_line = f"cfl = {cfl}" if cfl else ""
    if local_levels:
        cfl_line += f"\nlocal_levels = {local_levels}"
    (d / "case.toml").write_text(
        f"""
[simulation]
duration = "5h"
output_interval = "1h"
scheme = "{scheme}"
{cfl_line}
start = "2024-05-01T00:00:00Z"

[terrain]
elevation = "dem.tif"
manning = 0.05

[[boundary]]
side = "west"
type = "discharge"
series = "inflow.csv"
from = {Y0 - 990.0:.1f}
to = {Y0 - 1010.0:.1f}

[output]
path = "results/case.h5"
flood_threshold = 0.01
"""
    )
    return d / "case.toml"


def make_case(d, case, n, duration, order, cfl=None):
    d.mkdir(parents=True, exist_ok=True)
    x = np.arange(n) * DX
    y = np.arange(n) * DX
    xx, yy = np.meshgrid(x, y)
    scheme = "first-order" if order == 1 else "second-order"
    if case == "valley":
        z = 10.0 - 0.001 * xx + 0.0005 * np.abs(yy - y.mean())
        write_raster(d / "dem.tif", z)
        inflow = 20.0
        depth = "initial_depth = 0.5"
        segment = ""
    else:
        centre = y.mean()
        z = (
            10.0
            - 0.001 * xx
            + np.where(np.abs(yy - centre) < 30.0, -2.0, 0.002 * np.abs(yy - centre))
        )
        inflow = 100.0
        depth = ""
        if case == "river-ns":  # the same terrain turned to run south
            z = z.T
            left = X0 + centre - 40.0
            segment = f"from = {left:.1f}\nto = {left + 80.0:.1f}\n"
        else:
            top = Y0 - centre + 40.0
            segment = f"from = {top:.1f}\nto = {top - 80.0:.1f}\n"
        write_raster(d / "dem.tif", z)
    inflow_side, out_side = ("north", "south") if case == "river-ns" else ("west", "east")
    (d / "case.toml").write_text(
        f"""
[simulation]
duration = "{duration}"
output_interval = "{duration}"
scheme = "{scheme}"
{f"cfl = {cfl}" if cfl else ""}
start = "2024-05-01T00:00:00Z"

[terrain]
elevation = "dem.tif"
manning = 0.035
{depth}

[[boundary]]
side = "{inflow_side}"
type = "discharge"
value = {inflow}
{segment}
[[boundary]]
side = "{out_side}"
type = "open"

[output]
path = "results/case.h5"
flood_threshold = 0.05
"""
    )
    return d / "case.toml"


def demo_case(d, cell):
    src = Path(__file__).resolve().parent.parent / "scenarios" / "demo"
    d.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file():
            shutil.copy(f, d / f.name)
    if (src / "impacts").is_dir():
        shutil.copytree(src / "impacts", d / "impacts", dirs_exist_ok=True)
    text = (src / "demo.toml").read_text()
    text = re.sub(r"cell_size = 90", f"cell_size = {cell}", text)
    text = text.split("[impacts]")[0]
    text = re.sub(r"(?m)^# Warning zones.*\n(#.*\n)*", "", text)
    (d / "demo.toml").write_text(text)
    return d / "demo.toml"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["valley", "river", "river-ns", "demo", "eatest4"])
    ap.add_argument("size", type=int)
    ap.add_argument("--cli", default="build/release/cli/floodtwin")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--duration", default="60s")
    ap.add_argument("--order", type=int, default=1)
    ap.add_argument("--dir", default="/tmp/ft-run-cost")
    ap.add_argument("--cfl", type=float, default=None, help="default: the scheme's")
    ap.add_argument("--local-levels", type=int, default=0, help="eatest4: local time steps")
    a = ap.parse_args()
    d = Path(a.dir) / f"{a.case}{a.size}_o{a.order}_{a.duration}_cfl{a.cfl or 'default'}"
    if a.local_levels:
        d = d.with_name(d.name + f"_L{a.local_levels}")
    if a.case == "eatest4":
        toml = (
            d / "case.toml"
            if (d / "case.toml").exists()
            else eatest4_case(d, a.size, a.order, a.cfl, a.local_levels)
        )
    elif a.case == "demo":
        toml = d / "demo.toml" if (d / "demo.toml").exists() else demo_case(d, a.size)
    else:
        toml = d / "case.toml"
        if not toml.exists():
            make_case(d, a.case, a.size, a.duration, a.order, a.cfl)
    shutil.rmtree(d / "results", ignore_errors=True)
    t0 = time.perf_counter()
    out = subprocess.run(
        [a.cli, "run", str(toml), "--threads", str(a.threads), "--quiet"],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_kib = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime  # the run's CPU time: less noisy than wall under load
    steps = re.search(r"(\d+) steps", out.stdout + out.stderr)
    cells = re.search(r"(\d+) x (\d+)", out.stdout + out.stderr)
    ncells = int(cells.group(1)) * int(cells.group(2)) if cells else a.size * a.size
    if a.case == "eatest4" and not cells:
        ncells = int(round(1000 / a.size)) * int(round(2000 / a.size))
    print(
        f"run case={a.case}{a.size} order={a.order} threads={a.threads} cli={a.cli} "
        f"wall_s={wall:.2f} cpu_s={cpu:.2f} steps={steps.group(1) if steps else '?'} "
        f"peak_rss_mib={rss_kib / 1024:.0f} bytes_per_cell={rss_kib * 1024 / ncells:.0f}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
