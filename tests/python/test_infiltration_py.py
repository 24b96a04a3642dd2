"""Infiltration set up from Python (issue 15): set_infiltration gives bitwise the results of a
scenario file's [infiltration] table (numbers and rasters of parameters), Green-Ampt follows
its exact ponded solution, and bad parameters are refused naming them."""

import math

import numpy as np
import pytest
from test_forcing_rules import AREA, CELL, NX, NY, X0, Y0, write_scenario

import floodtwin

# Per-cell parameters (row 0 north), also written as rasters for the scenario path.
KS = 1e-6 * (1.0 + np.arange(NX * NY).reshape(NY, NX) / 10.0)
CN = 60.0 + np.arange(NX * NY).reshape(NY, NX)


def write_raster(path, values):
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), NX, NY, 1, gdal.GDT_Float64)
    ds.SetGeoTransform((X0, CELL, 0.0, Y0, 0.0, -CELL))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32611)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(values)
    ds = None


CASES = {
    "green-ampt": (
        'model = "green-ampt"\nks = 1e-6\npsi = 0.089\ndtheta = 0.15',
        dict(model="green-ampt", ks=1e-6, psi=0.089, dtheta=0.15),
    ),
    "green-ampt rasters": (
        'model = "green-ampt"\nks = "ks.tif"\npsi = 0.089\ndtheta = 0.15',
        dict(model="green-ampt", ks=KS, psi=0.089, dtheta=np.full((NY, NX), 0.15)),
    ),
    "scs-cn": (
        'model = "scs-cn"\ncurve_number = 80\ninitial_abstraction_ratio = 0.05',
        dict(model="scs-cn", curve_number=80, initial_abstraction_ratio=0.05),
    ),
    "scs-cn raster": (
        'model = "scs-cn"\ncurve_number = "cn.tif"',
        dict(model="scs-cn", curve_number=CN),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_set_infiltration_equals_the_scenario_table_bitwise(tmp_path, case):
    table, kwargs = CASES[case]
    runs = []
    for name, losses in (("file", f"[infiltration]\n{table}\n"), ("python", "")):
        folder = tmp_path / name
        folder.mkdir()
        write_raster(folder / "ks.tif", KS)
        write_raster(folder / "cn.tif", CN)
        path = write_scenario(folder, "none", rain=True)
        path.write_text(path.read_text().replace("[terrain]", losses + "\n[terrain]"))
        sim = floodtwin.Simulation.from_scenario(path)
        if name == "python":
            assert sim._infiltration_model() is None
            sim.set_infiltration(**kwargs)
        assert sim._infiltration_model() == kwargs["model"]
        sim.run(until=3600.0)
        runs.append(sim)
    a, b = runs
    assert a.mass_balance().losses > 0.001 * AREA
    assert a.mass_balance().as_dict() == b.mass_balance().as_dict()
    np.testing.assert_array_equal(a.depth, b.depth)
    assert a.steps == b.steps


def test_green_ampt_follows_the_exact_ponded_solution():
    # 1 m of still water on a flat closed basin: ponded from the start, so F(t) solves
    # t = (F - S ln(1 + F/S)) / ks exactly (Chow, Maidment & Mays 1988, eq. 4.4.4).
    ks, psi, dtheta = 1e-5, 0.1, 0.3  # ks in m/s (36 mm/h)
    sim = floodtwin.Simulation(np.zeros((4, 5)), 10.0, depth=np.ones((4, 5)), max_dt=30.0)
    sim.set_infiltration("green-ampt", ks=36.0, psi=psi, dtheta=dtheta, ks_units="mm/h")
    sim.run(until=3600.0)
    s = psi * dtheta
    f = ks * 3600.0  # Newton on g(F) = F - S ln(1 + F/S) - ks t
    for _ in range(50):
        f -= (f - s * math.log1p(f / s) - ks * 3600.0) / (1.0 - s / (s + f))
    mb = sim.mass_balance()
    assert mb.losses / (20 * 100.0) == pytest.approx(f, rel=1e-9)
    np.testing.assert_allclose(sim.depth, 1.0 - f, rtol=1e-9)
    assert mb.relative_error < 1e-13


def test_clear_and_replace():
    sim = floodtwin.Simulation(np.zeros((4, 5)), 10.0, depth=np.ones((4, 5)))
    sim.set_infiltration("scs-cn", curve_number=np.full((4, 5), 70.0))
    assert sim._infiltration_model() == "scs-cn"
    sim.clear_infiltration()
    assert sim._infiltration_model() is None
    sim.run(until=60.0)
    assert sim.mass_balance().losses == 0.0


def test_bad_parameters_are_refused_by_name():
    z = np.zeros((4, 5))
    z[0, 0] = np.nan  # an inactive cell
    sim = floodtwin.Simulation(z, 10.0)
    with pytest.raises(ValueError, match='model must be "green-ampt" or "scs-cn"'):
        sim.set_infiltration("horton", ks=1e-6)
    with pytest.raises(ValueError, match='"green-ampt" needs psi'):
        sim.set_infiltration("green-ampt", ks=1e-6, dtheta=0.1)
    with pytest.raises(ValueError, match='curve_number is not a parameter of model "green-ampt"'):
        sim.set_infiltration("green-ampt", ks=1e-6, psi=0.1, dtheta=0.1, curve_number=70)
    with pytest.raises(ValueError, match=r"ks: expected values in \[0, 1\].*got 2 at row 0"):
        sim.set_infiltration("green-ampt", ks=2.0, psi=0.1, dtheta=0.1)
    cn = np.full((4, 5), 70.0)
    cn[2, 3] = 120.0
    with pytest.raises(ValueError, match=r"curve_number: .* got 120 at row 2, column 3"):
        sim.set_infiltration("scs-cn", curve_number=cn)
    cn[2, 3] = np.nan
    with pytest.raises(ValueError, match="NaN only in inactive cells"):
        sim.set_infiltration("scs-cn", curve_number=cn)
    cn[2, 3] = 70.0
    cn[0, 0] = np.nan  # fine: inactive
    sim.set_infiltration("scs-cn", curve_number=cn)
    with pytest.raises(ValueError, match=r"shape \(ny, nx\) = \(4, 5\)"):
        sim.set_infiltration("scs-cn", curve_number=np.full((5, 4), 70.0))
    with pytest.raises(ValueError, match="initial_abstraction_ratio"):
        sim.set_infiltration("scs-cn", curve_number=70, initial_abstraction_ratio=1.5)
    with pytest.raises(ValueError, match="ks_units"):
        sim.set_infiltration("green-ampt", ks=1.0, psi=0.1, dtheta=0.1, ks_units="cm/h")
