#!/usr/bin/env bash
# SIGINT during `floodtwin run`: exit code 130, a checkpoint, the earlier results file left
# untouched, a readable .partial file, the VTK peak maps so far; `--resume` from the checkpoint
# then completes the run, and its results file and VTK series hold the whole event: the same
# times and values as an uninterrupted run of the same scenario.
# usage: cli_interrupt.sh FLOODTWIN SOURCE_DIR WORK_DIR
set -u
ft=$1 src=$2 work=$3
fail() { echo "FAIL: $*"; cat "$work/err.txt" 2>/dev/null; exit 1; }
rm -rf "$work" && mkdir -p "$work/results"
# The demo on 180 m cells, the first 2 h of the storm: outputs every 15 min, gauges every 5 min.
sed -e "s#\"srtm_#\"$src/scenarios/demo/srtm_#" \
    -e "s#\"stations.csv\"#\"$src/scenarios/demo/stations.csv\"#" \
    -e "s#\"rain.csv\"#\"$src/scenarios/demo/rain.csv\"#" \
    -e "s#\"impacts/#\"$src/scenarios/demo/impacts/#" \
    -e 's/cell_size = 90/cell_size = 180/' \
    -e 's/^duration = "[^"]*"/duration = "2h"/' "$src/scenarios/demo/demo.toml" > "$work/reference.toml"
sed -e 's#^flood_threshold = 0.1$#flood_threshold = 0.1\nvtk = "vtk"#' "$work/reference.toml" \
  > "$work/demo.toml"
grep -q '^vtk = "vtk"' "$work/demo.toml" || fail "could not enable [output] vtk in the copy"
echo "earlier results" > "$work/results/demo.nc"

# Interrupt after the second periodic checkpoint (t >= 30 min), so that outputs are carried.
"$ft" run "$work/demo.toml" --threads 2 --quiet --checkpoint-every 15min \
  > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
for _ in $(seq 1 1200); do
  [ "$(ls "$work"/results/demo.checkpoint_t*.h5 2>/dev/null | wc -l)" -ge 2 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
[ -f "$work/results/demo.nc.partial" ] || fail "no .partial file appeared"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted run exited with $rc, expected 130"
grep -q "earlier results" "$work/results/demo.nc" || fail "the earlier results file was replaced"
checkpoint=$(ls "$work"/results/demo.checkpoint_t*.h5 2>/dev/null | tail -n 1)
[ -n "$checkpoint" ] || fail "no checkpoint written on SIGINT"
grep -q -- "--resume" "$work/err.txt" || fail "no resume hint printed"
"$ft" info "$work/results/demo.nc.partial" > "$work/info.txt" || fail "the .partial file is not readable"
grep -q "running" "$work/info.txt" || fail "the .partial file does not say it is unfinished"
[ -f "$work/vtk/max.vts" ] || fail "no vtk/max.vts (peak maps so far) after the interruption"
[ -f "$work/vtk/flood.pvd" ] || fail "no vtk/flood.pvd after the interruption"

"$ft" run "$work/demo.toml" --resume "$checkpoint" --quiet > "$work/out.txt" 2> "$work/err.txt" \
  || fail "resume failed"
"$ft" info "$work/results/demo.nc" | grep -q "complete" || fail "resumed results not complete"
[ ! -e "$work/results/demo.nc.partial.prev" ] || fail "the moved-aside earlier results remain"

# The same scenario without interruption, to another results file.
"$ft" run "$work/reference.toml" --threads 2 --quiet --output "$work/reference/demo.nc" \
  > "$work/out.txt" 2> "$work/err.txt" || fail "uninterrupted run failed"

/usr/bin/python3 - "$work/results/demo.nc" "$work/reference/demo.nc" "$work/vtk/flood.pvd" \
  > "$work/compare.txt" 2>&1 <<'EOF' || { cat "$work/compare.txt"; fail "resumed run differs"; }
import os, re, sys
import h5py
import numpy as np

resumed, reference, pvd = sys.argv[1:4]
with h5py.File(resumed, "r") as r, h5py.File(reference, "r") as u:
    carried = r.attrs.get("carried_over", b"(no attribute carried_over)")
    carried = carried.decode() if isinstance(carried, bytes) else str(carried)
    print("carried over:", carried)
    t = r["time"][:]
    assert np.array_equal(t, u["time"][:]), f"time {t} != {u['time'][:]}"
    assert len(t) == 9 and np.all(np.diff(t) > 0), t
    assert not carried.startswith("nothing"), carried
    for var in ["depth", "water_level", "velocity_x", "velocity_y", "max_depth", "max_speed",
                "max_water_level", "time_of_max_depth", "arrival_time", "flood_duration",
                "max_hazard", "volume", "rain_in", "boundary_out", "losses", "gauge_time",
                "gauge_depth", "gauge_water_level", "gauge_speed"]:
        a, b = r[var][...], u[var][...]
        assert a.shape == b.shape, f"{var}: shape {a.shape} != {b.shape}"
        assert np.array_equal(a, b, equal_nan=True), f"{var}: values differ"
    assert np.nanmax(r["depth"][-1]) > 0.1, "no flood in the last snapshot"
    times = t

text = open(pvd).read()
sets = re.findall(r'<DataSet timestep="([^"]*)"[^>]*file="([^"]*)"', text)
steps = [float(s) for s, _ in sets]
assert len(steps) == len(times), f"flood.pvd lists {len(steps)} times, results {len(times)}"
assert all(b > a for a, b in zip(steps, steps[1:])), f"flood.pvd times not increasing: {steps}"
assert np.array_equal(np.array(steps), times), f"flood.pvd times {steps} != {times}"
for _, f in sets:
    assert os.path.isfile(os.path.join(os.path.dirname(pvd), f)), f"missing {f}"
assert len({f for _, f in sets}) == len(sets), "flood.pvd names a file twice"
print(f"{len(times)} output times, every variable equal to the uninterrupted run's")
EOF
echo "interrupt and resume: ok ($(basename "$checkpoint"))"
cat "$work/compare.txt"
