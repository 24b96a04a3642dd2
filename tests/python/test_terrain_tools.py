"""DEM conditioning and area inflows from Python and from scenario files."""

import numpy as np
import pytest

import floodtwin

from conftest import demo_copy


def without_conditioning(text):
    """A scenario text without [terrain] conditioning keys (the demo may set some)."""
    keys = ("condition", "condition_max_depth", "condition_max_volume", "breach_max_")
    return "\n".join(
        line for line in text.splitlines() if not line.split("=")[0].strip().startswith(keys)
    )


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
    text = without_conditioning(path.read_text()).replace(
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
    r = sim.add_channel(
        [[-100.0, y + 0.3], [nx * dx + 100.0, y + 0.3]], width=10.0, depth=2.0, model="burn"
    )
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
            sim.add_channel([[0.0, y], [300.0, y]], model="burn", **bad)
    with pytest.raises(ValueError, match="crosses no active cell"):
        sim.add_channel([[-900.0, -900.0], [-800.0, -900.0]], width=5.0, depth=1.0, model="burn")


def test_add_channel_subgrid_carries_normal_depth():
    # A straight sub-grid channel (the default model): the bed stays, the channel carries Q at
    # Manning's normal depth (10 m wide, n 0.03, S 0.002: 35 m3/s at 1.8981 m), out through
    # its free outlet, and the balance closes with the channel's volume.
    ny, nx, dx = 5, 20, 30.0
    x = (np.arange(nx) + 0.5) * dx
    z = np.tile(50.0 - 0.002 * x, (ny, 1))
    sim = floodtwin.Simulation(z, dx, dx, (0.0, ny * dx), manning=0.06)
    y = ny * dx - 2.5 * dx
    r = sim.add_channel([[0.0, y + 0.3], [nx * dx + 100.0, y + 0.3]], width=10.0, depth=2.0)
    assert r["free_outlet"] and list(r["i"]) == list(range(nx)) and r["volume"] == 0.0
    assert np.array_equal(np.asarray(sim.elevation), z)
    assert np.allclose(r["bed"], z[2] - 2.0, rtol=0, atol=1e-12)
    sim.add_point_source(0.5 * dx, y, None, 35.0)
    sim.run(3600.0)
    depth = np.asarray(sim.depth)  # channel cells (row 2) show the river's depth
    assert np.delete(depth, 2, axis=0).max() == 0.0  # in bank: the floodplain stays dry
    assert depth[2, 5:15] == pytest.approx(1.8981, rel=0.02)
    mb = sim.mass_balance()
    assert abs(mb.error) < 1e-9 * mb.point_in
    stored = mb.volume / (10.0 * nx * dx)  # mean depth in the channel
    assert stored == pytest.approx(1.8981, rel=0.02)
    with pytest.raises(ValueError, match="design_depth"):
        sim.add_channel([[0.0, y], [300.0, y]], width=5.0, depth=1.0, design_depth=1.0)
    with pytest.raises(ValueError, match="model"):
        sim.add_channel([[0.0, y], [300.0, y]], width=5.0, depth=1.0, model="carve")


def test_condition_dem_breach_cuts_a_dam():
    # A valley falling east, dammed by a 1 m ridge at column 5: breaching cuts through the
    # ridge (the pit drains), filling raises the pond; "breach" alone leaves z elsewhere.
    z = np.tile(10.0 - 0.1 * np.arange(12), (5, 1))
    z[[0, 4], :] = 20.0  # valley sides
    z[1:4, 5] = 10.0  # the dam
    cut, report = floodtwin.condition_dem(z, 10.0, method="breach")
    assert report["breaches"] >= 1 and report["not_breached"] == 0
    assert report["cells_lowered"] >= 1 and report["max_cut"] > 0
    assert "depressions_filled" not in report and report["summary"].startswith("breach: ")
    assert (cut <= z).all() and (cut[1:4, 5] < 10.0).any()
    refilled, _ = floodtwin.condition_dem(cut, 10.0)
    assert np.array_equal(refilled, cut)  # nothing left to fill
    limited, r2 = floodtwin.condition_dem(z, 10.0, method="fill+breach", breach_max_depth=0.1)
    assert r2["breaches"] == 0 and r2["not_breached"] >= 1 and r2["depressions_filled"] >= 1
    assert np.array_equal(limited, floodtwin.condition_dem(z, 10.0)[0])
    with pytest.raises(ValueError, match="method"):
        floodtwin.condition_dem(z, 10.0, method="carve")
    with pytest.raises(ValueError, match="breach_max_depth"):
        floodtwin.condition_dem(z, 10.0, breach_max_depth=1.0)  # method "fill"
    with pytest.raises(ValueError, match="max_depth"):
        floodtwin.condition_dem(z, 10.0, max_depth=1.0, method="breach")


@pytest.mark.parametrize("method", ["breach", "fill+breach"])
def test_condition_dem_matches_scenario_condition(tmp_path, method):
    # The scenario path (driver: breach, then fill) and condition_dem on the same bare DEM give
    # the same elevations, bit for bit.
    (tmp_path / "bare").mkdir()
    bare_path = demo_copy(tmp_path / "bare", cell_size=900)
    bare_path.write_text(without_conditioning(bare_path.read_text()))
    bare = floodtwin.Simulation.from_scenario(str(bare_path))
    path = demo_copy(tmp_path, cell_size=900)
    extra = f'condition = "{method}"\nbreach_max_length = 5000.0\n'
    if "fill" in method:
        extra += "condition_max_depth = 40.0\n"
    text = without_conditioning(path.read_text())
    path.write_text(text.replace("manning = 0.045", "manning = 0.045\n" + extra))
    scenario = floodtwin.Simulation.from_scenario(str(path))
    z = np.asarray(bare.elevation)
    mine, report = floodtwin.condition_dem(
        z,
        bare.dx,
        bare.dy,
        method=method,
        breach_max_length=5000.0,
        **({"max_depth": 40.0} if "fill" in method else {}),
    )
    assert report["breaches"] > 0
    assert np.array_equal(mine, np.asarray(scenario.elevation), equal_nan=True)
    assert not np.array_equal(mine, z, equal_nan=True)
