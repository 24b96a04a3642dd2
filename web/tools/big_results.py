"""A big results file for trying `floodtwin web` on a large grid (docs/web.md, "Big grids"):
the grids of a small results file (a template, e.g. a coarse demo run) upsampled by nearest
neighbour to N x N cells, every variable and attribute kept.

    /usr/bin/python3 web/tools/big_results.py small.h5 big.h5 4000
"""

import sys

import h5py
import numpy as np

SKIP = {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid"}


def main(template, out, n):
    with h5py.File(template, "r") as src, h5py.File(out, "w") as dst:
        ny, nx = src["elevation"].shape
        dx = float(src["x"].attrs["cell_size"]) * nx / n
        dy = float(src["y"].attrs["cell_size"]) * ny / n
        west = float(src["x"][0]) - 0.5 * float(src["x"].attrs["cell_size"])
        north = float(src["y"][0]) + 0.5 * float(src["y"].attrs["cell_size"])
        rows = (np.arange(n) * ny) // n
        cols = (np.arange(n) * nx) // n
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        for name, ds in src.items():
            if name == "x":
                data = west + (np.arange(n) + 0.5) * dx
            elif name == "y":
                data = north - (np.arange(n) + 0.5) * dy
            elif ds.shape[-2:] == (ny, nx):
                data = None
            else:
                data = ds[()]
            if data is None:
                shape = ds.shape[:-2] + (n, n)
                chunks = (1,) * (len(shape) - 2) + (min(n, 256), min(n, 256))
                new = dst.create_dataset(
                    name,
                    shape,
                    dtype=ds.dtype,
                    chunks=chunks,
                    compression="gzip",
                    compression_opts=1,
                    shuffle=True,
                )
                if ds.ndim == 3:
                    for k in range(ds.shape[0]):
                        new[k] = ds[k][np.ix_(rows, cols)]
                else:
                    new[()] = ds[()][np.ix_(rows, cols)]
            else:
                new = dst.create_dataset(name, data=data)
            for key, value in ds.attrs.items():
                if key not in SKIP:
                    new.attrs[key] = (
                        dx
                        if (key == "cell_size" and name == "x")
                        else dy
                        if (key == "cell_size" and name == "y")
                        else value
                    )
        if "GeoTransform" in dst["crs"].attrs:
            dst["crs"].attrs["GeoTransform"] = f"{west} {dx} 0 {north} 0 {-dy}"
        for dim in ("time", "y", "x", "gauge_time", "station"):
            dst[dim].make_scale(dim)
        for name, ds in dst.items():
            if name in ("time", "y", "x", "gauge_time", "station"):
                continue
            if ds.ndim == 3 and ds.shape[1:] == (n, n):
                for k, dim in enumerate(("time", "y", "x")):
                    ds.dims[k].attach_scale(dst[dim])
            elif ds.ndim == 2 and ds.shape == (n, n):
                ds.dims[0].attach_scale(dst["y"])
                ds.dims[1].attach_scale(dst["x"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
