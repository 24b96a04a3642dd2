"""Discharge through cross-sections and boundaries as xarray series (a mixin of Simulation).

The engine accounts the volume through every cross-section and boundary condition from the
face fluxes it uses (``add_cross_section``, ``section_discharge``, ``boundary_discharge`` are
compiled methods); the cumulative volumes are sampled with the gauges, every
``gauge_interval`` seconds on the absolute clock, so the series need no callback.
"""

import numpy as np


def _mean_rates(times, volumes):
    """Mean discharge over each interval (t[k-1], t[k]]: volume passed / interval; NaN first."""
    rates = np.full(volumes.shape, np.nan)
    if len(times) > 1:
        rates[1:] = np.diff(volumes, axis=0) / np.diff(times)[:, None]
    return rates


class SectionsMixin:
    """Cross-section and boundary hydrographs of a :class:`floodtwin.Simulation`."""

    @property
    def cross_sections(self):
        """The cross-sections: a list of dicts with ``name``, ``line`` (n, 2) [m], ``faces``
        (cell faces it cuts), ``volume`` passed [m3], ``rate`` (last step) [m3/s], ``peak``
        (largest magnitude, with its sign) [m3/s] and ``peak_time`` [s]."""
        return self._cross_sections()

    def section_series(self):
        """Discharge through the cross-sections over time, as an ``xarray.Dataset``.

        ``discharge`` [m3/s] on (``time``, ``section``) is the mean over the interval since
        the previous sample (volume passed / interval, NaN at the first sample), ``volume``
        [m3] the cumulative volume since the section was added. Samples are taken every
        ``gauge_interval`` seconds (as the gauges); ``ds.discharge.sel(section="outlet")``.
        Sign: positive from the right of the line to its left (see :meth:`add_cross_section`).
        """
        times, names, volumes, _, _ = self._flow_samples()
        return self._flow_dataset(times, "section", names, volumes, "through the cross-section")

    def boundary_series(self):
        """Net outflow through each boundary condition over time, as an ``xarray.Dataset``.

        ``discharge`` [m3/s] on (``time``, ``boundary``): mean net outflow over the interval
        since the previous sample (negative: net inflow; NaN at the first sample); ``volume``
        [m3]: cumulative net outflow. Boundaries are named ``<side>_<type>`` in the order set
        (``west_discharge``, ``east_open``, ``east_open_2``...), as in results files.
        Sampled every ``gauge_interval`` while the simulation has gauges or cross-sections
        (sampling times end steps; boundaries alone add none, so such a run keeps the C++
        engine's steps); ``boundary_discharge()`` gives the totals at any time.
        """
        times, _, _, labels, volumes = self._flow_samples()
        return self._flow_dataset(times, "boundary", labels, volumes, "out of the grid (net)")

    def _flow_dataset(self, times, dim, names, volumes, what):
        import xarray as xr

        dims = ("time", dim)
        attrs = {"featureType": "timeSeries"}
        if self.gauge_interval is not None:
            attrs["sample_interval"] = self.gauge_interval
        return xr.Dataset(
            {
                "discharge": (
                    dims,
                    _mean_rates(times, volumes),
                    {
                        "units": "m3 s-1",
                        "long_name": f"discharge {what}, mean over the interval",
                        "cell_methods": "time: mean",
                    },
                ),
                "volume": (dims, volumes, {"units": "m3", "long_name": f"volume {what}"}),
            },
            coords={
                "time": ("time", times, {"units": "s", "long_name": "simulated time"}),
                dim: (dim, np.array(names, dtype=object)),
            },
            attrs=attrs,
        )
