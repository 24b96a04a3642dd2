#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the main job: a forecast of the
# bundled demo basin (Big Tujunga Creek, scenarios/demo/demo.toml), then the products an
# emergency team looks at: a peak-depth map (PNG), a hazard map and a ParaView series; then a
# day of forecast cycles of the demo basin twin (scenarios/demo-twin, docs/twin.md).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
ft=./build/release/cli/floodtwin
results=scenarios/demo/results
"$ft" run scenarios/demo/demo.toml "$@"
# Maps are drawn by VTK through X: a virtual display (xvfb-run) on a machine without one.
xvfb-run -a "$ft" render "$results/demo.nc" --time max --out "$results/max_depth.png"
xvfb-run -a "$ft" render "$results/demo.nc" --time max --field hazard --out "$results/hazard.png"
"$ft" vtk "$results/demo.nc" "$results/vtk"
# The offline web viewer (docs/web.md): open $results/web/index.html in any browser.
"$ft" web "$results/demo.nc" "$results/web" --layer scenarios/demo/impacts/roads.geojson
# The basin twin: a day of 6-hourly forecast cycles, each warm-started from the last one's state.
scenarios/demo-twin/run-cycles.sh "$ft"
echo "demo: results $results/demo.nc, maps $results/max_depth.png and $results/hazard.png," \
  "ParaView $results/vtk/flood.pvd, web viewer $results/web/index.html (open it in a browser), impacts $results/demo_impacts/report.html;" \
  "forecast cycles in scenarios/demo-twin/cycles/ (cycle.json, forecast.h5, gauges.nc)"
