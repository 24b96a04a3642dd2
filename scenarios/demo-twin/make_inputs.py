#!/usr/bin/python3
"""Writes the demo twin's synthetic observations and forecast rain (deterministic).

observed/rain.csv: 48 hours of hourly gauge rain (mm/h, period-ending) at the five demo gauges,
two storms (hours 7-13 and 29-35). forecast/rain_<cycle>.csv: for cycles every 6 hours, the
next 12 hours of the "truth" as a forecaster would issue it: the same storms, 20 % too strong
and one hour late, so that forecast and analysis visibly differ. None of it is observed data.
"""
import datetime as dt
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
GAUGES = ["G1", "G2", "G3", "G4", "G5"]
# Relative storm intensity per gauge (orographic: more rain up the basin).
WEIGHT = {"G1": 0.7, "G2": 0.9, "G3": 1.2, "G4": 1.3, "G5": 1.0}


def truth(hour):
    """Basin rain [mm/h] in the hour ending at `hour` (hours since START)."""
    rain = 0.0
    for centre, peak, width in ((10.0, 14.0, 1.8), (32.0, 22.0, 1.5)):
        rain += peak * math.exp(-0.5 * ((hour - centre) / width) ** 2)
    return rain if rain >= 0.05 else 0.0


def stamp(hour):
    return (START + dt.timedelta(hours=hour)).strftime("%Y-%m-%dT%H:%M:%SZ")


def row(hour, scale=1.0, shift=0.0):
    return ",".join(
        [stamp(hour)] + [f"{scale * WEIGHT[g] * truth(hour - shift):.2f}" for g in GAUGES]
    )


def main():
    (HERE / "observed").mkdir(exist_ok=True)
    (HERE / "forecast").mkdir(exist_ok=True)
    header = "time," + ",".join(GAUGES)
    lines = [
        "# Synthetic observed rain (not observed data): mm/h over the hour ending at each time",
        header,
    ]
    lines += [row(h) for h in range(0, 49)]
    (HERE / "observed" / "rain.csv").write_text("\n".join(lines) + "\n")
    for cycle in range(6, 43, 6):
        name = (START + dt.timedelta(hours=cycle)).strftime("%Y%m%dT%H%MZ")
        lines = [
            f"# Synthetic forecast rain issued at {stamp(cycle)} (not a real forecast): mm/h",
            header,
        ]
        lines += [row(cycle + k, scale=1.2, shift=1.0) for k in range(1, 13)]
        (HERE / "forecast" / f"rain_{name}.csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
