"""C++ exceptions arrive as Python exceptions of the documented classes, with the same
messages."""

import numpy as np
import pytest

import floodtwin
from floodtwin import _core


def test_exception_classes():
    assert issubclass(floodtwin.ScenarioError, ValueError)
    assert issubclass(floodtwin.NumericalError, RuntimeError)
    assert floodtwin.ScenarioError.__module__ == "floodtwin"
    assert floodtwin.NumericalError.__module__ == "floodtwin"


@pytest.mark.parametrize(
    "kind, message, cls",
    [
        ("config", "scenario.toml:3: unknown key 'foo'", floodtwin.ScenarioError),
        ("input", "depth: cell (row 0, column 0) is -1", ValueError),
        ("io", "dem.tif: the file does not exist", FileNotFoundError),
        ("io", "out.h5: could not write dataset 'depth'", OSError),
        ("numerical", "the solution broke down at t = 3 s", floodtwin.NumericalError),
        ("other", "something else", RuntimeError),
    ],
)
def test_translation_keeps_class_and_message(kind, message, cls):
    with pytest.raises(cls) as info:
        _core._raise_error(kind, message)
    assert str(info.value) == message
    if kind == "io" and cls is OSError:
        assert not isinstance(info.value, FileNotFoundError)


def test_input_errors_are_value_errors_with_the_solver_message():
    z = np.zeros((3, 4))
    with pytest.raises(
        ValueError,
        match=r"^depth: cell \(row 1, column 2\) is -1; expected a " r"finite depth >= 0$",
    ):
        depth = np.zeros((3, 4))
        depth[1, 2] = -1
        floodtwin.Simulation(z, 1.0, depth=depth)
    with pytest.raises(ValueError, match=r"expected an array of shape \(ny, nx\) = \(3, 4\)"):
        floodtwin.Simulation(z, 1.0, manning=np.zeros((4, 3)))
    with pytest.raises(ValueError, match="elevation: expected a 2-D array"):
        floodtwin.Simulation(np.zeros(5), 1.0)
    with pytest.raises(ValueError, match="dx"):
        floodtwin.Simulation(z, -1.0)
    with pytest.raises(ValueError, match="give one of them, not both"):
        floodtwin.Simulation(z, 1.0, depth=z, water_level=z)
    sim = floodtwin.Simulation(z, 1.0)
    with pytest.raises(ValueError, match=r"point source 'pump': \(10, 1\) lies outside the grid"):
        sim.add_point_source(10, 1, None, 1.0, "pump")
    with pytest.raises(ValueError, match="times must increase"):
        sim.set_uniform_rain([0, 10, 5], [1e-6, 1e-6, 1e-6])
    with pytest.raises(ValueError, match="rainfall intensity must be >= 0"):
        sim.set_uniform_rain(None, -1.0)
    with pytest.raises(ValueError, match=r"rain_rate: cell \(row 0, column 0\) is nan"):
        sim.set_rain_rate(np.full((3, 4), np.nan))
    with pytest.raises(ValueError, match="before the current time"):
        sim.run(until=-1.0)
    with pytest.raises(ValueError, match="every must be a positive"):
        sim.run(until=1.0, callback=lambda s: None, every=0.0)
    with pytest.raises(ValueError, match="gauge 'g': \\(50, 50\\) lies outside the grid"):
        sim.add_gauge("g", 50, 50)


def test_configuration_errors_are_scenario_errors():
    z = np.zeros((3, 4))
    with pytest.raises(
        floodtwin.ScenarioError,
        match='scheme: expected "first-order" or ' '"second-order", got "third-order"',
    ):
        floodtwin.Simulation(z, 1.0, scheme="third-order")
    with pytest.raises(
        floodtwin.ScenarioError, match=r"cfl: expected a Courant number in \(0, 1\]"
    ):
        floodtwin.Simulation(z, 1.0, cfl=1.5)
    with pytest.raises(floodtwin.ScenarioError, match=r"got 0 \(leave cfl out"):
        floodtwin.Simulation(z, 1.0, cfl=0)  # an explicit 0, not "nan"
    with pytest.raises(floodtwin.ScenarioError, match="got nan"):
        floodtwin.Simulation(z, 1.0, cfl=float("nan"))
    sim = floodtwin.Simulation(z, 1.0)
    with pytest.raises(floodtwin.ScenarioError, match="upstream"):
        sim.set_boundary("upstream", "open")
    with pytest.raises(
        floodtwin.ScenarioError, match="boundary west discharge: a time series " "is required"
    ):
        sim.set_boundary("west", "discharge")
    with pytest.raises(floodtwin.ScenarioError, match="discharge must be >= 0"):
        sim.set_boundary("west", "discharge", -1.0)
    with pytest.raises(floodtwin.ScenarioError, match="selects no cell"):
        sim.set_boundary("west", "open", from_=100.0, to=200.0)
    with pytest.raises(floodtwin.ScenarioError):  # it is a ValueError too
        floodtwin.parse_side("up")
    assert floodtwin.parse_scheme("2") == "second-order"
    assert floodtwin.parse_boundary_type("water_level") == "water_level"


def test_numerical_error():
    # A still, dry domain with no bound on the time step cannot choose one.
    sim = floodtwin.Simulation(np.zeros((3, 4)), 1.0, max_dt=float("inf"))
    with pytest.raises(
        floodtwin.NumericalError, match="the domain is still; give a maximum " "time step"
    ):
        sim.step()
    assert sim.time == 0 and sim.steps == 0
