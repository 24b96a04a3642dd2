"""Cost of cross-section accounting: ms per step of a 400 x 400 second-order dam break with 0
and with 20 cross-sections (each a diagonal of ~800 faces), same state, same thread count.

    PYTHONPATH=build/release/python OMP_NUM_THREADS=2 python3 bench/sections_bench.py
"""

import time

import numpy as np

import floodtwin


def make(n=400, sections=0):
    y, x = np.mgrid[0:n, 0:n]
    depth = np.where(x < n // 2, 2.0, 0.5)
    sim = floodtwin.Simulation(np.zeros((n, n)), 1.0, depth=depth)
    sim.gauge_interval = None
    for k in range(sections):
        sim.add_cross_section(f"s{k}", [[10.0 + 15 * k + 0.3, n - 0.3], [n - 0.3 - 15 * k, 0.3]])
    sim.set_boundary("east", "open")
    return sim


def per_step(sim, steps=40):
    for _ in range(3):
        sim.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        sim.step()
    return (time.perf_counter() - t0) / steps * 1e3


if __name__ == "__main__":
    for rep in range(3):
        for sections in (0, 20):
            print(f"sections={sections:2d}: {per_step(make(sections=sections)):.2f} ms/step")
