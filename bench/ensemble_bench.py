#!/usr/bin/python3
"""Wall time and peak memory of a demo ensemble (`floodtwin ensemble`), and whether running
members at once (--concurrent 2, one thread each) beats members one after another on all
threads (--concurrent 1, --threads 2).

usage: /usr/bin/python3 bench/ensemble_bench.py [BUILD_DIR] [--members N] [--threads N]
                                                [--concurrent 1,2] [--reps N] [--single]
                                                [--keep FILE] [--duration 1h]
                                                [--scenario FILE]

The README's demo ensemble (scenarios/demo/ensemble.toml: the demo with first-order members
at cfl 0.75 and its [ensemble] table) is copied into a scratch folder with its input paths made
absolute. --scenario scenarios/demo/demo.toml times the demo itself (first order, cfl 0.75)
with the contract's [ensemble] table appended (lognormal rain factor, sigma 0.3; uniform
Manning factor 0.8-1.2; seed 42). Each --concurrent setting runs --reps times, interleaved
(1, 2, 1, 2, ...), and the best and median wall times are printed. Peak memory is the maximum
resident set size of the process (os.wait4), CPU its user + system time. --single also times
one `floodtwin run` of the scenario (the cost of one member) for comparison.
"""

import argparse
import os
import re
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo" / "ensemble.toml"

ENSEMBLE = """
[ensemble]
members = {members}
seed = 42
rain_factor = {{ distribution = "lognormal", median = 1.0, sigma = 0.3 }}
manning_factor = {{ distribution = "uniform", min = 0.8, max = 1.2 }}
thresholds = [0.1, 0.3, 1.0]
quantiles = [0.1, 0.5, 0.9]
"""


def scenario_copy(folder, members, duration=None, source=DEMO):
    """The scenario with absolute input paths, results in `folder`, and an [ensemble] table
    (its own, with `members`, or the contract's)."""
    text = source.read_text()

    def absolute(match):
        key, value = match.group(1), match.group(2)
        if key == "path":
            return f'{key} = "{folder / "results" / "demo.h5"}"'
        candidate = source.parent / value
        return f'{key} = "{candidate}"' if candidate.exists() else match.group(0)

    text = re.sub(r'^(\w+) = "([^"]*)"', absolute, text, flags=re.M)
    if duration:
        text = re.sub(r'^duration = "[^"]*"', f'duration = "{duration}"', text, flags=re.M)
    path = folder / "demo_ensemble.toml"
    if re.search(r"^\[ensemble\]", text, flags=re.M):
        text = re.sub(r"^members = \d+", f"members = {members}", text, flags=re.M)
    else:
        text += ENSEMBLE.format(members=members)
    path.write_text(text)
    return path


def timed(cmd, threads):
    """Runs cmd; returns wall [s], peak RSS [MiB], stdout, CPU [s] and the load average."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY="PASSIVE")
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(map(str, cmd))}\n{stdout}{err.read()}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss / 1024.0, stdout, cpu, os.getloadavg()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--members", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--concurrent", default="1,2")
    ap.add_argument("--single", action="store_true")
    ap.add_argument("--keep", help="copy the (last) ensemble file here")
    ap.add_argument("--duration", help='simulated duration instead of the demo\'s 5 h ("1h")')
    ap.add_argument("--reps", type=int, default=1, help="runs of each --concurrent, interleaved")
    ap.add_argument("--scenario", type=Path, default=DEMO, help="default: " + str(DEMO))
    a = ap.parse_args()
    cli = Path(a.build) / "cli" / "floodtwin"
    if not cli.exists():
        sys.exit(f"ensemble_bench: {cli} not built")
    with tempfile.TemporaryDirectory(prefix="floodtwin_ensemble_bench_") as tmp:
        folder = Path(tmp)
        scenario = scenario_copy(folder, a.members, a.duration, a.scenario.resolve())
        print(
            f"{a.scenario.name}: {a.members} members, {a.threads} threads, "
            f"{os.cpu_count()} cores, duration {a.duration or 'as the scenario'}"
        )
        if a.single:
            wall, rss, _, cpu, load = timed(
                [cli, "run", scenario, "--threads", a.threads], a.threads
            )
            print(
                f"  one run (floodtwin run):   {wall:7.1f} s wall, {cpu:7.1f} s CPU, "
                f"peak RSS {rss:6.0f} MiB (load average {load:.1f})"
            )
        walls = {}
        for rep in range(a.reps):
            for p in (int(c) for c in a.concurrent.split(",")):
                out = folder / f"ensemble_p{p}.h5"
                cmd = [cli, "ensemble", scenario, "--threads", a.threads, "--concurrent", p]
                wall, rss, stdout, cpu, load = timed([*cmd, "--output", out], a.threads)
                walls.setdefault(p, []).append(wall)
                size = out.stat().st_size / 2**20
                print(
                    f"  rep {rep + 1} --concurrent {p} ({a.threads // p} thread(s) per member): "
                    f"{wall:7.1f} s wall, {wall / a.members:5.1f} s/member, {cpu:7.1f} s CPU, "
                    f"peak RSS {rss:6.0f} MiB, file {size:.1f} MiB (load average {load:.1f})",
                    flush=True,
                )
                for line in stdout.splitlines():
                    if line.startswith("  max depth >") or line.startswith("  zone "):
                        print("   " + line)
                if a.keep:
                    shutil.copyfile(out, a.keep)
        for p, w in walls.items():
            print(
                f"  --concurrent {p}: best {min(w):.1f} s, median {statistics.median(w):.1f} s "
                f"wall over {len(w)} run(s)"
            )


if __name__ == "__main__":
    main()
