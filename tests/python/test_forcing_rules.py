"""One set of forcing rules in Python and scenario files (issue 15, "wrong results"): losses
follow every rain setter, rain is in mm/h everywhere unless said otherwise, implausible values
are refused, a run past the end of a series is an error unless the series says what follows,
one run at a time, and state edits are booked in the mass balance."""

import threading
import time

import numpy as np
import pytest

import floodtwin

NX, NY, CELL = 6, 5, 100.0
X0, Y0 = 400000.0, 3800000.0  # north-west corner (UTM 11N)
AREA = NX * NY * CELL * CELL


def write_dem(folder):
    """A flat 6 x 5 GeoTIFF of 100 m cells: a closed basin (walls all round)."""
    from osgeo import gdal, osr

    path = folder / "dem.tif"
    ds = gdal.GetDriverByName("GTiff").Create(str(path), NX, NY, 1, gdal.GDT_Float64)
    ds.SetGeoTransform((X0, CELL, 0.0, Y0, 0.0, -CELL))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32611)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(np.zeros((NY, NX)))
    ds = None
    return path


LOSSES = {
    "none": "",
    "scs-cn": '[infiltration]\nmodel = "scs-cn"\ncurve_number = 80\n',
    "green-ampt": '[infiltration]\nmodel = "green-ampt"\nks = 1e-6\npsi = 0.089\ndtheta = 0.15\n',
}


def write_scenario(folder, losses, rain=False, extra=""):
    """A 1 h scenario on the flat basin; `rain`: 50 mm/h for the hour from a hyetograph."""
    write_dem(folder)
    text = f'[simulation]\nduration = "1h"\n\n[terrain]\nelevation = "dem.tif"\n\n{LOSSES[losses]}'
    if rain:
        (folder / "hyeto.csv").write_text("time,rain\n0,50\n3600,50\n")
        text += '\n[rainfall]\nuniform = "hyeto.csv"\ntiming = "period-beginning"\n'
    text += extra
    path = folder / "s.toml"
    path.write_text(text)
    return path


SETTERS = {
    "rate number": lambda s: s.set_rain_rate(50.0),
    "rate field": lambda s: s.set_rain_rate(np.full(s.shape, 50.0)),
    "rate m/s": lambda s: s.set_rain_rate(50.0 / 3.6e6, units="m/s"),
    "uniform series": lambda s: s.set_uniform_rain([0.0, 3600.0], [50.0, 50.0]),
    "gauges": lambda s: s.set_rain_gauges(
        {"g": (X0 + 250.0, Y0 - 250.0)}, [1800.0, 3600.0], [[50.0], [50.0]]
    ),
}


@pytest.mark.parametrize("losses", list(LOSSES))
def test_every_rain_setter_and_loss_model_agree_with_the_scenario_path(tmp_path, losses):
    (tmp_path / "scenario").mkdir()
    reference = floodtwin.Simulation.from_scenario(
        write_scenario(tmp_path / "scenario", losses, rain=True)
    )
    reference.run(until=3600.0)
    ref = reference.mass_balance()
    assert ref.rain_in == pytest.approx(0.05 * AREA, rel=1e-12)
    if losses == "scs-cn":
        # 50 mm on CN 80: 13.80 mm runoff stays, 36.20 mm is lost (NRCS NEH 630 eq. 10-11).
        s = 0.0254 * (1000 / 80 - 10)
        q = (0.05 - 0.2 * s) ** 2 / (0.05 - 0.2 * s + s)
        assert q == pytest.approx(0.01380, abs=1e-5)
        assert ref.volume == pytest.approx(q * AREA, rel=1e-6)
        assert ref.losses == pytest.approx((0.05 - q) * AREA, rel=1e-6)
    for name, set_rain in SETTERS.items():
        folder = tmp_path / name.replace(" ", "_").replace("/", "")
        folder.mkdir()
        sim = floodtwin.Simulation.from_scenario(write_scenario(folder, losses))
        set_rain(sim)
        sim.run(until=3600.0)
        mb = sim.mass_balance()
        assert mb.rain_in == pytest.approx(ref.rain_in, rel=1e-12), name
        assert mb.losses == pytest.approx(ref.losses, rel=1e-9, abs=1e-9), name
        assert mb.volume == pytest.approx(ref.volume, rel=1e-9), name
        assert mb.relative_error < 1e-12, name


def flat(nx=10, ny=8, dx=10.0, **kwargs):
    return floodtwin.Simulation(np.zeros((ny, nx)), dx, manning=0.0, max_dt=60.0, **kwargs)


def test_rain_is_in_mm_per_hour_unless_said_otherwise():
    sim = flat()
    sim.set_rain_rate(20)  # 20 mm/h, as in scenario files
    sim.run(until=600)
    assert sim.depth.max() == pytest.approx(20e-3 / 3600 * 600, rel=1e-12)
    sim.set_rain_rate(None)
    sim.set_uniform_rain(None, 7.2e-6, units="m/s")  # 25.92 mm/h
    sim.run(until=1200)
    assert sim.mass_balance().rain_in == pytest.approx((20e-3 / 6 + 7.2e-6 * 600) * 8000, rel=1e-12)
    with pytest.raises(floodtwin.ScenarioError, match=r'units expects "mm/h" or "m/s".*"in/h"'):
        sim.set_rain_rate(1.0, units="in/h")


def test_implausible_rain_and_inflows_are_refused():
    sim = flat()
    with pytest.raises(ValueError, match=r"set_rain_rate: 20000 mm/h .*at most 5000 mm/h"):
        sim.set_rain_rate(20000)
    field = np.zeros(sim.shape)
    field[3, 4] = 6000
    with pytest.raises(ValueError, match="6000 mm/h"):
        sim.set_rain_rate(field)
    with pytest.raises(ValueError, match=r"set_uniform_rain: 36000 mm/h"):
        sim.set_uniform_rain([0, 60], [0.0, 0.01], units="m/s")  # m/s meant as mm/h
    with pytest.raises(
        ValueError, match=r"boundary west discharge: 2e\+06 m3/s is beyond any river"
    ):
        sim.set_boundary("west", "discharge", ([0, 60], [0, 2e6]), after_end="zero")
    with pytest.raises(ValueError, match=r"point source 'well' discharge: -1e\+07 m3/s"):
        sim.add_point_source(15, 15, None, -1e7, "well")
    with pytest.raises(ValueError, match="set_rain_gauges fallback: 9000 mm/h"):
        sim.set_rain_gauges({"g": (5.0, 5.0)}, [60, 120], [[np.nan], [np.nan]], fallback=9000)
    sim.run(until=60)  # nothing of the refused forcing was kept
    mb = sim.mass_balance()
    assert mb.rain_in == 0 and mb.boundary_in == 0 and mb.point_in == 0


def test_the_fallback_of_gauges_is_in_their_units():
    sim = flat()
    sim.set_rain_gauges({"g": (5.0, 5.0)}, [300, 600], [[np.nan], [np.nan]], fallback=36.0)
    sim.run(until=600)
    assert sim.mass_balance().rain_in == pytest.approx(1e-5 * 600 * 8000, rel=1e-12)


def test_a_run_past_the_end_of_a_series_is_an_error_unless_the_series_says_otherwise():
    # The README's hydrograph: 40 m3/s at 30 min, 5 m3/s at 1 h.
    hydrograph = ([0, 1800, 3600], [0, 40, 5])
    sim = flat(nx=20, ny=6, dx=200.0)
    sim.set_boundary("west", "discharge", hydrograph)
    sim.set_boundary("east", "open")
    with pytest.raises(ValueError, match=r"boundary west discharge: the series ends at t = 3600 s"):
        sim.run(until=7200)
    assert sim.time == 0 and sim.steps == 0  # refused before anything ran
    sim.run(until=3600)  # up to its end is fine
    with pytest.raises(ValueError, match=r'after_end = "hold".*after_end = "zero"'):
        sim.step()
    assert sim.time == 3600
    volumes = {}
    for rule in ("zero", "hold"):
        sim = flat(nx=20, ny=6, dx=200.0)
        sim.set_boundary("west", "discharge", hydrograph, after_end=rule)
        sim.run(until=7200)
        volumes[rule] = sim.mass_balance().boundary_in
    triangle = 0.5 * 40 * 1800 + 0.5 * (40 + 5) * 1800
    assert volumes["zero"] == pytest.approx(triangle, rel=1e-12)
    assert volumes["hold"] == pytest.approx(triangle + 5 * 3600, rel=1e-12)


@pytest.mark.parametrize(
    "force, name",
    [
        (lambda s, e: s.set_uniform_rain([0, 600], [10, 10], after_end=e), "uniform rain"),
        (lambda s, e: s.add_point_source(15, 15, [0, 600], [1, 1], "well", after_end=e), "well"),
        (
            lambda s, e: s.set_rain_gauges(
                {"g": (5.0, 5.0)}, [300, 600], [[10], [10]], after_end=e
            ),
            "set_rain_gauges",
        ),
        (
            lambda s, e: s.set_boundary(
                "north", "water_level", ([0, 600], [0.1, 0.2]), after_end=e
            ),
            "boundary north water_level",
        ),
    ],
)
def test_every_series_follows_the_same_rule(force, name):
    sim = flat()
    force(sim, "error")
    with pytest.raises(ValueError, match=f"{name}.*ends at t = 600 s.*after_end"):
        sim.run(until=900)
    sim.run(until=600)
    held = flat()
    force(held, "hold")
    held.run(until=900)
    assert held.time == 900
    with pytest.raises(floodtwin.ScenarioError, match="after_end"):
        force(flat(), "later")


def test_after_end_rules_are_checked():
    sim = flat()
    with pytest.raises(floodtwin.ScenarioError, match=r'"zero" would drop the level to 0 m'):
        sim.set_boundary("north", "water_level", ([0, 60], [1.0, 1.2]), after_end="zero")
    with pytest.raises(ValueError, match="after_end applies to a series"):
        sim.add_point_source(15, 15, None, 1.0, "well", after_end="zero")


def test_scenario_series_need_after_end_to_run_past_their_end(tmp_path):
    (tmp_path / "q.csv").write_text("time,q\n0,0\n1800,10\n")
    boundary = '\n[[boundary]]\nside = "west"\ntype = "discharge"\nseries = "q.csv"\n'
    path = write_scenario(tmp_path, "none", extra=boundary)
    with pytest.raises(ValueError, match=r"q\.csv.*ends at t = 1800 s.*3600 s.*after_end"):
        floodtwin.run_scenario(path, output=tmp_path / "r.h5")
    assert not (tmp_path / "r.h5").exists() and not (tmp_path / "r.h5.partial").exists()
    path.write_text(path.read_text() + 'after_end = "zero"\n')
    summary = floodtwin.run_scenario(path, output=tmp_path / "r.h5")
    assert summary["mass_balance"]["boundary_in"] == pytest.approx(0.5 * 10 * 1800, rel=1e-12)
    path.write_text(path.read_text().replace('series = "q.csv"', "value = 3.0"))
    with pytest.raises(
        floodtwin.ScenarioError, match=r"\[boundary\] after_end: applies to a series"
    ):
        floodtwin.validate(path)


def test_scenario_rain_past_its_end_is_an_error_unless_said(tmp_path):
    path = write_scenario(tmp_path, "none", rain=True)
    # Period-beginning values at 0 and 3600 s: the rain covers [0, 7200 s).
    path.write_text(path.read_text().replace('duration = "1h"', 'duration = "3h"'))
    with pytest.raises(ValueError, match=r"\[rainfall\]: the rain ends at t = 7200 s"):
        floodtwin.run_scenario(path, output=tmp_path / "r.h5")
    sim = floodtwin.Simulation.from_scenario(path)
    with pytest.raises(ValueError, match="the rain ends at t = 7200 s"):
        sim.run(until=10800)
    path.write_text(path.read_text() + 'after_end = "zero"\n')
    summary = floodtwin.run_scenario(path, output=tmp_path / "r.h5")
    assert summary["mass_balance"]["rain_in"] == pytest.approx(0.1 * AREA, rel=1e-12)


def slow_basin():
    n = 60
    depth = np.where(np.arange(n) < n // 2, 2.0, 0.5)[None, :] * np.ones((n, 1))
    return floodtwin.Simulation(np.zeros((n, n)), 1.0, manning=0.02, depth=depth)


def test_a_second_run_is_refused_while_the_first_calls_back():
    sim = slow_basin()
    in_callback = threading.Event()
    errors = []

    def callback(s):
        in_callback.set()
        time.sleep(0.3)  # releases the GIL: the other thread runs now
        return s.time == 0.0  # on at the start (where run calls first), off at t = 0.1

    def second():
        in_callback.wait(5)
        for call in (lambda: sim.run(until=5.0), sim.step):
            try:
                call()
            except RuntimeError as e:
                errors.append(str(e))

    other = threading.Thread(target=second)
    other.start()
    sim.run(until=5.0, callback=callback, every=0.1)
    other.join()
    assert len(errors) == 2 and all("running in another thread" in e for e in errors)
    assert sim.time == pytest.approx(0.1)
    assert sim.mass_balance().relative_error < 1e-13


def test_a_callback_may_change_the_simulation_but_not_run_it():
    sim = slow_basin()
    seen = []

    def callback(s):
        for call in (lambda: s.run(until=3.0), s.step):
            with pytest.raises(RuntimeError, match="called from a callback of run"):
                call()
        s.set_manning(0.03)  # changes between steps are allowed
        seen.append(s.time)

    sim.run(until=1.0, callback=callback, every=0.5)
    assert seen == [0.0, 0.5, 1.0] and sim.time == 1.0  # no overshoot of until
    assert sim.mass_balance().relative_error < 1e-13


def test_state_edits_are_booked_in_the_mass_balance():
    sim = flat()
    sim.set_uniform_rain(None, 36.0)
    sim.run(until=600)
    sim.set_depth(sim.depth + 0.1)  # +0.1 m on 8000 m2
    mb = sim.mass_balance()
    assert mb.edits == pytest.approx(800.0, rel=1e-12)
    assert mb.relative_error < 1e-12
    level = np.array(sim.water_level)
    level[0, :] = 0.0
    sim.set_water_level(level)  # drains the northern row
    sim.run(until=1200)
    mb = sim.mass_balance()
    assert mb.edits < 800.0
    assert mb.relative_error < 1e-12
    assert mb.as_dict()["edits"] == mb.edits and "edits=" in repr(mb)
