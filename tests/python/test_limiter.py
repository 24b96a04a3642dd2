"""The second-order scheme's slope limiter (docs/solver.md, "Limiter"): chosen in Python and in
scenario files, recorded in results, ignored by the first order, refused when misspelt."""

import re

import h5py
import numpy as np
import pytest
from conftest import dam_break

import floodtwin


def test_van_leer_is_the_default_and_each_limiter_gives_its_own_answer():
    runs = {}
    for limiter in (None, "van-leer", "mc", "minmod"):
        kwargs = {} if limiter is None else {"limiter": limiter}
        sim = dam_break(scheme="second-order", **kwargs)
        assert sim.limiter == (limiter or "van-leer")
        sim.run(until=4.0)
        runs[limiter] = sim.depth.copy()
        assert sim.mass_balance().relative_error < 1e-12
    assert np.array_equal(runs[None], runs["van-leer"])
    for a, b in (("van-leer", "mc"), ("van-leer", "minmod"), ("mc", "minmod")):
        assert not np.array_equal(runs[a], runs[b]), (a, b)
    # MC is the steepest, minmod the most diffusive: the largest |dh| between cells.
    variation = {k: np.abs(np.diff(v[0])).max() for k, v in runs.items() if k}
    assert variation["minmod"] <= variation["van-leer"] <= variation["mc"]


def test_the_first_order_has_no_slopes_to_limit():
    a = dam_break(scheme="first-order", limiter="mc")
    b = dam_break(scheme="first-order")
    a.run(until=4.0)
    b.run(until=4.0)
    assert np.array_equal(a.depth, b.depth)


def test_an_unknown_limiter_is_refused_with_the_choices():
    with pytest.raises(
        floodtwin.ScenarioError, match=r'limiter.*"van-leer".*"mc".*"minmod".*"superbee"'
    ):
        dam_break(scheme="second-order", limiter="superbee")


def test_xarray_attributes_name_the_limiter():
    sim = dam_break(scheme="second-order", limiter="minmod")
    assert sim.to_xarray().attrs["limiter"] == "minmod"


def test_scenario_files_choose_the_limiter(scenario, tmp_path):
    text = scenario.read_text().replace('scheme = "first-order"', 'scheme = "second-order"')
    # The demo's local time steps are first order only.
    text = re.sub(r"^local_levels = .*$", "local_levels = 0", text, flags=re.M)
    text = re.sub(r'^duration = "[^"]*"', 'duration = "15min"', text, count=1, flags=re.M)
    assert 'scheme = "second-order"' in text
    second = tmp_path / "second.toml"
    second.write_text(
        text.replace('scheme = "second-order"', 'scheme = "second-order"\nlimiter = "mc"')
    )
    check = floodtwin.validate(second)
    assert check["scheme"] == "second-order" and check["limiter"] == "mc"
    assert "second-order (mc limiter)" in check["report"]
    assert floodtwin.Simulation.from_scenario(second).limiter == "mc"
    out = tmp_path / "mc.h5"
    summary = floodtwin.run_scenario(str(second), output=str(out))
    with h5py.File(out, "r") as f:
        assert f.attrs["limiter"] in (b"mc", "mc")
        assert f.attrs["scheme"] in (b"second-order", "second-order")
    assert summary["mass_balance_error"] < 1e-12

    # Without the key: van Leer; the first order names none.
    default = tmp_path / "default.toml"
    default.write_text(text)
    assert floodtwin.validate(default)["limiter"] == "van-leer"
    assert floodtwin.Simulation.from_scenario(default).limiter == "van-leer"
    assert floodtwin.validate(scenario)["limiter"] is None

    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace('scheme = "second-order"', 'scheme = "second-order"\nlimiter = "vanleer"')
    )
    with pytest.raises(floodtwin.ScenarioError, match=r"bad\.toml:\d+.*limiter.*van-leer"):
        floodtwin.validate(bad)
