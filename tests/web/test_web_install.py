"""`cmake --install` installs floodtwin with its web viewer's assets (web/CMakeLists.txt), and the
installed binary writes viewers from PREFIX/share/floodtwin/web, with neither the source tree's
web/ nor FLOODTWIN_WEB_DIR: the installed viewer.js is marked here and the mark must appear in
the viewer the installed binary writes."""

import os
import subprocess
from pathlib import Path

from test_web_ensemble import results_file
from test_web_viewer import demo_copy, floodtwin

BUILD = Path(os.environ["FLOODTWIN_BUILD_DIR"])


def test_installed_binary_finds_the_viewer_assets(tmp_path):
    prefix = tmp_path / "prefix"
    r = subprocess.run(
        ["cmake", "--install", str(BUILD), "--prefix", str(prefix)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    binary = prefix / "bin" / "floodtwin"
    web = prefix / "share" / "floodtwin" / "web"
    assert binary.is_file()
    for name in (
        "viewer/index.html",
        "viewer/viewer.js",
        "viewer/viewer.css",
        "node_modules/leaflet/dist/leaflet.js",
        "node_modules/leaflet/dist/leaflet.css",
        "node_modules/leaflet/LICENSE",
        "node_modules/proj4/dist/proj4.js",
        "node_modules/proj4/LICENSE.md",
    ):
        assert (web / name).is_file(), name
    assert list((web / "node_modules/leaflet/dist/images").glob("*.png"))
    mark = "/* installed copy: web_install */\n"
    viewer_js = web / "viewer" / "viewer.js"
    viewer_js.write_text(mark + viewer_js.read_text())

    scenario = demo_copy(tmp_path, duration="30min")
    floodtwin("run", scenario, "--threads", "2")
    env = {k: v for k, v in os.environ.items() if k != "FLOODTWIN_WEB_DIR"}
    out = tmp_path / "viewer"
    r = subprocess.run(
        [str(binary), "web", str(results_file(tmp_path)), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / "viewer.js").read_text().startswith(mark)
    assert (out / "lib" / "leaflet.js").is_file() and (out / "lib" / "proj4.js").is_file()
