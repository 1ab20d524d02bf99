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
    "check_number",
    "check_fraction",
    "check_temperatures",
    "check_tc",
    "check_diameter",
    "check_tol",
    "check_measured_curve",
    "MIN_SIZE",
    "MAX_SIZE",
]

#: Smallest and largest lattice size (nodes per side) the engine accepts.
MIN_SIZE = 2
MAX_SIZE = 2000
#: Largest temperature (K) a measured curve may hold: far above any superconductor, far
#: below the overflow of the model's reduced temperature (a point at 1e308 K is a typo).
MAX_TEMPERATURE_K = 1e4
#: Largest |R| a measured curve may hold (any unit): squares must stay finite in chi^2.
MAX_RESISTANCE = 1e100


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


def check_measured_curve(T, R, *, t_max: float = MAX_TEMPERATURE_K) -> tuple[np.ndarray, np.ndarray]:
    """A measured curve as two float arrays: same length, 1-D, finite, ``0 <= T <= t_max`` (K),
    ``|R| <= 1e100`` with at least one positive R (the normal state)."""
    arrays = []
    for name, v, what in (("T", T, "temperatures (K)"), ("R", R, "resistances (ohm or R/R_N)")):
        if isinstance(v, (str, bytes)):
            raise ValueError(f"{name} must be an array of {what}, got {v!r}")
        try:
            arrays.append(np.array(v, dtype=float, copy=True))
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an array of {what}") from None
    T, R = arrays
    if T.ndim != 1 or R.ndim != 1:
        raise ValueError(f"T and R must be one-dimensional, got shapes {T.shape} and {R.shape}")
    if T.size != R.size:
        raise ValueError(f"T and R must have the same length, got {T.size} and {R.size}")
    if not np.all(np.isfinite(T)) or (T < 0).any():
        raise ValueError("T must hold finite temperatures >= 0 (K)")
    if (T > t_max).any():
        raise ValueError(f"T must lie in [0, {t_max:g}] K, got a point at {T.max():.6g} K")
    if not np.all(np.isfinite(R)):
        raise ValueError("R must hold finite resistances (drop missing points first)")
    if (np.abs(R) > MAX_RESISTANCE).any():
        raise ValueError(f"R must lie in [-{MAX_RESISTANCE:g}, {MAX_RESISTANCE:g}], got {R[np.argmax(np.abs(R))]:.6g}")
    if not (R > 0).any():
        raise ValueError("R must contain positive resistances (the normal state); all values are <= 0")
    return T, R
