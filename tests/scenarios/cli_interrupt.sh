#!/usr/bin/env bash
# SIGINT during `floodtwin run`: exit code 130, a checkpoint, the earlier results file left
# untouched, a readable .partial file; `--resume` from the checkpoint then completes the run.
# usage: cli_interrupt.sh FLOODTWIN SOURCE_DIR WORK_DIR
set -u
ft=$1 src=$2 work=$3
fail() { echo "FAIL: $*"; cat "$work/err.txt" 2>/dev/null; exit 1; }
rm -rf "$work" && mkdir -p "$work/results"
sed -e "s#\"srtm_#\"$src/scenarios/demo/srtm_#" \
    -e "s#\"stations.csv\"#\"$src/scenarios/demo/stations.csv\"#" \
    -e "s#\"rain.csv\"#\"$src/scenarios/demo/rain.csv\"#" \
    -e 's/cell_size = 90/cell_size = 180/' "$src/scenarios/demo/demo.toml" > "$work/demo.toml"
echo "earlier results" > "$work/results/demo.h5"

"$ft" run "$work/demo.toml" --threads 2 --quiet > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$work/results/demo.h5.partial" ] && break
  sleep 0.05
done
[ -f "$work/results/demo.h5.partial" ] || fail "no .partial file appeared"
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted run exited with $rc, expected 130"
grep -q "earlier results" "$work/results/demo.h5" || fail "the earlier results file was replaced"
checkpoint=$(ls "$work"/results/demo.checkpoint_t*.h5 2>/dev/null | tail -n 1)
[ -n "$checkpoint" ] || fail "no checkpoint written on SIGINT"
grep -q -- "--resume" "$work/err.txt" || fail "no resume hint printed"
"$ft" info "$work/results/demo.h5.partial" > "$work/info.txt" || fail "the .partial file is not readable"
grep -q "running" "$work/info.txt" || fail "the .partial file does not say it is unfinished"

"$ft" run "$work/demo.toml" --resume "$checkpoint" --quiet > "$work/out.txt" 2> "$work/err.txt" \
  || fail "resume failed"
"$ft" info "$work/results/demo.h5" | grep -q "complete" || fail "resumed results not complete"
echo "interrupt and resume: ok ($(basename "$checkpoint"))"
