"""scenarios/demo/ensemble.toml (the README's 20-member demo ensemble) repeats the demo
scenario (scenarios/demo/demo.toml) with first-order members at cfl 0.75, its own results path
and an [ensemble] table: everything else must stay equal to demo.toml, so that a change of the
demo (gauges, rain, impacts, duration) is made in both files."""

import tomllib
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo"


def load(name):
    with open(DEMO / name, "rb") as f:
        return tomllib.load(f)


def test_the_ensemble_scenario_is_the_demo_with_first_order_members():
    demo, ens = load("demo.toml"), load("ensemble.toml")
    assert ens["simulation"].pop("scheme") == "first-order"
    assert ens["simulation"].pop("cfl") <= 0.75  # the first-order positivity bound
    for key in ("scheme", "cfl"):
        demo["simulation"].pop(key, None)
    assert ens["output"].pop("path") != demo["output"].pop("path")
    table = ens.pop("ensemble")
    assert table["members"] == 20 and table["seed"] == 42
    assert table["rain_factor"] == {"distribution": "lognormal", "median": 1.0, "sigma": 0.3}
    assert table["manning_factor"] == {"distribution": "uniform", "min": 0.8, "max": 1.2}
    assert table["thresholds"] == [0.1, 0.3, 1.0]
    assert ens == demo, "scenarios/demo/ensemble.toml no longer repeats demo.toml"
