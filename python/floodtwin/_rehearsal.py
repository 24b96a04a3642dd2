"""Rehearsal: named what-if variants of a scenario run side by side, and their impacts compared.

The runs, the changes and comparison.csv are the C++ rehearsal (rehearsal/, the same code as
`floodtwin rehearse`); this wrapper returns the comparison as a dict of columns."""

import csv
import math
from pathlib import Path

from . import _core

COMPARED = [
    "level",
    "level_time",
    "flooded_area_m2",
    "max_depth_m",
    "people_affected",
    "buildings_flooded",
    "damage",
    "roads_cut_m",
]
_CHANGES = {"rain_factor", "rain_scale", "inflow", "breach"}
_TEXT = {"variant", "zone", "name", "level", "level_time"}


def _value(column, text):
    if column in _TEXT:
        return text
    if column == "buildings_flooded":
        return int(text)
    return float(text) if text != "" else math.nan


def rehearse(scenario, variants, out, *, threads=None, baseline=False):
    """Runs named what-if variants of a scenario with [impacts] side by side and compares them.

    ``variants`` maps a name to a dict of changes, as a ``[[variant]]`` of ``floodtwin
    rehearse --variants`` (docs/impacts.md, "Rehearsal"):

    - ``rain_factor`` (or ``rain_scale``): a factor on the scenario's rain, whatever its kind
      (gauges, uniform hyetograph or gridded);
    - ``inflow``: ``(x, y, q)`` (a point inflow of ``q`` m3/s for the whole run), or a dict
      with ``side`` (a discharge boundary over that side) or ``x``, ``y``, and ``discharge``
      (m3/s) or ``series`` (``[(t_s, q), ...]``);
    - ``breach``: a dict with ``x``, ``y`` (or ``line``: ``[(x, y), ...]``) and ``width`` [m],
      or ``polygon`` (``[(x, y), ...]``: the cells whose centre lies inside),
      ``level`` (the bed there becomes at most this) or ``depth`` (lowered by this) and
      ``time`` (s after the start, or a duration such as ``"2h"``): the run stops exactly at
      that time and the bed changes, keeping the water depths (and so the volume).

    An empty dict is the scenario as it is; ``baseline=True`` also runs it as ``baseline``
    first. Each variant runs into ``out/<name>/`` (results ``<name>.h5`` and its impacts folder
    ``<name>_impacts/``); ``out/comparison.csv`` lists, per variant and zone, the level reached
    and when, flooded area, max depth, people affected, buildings flooded, damage and roads cut.
    Returns that table as a dict of columns.
    """
    for name, changes in variants.items():
        unknown = set(changes) - _CHANGES
        if unknown:
            raise ValueError(
                f"rehearse: variant {name!r}: unknown change(s) {sorted(unknown)} "
                "(expected rain_factor, rain_scale, inflow, breach)"
            )
    scenario = Path(scenario).resolve()
    comparison = _core.rehearse(
        scenario,
        {str(k): dict(v) for k, v in variants.items()},
        Path(out),
        threads=threads,
        baseline=baseline,
    )
    with open(comparison, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = ["variant", "zone", "name"] + COMPARED
    return {c: [_value(c, r[c]) for r in rows] for c in columns}
