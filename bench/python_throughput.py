#!/usr/bin/env python3
"""Cell updates per second of the Python module: which floodtwin is imported is up to
PYTHONPATH (the build tree's python/ folder, or none for a pip-installed floodtwin).

    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_throughput.py
    /usr/bin/python3 bench/python_throughput.py            # the pip-installed module

A 2D dam break on a flat, frictionless 400 x 400 grid (second order), run for a fixed
number of steps, best of --repeat runs; prints the module's path, cell updates per second
and the wall time. Threads: OMP_NUM_THREADS (or --threads).
"""

import argparse
import time

import numpy as np

import floodtwin


def case(n):
    depth = np.full((n, n), 0.5)
    depth[:, : n // 2] = 1.0
    return floodtwin.Simulation(np.zeros((n, n)), 1.0, manning=0.0, depth=depth)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=400, help="cells per side")
    parser.add_argument("--steps", type=int, default=200, help="steps per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best counts")
    parser.add_argument("--threads", type=int, default=None, help="OpenMP threads")
    args = parser.parse_args()
    best = float("inf")
    for _ in range(args.repeat):
        sim = case(args.size)
        if args.threads:
            sim.threads = args.threads
        sim.step()  # first-touch and warm-up
        start = time.perf_counter()
        for _ in range(args.steps):
            sim.step()
        best = min(best, time.perf_counter() - start)
    rate = args.size * args.size * args.steps / best
    print(f"module: {floodtwin.__file__}")
    print(f"threads: {sim.threads}")
    print(
        f"{rate / 1e6:.1f} M cell updates/s "
        f"({args.steps} steps of {args.size}^2 cells in {best:.3f} s)"
    )


if __name__ == "__main__":
    main()
