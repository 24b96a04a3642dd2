"""The basin twin's forecast cycle from Python: :class:`Twin` (see docs/twin.md).

``Twin(path).forecast(at=..., lead=...)`` runs one cycle exactly as ``floodtwin forecast``
does (the same C++ code: warm state, analysis to T0, forecast to T0 + lead, published
atomically) and returns its summary (the cycle's ``cycle.json`` as a dict). Cycle results open
as xarray datasets.
"""

import datetime as _dt
import json
from pathlib import Path

from . import _core

_UNITS = {"s": 1, "min": 60, "h": 3600, "d": 86400}


def _seconds(lead):
    """A lead time as seconds: a number of seconds, a timedelta or a string such as "6h"."""
    if lead is None:
        return None
    if isinstance(lead, _dt.timedelta):
        value = lead.total_seconds()
    elif isinstance(lead, str):
        text = lead.strip()
        for unit in sorted(_UNITS, key=len, reverse=True):
            if text.endswith(unit):
                value = float(text[: -len(unit)]) * _UNITS[unit]
                break
        else:
            value = float(text)
    else:
        value = float(lead)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"lead: expected a positive duration, got {lead!r}")
    return value


def _iso(at):
    """T0 as ISO-8601 text (str passed through; datetime in UTC; None: the newest data)."""
    if at is None:
        return ""
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None:
            raise ValueError("at: give a timezone-aware datetime (e.g. tzinfo=timezone.utc)")
        return at.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(at, str):
        return at
    raise TypeError(f"at: expected an ISO-8601 str or a datetime, got {type(at).__name__}")


class Cycle:
    """One published cycle folder ``cycles/<YYYYmmddTHHMMZ>/``."""

    def __init__(self, folder):
        self.folder = Path(folder)
        if not (self.folder / "cycle.json").is_file():
            raise FileNotFoundError(f"{self.folder}: not a forecast cycle (no cycle.json)")

    @property
    def name(self):
        """The cycle's name: T0 written YYYYmmddTHHMMZ."""
        return self.folder.name

    @property
    def info(self):
        """The cycle's summary (cycle.json) as a dict."""
        return json.loads((self.folder / "cycle.json").read_text())

    def results(self, **kwargs):
        """The forecast (``forecast.h5``, T0 to T0 + lead) as an :class:`xarray.Dataset`."""
        from . import open_results

        return open_results(self.folder / "forecast.h5", **kwargs)

    def analysis(self, **kwargs):
        """The analysis (``analysis.h5``, state time to T0) as an :class:`xarray.Dataset`."""
        from . import open_results

        return open_results(self.folder / "analysis.h5", **kwargs)

    def gauges(self):
        """The forecast gauge series (``gauges.nc``, CF timeSeries) as an xarray.Dataset with
        ``station`` labelled by the gauge names: ``cycle.gauges().depth.sel(station="outlet")``.
        """
        import xarray as xr

        ds = xr.open_dataset(self.folder / "gauges.nc")
        names = [s.decode() if isinstance(s, bytes) else str(s) for s in ds["station_id"].values]
        return ds.assign_coords(station=names)

    def __repr__(self):
        return f"Cycle({str(self.folder)!r})"


class Twin:
    """A basin twin (``twin.toml``): an ordinary scenario plus observations, forecasts and the
    folders of warm states and cycles. The file is checked when the Twin is made.

    Example::

        twin = floodtwin.Twin("scenarios/demo-twin/twin.toml")
        summary = twin.forecast(at="2024-01-01T06:00:00Z", lead="6h")
        print(summary["warnings"], summary["data_issues"])
        ds = twin.cycle(summary["cycle"]).results()    # xarray
    """

    def __init__(self, path):
        self.path = Path(path)
        self._info = _core.twin_info(str(self.path))

    @property
    def settings(self):
        """The twin's settings (paths resolved; times in seconds)."""
        return dict(self._info)

    def forecast(self, at=None, lead=None, wait=0.0, threads=None, concurrent=None):
        """Runs one forecast cycle and returns its summary (the dict of ``cycle.json``).

        ``at``: T0 (ISO-8601 str or timezone-aware datetime; None: the newest observation);
        ``lead``: seconds, a timedelta or a string such as "6h" (None: the twin's
        [forecast] lead); ``wait``: seconds to wait for another cycle of the same twin
        (else OSError at once). Releases the GIL while it runs. With an ``[ensemble]`` table in
        the twin file, the cycle also runs the members of its forecast leg and publishes
        ``ensemble.h5`` (docs/ensemble.md), as ``floodtwin forecast`` does. ``threads``: OpenMP
        threads in all for this cycle (None: the current number; ``--threads``);
        ``concurrent``: members run at once, each on threads / concurrent threads (``floodtwin
        forecast --concurrent``; None: one member per thread; the results do not depend on it;
        more than ``threads`` is a
        :class:`ScenarioError`).
        """
        text = _core.forecast_cycle(
            str(self.path),
            at=_iso(at),
            lead=_seconds(lead),
            wait=float(wait),
            threads=None if threads is None else int(threads),
            concurrent=None if concurrent is None else int(concurrent),
        )
        return json.loads(text)

    def cycles(self):
        """The published cycles, oldest first."""
        root = Path(self._info["cycles"])
        if not root.is_dir():
            return []
        return [Cycle(p) for p in sorted(root.iterdir()) if (p / "cycle.json").is_file()]

    def cycle(self, name):
        """A published cycle by name (``YYYYmmddTHHMMZ``) or by its T0 (datetime or ISO str)."""
        if isinstance(name, _dt.datetime) or (isinstance(name, str) and "-" in name):
            iso = _iso(name)
            name = iso[:4] + iso[5:7] + iso[8:10] + "T" + iso[11:13] + iso[14:16] + "Z"
        return Cycle(Path(self._info["cycles"]) / name)

    def states(self):
        """The warm states (paths), newest first."""
        root = Path(self._info["states"])
        return sorted(root.glob("*.state.h5"), reverse=True) if root.is_dir() else []

    def __repr__(self):
        return f"Twin({str(self.path)!r})"
