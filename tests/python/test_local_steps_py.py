"""Local time stepping from Python (docs/solver.md, "Local time steps"): the keyword reaches
the solver, the run conserves mass and agrees with global steps, and the second-order scheme
refuses it with the reason."""

import numpy as np
import pytest
from conftest import dam_break

import floodtwin


def test_local_levels_are_taken_and_agree_with_global_steps():
    local = dam_break(scheme="first-order", local_levels=3)
    plain = dam_break(scheme="first-order")
    assert local.local_levels == 3 and plain.local_levels == 0
    local.run(until=4.0)
    plain.run(until=4.0)
    assert local.time == pytest.approx(4.0, abs=0)
    assert local.mass_balance().relative_error < 1e-12
    # The same dam break to within the schemes' own error (L1 of the depths, 1 m dam).
    assert np.abs(local.depth - plain.depth).mean() < 5e-3
    assert not np.array_equal(local.depth, plain.depth)


def test_second_order_refuses_local_levels():
    with pytest.raises(floodtwin.ScenarioError, match="local_levels.*first-order"):
        dam_break(scheme="second-order", local_levels=2)
