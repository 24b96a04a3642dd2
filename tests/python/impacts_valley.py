"""The small valley with [impacts] shared by test_impacts.py and test_impacts_levels.py:
its inputs, `floodtwin run` of it, and the independent helpers (point in polygon, CSV)."""

import csv
import os
import subprocess

import numpy as np
import pytest
from osgeo import gdal, osr


CLI = os.environ.get("FLOODTWIN_CLI")
NX, NY, DX = 30, 20, 20.0
X0, Y0 = 500000.0, 4200000.0  # north-west corner, UTM 11N
RAIN = [(600, 20.0), (1200, 60.0), (1800, 90.0), (2400, 30.0), (3000, 0.0), (3600, 0.0)]  # s, mm/h
CRS = '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32611"}}'
# JRC Europe (the defaults): depth [m] -> fraction
CURVES = {
    "residential": [0, 0.25, 0.40, 0.50, 0.60, 0.75, 0.85, 0.95, 1.00],
    "commercial": [0, 0.15, 0.30, 0.45, 0.55, 0.75, 0.90, 1.00, 1.00],
}
CURVE_DEPTHS = [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6]
ZONES = {
    "A": [(500030, 4199990), (500330, 4199950), (500300, 4199700), (500050, 4199620)],
    "B": [(500340, 4199990), (500590, 4199980), (500560, 4199610), (500335, 4199640)],
}


def polygon_json(ring):
    ring = list(ring) + [ring[0]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def geojson(path, features):
    import json

    body = ",".join(
        json.dumps({"type": "Feature", "properties": props, "geometry": geom})
        for props, geom in features
    )
    path.write_text('{"type": "FeatureCollection", ' + CRS + ', "features": [' + body + "]}")


def inside(ring, x, y):
    """Even-odd ray casting, vectorised over the points (x, y)."""
    result = np.zeros(np.shape(x), dtype=bool)
    n = len(ring)
    for a in range(n):
        (xa, ya), (xb, yb) = ring[a], ring[a - 1]
        crosses = (ya > y) != (yb > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = (xb - xa) * (y - ya) / (yb - ya) + xa
        result ^= crosses & (x < xc)
    return result


def make_case(d):
    """Writes the valley scenario and its inputs into the folder d and runs it with the CLI:
    (d, the run's stdout)."""
    # A valley draining south: side slopes to a channel at column 15, bed falling southwards.
    i = np.arange(NX)[None, :]
    j = np.arange(NY)[:, None]
    z = 100.0 + 0.8 * np.abs(i - 15) - 0.2 * j + 0.0 * i
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32611)

    def raster(name, values):
        ds = gdal.GetDriverByName("GTiff").Create(str(d / name), NX, NY, 1, gdal.GDT_Float64)
        ds.SetGeoTransform((X0, DX, 0, Y0, 0, -DX))
        ds.SetProjection(srs.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(values)
        ds = None

    raster("dem.tif", z)
    rng = np.random.default_rng(7)
    raster("pop.tif", rng.uniform(0, 10, size=(NY, NX)))
    (d / "rain.csv").write_text("time,rain\n" + "".join(f"{t},{v}\n" for t, v in RAIN))
    geojson(
        d / "zones.geojson",
        [({"id": k, "name": f"zone {k}"}, polygon_json(r)) for k, r in ZONES.items()],
    )
    buildings = []
    for k in range(40):
        x = X0 + 20 + rng.uniform(0, NX * DX - 40)
        y = Y0 - 20 - rng.uniform(0, NY * DX - 40)
        props = {
            "occupancy": "residential" if k % 3 else "commercial",
            "value": float(rng.uniform(1e5, 5e5)),
            "floor_height": float(rng.choice([0.0, 0.05, 0.2])),
        }
        if k % 4 == 0:  # a 50 m x 30 m footprint: several cell centres
            ring = [(x - 25, y - 15), (x + 25, y - 15), (x + 25, y + 15), (x - 25, y + 15)]
            buildings.append((props, polygon_json(ring)))
        else:
            buildings.append((props, {"type": "Point", "coordinates": [x, y]}))
    geojson(d / "buildings.geojson", buildings)
    (d / "levels.csv").write_text(
        "zone,level,indicator,value,gauge,duration\n"
        "A,watch,rain,12,,1h\n"
        "A,alarm,rain,40,,1h\n"
        "B,watch,rain,25,,30min\n"
        "B,alarm,gauge_depth,0.05,channel,\n"
    )
    (d / "plan.csv").write_text(
        "zone,level,action,responsible,lead_time\n"
        "A,watch,Warn <residents> & farms,mayor,10min\n"
        "B,alarm,Close the ford,roads,1h\n"
    )
    (d / "valley.toml").write_text(
        f"""
[simulation]
duration = "1h"
output_interval = "10min"
gauge_interval = "5min"
start = "2024-06-01T12:00:00Z"

[terrain]
elevation = "dem.tif"
manning = 0.04

[rainfall]
uniform = "rain.csv"

[[boundary]]
side = "south"
type = "open"

[[gauge]]
name = "channel"
x = {X0 + 15.5 * DX}
y = {Y0 - 12.5 * DX}

[output]
path = "out/valley.h5"
flood_threshold = 0.02

[impacts]
zones = "zones.geojson"
levels = "levels.csv"
population = "pop.tif"
buildings = "buildings.geojson"
plan = "plan.csv"
people_depth = 0.03
"""
    )
    run = subprocess.run(
        [CLI, "run", str(d / "valley.toml"), "--threads", "2", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return d, run.stdout


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """The valley run once per test module: (its folder, the run's stdout)."""
    if not CLI:
        pytest.skip("FLOODTWIN_CLI not set")
    return make_case(tmp_path_factory.mktemp("impacts"))
