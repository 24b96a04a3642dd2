#!/usr/bin/env python3
"""Rainfall ensemble: the probability that the water gets deeper than 0.3 m.

A 20-member ensemble scales a design hyetograph (the "gauge" rainfall) by factors drawn from a
log-normal distribution (mean 1, as a forecast spread would), runs each member on the same
synthetic valley and counts, per cell, the members whose maximum depth exceeds 0.3 m.

    python3 scenarios/python/ensemble.py --out out/ensemble

Writes probability.npy (ny x nx, row 0 north), probability.png and members.csv (scale factor,
rain volume, flooded area per member). Runs in a few seconds.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import floodtwin

THRESHOLD = 0.3  # [m]


def valley(nx=40, ny=30, dx=20.0):
    """A valley draining south: a 300 m wide floodplain (0.2 % cross slope, 0.4 % along the
    valley) between 5 % hillsides, crossed by a road embankment whose one culvert (a 20 m gap
    with a 0.3 m sill) backs the water up into a pond that grows with the rain."""
    x = (np.arange(nx) + 0.5) * dx
    y = (ny - np.arange(ny) - 0.5) * dx  # row 0 north
    X, Y = np.meshgrid(x, y)
    xc = 0.5 * nx * dx
    across = np.abs(X - xc)
    z = 0.004 * Y + 0.002 * across + 0.05 * np.maximum(across - 150.0, 0.0)
    road = int(0.8 * ny)  # the row of the embankment, 80 % of the way south
    z[road, :] += 1.5
    z[road, nx // 2] -= 1.2  # the culvert
    return z, dx


def hyetograph():
    """The gauge rainfall: a triangle peaking at 80 mm/h after 20 min, over after 50 min."""
    times = np.array([0.0, 1200.0, 3000.0])
    values = np.array([0.0, 80.0, 0.0])  # mm/h
    return times, values


def run_member(z, dx, scale, until):
    times, values = hyetograph()
    sim = floodtwin.Simulation(z, dx, manning=0.035, flood_threshold=THRESHOLD)
    sim.set_uniform_rain(times, scale * values, after_end="zero")  # mm/h, dry afterwards
    sim.set_boundary("south", "open")
    sim.run(until=until)
    return sim


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/ensemble"), help="output folder")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--until", type=float, default=3600.0, help="simulated time [s]")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-plot", action="store_true", help="skip the PNG (no matplotlib)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    z, dx = valley()
    sigma = 0.35
    rng = np.random.default_rng(args.seed)
    scales = np.sort(rng.lognormal(-0.5 * sigma**2, sigma, size=args.members))

    exceed = np.zeros(z.shape)
    rows = []
    start = time.perf_counter()
    for k, scale in enumerate(scales):
        sim = run_member(z, dx, scale, args.until)
        wet = sim.max_depth > THRESHOLD
        exceed += wet
        mb = sim.mass_balance()
        rows.append((k, scale, mb.rain_in, wet.sum() * dx * dx, mb.relative_error))
    elapsed = time.perf_counter() - start
    probability = exceed / args.members

    np.save(args.out / "probability.npy", probability)
    with open(args.out / "members.csv", "w") as f:
        f.write("member,scale,rain_m3,area_above_threshold_m2,mass_balance_relative_error\n")
        for row in rows:
            f.write("%d,%.6f,%.3f,%.1f,%.3e\n" % row)
    print(
        f"{args.members} members in {elapsed:.2f} s; scales {scales[0]:.2f} to {scales[-1]:.2f}; "
        f"cells with P(depth > {THRESHOLD} m) >= 0.5: {(probability >= 0.5).sum()}, "
        f"> 0: {(probability > 0).sum()}"
    )

    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4.5))
        extent = sim.extent
        image = ax.imshow(probability, extent=extent, vmin=0, vmax=1, cmap="Blues")
        ax.contour(sim.x, sim.y, z, levels=12, colors="0.5", linewidths=0.5)
        fig.colorbar(image, ax=ax, label=f"P(max depth > {THRESHOLD} m)")
        ax.set_xlabel("x [m]")
        ax.set_ylabel("y [m]")
        ax.set_title(f"{args.members}-member rainfall ensemble")
        fig.tight_layout()
        fig.savefig(args.out / "probability.png", dpi=100)
        plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
