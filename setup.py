"""Builds the compiled module floodtwin._core with CMake (only that target) and packages it
with the pure-Python sources of python/floodtwin. Metadata lives in pyproject.toml.

    pip install --no-build-isolation .

The kernels are compiled as the CMake `release` preset compiles them: Release (-O3 -DNDEBUG)
and -march=native (FLOODTWIN_NATIVE), so that a local `pip install .` is as fast as the build
tree. A wheel meant for other machines needs FLOODTWIN_NATIVE=0 (portable x86-64 code).

Environment: FLOODTWIN_BUILD_TYPE (default Release), FLOODTWIN_NATIVE (default 1: tune for
this machine; 0: portable), FLOODTWIN_CMAKE_ARGS (extra arguments for the CMake configure
step, split on spaces), CMAKE_BUILD_PARALLEL_LEVEL (jobs). ccache is used when installed.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*floodtwin\s+VERSION\s+([0-9.]+)", text)
    if not match:
        raise RuntimeError("setup.py: no `project(floodtwin VERSION x.y.z)` in CMakeLists.txt")
    return match.group(1)


def native():
    """ON unless FLOODTWIN_NATIVE says 0/off/no/false (a portable build)."""
    value = os.environ.get("FLOODTWIN_NATIVE", "1").strip().lower()
    return "OFF" if value in ("0", "off", "no", "false") else "ON"


class CMakeExtension(Extension):
    """An extension built by CMake: no sources of its own for setuptools."""

    def __init__(self, name, target):
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not isinstance(ext, CMakeExtension):
            return super().build_extension(ext)
        build_dir = Path(self.build_temp).resolve() / "cmake"
        config = os.environ.get("FLOODTWIN_BUILD_TYPE", "Release")
        configure = [
            "cmake",
            "-S",
            str(ROOT),
            "-B",
            str(build_dir),
            f"-DCMAKE_BUILD_TYPE={config}",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DFLOODTWIN_BUILD_PYTHON=ON",
            "-DFLOODTWIN_SANITIZE=OFF",
            "-DFLOODTWIN_BUILD_TESTS=OFF",
            "-DFLOODTWIN_BUILD_BENCH=OFF",
            "-DFLOODTWIN_BUILD_FUZZ=OFF",
            f"-DFLOODTWIN_NATIVE={native()}",
        ]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
            configure += ["-G", "Ninja"]
        configure += os.environ.get("FLOODTWIN_CMAKE_ARGS", "").split()
        subprocess.run(configure, check=True)
        build = ["cmake", "--build", str(build_dir), "--target", ext.target]
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 2)
        build += ["-j", jobs]
        subprocess.run(build, check=True)

        built = sorted((build_dir / "python" / "floodtwin").glob("_core.*"))
        built = [p for p in built if p.suffix in (".so", ".pyd")]
        if len(built) != 1:
            raise RuntimeError(f"setup.py: expected one built _core module, found {built}")
        destination = Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], destination)
        # floodtwin._viz (VTK: write_vtk, render), built with _core when VTK is found; a
        # module of its own so that `import floodtwin` does not load VTK.
        for viz in (build_dir / "python" / "floodtwin").glob("_viz.*"):
            if viz.suffix in (".so", ".pyd"):
                shutil.copyfile(viz, destination.parent / viz.name)


setup(
    version=project_version(),
    ext_modules=[CMakeExtension("floodtwin._core", target="floodtwin_python")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
