"""The other commands from Python: validate, info and export give what `floodtwin validate`,
`floodtwin info` and `floodtwin export` give (the same library calls, the same text), and
run_scenario takes the thread count of `floodtwin run --threads`."""

import os
import subprocess

import numpy as np
import pytest
from conftest import demo_copy

import floodtwin

CLI = os.environ.get("FLOODTWIN_CLI")


def cli(*args):
    """stdout of the `floodtwin` command of the same build."""
    if not CLI:
        pytest.skip("FLOODTWIN_CLI is not set (run through ctest)")
    done = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """One run of a coarse copy of the demo (1 thread), shared by the tests of this file."""
    folder = tmp_path_factory.mktemp("run")
    path = demo_copy(folder, cell_size=600, duration="3h")
    summary = floodtwin.run_scenario(path, threads=1)
    return path, summary


def test_validate_matches_the_command(scenario):
    check = floodtwin.validate(scenario)
    assert check["file"] == str(scenario)
    assert (check["nx"], check["ny"], check["dx"]) == (59, 32, 600.0)
    assert 0 < check["active_cells"] <= check["nx"] * check["ny"]
    assert check["gauges"] == 3 and check["boundaries"] == 4
    assert check["duration"] == 7200 and check["output_interval"] == 900
    assert check["scheme"] == "first-order"  # the demo: first order at cfl 0.75
    assert check["output"].endswith("results/demo.nc") and check["vtk"] is None
    assert any("Green-Ampt" in n for n in check["notes"])
    assert check["report"] == cli("validate", scenario)


def test_validate_errors_name_the_file_and_line(tmp_path, scenario):
    bad = tmp_path / "bad.toml"
    bad.write_text(scenario.read_text().replace("duration =", "durration ="))
    with pytest.raises(floodtwin.ScenarioError, match=r"bad\.toml:\d+.*durration.*duration"):
        floodtwin.validate(bad)
    with pytest.raises(FileNotFoundError, match="missing.toml"):
        floodtwin.validate(tmp_path / "missing.toml")
    with pytest.raises(TypeError, match="os.PathLike"):
        floodtwin.validate(42)


def test_run_scenario_threads(results, tmp_path):
    path, summary = results
    assert not summary["interrupted"] and summary["mass_balance_error"] < 1e-12
    ds = floodtwin.open_results(summary["results"])
    assert ds.attrs["threads"] == 1
    with pytest.raises(floodtwin.ScenarioError, match="threads must be a positive integer"):
        floodtwin.run_scenario(path, threads=0, output=str(tmp_path / "x.h5"))
    # Results do not depend on the thread count (bitwise; the solver is deterministic).
    again = floodtwin.run_scenario(path, threads=2, output=str(tmp_path / "two.h5"))
    ds2 = floodtwin.open_results(again["results"])
    assert ds2.attrs["threads"] == 2
    assert np.array_equal(ds["max_depth"].values, ds2["max_depth"].values, equal_nan=True)


def test_info_matches_the_command_and_the_file(results):
    _, summary = results
    info = floodtwin.info(summary["results"])
    assert info["status"] == "complete"
    assert info["snapshots"] == 13  # t = 0 and every 15 min for 3 h
    assert (info["first_time"], info["last_time"]) == (0.0, 10800.0)
    assert info["peak_depth"] == pytest.approx(summary["max_depth"], rel=1e-6)
    assert info["flooded_area"] == pytest.approx(summary["flooded_area"], rel=1e-9)
    assert info["mass_balance_error"] < 1e-12
    assert info["stations"] == 3 and info["wall_time"] > 0
    ds = floodtwin.open_results(summary["results"])
    x_min, y_min, x_max, y_max = info["extent"]
    assert x_min == pytest.approx(float(ds.x[0]) - 300) and y_max == pytest.approx(
        float(ds.y[0]) + 300
    )
    assert info["report"] == cli("info", summary["results"])
    assert info["flooded_area"] > 0
    coarse = floodtwin.info(summary["results"], threshold=0.5)
    assert coarse["flooded_area"] < info["flooded_area"]
    with pytest.raises(floodtwin.ScenarioError, match="threshold"):
        floodtwin.info(summary["results"], threshold=-1)
    with pytest.raises(FileNotFoundError):
        floodtwin.info("no/such/results.h5")


def test_export_writes_georeferenced_rasters(results, tmp_path):
    from osgeo import gdal, osr

    _, summary = results
    ds = floodtwin.open_results(summary["results"])
    out = tmp_path / "max_depth.tif"
    e = floodtwin.export(summary["results"], out, "max_depth")
    assert e == {
        "path": str(out),
        "variable": "max_depth",
        "format": "GTiff",
        "time": None,
        "nx": 59,
        "ny": 32,
    }
    raster = gdal.Open(str(out))
    band = raster.GetRasterBand(1).ReadAsArray()
    assert np.array_equal(band, ds["max_depth"].values, equal_nan=True)
    gt = raster.GetGeoTransform()
    assert gt[1] == 600 and gt[5] == -600 and gt[0] == pytest.approx(float(ds.x[0]) - 300)
    srs = osr.SpatialReference(wkt=raster.GetProjection())
    assert srs.GetAuthorityCode(None) == "32611"  # the DEM's UTM zone 11N
    assert not list(tmp_path.glob(".*partial*"))  # the scratch folder is gone

    snap = floodtwin.export(summary["results"], tmp_path / "d.tif", "depth", time="30min")
    assert snap["time"] == 1800
    # The same time syntax as `floodtwin render --time`.
    assert (
        floodtwin.export(summary["results"], tmp_path / "c.tif", "depth", time="00:30")["time"]
        == 1800
    )
    raster = gdal.Open(str(tmp_path / "d.tif"))  # kept: a band must not outlive its dataset
    band = raster.GetRasterBand(1).ReadAsArray()
    assert np.array_equal(band, ds["depth"].isel(time=2).values, equal_nan=True)


def test_export_errors_keep_earlier_files(results, tmp_path):
    _, summary = results
    with pytest.raises(ValueError, match="no variable 'nope'; maps: .*max_depth"):
        floodtwin.export(summary["results"], tmp_path / "x.tif", "nope")
    with pytest.raises(
        ValueError, match=r"no snapshot at t = 1200 s \(--time 20min\) in .*every 900 s"
    ):
        floodtwin.export(summary["results"], tmp_path / "x.tif", "depth", time="20min")
    with pytest.raises(
        floodtwin.ScenarioError, match="--time expects END or a time since the start"
    ):
        floodtwin.export(summary["results"], tmp_path / "x.tif", "depth", time="soon")
    earlier = tmp_path / "keep.tif"
    earlier.write_bytes(b"an earlier map")
    with pytest.raises(Exception, match="NOPE"):
        floodtwin.export(summary["results"], earlier, "max_depth", format="NOPE")
    assert earlier.read_bytes() == b"an earlier map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.tif"]
