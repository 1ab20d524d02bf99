"""Argument checks shared by the engine modules: one wording for every integer and seed error."""

from __future__ import annotations

import numpy as np

__all__ = ["check_int", "check_seed"]


def check_int(name: str, value, lo: int, hi: int | None = None) -> int:
    """Return ``value`` as an int in ``[lo, hi]`` (``hi=None``: no upper bound).

    Integral floats (e.g. ``5e4``) are accepted; booleans, fractions and non-numbers raise
    a ``ValueError`` that names the parameter and its allowed range.
    """
    rng_txt = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
    if isinstance(value, (bool, np.bool_)):
        ok = False
    elif isinstance(value, (int, np.integer)):
        ok = True
    else:
        ok = isinstance(value, (float, np.floating)) and bool(np.isfinite(value)) and float(value).is_integer()
    if not ok:
        raise ValueError(f"{name} must be an integer {rng_txt}, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        raise ValueError(f"{name} must be an integer {rng_txt}, got {value}")
    return value


def check_seed(seed) -> int:
    """Seeds are strictly non-negative ints: a float seed is almost always a mistake."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)
