"""Unit helpers: the solver takes rain intensities in m/s, hydrologists think in mm/h."""

_MM_PER_HOUR = 1.0e-3 / 3600.0


def mm_per_hour(value):
    """Converts a rain intensity from mm/h to m/s (numbers or numpy arrays)."""
    return value * _MM_PER_HOUR


def to_mm_per_hour(value):
    """Converts a rain intensity from m/s to mm/h (numbers or numpy arrays)."""
    return value / _MM_PER_HOUR
