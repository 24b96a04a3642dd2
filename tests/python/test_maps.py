"""Maps from Python: write_vtk and render give what `floodtwin vtk` and `floodtwin render`
give (run by ctest under a virtual X server, tests/viz/xvfb.sh)."""

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import demo_copy

import floodtwin

pytestmark = pytest.mark.skipif(
    not floodtwin._core.has_viz or not os.environ.get("DISPLAY"),
    reason="needs the viz module and an X display (xvfb-run)",
)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    summary = floodtwin.run_scenario(demo_copy(folder, cell_size=600, duration="3h"))
    return summary["results"]


def test_write_vtk_lists_every_output_time(results, tmp_path):
    ds = floodtwin.open_results(results, decode_times=False)
    out = floodtwin.write_vtk(results, tmp_path / "vtk", z_scale=3)
    assert out["times"] == ds.sizes["time"] == 13
    assert out["gauges"] and out["peaks"]
    names = {os.path.basename(f) for f in out["files"]}
    assert {"terrain.vts", "gauges.vtp", "max.vts", "flood.pvd", "flood_0012.vts"} <= names
    datasets = ET.parse(out["pvd"]).getroot().iter("DataSet")
    times = [float(d.get("timestep")) for d in datasets]
    assert np.allclose(times, ds["time"].values)
    with pytest.raises(floodtwin.ScenarioError, match="z scale must be a finite number > 0"):
        floodtwin.write_vtk(results, tmp_path / "bad", z_scale=0)


def test_render_map_size_and_water_share(results, tmp_path):
    from PIL import Image

    png = tmp_path / "max.png"
    out = floodtwin.render(results, png, width=600, height=450)
    assert out["images"] == [str(png)] and out["times"] == [None]
    assert out["subtitle"] == "Maximum depth" and out["shown_cells"] > 0
    with Image.open(png) as im:
        assert im.size == (600, 450)
        pixels = np.asarray(im.convert("RGB")).astype(int)
    assert pixels.std() > 10  # not blank
    ds = floodtwin.open_results(results)
    wet = int((ds["max_depth"].values > ds["arrival_time"].attrs["threshold"]).sum())
    assert out["shown_cells"] == wet

    end = floodtwin.render(results, tmp_path / "end.png", time="END", field="hazard")
    assert end["times"] == [10800.0]
    with pytest.raises(ValueError, match="no snapshot at t = 1200 s"):
        floodtwin.render(results, tmp_path / "x.png", time="20min")
    with pytest.raises(floodtwin.ScenarioError, match="--field expects depth, hazard"):
        floodtwin.render(results, tmp_path / "x.png", field="speed")
    assert not (tmp_path / "x.png").exists()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_animation_frames_gif_and_mp4(results, tmp_path):
    from PIL import Image

    out = floodtwin.render(
        results, tmp_path / "event.png", animate=True, width=400, height=300, fps=4
    )
    assert out["note"] == ""
    assert out["times"] == [900.0 * k for k in range(13)]
    assert [os.path.basename(p) for p in out["images"]] == [f"event_{k:04d}.png" for k in range(13)]
    assert [os.path.basename(p) for p in out["movies"]] == ["event.gif", "event.mp4"]
    with Image.open(tmp_path / "event.gif") as gif:
        assert gif.n_frames == 13 and gif.size == (400, 300)
        assert gif.info["duration"] == 250  # 4 frames per second
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
            "-of",
            "csv=p=0",
            str(tmp_path / "event.mp4"),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "h264,400,300,13"
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.log"))

    # Frames left by an older, longer animation of the same name are not taken in.
    for k in (13, 14):
        (tmp_path / f"event_{k:04d}.png").write_bytes((tmp_path / "event_0000.png").read_bytes())
    again = floodtwin.render(
        results, tmp_path / "event.png", animate=True, width=400, height=300, movies=["gif"]
    )
    assert len(again["images"]) == 13 and again["movies"] == [str(tmp_path / "event.gif")]
    with Image.open(tmp_path / "event.gif") as gif:
        assert gif.n_frames == 13

    frames_only = floodtwin.render(
        results, tmp_path / "f.png", animate=True, width=300, height=300, movies=["none"]
    )
    assert frames_only["movies"] == [] and len(frames_only["images"]) == 13
    with pytest.raises(floodtwin.ScenarioError, match="--movie expects gif, mp4"):
        floodtwin.render(results, tmp_path / "g.png", animate=True, movies=["avi"])


def test_outputs_over_the_results_and_locked_outputs_are_refused(results, tmp_path):
    """render and write_vtk check their outputs and take the output's lock themselves, as the
    commands do (viz/products.cpp): Python gets the same protection."""
    import fcntl
    import hashlib

    def digest():
        with open(results, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    before = digest()
    with pytest.raises(floodtwin.ScenarioError, match="render: --out.*is the input"):
        floodtwin.render(results, results)
    with pytest.raises(floodtwin.ScenarioError, match="vtk: OUTDIR.*is the input"):
        floodtwin.write_vtk(results, results)
    assert digest() == before

    png = tmp_path / "held.png"
    with open(tmp_path / "held.png.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(OSError, match="held.png.lock"):
            floodtwin.render(results, png, width=200, height=150)
    assert not png.exists()
    (tmp_path / "vtk").mkdir()
    with open(tmp_path / "vtk.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(OSError, match="vtk.lock"):
            floodtwin.write_vtk(results, tmp_path / "vtk")
    assert not (tmp_path / "vtk" / "flood.pvd").exists()
