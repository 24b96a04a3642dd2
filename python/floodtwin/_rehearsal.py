"""Rehearsal: named what-if variants of a scenario run side by side, and their impacts compared."""

import csv
import math
import os
import re
import tomllib
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


def _absolute_inputs(text, folder):
    """The scenario text with every quoted path of an existing file made absolute."""
    for name in set(re.findall(r'"([^"]+)"', text)):
        path = Path(name) if os.path.isabs(name) else folder / name
        if path.is_file():
            text = text.replace(f'"{name}"', f'"{path.resolve()}"')
    return text


def _scaled_series(path, factor, target):
    """A copy of a rain CSV (time column first) with every value multiplied by `factor`."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    out = []
    header_seen = False
    for row in rows:
        if not row or row[0].lstrip().startswith("#") or not header_seen:
            header_seen = header_seen or bool(row and not row[0].lstrip().startswith("#"))
            out.append(row)
            continue
        scaled = [row[0]]
        for cell in row[1:]:
            try:
                value = float(cell)
            except ValueError:
                scaled.append(cell)  # a missing value stays missing
                continue
            scaled.append(repr(value * factor) if math.isfinite(value) else cell)
        out.append(scaled)
    with open(target, "w", newline="") as f:
        csv.writer(f).writerows(out)


def rehearse(scenario, variants, out, *, threads=None):
    """Runs named what-if variants of a scenario with [impacts] side by side and compares them.

    ``variants`` maps a name to a dict of changes: ``rain_scale`` (a factor on the rain of
    ``[rainfall] series`` or ``uniform``) and/or ``inflow`` (``(x, y, q)``: an extra point
    inflow of ``q`` m3/s at ``(x, y)`` in the grid's CRS, for the whole run). An empty dict is
    the scenario as it is. Each variant runs into ``out/<name>/`` (results ``<name>.h5`` and its
    impacts folder ``<name>_impacts/``); ``out/comparison.csv`` lists, per variant and zone, the
    level reached and when, flooded area, max depth, people affected, buildings flooded, damage
    and roads cut. Returns that table as a dict of columns.
    """
    scenario = Path(scenario).resolve()
    out = Path(out)
    base = _absolute_inputs(scenario.read_text(), scenario.parent)
    parsed = tomllib.loads(base)
    if "impacts" not in parsed:
        raise ValueError(f"rehearse: {scenario} has no [impacts] table")
    table = {"variant": [], "zone": [], "name": []} | {c: [] for c in COMPARED}
    for name, changes in variants.items():
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ValueError(f"rehearse: variant name {name!r}: use letters, digits, _ . -")
        unknown = set(changes) - {"rain_scale", "inflow"}
        if unknown:
            raise ValueError(
                f"rehearse: variant {name!r}: unknown change(s) {sorted(unknown)} "
                "(expected rain_scale, inflow)"
            )
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        text = base
        if "rain_scale" in changes:
            rain = parsed.get("rainfall", {})
            key = "series" if "series" in rain else "uniform" if "uniform" in rain else None
            if key is None:
                raise ValueError(
                    f"rehearse: variant {name!r}: rain_scale needs [rainfall] series or uniform"
                )
            scaled = folder / ("rain_" + Path(rain[key]).name)
            _scaled_series(rain[key], float(changes["rain_scale"]), scaled)
            text = text.replace(f'"{rain[key]}"', f'"{scaled.resolve()}"')
        if "inflow" in changes:
            x, y, q = (float(v) for v in changes["inflow"])
            text += (
                f'\n[[point_source]]\nname = "rehearsal {name}"\nx = {x!r}\ny = {y!r}\n'
                f"value = {q!r}\n"
            )
        variant_toml = folder / f"{name}.toml"
        variant_toml.write_text(text)
        results = folder / f"{name}.h5"
        _core.run_scenario(variant_toml, output=results, threads=threads)
        zones = _core.impacts(results, variant_toml, folder / f"{name}_impacts")
        for k, zone in enumerate(zones["zone"]):
            table["variant"].append(name)
            table["zone"].append(zone)
            table["name"].append(zones["name"][k])
            for c in COMPARED:
                table[c].append(zones[c][k])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "comparison.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(table))
        for row in zip(*table.values()):
            writer.writerow(["" if isinstance(v, float) and math.isnan(v) else v for v in row])
    return table
