#!/usr/bin/env python3
"""Cost of channels narrower than a cell: the same rain-on-grid run without a channel, with a
sub-grid channel and with a burnt one (docs/solver.md, "Channels narrower than a cell").

    PYTHONPATH=build/release/python /usr/bin/python3 bench/channel_cost.py

A valley of --size x --size cells of 30 m (falling east at 0.002, sides rising at 0.01 to the
valley line), 20 mm/h of rain on every cell, an open east side; the channel (10 m wide, 2 m
deep, n 0.03) meanders along the valley (a sine of 10 cells amplitude) and leaves the grid
east. After a spin-up of --spinup s (the domain wet), --steps steps are timed; the variants run
alternately, --repeat rounds, and the best time per step of each is printed with its cells,
steps and the channel's cells. Threads: OMP_NUM_THREADS (or --threads).
"""

import argparse
import time

import numpy as np

import floodtwin


def valley(n, dx):
    x = (np.arange(n) + 0.5) * dx
    y = (n - np.arange(n) - 0.5) * dx
    xx, yy = np.meshgrid(x, y)
    return 100.0 - 0.002 * xx + 0.01 * np.abs(yy - 0.5 * n * dx)


def centreline(n, dx):
    s = np.linspace(-2 * dx, (n + 2) * dx, 4 * n)
    return np.column_stack([s, 0.5 * n * dx + 10 * dx * np.sin(2 * np.pi * s / (n * dx / 3))])


def make(model, n, dx, threads):
    sim = floodtwin.Simulation(valley(n, dx), dx, dx, (0.0, n * dx), manning=0.06)
    if threads:
        sim.threads = threads
    cells = 0
    if model != "none":
        r = sim.add_channel(centreline(n, dx), width=10.0, depth=2.0, model=model)
        cells = len(r["i"])
    sim.set_boundary("east", "open")
    sim.set_rain_rate(20.0)  # mm/h
    return sim, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300, help="cells per side")
    parser.add_argument("--spinup", type=float, default=600.0, help="seconds before timing")
    parser.add_argument("--steps", type=int, default=200, help="timed steps")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    parser.add_argument("--threads", type=int, default=None, help="OpenMP threads")
    args = parser.parse_args()
    dx = 30.0
    best = {}
    for _ in range(args.repeat):
        for model in ("none", "subgrid", "burn"):
            sim, cells = make(model, args.size, dx, args.threads)
            sim.run(args.spinup)
            start = time.perf_counter()
            for _ in range(args.steps):
                sim.step()
            per_step = (time.perf_counter() - start) / args.steps
            if per_step < best.get(model, (float("inf"),))[0]:
                best[model] = (per_step, cells, sim.mass_balance().relative_error)
    base = best["none"][0]
    print(
        f"{args.size} x {args.size} cells, {args.steps} steps after {args.spinup} s, best of "
        f"{args.repeat}"
    )
    for model, (per_step, cells, err) in best.items():
        print(
            f"{model:8s} {1e3 * per_step:8.2f} ms/step ({per_step / base - 1:+.1%}), "
            f"{cells} channel cells, balance error {err:.1e}"
        )


if __name__ == "__main__":
    main()
