#!/usr/bin/env bash
# `floodtwin run` under `mpirun -np 1, 2, 3, 4 --oversubscribe` writes results files bitwise
# equal to a run without mpirun (every dataset: snapshots, peak maps, gauges, cross-section and
# boundary series, mass balance), first and second order, with threads mixed in; and the
# comparison does tell two different runs apart. Then the clear refusal of a command other than
# `run` under mpirun.
# usage: mpi_identity.sh FLOODTWIN MPIRUN SOURCE_DIR WORK_DIR CASE   (CASE: analytic | demo)
set -u
ft=$1 mpirun=$2 src=$3 work=$4 case=$5
compare=$src/tests/mpi/compare_results.py
fail() { echo "FAIL: $*"; cat "$work/err.txt" 2>/dev/null | tail -20; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
# The analytic cases' grids are small: their loops on all threads all the same (by default a
# loop takes another thread only for 1024 more cells), so that threads are mixed in.
export FLOODTWIN_MIN_CELLS_PER_THREAD=0
/usr/bin/python3 "$src/tests/mpi/make_cases.py" "$src" "$work" || fail "could not write the cases"
for order in 1 2 3; do
  OMP_NUM_THREADS=2 "$ft" run "${case}_$order.toml" --quiet --output "ref_$order.h5" \
    > out.txt 2> err.txt || fail "$case order $order: the run without mpirun failed"
  for np in 1 2 3 4; do
    threads=$((np % 2 + 1))
    OMP_NUM_THREADS=$threads "$mpirun" -np "$np" --oversubscribe "$ft" run "${case}_$order.toml" \
      --quiet --output "np${np}_$order.h5" > out.txt 2> err.txt \
      || fail "$case order $order: mpirun -np $np failed"
    /usr/bin/python3 "$compare" "ref_$order.h5" "np${np}_$order.h5" > cmp.txt 2>&1 \
      || { cat cmp.txt; fail "$case order $order: -np $np x $threads threads differs"; }
    echo "$case order $order, $np processes x $threads threads: $(cat cmp.txt)"
  done
done
# The cases do flood (the comparisons are not of empty maps).
/usr/bin/python3 -c "
import sys, h5py, numpy as np
d = h5py.File('ref_2.h5', 'r')['max_depth'][...]
sys.exit(0 if np.nanmax(d) > 0.01 else 1)" || fail "$case: no cell deeper than 1 cm"
# The comparison can fail: first and second order differ.
if /usr/bin/python3 "$compare" ref_1.h5 ref_2.h5 > cmp.txt 2>&1; then
  fail "the comparison found first and second order equal"
fi
grep -q "values differ" cmp.txt || fail "the comparison did not name differing values"

# [impacts] under mpirun: rank 0 computes them from the results it wrote, the same tables as
# without mpirun (the CAP alerts and the GeoPackage carry the time they were written).
if [ "$case" = demo ]; then
  OMP_NUM_THREADS=2 "$ft" run demo_impacts.toml --quiet --output one/demo.h5 > out.txt 2> err.txt \
    || fail "demo with [impacts]: the run without mpirun failed"
  OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" run demo_impacts.toml --quiet \
    --output two/demo.h5 > out.txt 2> err.txt || fail "demo with [impacts]: mpirun -np 2 failed"
  for f in zones.csv totals.csv actions.csv levels.csv; do
    [ -s "two/demo_impacts/$f" ] || fail "mpirun -np 2 wrote no demo_impacts/$f"
    cmp "one/demo_impacts/$f" "two/demo_impacts/$f" || fail "demo_impacts/$f differs under mpirun"
  done
  [ "$(ls one/demo_impacts/alerts 2>&1)" = "$(ls two/demo_impacts/alerts 2>&1)" ] \
    || fail "mpirun -np 2 wrote other CAP alerts"
  echo "demo with [impacts], 2 processes: zones, totals, actions and levels equal"
fi

# [output] vtk under mpirun: rank 0 writes the ParaView series from the gathered state and
# maps, the files a run without mpirun writes.
if [ "$case" = analytic ]; then
  for d in one two; do
    sed "s|^\[output\]|[output]\nvtk = \"vtk_$d\"|" analytic_1.toml > "vtk_$d.toml"
  done
  OMP_NUM_THREADS=2 "$ft" run vtk_one.toml --quiet --output vtk_one.h5 > out.txt 2> err.txt \
    || fail "[output] vtk: the run without mpirun failed"
  OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run vtk_two.toml --quiet \
    --output vtk_two.h5 > out.txt 2> err.txt || fail "[output] vtk: mpirun -np 3 failed"
  [ "$(ls vtk_one | wc -l)" -gt 3 ] || fail "[output] vtk: the run wrote $(ls vtk_one | wc -l) files"
  diff -r vtk_one vtk_two > cmp.txt 2>&1 || { head -5 cmp.txt; fail "[output] vtk differs under mpirun"; }
  echo "[output] vtk, 3 processes: $(ls vtk_one | wc -l) files equal to one process's"
fi

# Only `run` runs decomposed; another command under mpirun is refused with a message.
"$mpirun" -np 2 --oversubscribe "$ft" info "ref_1.h5" > out.txt 2> err.txt \
  && fail "floodtwin info under mpirun -np 2 succeeded"
grep -q "run on several MPI processes" err.txt \
  || fail "no clear message for info under mpirun"
echo "OK"
