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
    "check_temperature",
    "check_tc",
    "check_diameter",
    "check_tol",
    "check_measured_curve",
    "check_quantity",
    "MIN_SIZE",
    "MAX_SIZE",
    "PRACTICAL_MAX_SIZE",
]

#: Smallest and largest lattice size (nodes per side) the engine accepts.
MIN_SIZE = 2
MAX_SIZE = 2000
#: Largest temperature (K) a measured curve may hold: far above any superconductor, far
#: below the overflow of the model's reduced temperature (a point at 1e308 K is a typo).
MAX_TEMPERATURE_K = 1e4
#: Largest |R| a measured curve may hold (any unit): squares must stay finite in chi^2.
MAX_RESISTANCE = 1e100
#: Largest size that is practical: N = 400 takes about 75 s for the network and its R(T) curve
#: on two cores, and every doubling of N costs 4-5x more (N = 2000: hours). ``Network.generate``
#: warns above it.
PRACTICAL_MAX_SIZE = 400


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


def _is_quantity(x) -> bool:
    # Duck-typed so that pint need not be imported (or installed).
    return hasattr(x, "magnitude") and hasattr(x, "units") and callable(getattr(x, "to", None))


def _is_uncertain(x) -> bool:
    # An `uncertainties` number (ufloat, or an element of a unumpy array).
    return hasattr(x, "nominal_value") and hasattr(x, "std_dev")


def _uncertain_message(name: str, unit: str) -> str:
    hint = (
        "give the nominal values and pass the standard deviations as r_err"
        if unit == "ohm"
        else "pass the nominal values (uncertainties.unumpy.nominal_values)"
    )
    return f"{name} holds numbers with uncertainties (the uncertainties package), which would be dropped here; {hint}"


def check_quantity(values, name: str, unit: str, *, dimensionless_ok: bool = False):
    """Convert pint Quantities to plain numbers in ``unit``; refuse numbers with uncertainties.

    A unit must never be stripped silently (2000 mK read as 2000 K), so a Quantity (or a
    list of them) is converted with its own ``.to(unit)``; ``uncertainties`` numbers are
    refused with a message saying what to pass instead. Anything else is returned as is.

    Parameters
    ----------
    values : object
        What the caller passed.
    name : str
        The parameter's name, for messages.
    unit : str
        Target unit as pint spells it ("kelvin", "ohm").
    dimensionless_ok : bool
        Accept a dimensionless Quantity too (e.g. R/R_N).

    Returns
    -------
    (values, dimensionless) : (object, bool)
        Plain values, and whether they came from a dimensionless Quantity.
    """
    if isinstance(values, (str, bytes)):
        return values, False
    if isinstance(values, (list, tuple)) or (isinstance(values, np.ndarray) and values.dtype == object):
        items = list(np.asarray(values, dtype=object).ravel()) if isinstance(values, np.ndarray) else list(values)
        if any(_is_uncertain(x) or _is_uncertain(getattr(x, "magnitude", None)) for x in items):
            raise ValueError(_uncertain_message(name, unit))
        flags = [_is_quantity(x) for x in items]
        if not any(flags):
            return values, False
        if not all(flags):
            raise ValueError(f"{name} mixes numbers with and without units; give all of them units, or none")
        converted = [check_quantity(x, name, unit, dimensionless_ok=dimensionless_ok) for x in items]
        dims = {d for _, d in converted}
        if len(dims) > 1:
            raise ValueError(f"{name} mixes dimensionless values with values in {unit}")
        shape = values.shape if isinstance(values, np.ndarray) else (len(items),)
        return np.reshape(np.array([float(v) for v, _ in converted]), shape), dims.pop()
    if _is_uncertain(values):
        raise ValueError(_uncertain_message(name, unit))
    if not _is_quantity(values):
        return values, False
    dimensionless = bool(getattr(values, "dimensionless", False))
    target = "dimensionless" if dimensionless and dimensionless_ok else unit
    try:
        magnitude = values.to(target).magnitude
    except Exception as exc:  # noqa: BLE001 - pint's DimensionalityError, or any other refusal
        raise ValueError(f"{name} has the unit {values.units}, which cannot be converted to {unit} ({exc})") from None
    if _is_uncertain(magnitude) or (isinstance(magnitude, np.ndarray) and magnitude.dtype == object):
        check_quantity(magnitude, name, unit)  # raises for uncertainties inside a Quantity
    return magnitude, target == "dimensionless"


def check_temperatures(T, name: str = "T") -> np.ndarray:
    """Temperatures as a float array: finite and >= 0 (same unit as tc_mean and sigma).

    A pint Quantity is converted to kelvin (the engine's unit for temperatures).
    """
    T, _ = check_quantity(T, name, "kelvin")
    if isinstance(T, (str, bytes)):
        raise ValueError(f"{name} must be numbers (temperatures >= 0), got {T!r}")
    try:
        T = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers (temperatures >= 0), got {T!r}") from None
    if not np.isfinite(T).all() or (T < 0).any():
        raise ValueError(f"{name} must be finite temperatures >= 0")
    return T


def check_temperature(T, name: str = "T") -> float:
    """One temperature: a finite number >= 0 (a list or array is refused, not truncated)."""
    arr = check_temperatures(T, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single temperature >= 0, got an array of shape {arr.shape}")
    return float(arr)


def check_tc(tc_mean, sigma) -> tuple[float, float]:
    """Mean (finite) and standard deviation (> 0) of the local Tc distribution, in K."""
    tc_mean = check_number("tc_mean", tc_mean, -1e12, 1e12)
    sigma = check_number("sigma (standard deviation of the local Tc)", sigma, 0.0, 1e12, lo_open=True)
    return tc_mean, sigma


#: Largest diameter a "random" puddle draws (D ~ U[5, 30]); fixed diameters up to it are allowed
#: at every lattice size, so the default D = 10 works down to N = 2.
MAX_RANDOM_DIAMETER = 30.0


def check_diameter(value, n: int | None = None):
    """Puddle diameter in bonds, in ``(0, max(4 n, 30)]``, or ``"random"``."""
    if isinstance(value, str):
        if value != "random":
            raise ValueError(f"puddle_diameter must be a positive number of bonds or 'random', got {value!r}")
        return value
    hi = max(4.0 * (n if n is not None else MAX_SIZE), MAX_RANDOM_DIAMETER)
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
