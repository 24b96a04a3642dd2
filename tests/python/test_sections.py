"""Discharge through cross-sections and boundaries (issue 15): from Python, in scenario files
([[cross_section]]), in results files (section_discharge, boundary_discharge) and in the CLI's
summary; volumes checked against the change of stored volume and the mass balance."""

import os
import re
import subprocess

import numpy as np
import pytest
from conftest import demo_copy

import floodtwin


def volume_in(sim, x0, x1, y0, y1):
    """Volume stored in the cells whose centres lie in the box [m3]."""
    xx, yy = np.meshgrid(sim.x, sim.y)
    inside = (xx > x0) & (xx < x1) & (yy > y0) & (yy < y1)
    return float(np.sum(sim.depth[inside])) * sim.dx * sim.dy


def channel(q_in=2.0, slope=5e-3, n=0.03, **kwargs):
    """A uniform channel 100 m x 30 m at its normal depth, q_in [m3/s] in through the west."""
    ny, nx, dx, dy = 3, 20, 5.0, 10.0
    x = (np.arange(nx) + 0.5) * dx
    z = np.tile(1.0 - slope * x, (ny, 1))
    q = q_in / (ny * dy)
    h = (q * n / np.sqrt(slope)) ** 0.6
    sim = floodtwin.Simulation(
        z,
        dx,
        dy,
        (0.0, 30.0),
        manning=n,
        depth=np.full((ny, nx), h),
        **kwargs,
    )
    sim.set_discharge(np.full((ny, nx), q), np.zeros((ny, nx)))
    sim.set_boundary("west", "discharge", q_in)
    sim.set_boundary("east", "open")
    return sim


# ---- Python ---------------------------------------------------------------------------------
def test_closed_section_volume_is_the_loss_of_the_volume_inside(basin):
    # Clockwise around the mound (cell centres are odd numbers: the box avoids them).
    box = [[520, 770], [520, 796], [546, 796], [546, 770], [520, 770]]
    basin.add_cross_section("box", box)
    basin.add_cross_section("box_ccw", box[::-1])
    v0 = volume_in(basin, 520, 546, 770, 796)
    basin.run(until=6.0)
    secs = {s["name"]: s for s in basin.cross_sections}
    lost = v0 - volume_in(basin, 520, 546, 770, 796)
    assert lost > 1.0
    assert secs["box"]["volume"] == pytest.approx(lost, abs=1e-12 * v0)
    assert secs["box_ccw"]["volume"] == -secs["box"]["volume"]
    assert basin.section_discharge()["box"] == secs["box"]["rate"]
    assert secs["box"]["faces"] == 2 * (13 + 13)
    np.testing.assert_array_equal(secs["box"]["line"], np.array(box, dtype=float))


def test_steady_channel_carries_its_inflow_through_section_and_boundaries():
    sim = channel()
    # Drawn from the left bank (north) to the right bank looking downstream (east): + downstream.
    sim.add_cross_section("mid", [[51.0, 31.0], [51.0, -1.0]])
    sim.gauge_interval = 100.0
    sim.run(until=1500.0)
    assert sim.section_discharge()["mid"] == pytest.approx(2.0, rel=1e-12)
    ds = sim.section_series()
    assert ds.discharge.dims == ("time", "section")
    np.testing.assert_array_equal(ds.time.values, np.arange(0.0, 1501.0, 100.0))
    q = ds.discharge.sel(section="mid").values
    assert np.isnan(q[0])
    vol = ds.volume.sel(section="mid").values
    np.testing.assert_allclose(q[1:], np.diff(vol) / 100.0, rtol=0, atol=0)
    assert q[-1] == pytest.approx(2.0, rel=1e-12)
    b = sim.boundary_discharge()
    assert list(b) == ["west_discharge", "east_open"]
    assert b["west_discharge"]["rate"] == pytest.approx(-2.0, rel=1e-12)
    assert b["west_discharge"]["inflow"] == pytest.approx(2.0 * 1500.0, rel=1e-12)
    assert b["east_open"]["rate"] == pytest.approx(2.0, rel=1e-12)
    bs = sim.boundary_series()
    assert list(bs.boundary.values) == ["west_discharge", "east_open"]
    assert bs.discharge.sel(boundary="east_open").values[-1] == pytest.approx(2.0, rel=1e-12)
    assert bs.discharge.sel(boundary="west_discharge").values[-1] == pytest.approx(-2.0, rel=1e-12)


def test_boundary_flows_add_up_to_the_mass_balance():
    sim = channel(q_in=3.0)
    sim.set_boundary("south", "open", to=50.0)
    # Not steady: deeper to the north, so water leaves through east and south (a depth uniform
    # across the channel has no flow across it: the south side then passed round-off only).
    sim.set_depth(sim.depth * np.array([[2.0], [1.5], [1.0]]))
    sim.run(until=200.0)
    mb = sim.mass_balance()
    by_condition = sim.boundary_discharge()
    by_side = sim.boundary_discharge(by="side")
    assert set(by_side) == {"north", "south", "east", "west"}
    for flows in (by_condition, by_side):
        inflow = sum(f["inflow"] for f in flows.values())
        outflow = sum(f["outflow"] for f in flows.values())
        assert inflow == pytest.approx(mb.boundary_in, rel=1e-12)
        assert outflow == pytest.approx(mb.boundary_out, rel=1e-12)
    assert by_condition["south_open"]["outflow"] > 1.0  # m3, not round-off
    assert by_side["south"]["outflow"] == by_condition["south_open"]["outflow"]
    assert by_side["north"] == {"inflow": 0.0, "outflow": 0.0, "net_outflow": 0.0, "rate": 0.0}
    with pytest.raises(ValueError, match='by must be "condition" or "side"'):
        sim.boundary_discharge(by="edge")


def test_bad_sections_are_refused(basin):
    with pytest.raises(ValueError, match="at least two points"):
        basin.add_cross_section("a", [[510, 790]])
    with pytest.raises(ValueError, match="at least two points"):
        basin.add_cross_section("a", "not a line")
    with pytest.raises(ValueError, match="cuts no cell face"):
        basin.add_cross_section("far", [[0, 0], [10, 10]])
    with pytest.raises(ValueError, match="name must not be empty"):
        basin.add_cross_section("", [[510, 790], [530, 770]])
    basin.add_cross_section("a", [[510, 790], [530, 770]])
    with pytest.raises(ValueError, match="a section of that name exists"):
        basin.add_cross_section("a", [[512, 790], [530, 770]])


def test_run_output_has_section_and_boundary_series(tmp_path):
    sim = channel()
    sim.add_cross_section("mid", [[51.0, 31.0], [51.0, -1.0]])
    out = tmp_path / "run.nc"
    sim.run(until=300.0, output=out, output_interval=60.0)
    ds = floodtwin.open_results(out, decode_times=False)
    assert ds.section_discharge.dims == ("time", "section")
    assert list(ds.section_name.values) == ["mid"]
    assert ds.section_discharge.attrs["units"] == "m3 s-1"
    t = ds.time.values
    vol = ds.section_volume.values[:, 0]
    q = ds.section_discharge.values[:, 0]
    assert np.isnan(q[0])
    np.testing.assert_allclose(q[1:], np.diff(vol) / np.diff(t), rtol=1e-15)
    assert vol[-1] == sim.cross_sections[0]["volume"]
    assert list(ds.boundary_name.values) == ["west_discharge", "east_open"]
    assert list(ds.boundary_side.values) == ["west", "east"]
    b = sim.boundary_discharge()
    assert ds.boundary_inflow.values[-1, 0] == b["west_discharge"]["inflow"]
    assert ds.boundary_outflow.values[-1, 1] == b["east_open"]["outflow"]
    net = ds.boundary_outflow.values - ds.boundary_inflow.values
    np.testing.assert_allclose(
        ds.boundary_discharge.values[1:], np.diff(net, axis=0) / np.diff(t)[:, None], rtol=1e-12
    )
    # the results' total agrees with the mass balance
    assert ds.boundary_outflow.values[-1].sum() == pytest.approx(ds.boundary_out.values[-1])
    ds.close()


# ---- scenario files and the CLI ---------------------------------------------------------------
OUTLET = """
[[cross_section]]
name = "outlet"
line = [[375810.0, 3790150.0], [377810.0, 3788150.0]]
"""


def test_scenario_cross_section_python_results_and_cli(tmp_path):
    path = demo_copy(tmp_path, duration="30min")
    path.write_text(path.read_text() + OUTLET)
    sim = floodtwin.Simulation.from_scenario(path)
    assert [s["name"] for s in sim.cross_sections] == ["outlet"]
    assert sim.cross_sections[0]["faces"] > 0
    cli = os.environ.get("FLOODTWIN_CLI")
    if cli is None:
        pytest.skip("FLOODTWIN_CLI not set (the floodtwin command)")
    out = tmp_path / "cli.nc"
    run = subprocess.run(
        [cli, "run", str(path), "--output", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "cross-section outlet: peak discharge" in run.stdout
    assert "boundary west_open: inflow" in run.stdout
    ds = floodtwin.open_results(out)
    assert list(ds.section_name.values) == ["outlet"]
    assert list(ds.boundary_name.values) == ["west_open", "south_open", "north_open", "east_open"]
    assert ds.boundary_outflow.values[-1].sum() == pytest.approx(ds.boundary_out.values[-1])
    ds.close()


@pytest.mark.parametrize(
    "table, message",
    [
        ('name = "a"\nline = [[1.0, 2.0]]', "line: expected an array of at least two points"),
        ('name = "a"\nline = [[1.0, 2.0], [3.0]]', "line: point 2: expected"),
        ('name = "a"\nline = [[0.0, 0.0], [1.0, 1.0]]', "the line cuts no cell face"),
        ("line = [[0.0, 0.0], [1.0, 1.0]]", "is missing 'name'"),
        ('name = "a"\nline = [[0.0, 0.0], [1.0, 1.0]]\nwidth = 3', "unknown key 'width'"),
    ],
)
def test_bad_scenario_sections_name_file_and_line(tmp_path, table, message):
    path = demo_copy(tmp_path, duration="30min")
    text = path.read_text()
    line = text.count("\n") + 2
    path.write_text(text + "\n[[cross_section]]\n" + table + "\n")
    with pytest.raises(floodtwin.ScenarioError, match=message) as err:
        floodtwin.Simulation.from_scenario(path)
    at = re.match(rf"{re.escape(str(path))}:(\d+): ", str(err.value))
    assert at and line <= int(at.group(1)) <= line + 3, str(err.value)  # the table or its key


def test_save_load_keeps_section_and_boundary_totals(tmp_path):
    """A run saved at 6 s and resumed from the file gives the uninterrupted run's section and
    boundary totals and series (the checkpoint keeps the running totals)."""

    def mound():
        ny, nx = 24, 32
        jj, ii = np.mgrid[0:ny, 0:nx]
        depth = np.where((abs(ii - 16) < 4) & (abs(jj - 12) < 4), 1.0, 0.2)
        sim = floodtwin.Simulation(
            0.002 * ii + 0.001 * jj, 2.0, 2.0, (500.0, 800.0), manning=0.02, depth=depth
        )
        sim.set_boundary("east", "open")
        sim.gauge_interval = 1.0
        sim.add_cross_section("across", [[532, 800], [532, 752]])
        return sim

    whole = mound()
    whole.run(until=6.0)
    whole.save(tmp_path / "at6.ckpt")
    whole.run(until=12.0)
    resumed = mound()
    resumed.load(tmp_path / "at6.ckpt")
    resumed.run(until=12.0)

    (a,), (b,) = whole.cross_sections, resumed.cross_sections
    assert abs(a["volume"]) > 1.0 and a["peak_time"] > 0
    for key in ("volume", "rate", "peak", "peak_time"):
        assert b[key] == a[key], key
    assert resumed.boundary_discharge() == whole.boundary_discharge()
    assert whole.boundary_discharge()["east_open"]["outflow"] > 0
    sa = whole.section_series().sel(time=slice(6.0, None))
    sb = resumed.section_series()
    np.testing.assert_array_equal(sb.time, sa.time)
    np.testing.assert_array_equal(sb.volume, sa.volume)
    # The first sample after loading has no interval behind it (NaN); the others are equal.
    np.testing.assert_array_equal(sb.discharge[1:], sa.discharge[1:])
    assert np.isnan(sb.discharge[0]).all()


def test_load_refuses_other_sections(tmp_path, basin):
    basin.add_cross_section("one", [[520, 770], [546, 796]])
    basin.run(until=1.0)
    basin.save(tmp_path / "one.ckpt")
    jj, ii = np.mgrid[0:24, 0:32]
    other = floodtwin.Simulation(0.002 * ii + 0.001 * jj, 2.0, 2.0, (500.0, 800.0), manning=0.02)
    t0 = other.time
    with pytest.raises(ValueError, match=r"load: .*one\.ckpt.*cross-sections or boundary"):
        other.load(tmp_path / "one.ckpt")
    assert other.time == t0 and other.cross_sections == []
