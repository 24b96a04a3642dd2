#!/usr/bin/python3
"""Writes the SYNTHETIC impacts inputs of the demo basin (zones, population, buildings, roads,
levels, plan) into this folder. Run it again after changing it; the outputs are committed.

Nothing here is real: the zones are polygons drawn around reaches of Big Tujunga Creek that the
demo storm floods, and the people, buildings and roads are made up (seeded random numbers).
Zones, buildings and roads are written in WGS 84 (GeoJSON), the population at 100 m cells in
UTM 11N, so that a run reprojects and resamples them onto the 90 m model grid.
"""
import json
import os

import numpy as np
from osgeo import gdal, osr

HERE = os.path.dirname(os.path.abspath(__file__))
UTM = 32611

# id, name, centre (UTM 11N metres), half-width x, half-height y [m]
# Z1-Z3 are centred on the demo's forecast points (lower creek, middle creek, outlet).
ZONES = [
    ("Z1", "Lower Tujunga (village)", (394089, 3797073), 1300, 900),
    ("Z2", "Middle Creek (hamlet)", (398949, 3796983), 1300, 900),
    ("Z3", "Outlet (camp ground)", (390489, 3795183), 700, 600),
    ("Z4", "Upper basin (ranger station)", (402549, 3798063), 1000, 800),
]


def to_wgs84():
    src = osr.SpatialReference()
    src.ImportFromEPSG(UTM)
    dst = osr.SpatialReference()
    dst.ImportFromEPSG(4326)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)

    def f(x, y):
        lon, lat, _ = ct.TransformPoint(float(x), float(y))
        return [round(lon, 7), round(lat, 7)]

    return f


def octagon(cx, cy, hx, hy):
    pts = []
    for k in range(8):
        a = np.pi / 8 + k * np.pi / 4
        pts.append(
            (cx + hx * np.cos(a) / np.cos(np.pi / 8), cy + hy * np.sin(a) / np.cos(np.pi / 8))
        )
    pts.append(pts[0])
    return pts


def write_geojson(name, features):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, indent=None)
        f.write("\n")


def main():
    rng = np.random.default_rng(20240101)
    ll = to_wgs84()

    # Zones.
    zones = []
    for zid, name, (cx, cy), hx, hy in ZONES:
        ring = [ll(x, y) for x, y in octagon(cx, cy, hx, hy)]
        zones.append(
            {
                "type": "Feature",
                "properties": {"id": zid, "name": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    write_geojson("zones.geojson", zones)

    # Population: 100 m cells over the zones' box, people in the zones' inner parts.
    x0, x1, y0, y1 = 388000, 405000, 3793000, 3800000
    cell = 100.0
    nx, ny = int((x1 - x0) / cell), int((y1 - y0) / cell)
    pop = np.zeros((ny, nx), dtype=np.float32)
    xc = x0 + (np.arange(nx) + 0.5) * cell
    yc = y1 - (np.arange(ny) + 0.5) * cell
    X, Y = np.meshgrid(xc, yc)
    dem = gdal.Open(os.path.join(HERE, "..", "srtm_bigtujunga30m_utm11.tif"))
    gt = dem.GetGeoTransform()
    z = dem.GetRasterBand(1).ReadAsArray().astype(float)

    def elevation(x, y):
        i = np.clip(((x - gt[0]) / gt[1]).astype(int), 0, z.shape[1] - 1)
        j = np.clip(((y - gt[3]) / gt[5]).astype(int), 0, z.shape[0] - 1)
        return z[j, i]

    E = elevation(X, Y)
    floors = {}  # per zone: the valley floor (lowest 12 % of its box), where people live
    for zid, _, (cx, cy), hx, hy in ZONES:
        inside = (np.abs(X - cx) < 0.8 * hx) & (np.abs(Y - cy) < 0.8 * hy)
        low = inside & (E <= np.percentile(E[inside], 12))
        pop[inside] = rng.gamma(1.0, 0.5, size=int(inside.sum())).astype(np.float32)
        pop[low] = rng.gamma(2.0, 6.0, size=int(low.sum())).astype(np.float32)
        floors[zid] = np.column_stack([X[low], Y[low]])
    drv = gdal.GetDriverByName("GTiff")
    path = os.path.join(HERE, "population.tif")
    ds = drv.Create(path, nx, ny, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE", "PREDICTOR=3"])
    ds.SetGeoTransform((x0, cell, 0, y1, 0, -cell))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(UTM)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(pop)
    ds.GetRasterBand(1).SetNoDataValue(-1)
    ds = None

    # Buildings: points in each zone (and a few footprints), values in EUR.
    occupancies = ["residential"] * 8 + ["commercial"] * 1 + ["industrial"] * 1
    buildings = []
    for zid, _, (cx, cy), hx, hy in ZONES:
        for k in range(60):
            if k % 3 == 0:  # a third on the slopes, the rest on the valley floor
                x = cx + rng.uniform(-0.8, 0.8) * hx
                y = cy + rng.uniform(-0.8, 0.8) * hy
            else:
                x, y = floors[zid][int(rng.integers(len(floors[zid])))] + rng.uniform(-40, 40, 2)
            occ = occupancies[int(rng.integers(len(occupancies)))]
            props = {
                "occupancy": occ,
                "value": float(round(rng.uniform(1.5e5, 4.5e5), -3)),
                "floor_height": float(round(rng.choice([0.1, 0.2, 0.3, 0.5]), 2)),
            }
            if k < 5:  # a footprint of about 20 m x 15 m
                ring = [
                    ll(x + dx, y + dy)
                    for dx, dy in [(-10, -8), (10, -8), (10, 8), (-10, 8), (-10, -8)]
                ]
                geom = {"type": "Polygon", "coordinates": [ring]}
            else:
                geom = {"type": "Point", "coordinates": ll(x, y)}
            buildings.append({"type": "Feature", "properties": props, "geometry": geom})
    write_geojson("buildings.geojson", buildings)

    # Roads: a valley road from the outlet up the creek, and a side road.
    valley = [
        (389800, 3794800),
        (390489, 3795183),
        (392000, 3796100),
        (394089, 3797000),
        (396500, 3797150),
        (398949, 3796900),
        (401200, 3796900),
        (402549, 3798000),
    ]
    side = [(398949, 3796900), (399300, 3795400), (399800, 3794000)]
    roads = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "LineString", "coordinates": [ll(x, y) for x, y in line]},
        }
        for name, line in [("valley road", valley), ("side road", side)]
    ]
    write_geojson("roads.geojson", roads)

    with open(os.path.join(HERE, "levels.csv"), "w") as f:
        f.write(
            "zone,level,indicator,value,gauge,duration\n"
            "Z1,prepare,rain,20,,3h\n"
            "Z1,prepare,gauge_depth,1.5,lower creek,\n"
            "Z1,evacuate,gauge_depth,2.5,lower creek,\n"
            "Z2,prepare,rain,25,,3h\n"
            "Z2,evacuate,gauge_depth,1.0,middle creek,\n"
            "Z3,prepare,gauge_depth,0.5,outlet,\n"
            "Z3,evacuate,gauge_depth,1.5,outlet,\n"
            "Z4,prepare,flooded_area,600000,,\n"
            "Z4,evacuate,max_depth,3.0,,\n"
        )
    with open(os.path.join(HERE, "plan.csv"), "w") as f:
        f.write(
            "zone,level,action,responsible,lead_time\n"
            "Z1,prepare,Warn residents by SMS and loudspeaker,municipal civil protection,1h\n"
            "Z1,prepare,Open the school as a shelter,school district,30min\n"
            "Z1,evacuate,Evacuate the creek-side streets,fire brigade,1h\n"
            "Z1,evacuate,Close the valley road at the bridge,road authority,30min\n"
            "Z2,prepare,Warn the hamlet,municipal civil protection,1h\n"
            "Z2,evacuate,Evacuate the hamlet,fire brigade,1h\n"
            "Z3,prepare,Clear the camp ground,park rangers,2h\n"
            "Z3,evacuate,Evacuate the camp ground,park rangers,1h\n"
            "Z4,prepare,Alert the ranger station,park rangers,30min\n"
        )


if __name__ == "__main__":
    main()
