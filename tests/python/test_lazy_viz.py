"""`import floodtwin` loads no VTK (loading its libraries costs about a second: docs/python.md):
write_vtk, render and a scenario's `[output] vtk` import the VTK part, floodtwin._viz, on first
use. Each check runs in a fresh interpreter and reads the libraries it has mapped."""

import subprocess
import sys
import textwrap

import pytest
from conftest import demo_copy

import floodtwin

VTK_MAPPED = "sum('libvtk' in line for line in open('/proc/self/maps'))"


def python(code):
    """Runs `code` in a fresh interpreter (the one running the tests); returns its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=200
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_import_and_a_run_load_no_vtk():
    out = python(
        f"""
        import sys
        import numpy as np
        import floodtwin
        print({VTK_MAPPED}, "floodtwin._viz" in sys.modules)
        sim = floodtwin.Simulation(np.zeros((4, 5)), 1.0, depth=np.full((4, 5), 0.1))
        sim.run(until=2.0)
        print({VTK_MAPPED}, "floodtwin._viz" in sys.modules)
        """
    )
    assert out == ["0", "False", "0", "False"]


@pytest.mark.skipif(not floodtwin._core.has_viz, reason="floodtwin built without VTK")
def test_write_vtk_and_scenario_vtk_output_load_vtk_when_called(tmp_path):
    scenario = demo_copy(tmp_path, cell_size=900, duration="30min")
    text = scenario.read_text().replace(
        "[output]\n", f'[output]\nvtk = "{(tmp_path / "run_vtk").as_posix()}"\n', 1
    )
    scenario.write_text(text)
    out = python(
        f"""
        import floodtwin
        print({VTK_MAPPED} == 0)
        summary = floodtwin.run_scenario({str(scenario)!r})
        print({VTK_MAPPED} > 0)
        written = floodtwin.write_vtk(summary["results"], {str(tmp_path / "vtk")!r})
        print(written["times"])
        """
    )
    assert out == ["True", "True", "3"]  # 0, 15 and 30 min
    pvd = (tmp_path / "run_vtk" / "flood.pvd").read_text()
    assert pvd.count("<DataSet") == 3
    assert (tmp_path / "vtk" / "flood.pvd").read_text().count("<DataSet") == 3


@pytest.mark.skipif(not floodtwin._core.has_viz, reason="floodtwin built without VTK")
def test_write_vtk_errors_are_translated_after_lazy_loading(tmp_path):
    out = python(
        f"""
        import floodtwin
        try:
            floodtwin.write_vtk({str(tmp_path / "missing.nc")!r}, {str(tmp_path / "v")!r})
        except FileNotFoundError as e:
            print("FileNotFoundError", "missing.nc" in str(e))
        """
    )
    assert out == ["FileNotFoundError", "True"]
