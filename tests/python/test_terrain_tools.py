"""DEM conditioning and area inflows from Python and from scenario files."""

import numpy as np
import pytest

import floodtwin

from conftest import demo_copy


def test_condition_dem_fills_pits_and_keeps_lakes():
    z = np.full((7, 9), 10.0)
    z[1, 1] = 9.5  # artefact pit, 0.5 m deep
    z[3:5, 4:7] = 6.0  # lake, 4 m deep
    z[6, 8] = np.nan
    before = z.copy()
    filled, report = floodtwin.condition_dem(z, 10.0, max_depth=2.0)
    assert np.array_equal(z, before, equal_nan=True)  # input untouched
    assert filled[1, 1] == 10.0
    assert (filled[3:5, 4:7] == 6.0).all()
    assert np.isnan(filled[6, 8])
    assert report["depressions_filled"] == 1 and report["depressions_kept"] == 1
    assert report["cells_raised"] == 1
    assert report["volume"] == pytest.approx(50.0)
    assert report["kept_max_depth"] == pytest.approx(4.0)
    everything, r2 = floodtwin.condition_dem(z, 10.0)
    assert np.nanmax(np.abs(everything - 10.0)) == 0
    assert r2["volume"] == pytest.approx(50.0 + 6 * 100 * 4.0)
    with pytest.raises(ValueError):
        floodtwin.condition_dem(np.zeros(5), 1.0)
    with pytest.raises(ValueError):
        floodtwin.condition_dem(z, 1.0, max_depth=-1.0)


def test_scenario_fill_and_circle_inflow(tmp_path):
    path = demo_copy(tmp_path, cell_size=900, duration="30min")
    text = path.read_text().replace(
        "manning = 0.045", 'manning = 0.045\ncondition = "fill"\ncondition_max_depth = 30.0'
    )
    # A circular inlet at the middle of the demo DEM (UTM 11N, centre from gdalinfo).
    text += '\n[[point_source]]\nname = "inlet"\ncenter = [394268.0, 3798272.0]\nradius = 2000.0\n'
    text += "value = 50.0\n"
    path.write_text(text)
    notes = "\n".join(floodtwin.validate(path)["notes"])
    assert "terrain conditioning (fill):" in notes
    assert "inflow 'inlet': spread over" in notes


def test_add_channel_burns_bed_and_manning():
    ny, nx, dx = 10, 20, 30.0
    x = (np.arange(nx) + 0.5) * dx
    z = np.tile(50.0 - 0.002 * x, (ny, 1))
    sim = floodtwin.Simulation(z, dx, dx, (0.0, ny * dx), manning=0.06)
    y = ny * dx - 4.5 * dx  # centre of row 4
    r = sim.add_channel([[-100.0, y + 0.3], [nx * dx + 100.0, y + 0.3]], width=10.0, depth=2.0)
    assert list(r["i"]) == list(range(nx)) and set(r["j"]) == {4}
    assert r["skipped"] > 0  # the path cells outside the grid
    expect_n = 0.03 * (dx / 10.0) * ((10.0 + 2 * 2.0) / 10.0) ** (2.0 / 3.0)
    after_z, after_n = np.asarray(sim.elevation), np.asarray(sim.manning)
    assert np.allclose(after_z[4], z[4] - 2.0, rtol=0, atol=1e-12)
    assert np.allclose(after_n[4], expect_n, rtol=1e-12)
    others = np.ones(ny, bool)
    others[4] = False
    assert np.array_equal(after_z[others], z[others]) and (after_n[others] == 0.06).all()
    assert r["volume"] == pytest.approx(nx * dx * dx * 2.0)
    for bad in ({"width": 0.0, "depth": 1.0}, {"width": 40.0, "depth": 1.0}):
        with pytest.raises(ValueError, match="width"):
            sim.add_channel([[0.0, y], [300.0, y]], **bad)
    with pytest.raises(ValueError, match="crosses no active cell"):
        sim.add_channel([[-900.0, -900.0], [-800.0, -900.0]], width=5.0, depth=1.0)
