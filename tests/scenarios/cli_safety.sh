#!/usr/bin/env bash
# Nothing lost, nothing silent (issue 17), through the command line:
#  - two `floodtwin run` at once on one output: exactly one succeeds, the other is refused
#    (exit 5, naming the lock and the holder), and the file the winner reports is complete;
#  - a symbolic link pre-placed at `<results>.partial` or at a checkpoint's `.partial` is never
#    written through;
#  - an output that is an input (run --output, export OUT, render --out, vtk OUTDIR) is refused
#    (exit 3) and the input left as it was;
#  - resume refuses a checkpoint of another scenario and corrupt checkpoints (exit 4);
#  - the progress line shows no mass balance before the first step and counts "flooded cells
#    (> threshold)"; the summary counts point-source inflow and prints lab-scale volumes and
#    areas with significant digits; validate prints exact intervals, notes outputs outside the
#    scenario's folder and refuses an output folder that cannot be created.
# usage: cli_safety.sh FLOODTWIN SOURCE_DIR WORK_DIR
set -u
ft=$1 src=$2 work=$3
py=/usr/bin/python3
fail() { echo "FAIL: $*"; for f in "$work"/*.txt; do echo "--- $f"; cat "$f"; done; exit 1; }
expect_rc() {  # expect_rc CODE WHAT -- command...
  local want=$1 what=$2
  shift 3
  "$@" > "$work/out.txt" 2> "$work/err.txt"
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "$what: exit code $rc, expected $want"
}
rm -rf "$work" && mkdir -p "$work/basin"
cd "$work" || exit 1
demo=$src/scenarios/demo

# A storm on the demo terrain: 180 m cells, 90 min (about 2 s of work), outputs every 15 min.
cat > basin/rain.csv <<'EOF'
time,rain
0,20
1200,40
2400,10
5400,0
EOF
storm() {  # storm NAME RAINFILE EXTRA
  cat > "basin/$1.toml" <<EOF
[simulation]
duration = "90min"
output_interval = "15min"
[terrain]
elevation = "$demo/srtm_bigtujunga30m_utm11.tif"
cell_size = 180
[rainfall]
uniform = "$2"
[output]
path = "results/$1.h5"
$3
EOF
}
storm a rain.csv ""

# ---- two runs at once on one output -------------------------------------------------------
"$ft" run basin/a.toml --quiet > one.txt 2> one_err.txt &
p1=$!
"$ft" run basin/a.toml --quiet > two.txt 2> two_err.txt &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
if [ "$r1" -eq 0 ]; then win=one lose=two_err rl=$r2; else win=two lose=one_err rl=$r1; fi
[ "$r1" -eq 0 ] || [ "$r2" -eq 0 ] || fail "neither concurrent run succeeded ($r1, $r2)"
[ "$rl" -eq 5 ] || fail "the second concurrent run exited $rl, expected 5 (refused)"
grep -q "a.h5.lock is locked by another floodtwin process (pid [0-9]*)" "$lose.txt" \
  || fail "the refused run does not name the lock and its holder"
results=$(sed -n 's/^  results: //p' "$win.txt")
[ "$results" = "$work/basin/results/a.h5" ] || fail "the winner reports '$results'"
"$ft" info "$results" > info.txt || fail "the reported results file is not readable"
grep -q "complete" info.txt || fail "the reported results file is not complete"
$py - "$results" <<'EOF' || fail "the reported results file is not whole"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["status"] in (b"complete", "complete"), f.attrs["status"]
    t = f["time"][:]
    assert np.array_equal(t, np.arange(7) * 900.0), t
    assert f["depth"].shape[0] == 7
EOF
[ ! -e basin/results/a.h5.partial ] || fail "a .partial remains after the concurrent runs"
[ ! -e basin/results/a.h5.lock ] || fail "the lock file remains after the runs"

# ---- symbolic links at the temporary names ------------------------------------------------
echo "keep me" > precious.txt
ln -s "$work/precious.txt" basin/results/a.h5.partial
expect_rc 5 "run with a symlinked .partial" -- "$ft" run basin/a.toml --quiet
grep -q "a.h5.partial is a symbolic link" err.txt || fail "no message naming the symlink"
rm basin/results/a.h5.partial
ln -s "$work/precious.txt" basin/results/a.checkpoint_t0000000900.000s.h5.partial
expect_rc 5 "checkpoint with a symlinked .partial" -- \
  "$ft" run basin/a.toml --quiet --checkpoint-every 15min
grep -q "checkpoint_t0000000900.000s.h5.partial is a symbolic link" err.txt \
  || fail "no message naming the checkpoint's symlink"
[ "$(cat precious.txt)" = "keep me" ] || fail "a file was written through a symlink"
rm basin/results/a.checkpoint_t0000000900.000s.h5.partial

# ---- outputs over inputs --------------------------------------------------------------------
cp basin/rain.csv rain.orig
expect_rc 3 "run --output = the rain CSV" -- "$ft" run basin/a.toml --output basin/rain.csv
grep -q "refusing to overwrite an input" err.txt || fail "run --output: no clear message"
ln -s rain.csv basin/link.h5
expect_rc 3 "run --output = a symlink to the rain CSV" -- \
  "$ft" run basin/a.toml --output basin/link.h5
expect_rc 3 "run --output = the scenario" -- "$ft" run basin/a.toml --output basin/a.toml
storm over rain.csv ""
sed -i 's#^path = .*#path = "rain.csv"#' basin/over.toml
expect_rc 3 "validate with [output] path = the rain CSV" -- "$ft" validate basin/over.toml
cmp -s basin/rain.csv rain.orig || fail "the rain CSV was changed"
cp "$results" results.orig
expect_rc 3 "export OUT = RESULTS" -- "$ft" export "$results" --var max_depth "$results"
ln -s "$results" basin/results/alias.tif
expect_rc 3 "export OUT = a symlink to RESULTS" -- \
  "$ft" export "$results" --var max_depth basin/results/alias.tif
if "$ft" --help | grep -q "^  render"; then
  expect_rc 3 "render --out RESULTS" -- "$ft" render "$results" --out "$results"
  grep -q "render: --out" err.txt || fail "render: no clear message"
fi
if "$ft" --help | grep -q "^  vtk"; then
  expect_rc 3 "vtk OUTDIR = RESULTS" -- "$ft" vtk "$results" "$results"
fi
cmp -s "$results" results.orig || fail "the results file was changed"

# ---- resume: foreign and corrupt checkpoints ----------------------------------------------
"$ft" run basin/a.toml --quiet --checkpoint-every 30min --output runs/a.h5 > out.txt 2> err.txt \
  || fail "run with checkpoints failed"
cp=runs/a.checkpoint_t0000001800.000s.h5
[ -f "$cp" ] || fail "no checkpoint $cp"
sed -e 's/^0,20$/0,5/' basin/rain.csv > basin/rain_b.csv
storm b rain_b.csv ""
expect_rc 4 "resume of another scenario's checkpoint" -- \
  "$ft" run basin/b.toml --resume "$cp" --output runs/b.h5
grep -q "checkpoint of other scenario inputs" err.txt || fail "foreign checkpoint: no clear message"
[ ! -e runs/b.h5.partial ] || fail "the refused resume wrote a .partial"
# Four corrupt copies of the checkpoint, written in one go with h5py.
$py - "$cp" runs <<'EOF' || fail "could not write the corrupt checkpoints"
import shutil, sys
import h5py
import numpy as np
cp, out = sys.argv[1:3]
def corrupt(name, var, value):
    shutil.copy(cp, f"{out}/{name}.h5")
    with h5py.File(f"{out}/{name}.h5", "r+") as f:
        if var == "time":
            f.attrs["time"] = value
            return
        d = f[var][...]
        d[5, 5] = value
        f[var][...] = d
corrupt("negative_h", "h", -1.0)
corrupt("level", "flood_maps/max_water_level", 2650.0)
corrupt("duration", "flood_maps/flood_duration", -np.inf)
corrupt("late", "time", 1e6)
EOF
resume_corrupt() {  # resume_corrupt NAME MESSAGE
  expect_rc 4 "resume from a corrupt checkpoint ($1)" -- \
    "$ft" run basin/a.toml --resume "runs/$1.h5" --output "runs/$1_out.h5"
  grep -q "$2" err.txt || fail "corrupt checkpoint $1: no message with '$2'"
}
resume_corrupt negative_h "checkpoint field 'h' is corrupt at cell (column 4, row 4)"
resume_corrupt level "checkpoint field 'flood_maps/max_water_level' is corrupt"
resume_corrupt duration "checkpoint field 'flood_maps/flood_duration' is corrupt"
resume_corrupt late "expected a time in \[0, 5400) s: nothing is left to run"

# ---- what the run says ----------------------------------------------------------------------
# A lab flume: 30 x 10 cells of 0.1 m, a pump of 1 l/s for 10 s, outputs every 0.5 s.
$py - lab/flume.tif <<'EOF' || fail "could not write the flume DEM"
import os, sys
import numpy as np
from osgeo import gdal, osr
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[1], 30, 10, 1, gdal.GDT_Float32)
ds.SetGeoTransform((500000.0, 0.1, 0.0, 4200001.0, 0.0, -0.1))
srs = osr.SpatialReference()
srs.ImportFromEPSG(32611)
ds.SetProjection(srs.ExportToWkt())
z = np.tile(0.002 * np.arange(30, dtype=np.float32)[::-1], (10, 1))
ds.GetRasterBand(1).WriteArray(z)
ds = None
EOF
cat > lab/flume.toml <<'EOF'
[simulation]
duration = "10s"
output_interval = 0.5
[terrain]
elevation = "flume.tif"
manning = 0.012
[[point_source]]
name = "pump"
x = 500000.25
y = 4200000.45
value = 0.001
[output]
path = "../elsewhere/flume.h5"
flood_threshold = 0.001
EOF
"$ft" validate lab/flume.toml > validate.txt 2> err.txt || fail "validate of the flume failed"
grep -q "output every 0.5s" validate.txt || fail "validate does not print the exact interval"
grep -q "duration 10s" validate.txt || fail "validate does not print the duration"
grep -q "note: results outside the scenario's folder" validate.txt \
  || fail "validate does not say the results lie outside the scenario's folder"
"$ft" run lab/flume.toml > run.txt 2> progress.txt || fail "the flume run failed"
first=$(grep -m1 "^t = " progress.txt)
echo "$first" | grep -q "mass balance -$" || fail "mass balance before the first step: $first"
echo "$first" | grep -q "flooded cells (> 0.001 m)" || fail "progress does not say flooded: $first"
grep -q "wet cells" progress.txt && fail "progress calls flooded cells wet"
grep -q "inflow 0.01 m3 (boundaries 0, point sources 0.01)" run.txt \
  || fail "point-source inflow is not in the summary"
grep -q "stored 0.01 m3" run.txt || fail "lab-scale stored volume rounded"
grep -Eq "flooded area \(max depth > 0.001 m\) [0-9.]+ m2" run.txt \
  || fail "lab-scale flooded area not in m2"
grep -q "flooded area (max depth > 0.001 m) 0 m2" run.txt && fail "lab-scale area rounded to 0"
grep -q "note: results outside the scenario's folder" run.txt \
  || fail "the run does not say the results lie outside the scenario's folder"
# An output folder that cannot be created: a file is in the way.
touch lab/blocker
sed -i 's#^path = .*#path = "blocker/flume.h5"#' lab/flume.toml
expect_rc 3 "validate with a file in the way of the output folder" -- "$ft" validate lab/flume.toml
grep -q "cannot be created" err.txt || fail "validate: no message for the output folder"
echo "cli safety: ok"
