#!/usr/bin/env bash
# Progress and interrupts under mpirun (second order, the analytic case at a small cfl, a few
# thousand steps):
# - the progress lines of `mpirun -np 3` (reported every 20 steps: --progress-every 0) name the
#   wet cells and mass balance of the whole grid: equal, step by step, to one process's;
# - SIGTERM to one rank, or SIGUSR1 to mpirun (which forwards it), stops every process at the
#   same step, without a hang or an MPI_Abort; mpirun exits 130, no process is left, rank 0
#   wrote a checkpoint, the results file stays a `.partial` (as a single-process run leaves
#   it); the checkpoint resumed on 3 processes gives results bitwise equal to the uninterrupted
#   one-process run.
# usage: mpi_signal.sh FLOODTWIN MPIRUN SOURCE_DIR WORK_DIR
set -u
ft=$1 mpirun=$2 src=$3 work=$4
compare=$src/tests/mpi/compare_results.py
fail() { echo "FAIL: $*"; tail -20 "$work/err.txt" 2>/dev/null; exit 1; }
rm -rf "$work" && mkdir -p "$work"/{one,two,three,four} && cd "$work" || exit 1
/usr/bin/python3 "$src/tests/mpi/make_cases.py" "$src" "$work" || fail "could not write the cases"
sed -e 's/^cfl = 0.5$/cfl = 0.1/' -e 's/^duration = "10min"$/duration = "4min"/' analytic_2.toml \
  > slow.toml
grep -q '^duration = "4min"$' slow.toml || fail "could not write slow.toml"
grep -q '^cfl = 0.1$' slow.toml || fail "could not write slow.toml"
# The numbers a progress line reports (steps, time, flooded cells, mass balance), not wall times.
numbers() { sed -n 's/^t = \([^ ]*\) .* steps \([0-9]*\) .* flooded cells (> [^)]*) \([0-9]*\)  mass balance \(.*\)$/\2 \1 \3 \4/p' "$1"; }

OMP_NUM_THREADS=2 "$ft" run slow.toml --progress-every 0 --output one/a.h5 > out.txt \
  2> one/err.txt || fail "the one-process run failed"
OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run slow.toml --progress-every 0 \
  --output three/a.h5 > out.txt 2> three/err.txt || fail "mpirun -np 3 failed"
numbers one/err.txt > one/progress.txt
numbers three/err.txt > three/progress.txt
lines=$(wc -l < one/progress.txt)
[ "$lines" -gt 20 ] || fail "only $lines progress lines of one process"
cmp one/progress.txt three/progress.txt > /dev/null \
  || { diff one/progress.txt three/progress.txt | head; fail "progress of 3 processes differs"; }
echo "progress: $lines lines, 3 processes = 1 process (steps, time, flooded cells, balance)"

# Starts `mpirun -np 2` on slow.toml writing into $1/, and waits until it has stepped.
start_run() {
  OMP_NUM_THREADS=1 "$mpirun" -np 2 --oversubscribe "$ft" run slow.toml --progress-every 0 \
    --output "$1/a.h5" > out.txt 2> err.txt &
  pid=$!
  for _ in $(seq 3000); do  # 1296 steps in all: signalled soon after the 100th
    grep -q ' steps [1-9][0-9][0-9]' err.txt && return
    sleep 0.02
  done
  kill -9 $pid
  fail "the run did not start stepping"
}
# Waits for mpirun to end (60 s at most) and checks that the run stopped cleanly in $1/.
stopped_cleanly() {
  for _ in $(seq 600); do kill -0 $pid 2> /dev/null || break; sleep 0.1; done
  if kill -0 $pid 2> /dev/null; then kill -9 $pid; fail "mpirun still running 60 s after the signal"; fi
  wait $pid
  rc=$?
  sleep 0.5
  pgrep -f "output $1/" > /dev/null && fail "a floodtwin process is left"
  grep -q "MPI_ABORT" err.txt && fail "the interrupt ended in MPI_Abort"
  grep -q "interrupted at t = " err.txt || fail "no 'interrupted' message"
  [ -e "$1/a.h5" ] && fail "an interrupted run wrote the results file"
  [ -f "$1/a.h5.partial" ] || fail "no .partial results left aside: $(ls "$1")"
  ckpt=$(ls "$1"/a.checkpoint_t*.h5 2> /dev/null | tail -1)
  [ -n "$ckpt" ] || fail "no checkpoint: $(ls "$1")"
}

# SIGTERM to one process (rank 1, as `kill` or a batch system's signal to the ranks): every
# process stops at the same step, mpirun passes on the exit status 130.
start_run "$work/two"
rank1=$(pgrep -P $pid | tail -1)
[ -n "$rank1" ] || fail "no floodtwin process under mpirun"
kill -TERM "$rank1"
stopped_cleanly "$work/two"
[ "$rc" -eq 130 ] || fail "mpirun exited $rc after SIGTERM to a rank, not 130"
echo "SIGTERM to rank 1: $(grep -o 'interrupted at t = [^;]*' err.txt), exit 130, $ckpt"
OMP_NUM_THREADS=1 "$mpirun" -np 3 --oversubscribe "$ft" run slow.toml --quiet --output two/a.h5 \
  --resume "$ckpt" > out.txt 2> err.txt || fail "resume on 3 processes failed"
/usr/bin/python3 "$compare" one/a.h5 two/a.h5 > cmp.txt 2>&1 \
  || { cat cmp.txt; fail "interrupted on 2 and resumed on 3 differs from one process"; }
echo "interrupted on 2, resumed on 3: $(cat cmp.txt)"

# SIGUSR1 to mpirun, which forwards it to every process (SIGINT/SIGTERM it turns into SIGTERM
# and SIGKILL 1 s later): the same clean stop, exit status 130.
start_run "$work/four"
kill -USR1 $pid
stopped_cleanly "$work/four"
[ "$rc" -eq 130 ] || fail "mpirun exited $rc after SIGUSR1, not 130"
echo "SIGUSR1 to mpirun: $(grep -o 'interrupted at t = [^;]*' err.txt), exit 130, $ckpt"
echo "OK"
