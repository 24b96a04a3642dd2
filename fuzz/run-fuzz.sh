#!/usr/bin/env bash
# Builds the fuzz targets with clang++ and libFuzzer + AddressSanitizer + UndefinedBehavior-
# Sanitizer in build/fuzz (only them and the libraries they test: solver, scenarios, terrain)
# and fuzzes each briefly from its seeds (ctest -R _libfuzzer; FLOODTWIN_FUZZ_RUNS inputs per
# target, default 3000). Inputs that crash are left as crash-* files in build/fuzz/fuzz/.
# Usage: fuzz/run-fuzz.sh [RUNS]   (FLOODTWIN_FUZZ_BUILD: the build folder, default build/fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3000}"
build="${FLOODTWIN_FUZZ_BUILD:-build/fuzz}"
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
  -DFLOODTWIN_SANITIZE=ON -DFLOODTWIN_FUZZ_LIBFUZZER=ON -DFLOODTWIN_FUZZ_RUNS="$runs" \
  -DFLOODTWIN_BUILD_BENCH=OFF -DFLOODTWIN_BUILD_VIZ=OFF > /dev/null
cmake --build "$build" --target fuzz_scenario fuzz_csv -j "$(nproc)"
cd "$build/fuzz"
ctest --test-dir . -R '^fuzz_.*_(replay|libfuzzer)$' --output-on-failure
