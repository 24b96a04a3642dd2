#!/usr/bin/env bash
# Runs floodtwin-bench over orders, thread counts and grid sizes and prints one line per run.
# usage: bench/run-bench.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
build=${1:-build/release}
bench="$build/bench/floodtwin-bench"
[ -x "$bench" ] || { echo "run-bench: $bench not built (cmake --build --preset release)"; exit 2; }
export OMP_PROC_BIND=close OMP_WAIT_POLICY=active
for order in 1 2; do
  for threads in 1 2; do
    "$bench" --nx 2000 --ny 2000 --order "$order" --threads "$threads" --steps 40
  done
  for n in 500 1000 4000; do
    "$bench" --nx "$n" --ny "$n" --order "$order" --threads 2 --steps $((40 * 2000 * 2000 / (n * n) > 400 ? 400 : 40 * 2000 * 2000 / (n * n)))
  done
done
