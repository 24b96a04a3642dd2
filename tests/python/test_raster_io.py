"""Rasters in: Simulation.from_raster, set_* from raster paths (resampled and reprojected as
the CLI reads a scenario's rasters), the CRS on the simulation and in results files."""

import numpy as np
import pytest

import floodtwin

gdal = pytest.importorskip("osgeo.gdal")
osr = pytest.importorskip("osgeo.osr")
gdal.UseExceptions()

X0, Y0, DX = 500000.0, 4100000.0, 10.0  # north-west corner in UTM 33N [m], cell size [m]
NY, NX = 12, 16


def write_tif(path, values, x0=X0, y0=Y0, dx=DX, epsg=32633, nodata=None):
    """A north-up GeoTIFF of (bands, ny, nx) or (ny, nx) float64 values."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        values = values[None]
    bands, ny, nx = values.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), nx, ny, bands, gdal.GDT_Float64)
    ds.SetGeoTransform((x0, dx, 0.0, y0, 0.0, -dx))
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    for b in range(bands):
        band = ds.GetRasterBand(b + 1)
        if nodata is not None:
            band.SetNoDataValue(nodata)
        band.WriteArray(values[b])
    ds = None
    return str(path)


def dem_values():
    rows, cols = np.mgrid[0:NY, 0:NX]
    z = 10.0 + 0.1 * cols + 0.05 * rows
    z[0, 0] = -9999.0  # no-data: an inactive cell
    return z


@pytest.fixture
def dem(tmp_path):
    return write_tif(tmp_path / "dem.tif", dem_values(), nodata=-9999.0)


def test_from_raster_takes_grid_origin_crs_and_nodata(dem):
    sim = floodtwin.Simulation.from_raster(dem)
    assert sim.shape == (NY, NX) and sim.dx == DX and sim.dy == DX
    assert sim.origin == (X0, Y0)
    assert sim.crs.epsg == 32633 and "UTM zone 33N" in sim.crs.name
    assert sim.crs.grid_mapping_name == "transverse_mercator"
    assert sim.crs.cf["longitude_of_central_meridian"] == 15.0
    assert sim.crs.cf["scale_factor_at_central_meridian"] == 0.9996
    assert str(sim.crs) == "EPSG:32633"
    z = dem_values()
    assert np.isnan(sim.elevation[0, 0])
    np.testing.assert_array_equal(sim.elevation[1:, :], z[1:, :])
    assert sim.active_cells == NY * NX - 1
    assert sim.scheme == "second-order" and float(sim.manning[5, 5]) == 0.035
    np.testing.assert_array_equal(sim.x, X0 + (np.arange(NX) + 0.5) * DX)
    assert sim.raster_warnings == []


def test_from_raster_resamples_and_sets_fields(dem, tmp_path):
    sim = floodtwin.Simulation.from_raster(dem, cell_size=20, manning=0.05, depth=0.1)
    assert sim.shape == (NY // 2, NX // 2) and sim.dx == 20.0 and sim.origin == (X0, Y0)
    assert float(sim.manning[2, 2]) == 0.05 and float(sim.depth[3, 3]) == 0.1
    h = np.full((NY, NX), 0.25)
    sim = floodtwin.Simulation.from_raster(dem, depth=write_tif(tmp_path / "h.tif", h))
    assert float(sim.depth[4, 4]) == 0.25 and sim.depth[0, 0] == 0  # inactive stays dry
    with pytest.raises(ValueError, match="give one of them"):
        floodtwin.Simulation.from_raster(dem, depth=0.1, water_level=11.0)


def test_from_raster_errors_name_the_file(tmp_path):
    with pytest.raises(ValueError, match="cell_size"):
        floodtwin.Simulation.from_raster(write_tif(tmp_path / "z.tif", np.zeros((4, 5))), 0.0)
    missing = tmp_path / "missing.tif"
    with pytest.raises(OSError, match="missing.tif"):
        floodtwin.Simulation.from_raster(missing)
    no_crs = write_tif(tmp_path / "local.tif", np.zeros((4, 5)), epsg=None)
    sim = floodtwin.Simulation.from_raster(no_crs)
    assert sim.crs is None and "no CRS" in sim.raster_warnings[0]
    degrees = write_tif(
        tmp_path / "deg.tif", np.zeros((4, 5)), x0=15.0, y0=37.0, dx=0.001, epsg=4326
    )
    with pytest.raises(ValueError, match="deg.tif"):
        floodtwin.Simulation.from_raster(degrees)
    sim = floodtwin.Simulation.from_raster(degrees, target_crs="EPSG:32633", cell_size=20.0)
    assert sim.crs.epsg == 32633 and sim.dx == 20.0


def test_set_manning_from_a_raster_on_the_grid_and_resampled(dem, tmp_path):
    sim = floodtwin.Simulation.from_raster(dem)
    n = 0.02 + 0.001 * np.arange(NY * NX).reshape(NY, NX)
    sim.set_manning(write_tif(tmp_path / "n.tif", n))
    active = np.isfinite(sim.elevation)
    np.testing.assert_array_equal(sim.manning[active], n[active])
    # A coarser raster is resampled "near" (as a scenario's manning raster): each 10 m cell
    # takes the value of the 20 m cell that contains its centre.
    coarse = 0.03 + 0.002 * np.arange((NY // 2) * (NX // 2)).reshape(NY // 2, NX // 2)
    sim.set_manning(write_tif(tmp_path / "coarse.tif", coarse, dx=20.0))
    rows, cols = np.mgrid[0:NY, 0:NX]
    expected = coarse[rows // 2, cols // 2]
    np.testing.assert_array_equal(sim.manning[active], expected[active])


def test_set_manning_reprojects_a_raster_in_another_crs(dem, tmp_path):
    sim = floodtwin.Simulation.from_raster(dem)
    # 0.07 everywhere near the grid, in geographic coordinates: without reprojection the
    # raster would not overlap the grid at all.
    lonlat = write_tif(
        tmp_path / "n4326.tif", np.full((50, 50), 0.07), x0=14.9, y0=37.1, dx=0.004, epsg=4326
    )
    sim.set_manning(lonlat)
    assert np.all(sim.manning[np.isfinite(sim.elevation)] == 0.07)
    outside = write_tif(tmp_path / "far.tif", np.full((4, 4), 0.07), x0=0.0, y0=10.0, dx=1.0)
    with pytest.raises(ValueError, match="far.tif"):
        sim.set_manning(outside)


def test_set_depth_and_water_level_from_rasters(dem, tmp_path):
    sim = floodtwin.Simulation.from_raster(dem)
    h = np.linspace(0, 0.5, NY * NX).reshape(NY, NX)
    sim.set_depth(write_tif(tmp_path / "h.tif", h))
    active = np.isfinite(sim.elevation)
    np.testing.assert_array_equal(sim.depth[active], h[active])
    level = np.full((NY, NX), 11.0)
    sim.set_water_level(write_tif(tmp_path / "eta.tif", level))
    z = sim.elevation
    np.testing.assert_allclose(
        sim.depth[active], np.maximum(0, 11.0 - z[active]), rtol=0, atol=1e-12
    )
    holes = h.copy()
    holes[5, 5] = -9999.0
    with pytest.raises(ValueError, match="holes.tif"):
        sim.set_depth(write_tif(tmp_path / "holes.tif", holes, nodata=-9999.0))
    with pytest.raises(ValueError, match="negative.tif"):
        sim.set_depth(write_tif(tmp_path / "negative.tif", h - 1.0))


def test_set_rain_rate_from_a_raster(tmp_path):
    flat = write_tif(tmp_path / "flat.tif", np.zeros((NY, NX)))
    sim = floodtwin.Simulation.from_raster(flat, manning=0.0)
    rate = np.where(np.arange(NX) < NX // 2, 36.0, 72.0) * np.ones((NY, 1))  # mm/h
    sim.set_rain_rate(write_tif(tmp_path / "rain.tif", rate))
    sim.run(until=60.0)
    expected = rate.sum() / 3.6e6 * 60.0 * DX * DX
    assert sim.mass_balance().rain_in == pytest.approx(expected, rel=1e-12)


def test_set_rain_grids_from_a_band_stack(tmp_path):
    flat = write_tif(tmp_path / "flat.tif", np.zeros((NY, NX)))
    sim = floodtwin.Simulation.from_raster(flat, manning=0.0)
    stack = np.stack([np.full((NY, NX), v) for v in (10.0, 20.0, 0.0)])  # mm/h
    path = write_tif(tmp_path / "stack.tif", stack)
    sim.set_rain_grids(path, [600.0, 1200.0, 1800.0])  # period-ending: [0, 600), ...
    sim.run(until=1200.0)
    area = NY * NX * DX * DX
    assert sim.mass_balance().rain_in == pytest.approx(30.0 * 600 / 3.6e6 * area, rel=1e-12)
    with pytest.raises(ValueError, match="after"):
        sim.run(until=2400.0)  # past the last interval, after_end="error"
    sim.set_rain_grids(None)
    sim.run(until=2400.0)


def test_crs_given_to_an_array_simulation(tmp_path):
    sim = floodtwin.Simulation(np.zeros((4, 5)), 10.0, origin=(X0, Y0), crs="EPSG:32633")
    assert sim.crs.epsg == 32633
    sim.set_crs(None)
    assert sim.crs is None and sim.crs_wkt is None
    with pytest.raises(ValueError, match="geographic"):
        sim.set_crs("EPSG:4326")
    with pytest.raises(ValueError, match="unknown CRS"):
        sim.set_crs("EPSG:0")


def test_results_file_carries_the_crs(dem, tmp_path):
    sim = floodtwin.Simulation.from_raster(dem, depth=0.2)
    out = tmp_path / "run.nc"
    sim.run(until=5.0, output=out)
    with floodtwin.open_results(out) as ds:
        crs = ds["crs"].attrs
        assert crs["grid_mapping_name"] == "transverse_mercator"
        assert crs["crs_wkt"] == sim.crs_wkt and crs["spatial_ref"] == sim.crs_wkt
        assert crs["longitude_of_central_meridian"] == 15.0
        assert ds["depth"].attrs["grid_mapping"] == "crs"
    # GDAL opens a .nc results file with its netCDF driver, the variables as subdatasets.
    ds = gdal.Open(str(out))
    assert ds.GetDriver().ShortName == "netCDF"
    names = [name for name, _ in ds.GetSubDatasets()]
    assert f'NETCDF:"{out}":max_depth' in names
    # and reads the georeferencing back.
    d = gdal.Open(f'NETCDF:"{out}":max_depth')
    assert d.GetGeoTransform() == pytest.approx((X0, DX, 0.0, Y0, 0.0, -DX))
    srs = osr.SpatialReference(wkt=d.GetProjection())
    srs.AutoIdentifyEPSG()
    assert srs.GetAuthorityCode(None) == "32633"


def test_gdal_takes_an_h5_name_for_plain_hdf5(dem, tmp_path):
    """Why results for GIS should be named .nc: GDAL's HDF5 driver claims a .h5 file, without
    georeferencing; the explicit NETCDF: prefix still opens it georeferenced."""
    sim = floodtwin.Simulation.from_raster(dem, depth=0.2)
    out = tmp_path / "run.h5"
    sim.run(until=1.0, output=out)
    assert gdal.Open(str(out)).GetDriver().ShortName == "HDF5"
    d = gdal.Open(f'NETCDF:"{out}":max_depth')
    assert d.GetDriver().ShortName == "netCDF"
    assert d.GetGeoTransform() == pytest.approx((X0, DX, 0.0, Y0, 0.0, -DX))
