"""Input validation for the whole engine: one wording for every parameter error.

Every public entry point of the engine checks its arguments with these functions, so a
bad value raises a :class:`ValueError` that names the parameter and its allowed range,
the same way wherever it enters (``Network.generate``, ``ModelParams``, ensembles, fits).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "check_int",
    "check_seed",
    "check_seeds",
    "check_number",
    "check_fraction",
    "check_temperatures",
    "check_tc",
    "check_diameter",
    "check_tol",
    "MIN_SIZE",
    "MAX_SIZE",
]

#: Smallest and largest lattice size (nodes per side) the engine accepts.
MIN_SIZE = 2
MAX_SIZE = 2000


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


def check_seed(seed, name: str = "seed") -> int:
    """Seeds are strictly non-negative ints: a float or boolean seed is almost always a mistake."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_seeds(seeds) -> list[int]:
    """A non-empty sequence of distinct non-negative integer seeds, one per realization."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        raise ValueError(
            "seeds must be a sequence of non-negative integers (one per realization), got a single "
            f"integer {seeds}; use realization_seeds(seed, count) to derive several"
        )
    try:
        seeds = list(seeds)
    except TypeError:
        raise ValueError(f"seeds must be a sequence of non-negative integers, got {type(seeds).__name__}") from None
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    out = [check_int("seeds[]", s, 0, 2**63 - 1) for s in seeds]
    if len(set(out)) != len(out):
        raise ValueError("seeds must be distinct (a repeated seed is the same realization twice)")
    return out


def check_number(name: str, value, lo: float, hi: float, *, lo_open: bool = False) -> float:
    """``value`` as a finite float in ``[lo, hi]`` (``(lo, hi]`` with ``lo_open``)."""
    rng = f"{'(' if lo_open else '['}{lo:g}, {hi:g}]"
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{name} must be a number in {rng}, got {value!r}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in {rng}, got {value!r}") from None
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and value <= hi
    if not ok:
        raise ValueError(f"{name} must lie in {rng}, got {value}")
    return value


def check_fraction(name: str, value) -> float:
    """A fraction in [0, 1] (``w``, ``w2``)."""
    return check_number(name, value, 0.0, 1.0)


def check_temperatures(T, name: str = "T") -> np.ndarray:
    """Temperatures as a float array: finite and >= 0 (same unit as tc_mean and sigma)."""
    if isinstance(T, (str, bytes)):
        raise ValueError(f"{name} must be numbers (temperatures >= 0), got {T!r}")
    try:
        T = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers (temperatures >= 0), got {T!r}") from None
    if not np.isfinite(T).all() or (T < 0).any():
        raise ValueError(f"{name} must be finite temperatures >= 0")
    return T


def check_tc(tc_mean, sigma) -> tuple[float, float]:
    """Mean (finite) and standard deviation (> 0) of the local Tc distribution, in K."""
    tc_mean = check_number("tc_mean", tc_mean, -1e12, 1e12)
    sigma = check_number("sigma (standard deviation of the local Tc)", sigma, 0.0, 1e12, lo_open=True)
    return tc_mean, sigma


def check_diameter(value, n: int | None = None):
    """Puddle diameter in bonds, in ``(0, 4 n]`` (any positive size when ``n`` is None), or ``"random"``."""
    if isinstance(value, str):
        if value != "random":
            raise ValueError(f"puddle_diameter must be a positive number of bonds or 'random', got {value!r}")
        return value
    hi = 4.0 * n if n is not None else 4.0 * MAX_SIZE
    return check_number("puddle_diameter (bonds)", value, 0.0, hi, lo_open=True)


def check_tol(value, *, allow_none: bool = True):
    """Interpolation tolerance of the universal curve, in (0, 0.5] (units of R_N), or None (exact)."""
    if value is None:
        if not allow_none:
            raise ValueError("tol must be a number in (0, 0.5] (units of R_N), got None")
        return None
    return check_number("tol", value, 0.0, 0.5, lo_open=True)
