#!/usr/bin/python3
"""End-to-end time of `floodtwin impacts` on a large case, reading included.

Builds, in a scratch folder, a synthetic basin of NX x NY cells of 10 m (a GeoTIFF DEM with
an initial flood pattern), runs it for a few seconds with `floodtwin run` to get a real
results file (two snapshots and the peak maps), then writes the impacts inputs: ZONES
octagonal zones (GeoPackage), a population raster, BUILDINGS buildings (30 % footprints, 70 %
points, GeoPackage), 2000 ten-vertex roads (GeoPackage), a levels table on max depth, flooded
area and depth share, and a contingency plan. Then times

    floodtwin impacts RESULTS --scenario SCENARIO --out DIR

with GNU time's wall clock and peak RSS, best of REPEAT runs.

usage: bench/impacts_e2e.py [--nx 4000] [--ny 2500] [--zones 100] [--buildings 100000]
                            [--cli build/release/cli/floodtwin] [--dir /tmp/ft-impacts-e2e]
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr

X0, Y0, DX = 500000.0, 4000000.0, 10.0


def srs():
    s = osr.SpatialReference()
    s.ImportFromEPSG(32611)
    return s


def write_raster(path, array):
    ny, nx = array.shape
    ds = gdal.GetDriverByName("GTiff").Create(
        str(path), nx, ny, 1, gdal.GDT_Float32, ["COMPRESS=NONE", "TILED=YES"]
    )
    ds.SetGeoTransform((X0, DX, 0.0, Y0, 0.0, -DX))
    ds.SetProjection(srs().ExportToWkt())
    ds.GetRasterBand(1).WriteArray(array.astype(np.float32))
    ds = None


def vector(path, geometry_type, fields, features):
    drv = ogr.GetDriverByName("GPKG")
    if path.exists():
        drv.DeleteDataSource(str(path))
    ds = drv.CreateDataSource(str(path))
    layer = ds.CreateLayer(path.stem, srs(), geometry_type)
    for name, kind in fields:
        layer.CreateField(ogr.FieldDefn(name, kind))
    defn = layer.GetLayerDefn()
    layer.StartTransaction()
    for values, wkt in features:
        f = ogr.Feature(defn)
        for (name, _), v in zip(fields, values):
            f.SetField(name, v)
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(f)
    layer.CommitTransaction()
    ds = None


def build(d, nx, ny, zones_per_side, buildings, cli):
    rng = np.random.default_rng(7)
    x = np.arange(nx) * DX
    y = np.arange(ny) * DX
    xx, yy = np.meshgrid(x, y)
    z = 100.0 + 0.001 * xx + 0.002 * np.abs(yy - y.mean())
    write_raster(d / "dem.tif", z)
    # A flood pattern: depth up to 2.5 m along a meandering valley, dry elsewhere.
    centre = y.mean() + 0.25 * y.max() * np.sin(xx / x.max() * 3 * math.pi)
    depth = np.clip(2.5 - np.abs(yy - centre) / 150.0, 0.0, None)
    write_raster(d / "depth0.tif", depth)
    write_raster(d / "population.tif", rng.uniform(0, 0.5, size=(ny, nx)))
    width, height = nx * DX, ny * DX
    zones = []
    zw, zh = width / zones_per_side, height / zones_per_side
    for j in range(zones_per_side):
        for i in range(zones_per_side):
            cx, cy = X0 + (i + 0.5) * zw, Y0 - (j + 0.5) * zh
            r = 0.5 * min(zw, zh)
            pts = [
                (
                    cx + r * math.cos(math.pi / 8 + k * math.pi / 4),
                    cy + r * math.sin(math.pi / 8 + k * math.pi / 4),
                )
                for k in range(9)
            ]
            wkt = "POLYGON((" + ",".join(f"{a} {b}" for a, b in pts) + "))"
            zones.append(((f"Z{len(zones)}", f"zone {len(zones)}"), wkt))
    vector(
        d / "zones.gpkg", ogr.wkbPolygon, [("id", ogr.OFTString), ("name", ogr.OFTString)], zones
    )
    feats = []
    for k in range(buildings):
        bx = X0 + rng.uniform(0, width)
        by = Y0 - rng.uniform(0, height)
        occ = ("residential", "commercial", "industrial")[k % 3]
        if k % 10 < 3:
            s = rng.uniform(8, 30)
            wkt = (
                f"POLYGON(({bx} {by},{bx + s} {by},{bx + s} {by + s},{bx} {by + s}," f"{bx} {by}))"
            )
        else:
            wkt = f"POINT({bx} {by})"
        feats.append(((occ, float(rng.uniform(1e5, 1e6)), float(rng.uniform(0, 0.5))), wkt))
    vector(
        d / "buildings.gpkg",
        ogr.wkbUnknown,
        [("occupancy", ogr.OFTString), ("value", ogr.OFTReal), ("floor_height", ogr.OFTReal)],
        feats,
    )
    roads = []
    for k in range(2000):
        px, py = X0 + rng.uniform(0, width), Y0 - rng.uniform(0, height)
        pts = []
        for _ in range(10):
            pts.append(f"{px} {py}")
            px = min(max(px + rng.normal(0, 300), X0), X0 + width)
            py = min(max(py + rng.normal(0, 300), Y0 - height), Y0)
        roads.append(((f"R{k}",), "LINESTRING(" + ",".join(pts) + ")"))
    vector(d / "roads.gpkg", ogr.wkbLineString, [("name", ogr.OFTString)], roads)
    lines = ["zone,level,indicator,value"]
    plan = ["zone,level,action,responsible,lead_time"]
    for (zid, _), _ in zones:
        lines += [f"{zid},prepare,max_depth,0.3", f"{zid},evacuate,flooded_area,2000000"]
        plan += [
            f"{zid},prepare,Open shelters,civil protection,2h",
            f"{zid},evacuate,Evacuate,police,1h",
        ]
    (d / "levels.csv").write_text("\n".join(lines) + "\n")
    (d / "plan.csv").write_text("\n".join(plan) + "\n")
    (d / "case.toml").write_text(
        """
[simulation]
duration = "4s"
output_interval = "2s"
scheme = "first-order"
start = "2024-05-01T00:00:00Z"

[terrain]
elevation = "dem.tif"
manning = 0.035
initial_depth = "depth0.tif"

[output]
path = "results/case.h5"
flood_threshold = 0.05

[impacts]
zones = "zones.gpkg"
levels = "levels.csv"
population = "population.tif"
buildings = "buildings.gpkg"
roads = "roads.gpkg"
plan = "plan.csv"
"""
    )
    scenario_text = (d / "case.toml").read_text()
    # `floodtwin run` without [impacts] for the results file: impacts are timed on their own.
    run_toml = d / "run.toml"
    run_toml.write_text(scenario_text.split("[impacts]")[0])
    subprocess.run([cli, "run", str(run_toml), "--quiet"], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nx", type=int, default=4000)
    ap.add_argument("--ny", type=int, default=2500)
    ap.add_argument("--zones", type=int, default=100)
    ap.add_argument("--buildings", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", default="build/release/cli/floodtwin")
    ap.add_argument("--dir", default="/tmp/ft-impacts-e2e")
    a = ap.parse_args()
    cli = str(Path(a.cli).resolve())
    d = Path(a.dir)
    d.mkdir(parents=True, exist_ok=True)
    t = time.time()
    build(d, a.nx, a.ny, max(1, round(math.sqrt(a.zones))), a.buildings, cli)
    print(f"built the case in {time.time() - t:.1f} s")
    best = None
    for _ in range(a.repeat):
        out = d / "impacts"
        shutil.rmtree(out, ignore_errors=True)
        r = subprocess.run(
            [
                "/usr/bin/time",
                "-v",
                cli,
                "impacts",
                str(d / "results" / "case.h5"),
                "--scenario",
                str(d / "case.toml"),
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            raise SystemExit(r.stdout + r.stderr)
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", r.stderr)
        h, m, s = wall.groups()
        seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
        if best is None or seconds < best[0]:
            best = (seconds, rss, r.stdout.strip().splitlines()[:3])
    load = os.getloadavg()[0]
    print(
        f"impacts_e2e cells={a.nx * a.ny} zones={a.zones} buildings={a.buildings} "
        f"wall_s={best[0]:.2f} peak_rss_mib={best[1] / 1024:.0f} load={load:.1f}"
    )
    for line in best[2]:
        print("  " + line)


if __name__ == "__main__":
    main()
