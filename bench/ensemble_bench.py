#!/usr/bin/python3
"""Wall time and peak memory of a demo ensemble (`floodtwin ensemble`), and whether running
members at once (--concurrent 2, one thread each) beats members one after another on all
threads (--concurrent 1, --threads 2).

usage: /usr/bin/python3 bench/ensemble_bench.py [BUILD_DIR] [--members N] [--threads N]
                                                [--concurrent 1,2] [--single] [--keep FILE]

The demo scenario (scenarios/demo/demo.toml) is copied into a scratch folder with its input
paths made absolute and the contract's [ensemble] table appended (lognormal rain factor,
sigma 0.3; uniform Manning factor 0.8-1.2; seed 42). Peak memory is the maximum resident set
size of the process (GNU time -v, else resource.getrusage of the child). --single also times
one `floodtwin run` of the demo (the cost of one member) for comparison.
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo" / "demo.toml"

ENSEMBLE = """
[ensemble]
members = {members}
seed = 42
rain_factor = {{ distribution = "lognormal", median = 1.0, sigma = 0.3 }}
manning_factor = {{ distribution = "uniform", min = 0.8, max = 1.2 }}
thresholds = [0.1, 0.3, 1.0]
quantiles = [0.1, 0.5, 0.9]
"""


def scenario_copy(folder, members):
    """demo.toml with absolute input paths, results in `folder`, and an [ensemble] table."""
    text = DEMO.read_text()

    def absolute(match):
        key, value = match.group(1), match.group(2)
        if key == "path":
            return f'{key} = "{folder / "results" / "demo.h5"}"'
        candidate = DEMO.parent / value
        return f'{key} = "{candidate}"' if candidate.exists() else match.group(0)

    text = re.sub(r'^(\w+) = "([^"]*)"', absolute, text, flags=re.M)
    path = folder / "demo_ensemble.toml"
    path.write_text(text + ENSEMBLE.format(members=members))
    return path


def timed(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY="PASSIVE")
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    # ru_maxrss of children is the largest child so far: report it only when it grew.
    return wall, max(peak, before) / 1024.0, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--members", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--concurrent", default="1,2")
    ap.add_argument("--single", action="store_true")
    ap.add_argument("--keep", help="copy the (last) ensemble file here")
    a = ap.parse_args()
    cli = Path(a.build) / "cli" / "floodtwin"
    if not cli.exists():
        sys.exit(f"ensemble_bench: {cli} not built")
    with tempfile.TemporaryDirectory(prefix="floodtwin_ensemble_bench_") as tmp:
        folder = Path(tmp)
        scenario = scenario_copy(folder, a.members)
        print(f"demo ensemble: {a.members} members, {a.threads} threads, {os.cpu_count()} cores")
        if a.single:
            wall, rss, _ = timed([cli, "run", scenario, "--threads", a.threads], a.threads)
            print(f"  one run (floodtwin run):   {wall:7.1f} s wall, peak RSS {rss:6.0f} MiB")
        for p in (int(c) for c in a.concurrent.split(",")):
            out = folder / f"ensemble_p{p}.h5"
            cmd = [cli, "ensemble", scenario, "--threads", a.threads, "--concurrent", p]
            wall, rss, stdout = timed([*map(str, cmd), "--output", str(out)], a.threads)
            size = out.stat().st_size / 2**20
            print(
                f"  --concurrent {p} ({a.threads // p} thread(s) per member): {wall:7.1f} s wall, "
                f"{wall / a.members:5.1f} s/member, peak RSS {rss:6.0f} MiB, file {size:.1f} MiB"
            )
            for line in stdout.splitlines():
                if line.startswith("  max depth >"):
                    print("   " + line)
            if a.keep:
                shutil.copyfile(out, a.keep)


if __name__ == "__main__":
    main()
