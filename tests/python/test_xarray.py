"""to_xarray() and peak_maps(): the state and peak maps as xarray, zero-copy, with CRS."""

import numpy as np
import pytest

import floodtwin
from conftest import dam_break

xr = pytest.importorskip("xarray")

STATE = ("depth", "water_level", "velocity_x", "velocity_y", "discharge_x", "discharge_y")


def basin(**kwargs):
    z = np.add.outer(np.linspace(1, 0, 8), np.linspace(0, 0.5, 10))
    h = np.zeros_like(z)
    h[2:5, 3:6] = 0.5
    return floodtwin.Simulation(z, 5.0, origin=(1000.0, 2000.0), manning=0.03, depth=h, **kwargs)


def test_state_variables_coordinates_and_units():
    sim = basin(crs="EPSG:32633")
    sim.run(until=3.0)
    ds = sim.to_xarray()
    assert set(ds.data_vars) == set(STATE) | {"elevation"}
    for name in STATE + ("elevation",):
        assert ds[name].dims == ("y", "x"), name
        np.testing.assert_array_equal(ds[name].values, getattr(sim, name))
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]
        assert ds[name].attrs["grid_mapping"] == "spatial_ref"
    assert ds.depth.attrs["units"] == "m" and ds.velocity_x.attrs["units"] == "m s-1"
    assert ds.discharge_y.attrs["units"] == "m2 s-1"
    np.testing.assert_array_equal(ds.x.values, 1000.0 + (np.arange(10) + 0.5) * 5.0)
    np.testing.assert_array_equal(ds.y.values, 2000.0 - (np.arange(8) + 0.5) * 5.0)
    assert ds.x.attrs["axis"] == "X" and ds.y.attrs["units"] == "m"
    assert float(ds.time) == 3.0 and ds.time.attrs["units"] == "s"
    assert ds.attrs["steps"] == sim.steps and ds.attrs["scheme"] == "second-order"
    crs = ds.spatial_ref.attrs
    assert crs["grid_mapping_name"] == "transverse_mercator" and crs["epsg"] == 32633
    assert crs["crs_wkt"] == sim.crs_wkt
    assert crs["GeoTransform"].split() == ["1000.0", "5.0", "0", "2000.0", "0", "-5.0"]
    # Selection by map coordinates.
    x, y = sim.x[4], sim.y[3]
    assert float(ds.depth.sel(x=x, y=y)) == sim.depth[3, 4]


def test_to_xarray_is_a_view_that_follows_the_run():
    sim = basin()
    ds = sim.to_xarray()
    for name in STATE + ("elevation",):
        assert np.shares_memory(ds[name].values, getattr(sim, name)), name
        assert not ds[name].values.flags.writeable
    before = ds.depth.values.copy()
    snapshot = ds.copy(deep=True)
    sim.run(until=2.0)
    np.testing.assert_array_equal(ds.depth.values, sim.depth)  # follows the simulation
    np.testing.assert_array_equal(ds.velocity_x.values, sim.velocity_x)
    assert not np.array_equal(ds.depth.values, before)
    np.testing.assert_array_equal(snapshot.depth.values, before)  # a deep copy stays
    assert "spatial_ref" not in ds.coords  # no CRS, no grid mapping


def test_fields_selection_and_errors():
    sim = dam_break(nx=20)
    ds = sim.to_xarray(fields=["depth"])
    assert list(ds.data_vars) == ["depth"]
    with pytest.raises(ValueError, match="unknown field"):
        sim.to_xarray(fields=["speed"])


def test_peak_maps():
    sim = basin(crs="EPSG:32633", flood_threshold=0.05)
    sim.run(until=5.0)
    peaks = sim.peak_maps()
    for name in (
        "max_depth",
        "max_speed",
        "max_water_level",
        "time_of_max_depth",
        "arrival_time",
        "flood_duration",
        "max_hazard",
    ):
        np.testing.assert_array_equal(peaks[name].values, getattr(sim, name), err_msg=name)
        assert np.shares_memory(peaks[name].values, getattr(sim, name))
        assert peaks[name].attrs["units"]
    assert peaks.attrs["flood_threshold"] == 0.05
    assert float(peaks.max_depth.max()) >= 0.5  # the initial mound
    assert peaks.spatial_ref.attrs["epsg"] == 32633
    # A plot-ready comparison: peaks of two runs subtract on their common coordinates.
    other = basin(crs="EPSG:32633", flood_threshold=0.05)
    other.set_manning(0.1)
    other.run(until=5.0)
    diff = other.peak_maps().max_depth - peaks.max_depth
    assert diff.dims == ("y", "x") and np.isfinite(diff.values).all()


def test_to_netcdf_round_trip(tmp_path):
    sim = basin(crs="EPSG:32633")
    sim.run(until=1.0)
    path = tmp_path / "state.nc"
    sim.to_xarray().to_netcdf(path)
    with xr.open_dataset(path) as back:
        np.testing.assert_array_equal(back.depth.values, sim.depth)
        assert back.spatial_ref.attrs["grid_mapping_name"] == "transverse_mercator"
