#!/usr/bin/env bash
# Runs the demo twin through a day of forecast cycles (every 6 hours), each continuing from
# the state the previous one left: ./scenarios/demo-twin/run-cycles.sh [floodtwin binary]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ft="${1:-$here/../../build/release/cli/floodtwin}"
for t0 in 2024-01-01T06:00:00Z 2024-01-01T12:00:00Z 2024-01-01T18:00:00Z; do
  "$ft" forecast "$here/twin.toml" --at "$t0" --lead 6h --quiet
done
echo "demo twin: cycles in $here/cycles, warm states in $here/states"
