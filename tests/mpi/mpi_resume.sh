#!/usr/bin/env bash
# Checkpoints across process counts (the analytic case in second order, the coarse demo with
# local time steps, whose state includes the levels its cycles try): a checkpoint written by
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
for spec in analytic_2:4min:240 demo_3:20min:1200; do
  IFS=: read -r case every at <<< "$spec"
  ckpt=$(printf "checkpoint_t%010d.000s.h5" "$at")
  rm -rf one two three && mkdir -p one two three
  OMP_NUM_THREADS=2 "$ft" run "$case.toml" --quiet --output one/a.h5 --checkpoint-every "$every" \
    > out.txt 2> err.txt || fail "$case: the one-process run failed"
  [ -f "one/a.$ckpt" ] || fail "$case: no one-process checkpoint at $at s: $(ls one)"

  # 2 processes write it, 3 resume it.
  OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" run "$case.toml" --quiet \
    --output two/a.h5 --checkpoint-every "$every" > out.txt 2> err.txt \
    || fail "$case: mpirun -np 2 failed"
  /usr/bin/python3 "$compare" "one/a.$ckpt" "two/a.$ckpt" > cmp.txt 2>&1 \
    || { cat cmp.txt; fail "$case: the 2-process checkpoint differs from the one-process one"; }
  echo "$case: checkpoint of 2 processes = checkpoint of 1: $(cat cmp.txt)"
  OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run "$case.toml" --quiet \
    --output two/a.h5 --resume "two/a.$ckpt" > out.txt 2> err.txt \
    || fail "$case: resume 2 -> 3 failed"
  grep -q "resumed" out.txt || fail "$case: the 2 -> 3 resume did not say it resumed"
  /usr/bin/python3 "$compare" one/a.h5 two/a.h5 > cmp.txt 2>&1 \
    || { cat cmp.txt; fail "$case: 2 -> 3 resumed results differ from the uninterrupted run"; }
  echo "$case: written by 2, resumed on 3: $(cat cmp.txt)"

  # 3 processes write it, 1 resumes it (without mpirun).
  OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run "$case.toml" --quiet \
    --output three/a.h5 --checkpoint-every "$every" > out.txt 2> err.txt \
    || fail "$case: mpirun -np 3 failed"
  OMP_NUM_THREADS=2 "$ft" run "$case.toml" --quiet --output three/a.h5 \
    --resume "three/a.$ckpt" > out.txt 2> err.txt || fail "$case: resume 3 -> 1 failed"
  /usr/bin/python3 "$compare" one/a.h5 three/a.h5 > cmp.txt 2>&1 \
    || { cat cmp.txt; fail "$case: 3 -> 1 resumed results differ from the uninterrupted run"; }
  echo "$case: written by 3, resumed on 1: $(cat cmp.txt)"
done
echo "OK"
