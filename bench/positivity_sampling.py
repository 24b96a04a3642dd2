#!/usr/bin/python3
"""Largest outflow factor of the first-order hydrostatic HLL(C) mass update relative to the
cell-speed CFL rate (docs/solver.md, "Time step").

Samples random neighbourhoods (1-D triples and 2-D five-cell stencils; dry, near-dry and deep
cells, Froude numbers to 3, bed steps through the hydrostatic reconstruction), takes one step
at dt R = 1 with R the largest (|u|+c)/dx + (|v|+c)/dy of the stencil (dx = dy = 1), and prints
the largest factor F = (h - h_new) / h: the scheme is positive for cfl <= 1 / F. The wave
speeds are those of solver/riemann_hllc.hpp (Toro 2001, eqs. 10.21-10.23).

usage: bench/positivity_sampling.py [DRY_FRACTION]   (default 0.3)
"""

import sys

import numpy as np

G = 9.81
RNG = np.random.default_rng(1)


def speeds(hl, ul, hr, ur):
    cl, cr = np.sqrt(G * hl), np.sqrt(G * hr)
    us = 0.5 * (ul + ur) + cl - cr
    cs = 0.5 * (cl + cr) + 0.25 * (ul - ur)
    sl = np.minimum(ul - cl, us - cs)
    sr = np.maximum(ur + cr, us + cs)
    sl = np.where(hl > 0, np.where(hr > 0, sl, ul - cl), ur - 2 * cr)
    sr = np.where(hl > 0, np.where(hr > 0, sr, ul + 2 * cl), ur + cr)
    return sl, sr


def mass_flux(hl, ul, hr, ur):
    sl, sr = speeds(hl, ul, hr, ur)
    ql, qr = hl * ul, hr * ur
    d = np.where(sr - sl == 0, 1, sr - sl)
    mid = (sr * ql - sl * qr + sl * sr * (hr - hl)) / d
    f = np.where(sl >= 0, ql, np.where(sr <= 0, qr, mid))
    return np.where((hl > 0) | (hr > 0), f, 0)


def states(n, dry):
    h = 10 ** RNG.uniform(-6, 1, n)
    h[RNG.random(n) < dry] = 0
    u = RNG.uniform(-3, 3, n) * np.sqrt(G * h)
    u += RNG.uniform(-5, 5, n) * (h > 0) * (RNG.random(n) < 0.3)
    v = RNG.uniform(-3, 3, n) * np.sqrt(G * h)
    z = RNG.uniform(-1, 1, n) * (RNG.random(n) < 0.5)
    return h, u, v, z


def reconstruct(ha, za, hb, zb):
    zs = np.maximum(za, zb)
    return np.maximum(0, ha + za - zs), np.maximum(0, hb + zb - zs)


def rate(h, u):
    return np.abs(u) * (h > 1e-6) + np.sqrt(G * h)


def worst_factor(dim, n, dry):
    i, w, e, s, nn = (states(n, dry) for _ in range(5))
    a, b = reconstruct(w[0], w[3], i[0], i[3])
    fw = mass_flux(a, w[1], b, i[1])
    a, b = reconstruct(i[0], i[3], e[0], e[3])
    fe = mass_flux(a, i[1], b, e[1])
    if dim == 1:
        r = np.max([rate(c[0], c[1]) for c in (i, w, e)], axis=0)
        out = fe - fw
    else:
        a, b = reconstruct(s[0], s[3], i[0], i[3])
        gs = mass_flux(a, s[2], b, i[2])
        a, b = reconstruct(i[0], i[3], nn[0], nn[3])
        gn = mass_flux(a, i[2], b, nn[2])
        r = np.max([rate(c[0], c[1]) + rate(c[0], c[2]) for c in (i, w, e, s, nn)], axis=0)
        out = fe - fw + gn - gs
    wet = (i[0] > 0) & (r > 0)
    factor = np.where(wet, out / np.where(wet, r, 1) / np.where(wet, i[0], 1), 0)
    return factor.max()


def main():
    dry = float(sys.argv[1]) if len(sys.argv) > 1 else 0.3
    for dim in (1, 2):
        f = max(worst_factor(dim, 2_000_000, dry) for _ in range(5))
        print(
            f"{dim}-D, 10^7 samples, dry fraction {dry}: largest factor {f:.5f}, cfl <= {1 / f:.4f}"
        )


if __name__ == "__main__":
    main()
