"""Cross-checks the exact solutions the C++ tests use (tests/exact.hpp) against the SWASHES
reference data shipped in shared/swashes_ref (SWASHES 1.01.03 output of FullSWOF_2D 1.07)."""
import os
import subprocess
import sys

import numpy as np
import pytest

REF = os.environ.get("FLOODTWIN_SWASHES_REF", "")
DUMP = os.environ.get("FLOODTWIN_EXACT_DUMP", "")

pytestmark = pytest.mark.skipif(
    not (REF and os.path.isdir(REF) and DUMP),
    reason="shared/swashes_ref not available",
)


def exact(lines):
    out = subprocess.run([DUMP], input="\n".join(lines), capture_output=True, text=True, check=True)
    return np.array([[float(v) for v in line.split()] for line in out.stdout.splitlines()])


def test_thacker_planar_matches_swashes():
    d = np.load(os.path.join(REF, "swashes_thacker_planar.npz"), allow_pickle=True)
    t = float(d["t"])
    idx = np.arange(0, d["x"].size, 7)  # a spread-out subset keeps the test fast
    vals = exact([f"thacker {d['x'][i]} {d['y'][i]} {t}" for i in idx])
    # SWASHES prints 6 significant digits.
    assert np.max(np.abs(vals[:, 0] - d["h"][idx])) < 1e-5
    assert np.max(np.abs(vals[:, 1] - d["z"][idx])) < 1e-5


def test_ritter_matches_swashes():
    d = np.load(os.path.join(REF, "swashes_ritter.npz"), allow_pickle=True)
    t = float(d["t"])
    # SWASHES' dry dam break: 10 m long, dam at 5 m, upstream depth 0.005 m.
    x = d["x1d"]
    vals = exact([f"ritter {xi} {t} 0.005 5.0" for xi in x])[:, 0]
    inside = (x > 0.2) & (x < 9.8)
    assert np.max(np.abs(vals[inside] - d["h"][inside])) < 2e-5, np.max(np.abs(vals - d["h"]))


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
