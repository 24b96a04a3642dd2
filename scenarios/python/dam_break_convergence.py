#!/usr/bin/env python3
"""Verification: a dam break on a dry bed against Ritter's exact solution, on three grids.

A frictionless 1D channel 100 m long holds 1 m of still water west of a dam at x = 50 m and
is dry east of it. The dam is removed at t = 0; at t = 4 s the depth is compared with
Ritter's solution (Delestre et al. 2013, SWASHES 4.1.2):

    h = h0                              for x - x0 <= -c0 t
    h = (2 c0 - (x - x0) / t)^2 / (9 g)  for -c0 t < x - x0 < 2 c0 t
    h = 0                               beyond the front,          c0 = sqrt(g h0)

For each scheme the L1 error of the depth on 100, 200 and 400 cells and the observed order
log2(E_coarse / E_fine) are printed as a table and written to convergence.csv (the wet/dry
front and the corners of the rarefaction keep the order below the schemes' formal order).

    python3 scenarios/python/dam_break_convergence.py --out out/dambreak

Runs in a second or two.
"""

import argparse
import math
import sys
from pathlib import Path

import numpy as np

import floodtwin

G, H0, LENGTH, X0, T_END = 9.81, 1.0, 100.0, 50.0, 4.0


def ritter(x, t):
    """Ritter's depth [m] at x [m] and t [s] > 0."""
    c0 = math.sqrt(G * H0)
    xi = (x - X0) / t
    h = np.where(xi <= -c0, H0, (2 * c0 - xi) ** 2 / (9 * G))
    return np.where(xi >= 2 * c0, 0.0, h)


def l1_error(nx, scheme):
    dx = LENGTH / nx
    x = (np.arange(nx) + 0.5) * dx
    depth = np.where(x < X0, H0, 0.0)[None, :]
    sim = floodtwin.Simulation(
        np.zeros((1, nx)), dx, 1.0, manning=0.0, depth=depth, scheme=scheme, gravity=G, threads=1
    )
    sim.run(until=T_END)
    assert sim.time == T_END
    return float(np.sum(np.abs(sim.depth[0] - ritter(x, T_END))) * dx), sim.steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/dambreak"), help="output folder")
    parser.add_argument("--grids", type=int, nargs="+", default=[100, 200, 400])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"{'scheme':<13} {'cells':>6} {'steps':>6} {'L1 error [m2]':>14} {'order':>6}")
    for scheme in ("first-order", "second-order"):
        previous = None
        for nx in args.grids:
            error, steps = l1_error(nx, scheme)
            order = math.log2(previous / error) if previous else float("nan")
            rows.append((scheme, nx, steps, error, order))
            print(f"{scheme:<13} {nx:>6} {steps:>6} {error:>14.6e} {order:>6.2f}")
            previous = error
    with open(args.out / "convergence.csv", "w") as f:
        f.write("scheme,cells,steps,l1_error_m2,observed_order\n")
        for scheme, nx, steps, error, order in rows:
            f.write(f"{scheme},{nx},{steps},{error:.9e},{order:.4f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
