#!/usr/bin/env bash
# Checkpoints across process counts (second order, the analytic case): a checkpoint written by
# 2 processes equals (bitwise, every dataset) the one-process checkpoint at the same time, and
# resumes on 3 processes; a checkpoint of 3 processes resumes on 1 (no mpirun); both resumed
# results files equal an uninterrupted one-process run's.
# usage: mpi_resume.sh FLOODTWIN MPIRUN SOURCE_DIR WORK_DIR
set -u
ft=$1 mpirun=$2 src=$3 work=$4
compare=$src/tests/mpi/compare_results.py
fail() { echo "FAIL: $*"; tail -20 "$work/err.txt" 2>/dev/null; exit 1; }
rm -rf "$work" && mkdir -p "$work"/{one,two,three} && cd "$work" || exit 1
/usr/bin/python3 "$src/tests/mpi/make_cases.py" "$src" "$work" || fail "could not write the cases"
ckpt=checkpoint_t0000000240.000s.h5
OMP_NUM_THREADS=2 "$ft" run analytic_2.toml --quiet --output one/a.h5 --checkpoint-every 4min \
  > out.txt 2> err.txt || fail "the one-process run failed"
[ -f "one/a.$ckpt" ] || fail "no one-process checkpoint at 240 s: $(ls one)"

# 2 processes write it, 3 resume it.
OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" run analytic_2.toml --quiet \
  --output two/a.h5 --checkpoint-every 4min > out.txt 2> err.txt || fail "mpirun -np 2 failed"
/usr/bin/python3 "$compare" "one/a.$ckpt" "two/a.$ckpt" > cmp.txt 2>&1 \
  || { cat cmp.txt; fail "the 2-process checkpoint differs from the one-process one"; }
echo "checkpoint of 2 processes = checkpoint of 1: $(cat cmp.txt)"
OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run analytic_2.toml --quiet \
  --output two/a.h5 --resume "two/a.$ckpt" > out.txt 2> err.txt || fail "resume 2 -> 3 failed"
grep -q "resumed" out.txt || fail "the 2 -> 3 resume did not say it resumed"
/usr/bin/python3 "$compare" one/a.h5 two/a.h5 > cmp.txt 2>&1 \
  || { cat cmp.txt; fail "2 -> 3 resumed results differ from the uninterrupted run"; }
echo "written by 2, resumed on 3: $(cat cmp.txt)"

# 3 processes write it, 1 resumes it (without mpirun).
OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run analytic_2.toml --quiet \
  --output three/a.h5 --checkpoint-every 4min > out.txt 2> err.txt || fail "mpirun -np 3 failed"
OMP_NUM_THREADS=2 "$ft" run analytic_2.toml --quiet --output three/a.h5 \
  --resume "three/a.$ckpt" > out.txt 2> err.txt || fail "resume 3 -> 1 failed"
/usr/bin/python3 "$compare" one/a.h5 three/a.h5 > cmp.txt 2>&1 \
  || { cat cmp.txt; fail "3 -> 1 resumed results differ from the uninterrupted run"; }
echo "written by 3, resumed on 1: $(cat cmp.txt)"
echo "OK"
