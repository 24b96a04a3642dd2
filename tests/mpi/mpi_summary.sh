#!/usr/bin/env bash
# driver::run under mpirun -np 2 and 3: every progress report (flooded cells and mass-balance
# error, each report of the 20-step rhythm) and the run summary (every mass-balance term, steps,
# peak depth, flooded area) printed with 17 digits equal those of one process, first and second
# order (Simulation::wet_cells and mass_balance under a decomposition, docs/mpi.md).
# usage: mpi_summary.sh RUN_SUMMARY MPIRUN SOURCE_DIR WORK_DIR
set -u
prog=$1 mpirun=$2 src=$3 work=$4
fail() { echo "FAIL: $*"; tail -20 "$work/err.txt" 2>/dev/null; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
/usr/bin/python3 "$src/tests/mpi/make_cases.py" "$src" "$work" || fail "could not write the cases"
for order in 1 2; do
  for np in 1 2 3; do
    OMP_NUM_THREADS=1 "$mpirun" -np "$np" --oversubscribe "$prog" "analytic_$order.toml" \
      "np${np}_$order.h5" > "np${np}_$order.txt" 2> err.txt \
      || fail "order $order: mpirun -np $np failed"
  done
  reports=$(grep -c '^progress ' "np1_$order.txt")
  [ "$reports" -gt 10 ] || fail "order $order: only $reports progress reports"
  grep -q '^balance ' "np1_$order.txt" || fail "order $order: no summary"
  for np in 2 3; do
    cmp "np1_$order.txt" "np${np}_$order.txt" > /dev/null \
      || { diff "np1_$order.txt" "np${np}_$order.txt" | head; fail "order $order: -np $np differs"; }
  done
  echo "order $order: $reports progress reports and the summary of 2 and 3 processes = 1 process"
done
# The comparison can fail: first and second order differ.
cmp np1_1.txt np1_2.txt > /dev/null && fail "first and second order print the same numbers"
echo "OK"
