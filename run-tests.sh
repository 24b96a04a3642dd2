#!/usr/bin/env bash
# Builds floodtwin twice (optimised with warnings as errors and MPI, and with AddressSanitizer +
# UndefinedBehaviorSanitizer and -DFLOODTWIN_MPI=OFF, so both builds are exercised) and runs
# the whole test suite on both builds (the mpi tests exist only in the MPI build); then fuzzes the
# scenario loader and the CSV readers briefly (clang++ and libFuzzer, fuzz/run-fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
export OMP_NUM_THREADS=2
jobs=$(nproc)
for preset in ci asan; do
  echo "=== ${preset}: configure and build"
  cmake --preset "$preset" > /dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== ${preset}: tests"
  ctest --preset "$preset" -j "$jobs"
done
echo "=== fuzz: libFuzzer build and a short run per target"
./fuzz/run-fuzz.sh
