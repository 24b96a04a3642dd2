#!/usr/bin/python3
"""A probability map PNG from an ensemble file (`floodtwin ensemble`): the share of members whose
max depth exceeds a threshold, per cell, over the terrain's shaded relief when the scenario's
results are given.

usage: /usr/bin/python3 ensemble/probability_map.py ENSEMBLE.h5 [--threshold 0.3] [--out P.png]
                                                    [--results RESULTS.h5]
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ensemble")
    ap.add_argument("--threshold", type=float, default=0.3)
    ap.add_argument("--out", default="ensemble_probability.png")
    ap.add_argument("--results", help="a results file of the scenario, for the terrain")
    a = ap.parse_args()
    with netCDF4.Dataset(a.ensemble) as ds:
        thresholds = np.array(ds["threshold"][:])
        k = int(np.argmin(np.abs(thresholds - a.threshold)))
        p = np.ma.filled(ds["exceedance_probability"][k], np.nan)
        x = np.array(ds["x"][:])
        y = np.array(ds["y"][:])
        members = ds.dimensions["realization"].size
        title = ds.title
    extent = (
        x[0] - (x[1] - x[0]) / 2,
        x[-1] + (x[1] - x[0]) / 2,
        y[-1] - (y[0] - y[1]) / 2,
        y[0] + (y[0] - y[1]) / 2,
    )
    fig, ax = plt.subplots(figsize=(8, 8 * len(y) / len(x) + 0.8), dpi=110)
    if a.results:
        with netCDF4.Dataset(a.results) as r:
            z = np.ma.filled(r["elevation"][:], np.nan)
        gy, gx = np.gradient(z)
        shade = np.clip(0.6 - 0.4 * (gx + gy) / (np.nanstd(gx + gy) + 1e-9), 0, 1)
        ax.imshow(shade, cmap="gray", extent=extent, vmin=0, vmax=1)
    shown = np.ma.masked_where(~(p > 0), p)
    im = ax.imshow(shown, cmap="YlOrRd", vmin=0, vmax=1, extent=extent, interpolation="nearest")
    fig.colorbar(im, ax=ax, shrink=0.8, label=f"P(max depth > {thresholds[k]:g} m)")
    ax.set_title(f"{title}: {members} members")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    fig.tight_layout()
    fig.savefig(a.out)
    print(f"probability map: {a.out}")


if __name__ == "__main__":
    main()
