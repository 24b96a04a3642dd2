#!/usr/bin/python3
"""Runs the corpus of malformed inputs (tests/corpus/manifest.txt) against the floodtwin CLI.

Each case runs `floodtwin COMMAND...` in a scratch copy of tests/corpus/inputs/, where this
script first generates what cannot be committed (DEMs made with GDAL, FIFOs, a 100,000-column
CSV, a folder named like a file, results files with inconsistent shapes). A case fails on a
crash (a signal, or an exit code >= 128), a hang (the timeout), silent acceptance (exit 0 where
an error is expected), another exit code than the manifest's (1 is an unexpected exception,
e.g. std::bad_alloc or std::stod), a message that lacks one of the manifest's substrings (the
culprit: file, line, key, value), or a command that takes more CPU time than the case's limit.

Manifest lines (`#` starts a comment), fields separated by `|`:
    name | setup | command | exit | substrings [| max_seconds]
setup: what to make before the command, comma-separated: `fifo:NAME`, `dir:NAME`,
`widecsv:NAME` (100,000 columns), `results` (results/base.h5, a run of base.toml),
`run:TOML:NAME` (results/NAME, a run of TOML), `badshape:NAME:VAR:AXIS` (results/base.h5 with
VAR one longer along AXIS); the DEMs dem*.tif are always made. command: the arguments after
`floodtwin`, run in the scratch folder. exit: the exit code expected (0 for inputs that are
legal but must give a warning). substrings: fragments of stderr+stdout that must all appear,
separated by `&&`. max_seconds: CPU seconds
(user + system) the command may take, times CORPUS_TIME_FACTOR (sanitizer builds: 5).

A case whose name starts with `xfail:` is a known gap: it is reported, does not fail the
corpus, but fails it once it passes (remove the marker then).

Environment: FLOODTWIN_CLI (the floodtwin binary, required), CORPUS_TIMEOUT (seconds per case,
default 20), CORPUS_WORK (scratch folder, kept; default a fresh temporary one, removed afterwards),
CORPUS_ONLY (run only cases whose name contains this text), CORPUS_VERBOSE (show the
output of passing cases too).

Exit status: 0 when every case passed, 1 otherwise (each failure listed).
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# The base DEM: a small valley in UTM 11N, 90 m cells, north-up.
X0, Y0, DX = 380000.0, 3790000.0, 90.0
NX, NY = 12, 10
EPSG = 32611


def elevation(nx, ny):
    return [[100.0 + 2.0 * abs(i - nx / 2) + 0.5 * j for i in range(nx)] for j in range(ny)]


def write_dem(path, nx=NX, ny=NY, dx=DX, crs=True, values=None):
    from osgeo import gdal, osr

    gdal.UseExceptions()
    ds = gdal.GetDriverByName("GTiff").Create(path, nx, ny, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((X0, dx, 0.0, Y0, 0.0, -dx))
    if crs:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(EPSG)
        ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-9999.0)
    rows = values if values is not None else elevation(nx, ny)
    import array

    for j, row in enumerate(rows):
        band.WriteRaster(0, j, nx, 1, array.array("f", row).tobytes())
    band.FlushCache()
    ds = None


def setup_dems(work):
    """The DEMs every case may use (cheap, always made)."""
    write_dem(os.path.join(work, "dem.tif"))
    write_dem(os.path.join(work, "dem_nocrs.tif"), crs=False)
    write_dem(os.path.join(work, "dem_1e30.tif"), dx=1e30)
    write_dem(os.path.join(work, "dem_1x1.tif"), nx=1, ny=1)
    write_dem(os.path.join(work, "dem_1row.tif"), nx=6, ny=1)
    # A DEM that is all no-data: nothing to simulate.
    write_dem(os.path.join(work, "dem_nodata.tif"), values=[[-9999.0] * NX for _ in range(NY)])
    with open(os.path.join(work, "dem_garbage.tif"), "wb") as f:
        f.write(b"II*\x00" + b"\xff" * 64)


def make_fifo(work, name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        os.mkfifo(path)


def make_dir(work, name):
    os.makedirs(os.path.join(work, name), exist_ok=True)


def make_wide_csv(work, name):
    """A rain series with 100,000 station columns (a header once read in quadratic time)."""
    n = 100000
    with open(os.path.join(work, name), "w") as f:
        f.write("time," + ",".join("s%d" % k for k in range(n)) + "\n")
        f.write("0," + ",".join(["1"] * n) + "\n")
        f.write("600," + ",".join(["1"] * n) + "\n")


def make_results(work, cli, timeout):
    """results/base.h5: a complete run of base.toml (made once)."""
    path = os.path.join(work, "results", "base.h5")
    if os.path.exists(path):
        return path
    p = subprocess.run(
        [cli, "run", "base.toml", "--threads", "1"],
        cwd=work,
        timeout=timeout,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if p.returncode != 0 or not os.path.exists(path):
        raise RuntimeError("the base run failed (exit %d):\n%s" % (p.returncode, p.stdout))
    return path


def make_small_results(work, cli, timeout, toml, name):
    path = os.path.join(work, "results", name)
    if os.path.exists(path):
        return path
    p = subprocess.run(
        [cli, "run", toml, "--threads", "1", "--output", path],
        cwd=work,
        timeout=timeout,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if p.returncode != 0:
        raise RuntimeError("run of %s failed (exit %d):\n%s" % (toml, p.returncode, p.stdout))
    return path


def make_bad_shape(work, cli, timeout, name, var, grow):
    """A copy of the base results whose `var` has one row (or snapshot) more than the file's
    x, y and time say."""
    import h5py
    import numpy as np

    src = make_results(work, cli, timeout)
    dst = os.path.join(work, name)
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        data = np.asarray(f[var][...])
        attrs = dict(f[var].attrs)
        # Dimension scales attached to the variable must be detached before it is deleted.
        for dim in f[var].dims:
            for scale in list(dim.values()):
                dim.detach_scale(scale)
        del f[var]
        shape = list(data.shape)
        shape[grow] += 1
        bigger = np.zeros(shape, dtype=data.dtype)
        d = f.create_dataset(var, data=bigger)
        for k, v in attrs.items():
            if k not in ("DIMENSION_LIST", "REFERENCE_LIST"):
                d.attrs[k] = v


def parse_manifest(path):
    cases = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|")]
            if len(fields) not in (5, 6):
                sys.exit(
                    "%s:%d: expected 5 or 6 fields separated by '|', got %d"
                    % (path, number, len(fields))
                )
            name, setup, command, code, wanted = fields[:5]
            cases.append(
                {
                    "name": name,
                    "line": number,
                    "setup": [s.strip() for s in setup.split(",") if s.strip()],
                    "command": command.split(),
                    "exit": int(code),
                    "wanted": [w.strip() for w in wanted.split("&&") if w.strip()],
                    "max_seconds": float(fields[5]) if len(fields) == 6 else None,
                }
            )
    names = [c["name"] for c in cases]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        sys.exit("%s: duplicate case names: %s" % (path, ", ".join(dups)))
    return cases


def run_setup(work, cli, timeout, steps):
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "fifo":
            make_fifo(work, arg)
        elif kind == "dir":
            make_dir(work, arg)
        elif kind == "widecsv":
            make_wide_csv(work, arg)
        elif kind == "results":
            make_results(work, cli, timeout)
        elif kind == "run":  # run:TOML:OUTPUT
            toml, _, out = arg.partition(":")
            make_small_results(work, cli, timeout, toml, out)
        elif kind == "badshape":  # badshape:NAME:VAR:AXIS
            name, var, axis = arg.split(":")
            make_bad_shape(work, cli, timeout, name, var, int(axis))
        else:
            raise RuntimeError("unknown setup step '%s'" % step)


def run_case(case, work, cli, timeout):
    """Returns (problem or None, exit code, seconds, output)."""
    start = time.monotonic()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "2")
    proc = subprocess.Popen(
        [cli] + case["command"],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        text = out.decode("utf-8", "replace")
        return "HANG: no answer within %g s" % timeout, None, timeout, text
    seconds = time.monotonic() - start
    text = out.decode("utf-8", "replace")
    code = proc.returncode
    if code < 0:
        return "CRASH: killed by signal %d" % -code, code, seconds, text
    if code >= 128 and code != case["exit"]:
        return "CRASH: exit code %d" % code, code, seconds, text
    if code == 0 and case["exit"] != 0:
        return "SILENT ACCEPTANCE: exit 0, expected %d" % case["exit"], code, seconds, text
    if code != case["exit"]:
        return "WRONG EXIT: %d, expected %d" % (code, case["exit"]), code, seconds, text
    missing = [w for w in case["wanted"] if w not in text]
    if missing:
        return (
            "CULPRIT NOT NAMED: the output lacks " + ", ".join(repr(m) for m in missing),
            code,
            seconds,
            text,
        )
    if case["max_seconds"] is not None:
        # CPU time (user + system) of the command: a shared, loaded machine stretches the
        # wall-clock time, not this.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - cpu_before.ru_utime) + (after.ru_stime - cpu_before.ru_stime)
        limit = case["max_seconds"] * float(os.environ.get("CORPUS_TIME_FACTOR", "1"))
        if cpu > limit:
            return "TOO SLOW: %.2f s of CPU, limit %g s" % (cpu, limit), code, seconds, text
    return None, code, seconds, text


def main():
    cli = os.environ.get("FLOODTWIN_CLI")
    if not cli or not os.access(cli, os.X_OK):
        sys.exit("set FLOODTWIN_CLI to the floodtwin binary")
    cli = os.path.abspath(cli)
    timeout = float(os.environ.get("CORPUS_TIMEOUT", "20"))
    only = os.environ.get("CORPUS_ONLY", "")
    verbose = bool(os.environ.get("CORPUS_VERBOSE"))
    cases = [c for c in parse_manifest(os.path.join(HERE, "manifest.txt")) if only in c["name"]]
    own_work = not os.environ.get("CORPUS_WORK")
    work = os.environ.get("CORPUS_WORK") or tempfile.mkdtemp(prefix="floodtwin_corpus_")
    shutil.copytree(os.path.join(HERE, "inputs"), work, dirs_exist_ok=True)
    failures, gaps = [], []
    try:
        setup_dems(work)
        for case in cases:
            xfail = case["name"].startswith("xfail:")
            try:
                run_setup(work, cli, timeout, case["setup"])
                problem, code, seconds, text = run_case(case, work, cli, timeout)
            except Exception as e:  # a setup that failed is a failure of the case
                problem, code, seconds, text = "SETUP FAILED: %s" % e, None, 0.0, ""
            label = "%s (manifest line %d): floodtwin %s" % (
                case["name"],
                case["line"],
                " ".join(case["command"]),
            )
            if xfail:
                if problem is None:
                    failures.append("%s\n    passes now: remove 'xfail:' from its name" % label)
                    print("XPASS %s" % label)
                else:
                    gaps.append("%s\n    %s" % (label, problem))
                    print("XFAIL %s: %s" % (label, problem))
                continue
            if problem is None:
                print("ok    %-34s exit %s  %.2f s" % (case["name"], code, seconds))
                if verbose:
                    print("\n".join("      | " + x for x in text.strip().splitlines()[-3:]))
            else:
                tail = "\n".join("      | " + x for x in text.strip().splitlines()[-6:])
                failures.append("%s\n    %s\n%s" % (label, problem, tail))
                print("FAIL  %s\n    %s\n%s" % (label, problem, tail))
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    print("\n%d cases, %d failed, %d known gaps" % (len(cases), len(failures), len(gaps)))
    for g in gaps:
        print("known gap: " + g)
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
