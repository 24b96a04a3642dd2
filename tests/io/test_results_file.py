"""A results file written by io_example_writer (tests/io/example_writer.cpp) opens without help
in xarray (netCDF4 engine), netCDF4-python, h5py and GDAL, carries the CF attributes, and holds
the values of the lake-at-rest case of tests/io/io_testing.hpp."""

import math
import os
import signal
import subprocess

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr
from osgeo import gdal, osr

NX, NY, DX, DY, X0, Y0 = 12, 8, 10.0, 5.0, 500000.0, 4200000.0
LEVEL = 1.0
MAPS = [
    "elevation",
    "manning",
    "max_depth",
    "max_speed",
    "max_water_level",
    "time_of_max_depth",
    "arrival_time",
    "flood_duration",
    "max_hazard",
]
SNAPSHOTS = ["depth", "water_level", "velocity_x", "velocity_y"]


def bed():
    i = np.arange(NX)[None, :]
    j = np.arange(NY)[:, None]
    z = 0.1 * i + 0.05 * j
    z[0, 0] = np.nan
    return z


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    path = tmp_path_factory.mktemp("io") / "lake.h5"
    writer = os.environ["FLOODTWIN_IO_EXAMPLE_WRITER"]
    subprocess.run([writer, str(path)], check=True)
    assert path.exists()
    assert not path.with_name(path.name + ".partial").exists()
    return str(path)


def test_xarray_opens_and_values_match(results):
    with xr.open_dataset(results, engine="netcdf4") as ds:
        assert ds.sizes == {"time": 4, "y": NY, "x": NX, "gauge_time": 7, "station": 2}
        np.testing.assert_allclose(ds.x.values, X0 + (np.arange(NX) + 0.5) * DX)
        np.testing.assert_allclose(ds.y.values, Y0 - (np.arange(NY) + 0.5) * DY)
        # time decodes to datetimes from the start given in the units
        times = ds.time.values
        assert times[0] == np.datetime64("2024-01-15T06:00:00")
        assert (times - times[0]).astype("timedelta64[s]").astype(int).tolist() == [0, 20, 40, 60]
        z = bed()
        np.testing.assert_allclose(ds.elevation.values, z, rtol=1e-6, equal_nan=True)
        depth = np.where(np.isnan(z), np.nan, np.maximum(LEVEL - z, 0.0))
        for k in range(4):
            np.testing.assert_allclose(
                ds.depth.isel(time=k).values, depth, atol=1e-6, equal_nan=True
            )
            np.testing.assert_allclose(
                ds.velocity_x.isel(time=k).values, 0.0 * z, atol=1e-9, equal_nan=True
            )
        np.testing.assert_allclose(ds.max_depth.values, depth, atol=1e-6, equal_nan=True)
        wet = depth > 1e-6
        np.testing.assert_allclose(ds.max_water_level.values[wet], LEVEL, atol=1e-6)
        flooded = depth > 0.1 + 1e-6
        # arrival at the end of the first step, flooded during every step of the 60 s
        assert np.all(ds.arrival_time.values[flooded] > 0)
        assert np.all(ds.arrival_time.values[flooded] < 1.0)
        np.testing.assert_allclose(ds.flood_duration.values[flooded], 60.0, rtol=1e-6)
        assert np.all(ds.flood_duration.values[~flooded & ~np.isnan(z)] == 0)
        # durations stay plain numbers (units "s", not decoded to timedeltas)
        assert ds.flood_duration.dtype == np.float32
        hazard = depth * 0.5 + np.where(depth > 0.25, 1.0, 0.0)
        np.testing.assert_allclose(ds.max_hazard.values, hazard, atol=1e-5, equal_nan=True)
        assert float(ds.arrival_time.attrs["threshold"]) == pytest.approx(0.1)
        np.testing.assert_allclose(ds.volume.values, ds.volume.values[0], rtol=1e-12)
        assert np.all(np.abs(ds.mass_balance_error.values) < 1e-12)
        assert ds.station_name.values.tolist() == ["north-west", "east"]
        np.testing.assert_allclose(ds.gauge_depth.values[:, 0], LEVEL - (0.3 + 0.05), atol=1e-9)
        np.testing.assert_allclose(ds.gauge_depth.values[:, 1], 0.0)
        np.testing.assert_allclose(ds.gauge_water_level.values[:, 0], LEVEL, atol=1e-9)


def test_cf_attributes(results):
    with netCDF4.Dataset(results) as nc:
        assert nc.data_model == "NETCDF4"
        assert nc.Conventions == "CF-1.8"
        assert nc.dimensions["time"].isunlimited()
        assert nc.dimensions["gauge_time"].isunlimited()
        for attr in [
            "floodtwin_version",
            "git_commit",
            "scheme",
            "threads",
            "wall_time",
            "scenario",
            "start_time",
            "status",
        ]:
            assert attr in nc.ncattrs(), attr
        assert nc.status == "complete"
        assert nc["time"].units == "seconds since 2024-01-15T06:00:00"
        assert nc["time"].standard_name == "time"
        assert nc["x"].standard_name == "projection_x_coordinate"
        assert nc["y"].standard_name == "projection_y_coordinate"
        assert nc["x"].units == "m"
        crs = nc["crs"]
        assert "UTM zone 11N" in crs.spatial_ref
        assert crs.crs_wkt == crs.spatial_ref
        for name, var in nc.variables.items():
            if name == "crs":
                continue
            assert "long_name" in var.ncattrs(), name
            if name != "station_name":
                assert "units" in var.ncattrs(), name
            if var.dimensions[-2:] == ("y", "x"):
                assert var.grid_mapping == "crs", name
                assert var.dtype == np.float32, name
                assert math.isnan(var._FillValue), name
        for name in SNAPSHOTS:
            var = nc[name]
            assert var.dimensions == ("time", "y", "x")
            filters = var.filters()
            assert filters["zlib"] and filters["shuffle"], name
            assert var.chunking() == [1, 4, 5], name
        for name in MAPS:
            assert nc[name].dimensions == ("y", "x"), name
        for name in ["gauge_depth", "gauge_water_level", "gauge_speed"]:
            assert nc[name].dimensions == ("gauge_time", "station")


def test_gdal_opens_a_map_with_its_crs(results):
    ds = gdal.Open(f'NETCDF:"{results}":max_depth')
    assert ds is not None
    assert (ds.RasterXSize, ds.RasterYSize) == (NX, NY)
    np.testing.assert_allclose(ds.GetGeoTransform(), (X0, DX, 0.0, Y0, 0.0, -DY))
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    assert srs.GetAuthorityCode(None) == "32611"
    band = ds.GetRasterBand(1)
    values = band.ReadAsArray()
    z = bed()
    depth = np.where(np.isnan(z), np.nan, np.maximum(LEVEL - z, 0.0))
    # row 0 of the raster is the northern row, as in the file
    np.testing.assert_allclose(values, depth, atol=1e-6, equal_nan=True)
    snap = gdal.Open(f'NETCDF:"{results}":depth')
    assert snap.RasterCount == 4


def test_h5py_sees_netcdf_dimension_scales(results):
    with h5py.File(results, "r") as f:
        assert f["depth"].dtype == np.float32
        assert f["depth"].maxshape == (None, NY, NX)
        assert f["depth"].dims[0][0].name == "/time"
        assert f["depth"].dims[1][0].name == "/y"
        assert f["depth"].dims[2][0].name == "/x"
        assert f["max_depth"].compression == "gzip"


def test_killed_run_leaves_a_file_xarray_reads(tmp_path):
    path = tmp_path / "killed.h5"
    writer = os.environ["FLOODTWIN_IO_EXAMPLE_WRITER"]
    proc = subprocess.Popen(
        [writer, str(path), "--hang-after", "2"], stdout=subprocess.PIPE, text=True
    )
    try:
        for line in proc.stdout:
            if line.strip() == "snapshot 2":
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert not path.exists()
    partial = path.with_name(path.name + ".partial")
    with xr.open_dataset(partial, engine="netcdf4") as ds:
        assert ds.attrs["status"] == "running"
        assert ds.sizes["time"] == 2
        assert ds.depth.isel(time=1).notnull().sum() == NX * NY - 1
        np.testing.assert_allclose(ds.elevation.values, bed(), rtol=1e-6, equal_nan=True)
