#!/usr/bin/env bash
# Ensembles and forecast cycles under mpirun (docs/mpi.md):
# - `floodtwin ensemble` with the members shared among 2 and 3 processes (--concurrent 2 within
#   a process on 3) writes the ensemble file bitwise equal to one process's;
# - `floodtwin ensemble --member K` with the member's rows split over 2 processes writes the
#   results file of the member run alone, and it is member K of the ensemble;
# - `floodtwin forecast` (a cycle with an [ensemble] of its forecast leg) on 2 processes
#   publishes the files and the state of a one-process cycle, bitwise (rank 0 writes).
# usage: mpi_ensemble.sh FLOODTWIN MPIRUN SOURCE_DIR WORK_DIR
set -u
ft=$1 mpirun=$2 src=$3 work=$4
compare=$src/tests/mpi/compare_results.py
fail() { echo "FAIL: $*"; tail -20 "$work/err.txt" 2>/dev/null; exit 1; }
same() {  # same A B WHAT: bitwise equal (but the run's own attributes)
  /usr/bin/python3 "$compare" "$1" "$2" > cmp.txt 2>&1 || { cat cmp.txt; fail "$3"; }
  echo "$3: $(cat cmp.txt)"
}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
/usr/bin/python3 "$src/tests/mpi/make_ensemble_cases.py" "$src" "$work" > out.txt 2> err.txt \
  || fail "could not write the cases"

# --- an ensemble: members shared among processes ------------------------------------------
OMP_NUM_THREADS=2 "$ft" ensemble ensemble.toml --output ref.h5 > out.txt 2> err.txt \
  || fail "the ensemble without mpirun failed"
OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" ensemble ensemble.toml --output np2.h5 \
  > out.txt 2> err.txt || fail "the ensemble on 2 processes failed"
grep -q "5 members in .* on each of 2 MPI processes" out.txt || fail "no summary on rank 0"
same ref.h5 np2.h5 "ensemble, 2 processes = 1 process"
OMP_NUM_THREADS=2 "$mpirun" -np 3 --oversubscribe "$ft" ensemble ensemble.toml --output np3.h5 \
  --concurrent 2 > out.txt 2> err.txt || fail "the ensemble on 3 processes failed"
same ref.h5 np3.h5 "ensemble, 3 processes x 2 members at once = 1 process"
ls ./*.members* > /dev/null 2>&1 && fail "scratch folders left behind: $(ls -d ./*.members*)"
ls ./*.lock > /dev/null 2>&1 && fail "lock files left behind"
# The members do differ (the products are not those of one member repeated): the lowest
# quantile of the maximum depth lies below the highest somewhere, and two members' gauges
# differ. (Whether a threshold falls between members depends on the scheme's details.)
/usr/bin/python3 -c "
import sys, h5py, numpy as np
f = h5py.File('ref.h5', 'r')
q, g = f['max_depth_quantile'][...], f['gauge_depth'][...]
sys.exit(0 if np.any(q[0] < q[-1]) and not np.array_equal(g[0], g[1]) else 1)" \
  || fail "the members do not differ"

# --- one member, its rows split over processes ---------------------------------------------
OMP_NUM_THREADS=2 "$ft" ensemble ensemble.toml --member 3 --output m3.h5 > out.txt 2> err.txt \
  || fail "member 3 alone failed"
OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" ensemble ensemble.toml --member 3 \
  --output m3_np2.h5 > out.txt 2> err.txt || fail "member 3 on 2 processes failed"
grep -q "member 3 written to m3_np2.h5" out.txt || fail "no member summary on rank 0"
grep -q "mpi: 2 processes, rank 0 computed rows 0 to" out.txt || fail "member 3 was not split"
same m3.h5 m3_np2.h5 "member 3, 2 processes = alone"
/usr/bin/python3 -c "
import sys, h5py, numpy as np
m = h5py.File('m3_np2.h5', 'r')
e = h5py.File('ref.h5', 'r')
ok = np.array_equal(m['gauge_depth'][...], e['gauge_depth'][3], equal_nan=True)
sys.exit(0 if ok else 1)" || fail "member 3 on 2 processes is not member 3 of the ensemble"

# --- a forecast cycle (deterministic legs split by rows, ensemble members shared) ----------
# The same twin folder (its paths are recorded), the one-process cycle and state moved aside.
at=2024-05-01T02:00:00Z c=twin/cycles/20240501T0200Z
OMP_NUM_THREADS=2 "$ft" forecast twin/twin.toml --at $at --lead 1h > out.txt 2> err.txt \
  || fail "the cycle without mpirun failed"
mv "$c" one && mv twin/states one_states || fail "cannot move the cycle aside"
OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" forecast twin/twin.toml --at $at \
  --lead 1h > out.txt 2> err.txt || fail "the cycle on 2 processes failed"
grep -q "ensemble: 3 members" out.txt || fail "no cycle summary on rank 0"
grep -q "COLD START" err.txt || fail "the cycle on 2 processes did not start as the first did"
grep -q "mpi: 2 processes, rank 0 computes rows 0 to" err.txt || fail "the cycle was not split"
[ "$(cd one && ls)" = "$(cd $c && ls)" ] || fail "other files: $(ls one) / $(ls $c)"
for f in analysis.h5 forecast.h5 ensemble.h5 gauges.nc; do
  [ -f "one/$f" ] || fail "the cycle has no $f"
  same "one/$f" "$c/$f" "cycle $f, 2 processes = 1 process"
done
cmp one/warnings.csv "$c/warnings.csv" || fail "cycle warnings.csv differs"
same one_states/*.state.h5 twin/states/*.state.h5 "cycle state at T0, 2 processes = 1 process"
[ "$(ls -A twin/cycles | grep -v '^\.forecast\.lock$' | grep -c '^\.')" = 0 ] \
  || fail "work folders left behind: $(ls -A twin/cycles)"
echo "OK"
