"""A CF-1.8 check of a freshly written results file (the rules that matter for readers:
units, standard names from the CF table, coordinates and axes, the grid mapping, fill values,
time units and calendar). Debian packages no CF checker (cfchecker is on PyPI only), so the
rules are checked here, one test each, on the file a scripted run writes."""

import shutil
import subprocess

import numpy as np
import pytest

import floodtwin

netCDF4 = pytest.importorskip("netCDF4")
cftime = pytest.importorskip("cftime")

# Entries of the CF standard name table (version 84) for the names floodtwin writes, with
# their canonical units.
CF_STANDARD_NAMES = {
    "time": "s",
    "projection_x_coordinate": "m",
    "projection_y_coordinate": "m",
    "surface_altitude": "m",
    "water_surface_height_above_reference_datum": "m",
}
# The unit strings floodtwin writes, each a valid UDUNITS-2 unit (or "1": dimensionless).
# Manning's n [s m-1/3] has a fractional power that UDUNITS-2 cannot parse; it is listed as
# what it is, and checked to be the only such unit.
UDUNITS = {"m", "s", "m s-1", "m2 s-1", "m3", "1"}
FRACTIONAL = {"s m-1/3"}
# CF appendix F: grid_mapping_name -> the parameters it needs.
GRID_MAPPINGS = {
    "transverse_mercator": {
        "scale_factor_at_central_meridian",
        "longitude_of_central_meridian",
        "latitude_of_projection_origin",
        "false_easting",
        "false_northing",
    },
    "lambert_conformal_conic": {
        "standard_parallel",
        "longitude_of_central_meridian",
        "latitude_of_projection_origin",
    },
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A results file of a scripted run with a CRS (UTM 33N), gauges and snapshots."""
    ny, nx = 10, 14
    z = np.add.outer(np.linspace(1, 0, ny), np.zeros(nx))
    h = np.zeros((ny, nx))
    h[3:6, 4:8] = 0.4
    sim = floodtwin.Simulation(
        z, 10.0, origin=(500000.0, 4100000.0), depth=h, crs="EPSG:32633", manning=0.03
    )
    sim.add_gauge("outlet", 500065.0, 4099955.0)
    sim.add_gauge("bridge", 500105.0, 4099915.0)
    sim.set_uniform_rain(None, 20.0)
    path = tmp_path_factory.mktemp("cf") / "run.nc"
    sim.run(until=20.0, output=path, output_interval=5.0)
    with netCDF4.Dataset(path) as ds:
        yield ds


def data_variables(ds):
    coords = set(ds.dimensions)
    mapping = {v.grid_mapping for v in ds.variables.values() if "grid_mapping" in v.ncattrs()}
    return {
        name: v for name, v in ds.variables.items() if name not in coords and name not in mapping
    }


def test_conventions(results):
    assert results.Conventions == "CF-1.8"
    assert results.title and results.source and results.institution


def test_units_on_every_numeric_variable(results):
    for name, v in results.variables.items():
        if name == "crs" or v.dtype == str:
            continue
        assert "units" in v.ncattrs(), f"{name}: no units"
        units = v.units
        if " since " in units:
            continue
        assert units in UDUNITS or units in FRACTIONAL, f"{name}: units {units!r}"
    fractional = {n for n, v in results.variables.items() if getattr(v, "units", "") in FRACTIONAL}
    assert fractional == {"manning"}


def test_standard_names_are_from_the_cf_table_with_their_units(results):
    used = 0
    for name, v in results.variables.items():
        if "standard_name" not in v.ncattrs():
            continue
        used += 1
        standard = v.standard_name
        assert standard in CF_STANDARD_NAMES, f"{name}: {standard!r} is not in the CF table"
        canonical = CF_STANDARD_NAMES[standard]
        if canonical == "s":
            assert v.units.startswith("seconds since") or v.units == "s", name
        else:
            assert v.units == canonical, f"{name}: {v.units!r}, CF says {canonical!r}"
    assert used >= 6


def test_coordinate_variables_and_axes(results):
    for name, axis in (("x", "X"), ("y", "Y"), ("time", "T")):
        v = results.variables[name]
        assert v.dimensions == (name,) and v.axis == axis
        values = v[:]
        step = np.diff(values)
        assert np.all(step > 0) or np.all(step < 0), f"{name} is not monotonic"
    for name, v in results.variables.items():
        for dim in v.dimensions:
            if dim in results.variables:
                assert results.variables[dim].dimensions == (dim,), dim
        if "coordinates" in v.ncattrs():
            for other in v.coordinates.split():
                assert other in results.variables, f"{name}: coordinate {other} missing"


def test_grid_mapping(results):
    gridded = [v for v in data_variables(results).values() if v.dimensions[-2:] == ("y", "x")]
    assert len(gridded) >= 10
    for v in gridded:
        assert v.grid_mapping == "crs", v.name
    crs = results.variables["crs"]
    attrs = set(crs.ncattrs())
    assert crs.grid_mapping_name in GRID_MAPPINGS
    missing = GRID_MAPPINGS[crs.grid_mapping_name] - attrs
    assert not missing, f"crs lacks {missing}"
    assert {"crs_wkt", "spatial_ref", "GeoTransform", "semi_major_axis"} <= attrs
    assert {"inverse_flattening", "longitude_of_prime_meridian"} <= attrs
    assert crs.longitude_of_central_meridian == 15.0
    assert crs.scale_factor_at_central_meridian == pytest.approx(0.9996)
    assert crs.false_easting == 500000.0 and crs.semi_major_axis == 6378137.0
    assert crs.inverse_flattening == pytest.approx(298.257223563)
    gt = [float(t) for t in crs.GeoTransform.split()]
    assert gt == [500000.0, 10.0, 0.0, 4100000.0, 0.0, -10.0]


def test_fill_values_have_the_variable_type(results):
    seen = 0
    for name, v in results.variables.items():
        if "_FillValue" not in v.ncattrs():
            continue
        seen += 1
        assert np.asarray(v._FillValue).dtype == v.dtype, name
    assert seen >= 10


def test_time_units_and_calendar_parse(results):
    for name in ("time", "gauge_time"):
        v = results.variables[name]
        assert v.calendar in ("standard", "gregorian", "proleptic_gregorian")
        dates = cftime.num2date(v[:], v.units, v.calendar)
        assert len(dates) == len(v)
    t = results.variables["time"][:]
    np.testing.assert_array_equal(t, [0, 5, 10, 15, 20])


def test_station_series(results):
    # CF 9: a discrete sampling geometry of station time series (orthogonal multidimensional
    # representation): featureType, one timeseries_id variable on the station dimension, named
    # with the station positions in each series' coordinates.
    assert results.featureType == "timeSeries"
    names = results.variables["station_name"]
    assert names.cf_role == "timeseries_id" and names.dimensions == ("station",)
    assert list(names[:]) == ["outlet", "bridge"]
    ids = [n for n, v in results.variables.items() if getattr(v, "cf_role", "") == "timeseries_id"]
    assert sorted(results.variables[n].dimensions for n in ids) == sorted(
        {(n,) for n in ("station", "section", "boundary") if n in results.dimensions}
    )
    for name in ("gauge_depth", "gauge_water_level", "gauge_speed"):
        v = results.variables[name]
        assert v.dimensions == ("gauge_time", "station")
        assert set(v.coordinates.split()) == {"station_x", "station_y", "station_name"}


def test_station_series_select_by_name(results):
    import xarray

    path = results.filepath()
    with floodtwin.open_results(path) as ds:
        outlet = ds.gauge_depth.sel(station="outlet")
        assert outlet.dims == ("gauge_time",)
        assert np.array_equal(outlet.values, results.variables["gauge_depth"][:, 0], equal_nan=True)
    with xarray.open_dataset(path) as ds:  # plain xarray: the names are a coordinate
        assert "station_name" in ds.gauge_depth.coords


@pytest.mark.parametrize(
    "epsg, mapping, expected",
    [
        (
            2154,  # RGF93 / Lambert-93
            "lambert_conformal_conic",
            {
                "standard_parallel": [49.0, 44.0],
                "longitude_of_central_meridian": 3.0,
                "latitude_of_projection_origin": 46.5,
                "false_easting": 700000.0,
                "false_northing": 6600000.0,
            },
        ),
        (
            3031,  # Antarctic polar stereographic (variant B: standard parallel -71)
            "polar_stereographic",
            {
                "straight_vertical_longitude_from_pole": 0.0,
                "latitude_of_projection_origin": -90.0,
                "standard_parallel": -71.0,
            },
        ),
        (
            5070,  # NAD83 / Conus Albers
            "albers_conical_equal_area",
            {
                "standard_parallel": [29.5, 45.5],
                "longitude_of_central_meridian": -96.0,
                "latitude_of_projection_origin": 23.0,
            },
        ),
        (
            3035,  # ETRS89-extended / LAEA Europe
            "lambert_azimuthal_equal_area",
            {
                "longitude_of_projection_origin": 10.0,
                "latitude_of_projection_origin": 52.0,
                "false_easting": 4321000.0,
            },
        ),
        (
            27700,  # OSGB36 / British National Grid
            "transverse_mercator",
            {
                "scale_factor_at_central_meridian": 0.9996012717,
                "longitude_of_central_meridian": -2.0,
                "latitude_of_projection_origin": 49.0,
                "false_northing": -100000.0,
                "inverse_flattening": 299.3249646,
            },
        ),
    ],
)
def test_cf_grid_mapping_of_common_projections(epsg, mapping, expected):
    """The WKT reader against the parameters of the EPSG definitions (GDAL's WKT1 and WKT2)."""
    osr = pytest.importorskip("osgeo.osr")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    for wkt in (srs.ExportToWkt(), srs.ExportToWkt(["FORMAT=WKT2_2019"])):
        crs = floodtwin._simulation.crs_of(wkt)
        assert crs.epsg == epsg and crs.grid_mapping_name == mapping
        assert crs.cf["grid_mapping_name"] == mapping
        for key, value in expected.items():
            assert crs.cf[key] == pytest.approx(value), (epsg, key)
        assert crs.cf["longitude_of_prime_meridian"] == 0.0
        assert crs.cf["semi_major_axis"] > 6e6


def test_cf_grid_mapping_of_unreadable_or_unknown_text():
    assert floodtwin._simulation.crs_of("") is None
    crs = floodtwin._simulation.crs_of("not a WKT")
    assert crs.epsg is None and crs.grid_mapping_name == "" and crs.cf == {}


@pytest.mark.skipif(shutil.which("gdalinfo") is None, reason="needs gdalinfo (gdal-bin)")
def test_gdal_opens_the_nc_file_as_georeferenced_netcdf(results):
    """A `.nc` results file opens in GDAL (and QGIS) without a NETCDF: prefix: the netCDF
    driver lists the maps, and a map comes with the grid's CRS and one band per time."""
    path = results.filepath()
    info = subprocess.run(["gdalinfo", path], capture_output=True, text=True, check=True).stdout
    assert "Driver: netCDF/Network Common Data Format" in info
    depth = f'NETCDF:"{path}":depth'
    assert f"SUBDATASET_1_NAME={depth}" in info
    band = subprocess.run(["gdalinfo", depth], capture_output=True, text=True, check=True).stdout
    assert "UTM zone 33N" in band
    assert f"Origin = (500000.000000000000000,{4100000.0:.15f})" in band
    times = len(results.dimensions["time"])
    assert band.count("\nBand ") == times and f"Band {times + 1} " not in band
