"""Writes the small scenarios of the MPI identity tests (tests/mpi/CMakeLists.txt).

usage: make_cases.py SOURCE_DIR WORK_DIR

analytic_{1,2}.toml: a dam break on a 1 % plane (48 x 40 cells of 10 m; a 0.5 m column of
water behind x < 150 m), uniform rain, Green-Ampt infiltration, an inflow on the west side,
an open east side, walls north and south, a point source, a cross-section and gauges; first
and second order.
demo_{1,2}.toml: the demo basin coarsened to 360 m cells for the first hour of its storm (gauge
rain, Green-Ampt on a less permeable soil), open sides but a wall on the north side; first and
second order.
{analytic,demo}_3.toml: first order with local time steps (the analytic case without rain).
demo_impacts.toml: demo_1 with the demo's [impacts].
"""

import os
import re
import sys

import numpy as np
from osgeo import gdal, osr

src, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)

# --- analytic -------------------------------------------------------------------------------
nx, ny, dx = 48, 40, 10.0
x0, y0 = 500000.0, 4000000.0
x = (np.arange(nx) + 0.5) * dx
z = np.tile(10.0 - 0.01 * x, (ny, 1))
depth = np.where(x < 150.0, 0.5, 0.0)
depth = np.tile(depth, (ny, 1))
srs = osr.SpatialReference()
srs.ImportFromEPSG(32611)
for name, values in (("plane.tif", z), ("dam.tif", depth)):
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(work, name), nx, ny, 1, gdal.GDT_Float64)
    ds.SetGeoTransform((x0, dx, 0.0, y0, 0.0, -dx))
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(values)
    ds = None
with open(os.path.join(work, "hyetograph.csv"), "w") as f:
    f.write("time,value\n0,0\n300,40\n600,80\n900,20\n1200,0\n")

analytic = f"""[simulation]
duration = "10min"
output_interval = "2min"
gauge_interval = "30s"
scheme = "SCHEME"
cfl = 0.5
start = "2024-01-01T00:00:00Z"

[terrain]
elevation = "plane.tif"
manning = 0.03
initial_depth = "dam.tif"

[rainfall]
uniform = "hyetograph.csv"
units = "mm/h"
after_end = "zero"

[infiltration]
model = "green-ampt"
ks = 2.0e-6
psi = 0.09
dtheta = 0.2

[[boundary]]
side = "west"
type = "discharge"
value = 2.0

[[boundary]]
side = "east"
type = "open"

[[point_source]]
name = "culvert"
x = {x0 + 245.0}
y = {y0 - 205.0}
value = 0.5

[[gauge]]
name = "upstream"
x = {x0 + 105.0}
y = {y0 - 195.0}
warning_depth = 0.3

[[gauge]]
name = "downstream"
x = {x0 + 405.0}
y = {y0 - 355.0}

[[cross_section]]
name = "middle"
line = [[{x0 + 250.0}, {y0 + 1.0}], [{x0 + 250.0}, {y0 - 401.0}]]

[output]
path = "OUT"
flood_threshold = 0.05
"""
# --- the demo, coarse and short -------------------------------------------------------------
demo_dir = os.path.join(src, "scenarios", "demo")
text = open(os.path.join(demo_dir, "demo.toml")).read()
impacts = "[impacts]" + text.split("[impacts]")[1].replace('"impacts/', f'"{demo_dir}/impacts/')
text = text.split("[impacts]")[0]
text = text.replace('"srtm_', f'"{demo_dir}/srtm_')
text = text.replace('"stations.csv"', f'"{demo_dir}/stations.csv"')
text = text.replace('"rain.csv"', f'"{demo_dir}/rain.csv"')
text = re.sub(r"(?m)^cell_size = 90\b", "cell_size = 360", text)
text = re.sub(r'(?m)^duration = "[^"]*"', 'duration = "60min"', text)
text = re.sub(r'(?m)^output_interval = "[^"]*"', 'output_interval = "10min"', text)
text = re.sub(r'(?m)^scheme = "[^"]*"', 'scheme = "SCHEME"', text)
text = re.sub(r"(?m)^cfl = .*$", "cfl = 0.5", text)
text = re.sub(r"(?m)^(local_levels|max_dt) = .*\n", "", text)  # _3 sets its own
text = re.sub(r"(?m)^ks = [0-9.e+-]+", "ks = 1.0e-8", text)  # less infiltration: runoff
text = text.replace('side = "north"\ntype = "open"', 'side = "north"\ntype = "wall"')
text = re.sub(r'(?m)^path = "[^"]*"', 'path = "OUT"', text)
assert 'type = "wall"' in text and "cell_size = 360" in text and "SCHEME" in text, text
assert 'duration = "60min"' in text and "cfl = 0.5" in text and 'path = "OUT"' in text, text
assert "ks = 1.0e-8" in text and "local_levels" not in text, text

# _3: first order with local time steps; the analytic case without its rain, so that most
# of the plane is dry and the cycles visit only the cells near water, the inflow and the source.
local = {
    "analytic": (
        "local_levels = 3\n",
        analytic.split("[rainfall]")[0] + "[infiltration]" + analytic.split("[infiltration]")[1],
    ),
    "demo": ('local_levels = 4\nmax_dt = "60s"\n', text),
}
for case, body in (("analytic", analytic), ("demo", text)):
    for order, scheme in (("1", "first-order"), ("2", "second-order"), ("3", "first-order")):
        if order == "3":
            extra, body = local[case]
            body = body.replace('scheme = "SCHEME"\n', 'scheme = "SCHEME"\n' + extra)
            assert "local_levels" in body, body
        out = os.path.join(work, f"{case}_{order}.toml")
        with open(out, "w") as f:
            f.write(body.replace("SCHEME", scheme).replace("OUT", f"{case}_{order}.h5"))
# The coarse demo (first order) with the demo's [impacts]: rank 0 writes them under mpirun.
with open(os.path.join(work, "demo_impacts.toml"), "w") as f:
    body = text.replace("SCHEME", "first-order").replace("OUT", "impacts/demo.h5")
    f.write(body + "\n" + impacts)
