"""Writes the cases of the MPI ensemble and forecast-cycle tests (tests/mpi/CMakeLists.txt).

usage: make_ensemble_cases.py SOURCE_DIR WORK_DIR

ensemble.toml: the analytic case of make_cases.py (second order, Green-Ampt, rain, an inflow,
a point source, gauges) with an [ensemble] of 5 members perturbing rain, Manning and the
Green-Ampt ks.
twin/: a basin twin (tests/twin/test_cycle.py make_twin) with an [ensemble] of 3 members
perturbing the forecast rain.
"""

import os
import subprocess
import sys
from pathlib import Path

src, work = Path(sys.argv[1]), Path(sys.argv[2])
subprocess.run(
    [sys.executable, str(src / "tests" / "mpi" / "make_cases.py"), str(src), str(work)], check=True
)
text = (work / "analytic_2.toml").read_text().replace('path = "analytic_2.h5"', 'path = "ens.h5"')
text += """
[ensemble]
members = 5
seed = 7
rain_factor = { distribution = "lognormal", median = 1.0, sigma = 0.4 }
manning_factor = { distribution = "uniform", min = 0.8, max = 1.2 }
ks_factor = { distribution = "uniform", min = 0.5, max = 2.0 }
thresholds = [0.05, 0.278, 0.51]
quantiles = [0.1, 0.5, 0.9]
"""
(work / "ensemble.toml").write_text(text)

os.environ.setdefault("FLOODTWIN_CLI", "floodtwin")  # read by test_cycle at import
sys.path.insert(0, str(src / "tests" / "twin"))
from test_cycle import make_twin  # noqa: E402

root = make_twin(work / "twin")
with open(root / "twin.toml", "a") as f:
    f.write(
        "\n[ensemble]\nmembers = 3\nseed = 3\n"
        'rain_factor = { distribution = "lognormal", median = 1, sigma = 0.5 }\n'
        "thresholds = [0.01]\nquantiles = [0.5]\n"
    )
