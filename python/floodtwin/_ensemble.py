"""Ensembles: the members of a scenario's ``[ensemble]`` table and their probabilistic products.

The draws, the runs and the ensemble file are the C++ ensemble (ensemble/, the same code as
``floodtwin ensemble``); this wrapper shows the members' perturbations as numpy arrays and opens
the products as an :class:`xarray.Dataset`."""

import os

import numpy as np

from . import _core


def _text(value):
    """A name read from a netCDF char array (bytes or str, NUL-padded)."""
    if isinstance(value, bytes):
        value = value.decode()
    return str(value).rstrip("\x00")


class Ensemble:
    """The ensemble of a scenario file with an ``[ensemble]`` table (docs/ensemble.md).

    ``members`` overrides the table's count (member k's perturbations depend only on the seed,
    k and the parameter, so the first members of a larger ensemble are the same).

    >>> ens = floodtwin.Ensemble("scenarios/demo/demo.toml", members=4)
    >>> ens.factors["rain_factor"]          # one value per member, before anything runs
    >>> ds = ens.run(threads=2)             # xarray.Dataset of the ensemble file
    >>> ds.exceedance_probability.sel(threshold=0.3)
    """

    def __init__(self, scenario, members=None):
        self.scenario = os.fspath(scenario)
        self._spec = _core.ensemble_spec(self.scenario, members)
        self.output = None

    @property
    def members(self):
        """The number of members."""
        return self._spec["members"]

    @property
    def seed(self):
        """The seed of the draws."""
        return self._spec["seed"]

    @property
    def distributions(self):
        """The perturbed keys and their distributions, as text (e.g. ``lognormal(median 1,
        sigma 0.3)``)."""
        return dict(self._spec["distributions"])

    @property
    def thresholds(self):
        """Max-depth thresholds [m] of the exceedance probabilities."""
        return list(self._spec["thresholds"])

    @property
    def quantiles(self):
        """Quantiles of max depth and arrival time."""
        return list(self._spec["quantiles"])

    @property
    def factors(self):
        """The members' perturbations: a dict of numpy arrays (one value per member) for
        rain_factor, rain_shift [s], manning_factor, ks_factor, psi_factor and
        curve_number_factor (1, or 0 s, where not perturbed)."""
        members = self._spec["member_list"]
        keys = [k for k in members[0] if k not in ("member", "rain_file")]
        return {k: np.array([m[k] for m in members], dtype=float) for k in keys}

    @property
    def rain_files(self):
        """Each member's forecast-rain file (``rain_members`` with ``{member}``), or ""."""
        return [m["rain_file"] for m in self._spec["member_list"]]

    def run(self, threads=None, concurrent=None, output=None):
        """Runs the members (``concurrent`` at once, None: one per thread; ``threads`` OpenMP
        threads in all) and writes the ensemble file (``output``, default
        ``<results stem>_ensemble.h5``); returns its products as an :class:`xarray.Dataset`
        (see :meth:`products`)."""
        self.output = _core.run_ensemble(
            self.scenario,
            members=self.members,
            threads=threads,
            concurrent=concurrent,
            output=None if output is None else os.fspath(output),
        )
        return self.products()

    def products(self, path=None):
        """The ensemble file (``path``, else the last :meth:`run`'s, else the default path) as
        an :class:`xarray.Dataset`: ``exceedance_probability(threshold, y, x)``,
        ``max_depth_quantile(quantile, y, x)``, ``arrival_time_quantile(quantile, y, x)``, the
        members' factors on ``realization`` and ``gauge_depth(realization, gauge_time,
        station)``. With ``[impacts]`` warning levels also
        ``zone_level_probability(zone, warning_level)``,
        ``zone_first_crossing_time(realization, zone, warning_level)`` and its quantiles, with
        ``zone`` and ``warning_level`` labelled by the zone ids and level names
        (``ds.zone_level_probability.sel(zone="W", warning_level="severe")``). The dataset is
        loaded into memory and the file closed."""
        import xarray

        path = os.fspath(path or self.output or self._spec["output"])
        if not os.path.exists(path):
            raise FileNotFoundError(f"ensemble file not found: {path} (run the ensemble first)")
        with xarray.open_dataset(path, engine="netcdf4") as ds:
            ds = ds.load()
        for dim, var in (("zone", "zone_id"), ("warning_level", "warning_level")):
            if var in ds:
                names = [_text(v) for v in np.atleast_1d(ds[var].values)]
                ds = ds.assign_coords({dim: names})
        return ds

    def run_member(self, member, threads=None, output=None):
        """Runs member ``member`` (0-based) alone into an ordinary results file (default
        ``<results stem>_member<K>.h5``), equal bitwise to the member in the ensemble; returns
        the path."""
        return _core.run_ensemble_member(
            self.scenario,
            int(member),
            members=self.members,
            threads=threads,
            output=None if output is None else os.fspath(output),
        )

    def __repr__(self):
        return (
            f"Ensemble({self.scenario!r}, members={self.members}, seed={self.seed}, "
            f"perturbations={sorted(self.distributions)})"
        )
