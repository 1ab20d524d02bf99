"""The measured curve made ready to fit: validated, sorted, cut, binned, its noise known.

Noise. A fit's chi^2 means something only against the noise of the data. The user may give
it (``r_err``, per point or one number); otherwise it is estimated from the data alone by
the scatter of every point about the straight line through its two neighbours (robust
median of the normalised second differences), on the warmest 40 % of the points: the
normal state is smooth, where the transition's curvature and the steps of a disordered
film would pass for noise.

Long curves. A curve with more than ``max_points`` points is averaged in equal-width
temperature bins first (at most ``max_points`` bins). The bin mean of ``c`` points has the
noise ``sigma / sqrt(c)``, so nothing the fit can resolve is lost, and 1e5 points fit as
fast as 1e3. The result says so in its ``notes``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..io import RTData
from ..validation import check_int, check_measured_curve, check_number, check_quantity

__all__ = ["MAX_POINTS", "Curve", "estimate_noise", "prepare_curve"]

#: Default largest number of points fitted as they are; longer curves are binned.
MAX_POINTS = 1000

#: Physical ranges of the parameters (for user bounds).
_PHYSICAL = {
    "tc_mean": (0.0, math.inf),
    "sigma": (0.0, math.inf),
    "w": (0.0, 1.0),
    "w2": (0.0, 1.0),
    "r_n": (0.0, math.inf),
    "alpha": (-math.inf, math.inf),
}


@dataclass
class Curve:
    """A curve ready to fit (sorted by T).

    Attributes
    ----------
    T, R : ndarray
        Temperatures (K) and resistances (data unit), possibly bin means.
    noise : ndarray
        Standard error of every point (data unit).
    noise_source : str
        "given" (``r_err``) or "estimated from the data".
    r_unit : {"ohm", "normalized"}
    metadata : dict
        Metadata of the input RTData (:class:`puddles.io.RTData`).
    notes : list of str
        What was done to the data (binning, range cut).
    """

    T: np.ndarray
    R: np.ndarray
    noise: np.ndarray
    noise_source: str
    r_unit: str
    metadata: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def estimate_noise(T: np.ndarray, R: np.ndarray) -> float:
    """Noise standard deviation of a sorted curve from its local second differences.

    Each inner point is compared with the linear interpolation of its neighbours,
    ``e_i = R_i - (b R_{i-1} + a R_{i+1})``, whose noise variance is
    ``sigma^2 (1 + a^2 + b^2)``; the estimate is ``1.4826 median|e_i| / sqrt(1 + a^2 + b^2)``
    (the median absolute deviation of a Gaussian). Points at repeated temperatures are
    compared directly. Only the warmest 40 % of the points are used (all of them when that
    leaves fewer than 10). Returns a positive number (a floor of ``1e-12 max|R|`` for
    noise-free data).
    """
    floor = 1e-12 * float(np.max(np.abs(R)))
    if T.size >= 25:
        T, R = T[-(2 * T.size) // 5 :], R[-(2 * T.size) // 5 :]
    if T.size < 3:
        return max(floor, 1e-300)
    t0, t1, t2 = T[:-2], T[1:-1], T[2:]
    span = t2 - t0
    a = np.divide(t1 - t0, span, out=np.full_like(span, 0.5), where=span > 0)
    b = 1.0 - a
    e = (R[1:-1] - (b * R[:-2] + a * R[2:])) / np.sqrt(1.0 + a**2 + b**2)
    return max(1.4826 * float(np.median(np.abs(e))), floor, 1e-300)


def _bin(T, R, err, max_points):
    """Equal-width temperature bins: mean T, mean R and the standard error of the mean."""
    edges = np.linspace(T[0], T[-1], max_points + 1)
    idx = np.clip(np.searchsorted(edges, T, side="right") - 1, 0, max_points - 1)
    count = np.bincount(idx, minlength=max_points)
    keep = count > 0
    c = count[keep]
    Tb = np.bincount(idx, T, max_points)[keep] / c
    Rb = np.bincount(idx, R, max_points)[keep] / c
    eb = np.sqrt(np.bincount(idx, err**2, max_points)[keep]) / c
    return Tb, Rb, eb


def prepare_curve(T, R=None, *, r_unit=None, r_err=None, t_range=None, max_points: int = MAX_POINTS) -> Curve:
    """Validate, sort, cut to ``t_range`` and bin a measured curve; know its noise.

    Parameters are those of :func:`puddles.fit.fit_rt` (``T`` may be an RTData).
    """
    metadata: dict = {}
    if isinstance(T, RTData):
        if R is not None:
            raise ValueError("R: pass either an RTData as the first argument or the arrays T and R, not both")
        data = T
        T, R = data.T, data.R
        metadata = dict(data.metadata)
        if r_unit is None:
            r_unit = data.r_unit
    elif R is None:
        raise ValueError("R: the resistances are missing (pass T and R, or an RTData)")
    else:
        # pint Quantities are converted, numbers with uncertainties refused: never stripped.
        T, _ = check_quantity(T, "T", "kelvin")
        R, dimensionless = check_quantity(R, "R", "ohm", dimensionless_ok=True)
        r_err, _ = check_quantity(r_err, "r_err", "ohm", dimensionless_ok=True)
        if dimensionless and r_unit is None:
            r_unit = "normalized"
    r_unit = "ohm" if r_unit is None else r_unit
    if r_unit not in ("ohm", "normalized"):
        raise ValueError(f"r_unit must be 'ohm' or 'normalized', got {r_unit!r}")
    max_points = check_int("max_points", max_points, 20, 10**7)
    T, R = check_measured_curve(T, R)
    if r_err is not None:
        try:
            r_err = np.array(r_err, dtype=float, copy=True)
        except (TypeError, ValueError):
            raise ValueError("r_err must be an array of positive standard errors (data unit)") from None
        if r_err.ndim == 0:
            r_err = np.full(T.size, float(r_err))
        if r_err.shape != T.shape:
            raise ValueError(f"r_err must have the length of T ({T.size}), got shape {r_err.shape}")
        if not np.all(np.isfinite(r_err)) or (r_err <= 0).any():
            raise ValueError("r_err must hold finite standard errors > 0 (data unit)")
    order = np.argsort(T, kind="stable")
    T, R = T[order], R[order]
    r_err = None if r_err is None else r_err[order]
    notes = []
    if t_range is not None:
        try:
            lo, hi = (float(v) for v in t_range)
        except (TypeError, ValueError):
            raise ValueError(f"t_range must be a pair (T_min, T_max) in K, got {t_range!r}") from None
        if not (lo < hi):
            raise ValueError(f"t_range must satisfy T_min < T_max, got ({lo}, {hi})")
        keep = (T >= lo) & (T <= hi)
        T, R = T[keep], R[keep]
        r_err = None if r_err is None else r_err[keep]
    if T.size and float(T[-1] - T[0]) <= 0:
        raise ValueError("T: the data points must span a range of temperatures")
    if r_err is None:
        source = "estimated from the data"
        r_err = np.full(T.size, estimate_noise(T, R))
    else:
        source = "given"
    if T.size > max_points:
        n_raw = T.size
        T, R, r_err = _bin(T, R, r_err, max_points)
        notes.append(f"{n_raw} points averaged in {T.size} temperature bins (max_points = {max_points})")
    return Curve(T, R, r_err, source, r_unit, metadata, notes)


def default_bounds(T: np.ndarray, r_scale: float, w_min: float) -> dict:
    """Default ``(min, max)`` of every parameter for data spanning ``T`` with ``max|R| = r_scale``."""
    t_max = float(T.max())
    return {
        "tc_mean": (0.0, 5.0 * t_max),
        "sigma": (1e-6 * t_max, 5.0 * t_max),
        "w": (w_min, 0.9),
        "w2": (0.0, 1.0),
        "r_n": (0.0, 1e3 * r_scale),
        # Keeps R_N(T) = r_n (1 + alpha (T - tc_mean)) positive over the data.
        "alpha": (-1.0 / t_max, 1.0 / t_max),
    }


def merge_bounds(user, defaults: dict, names, w_skeleton: float) -> dict:
    """User bounds over the defaults, checked against the physical ranges."""
    bounds = dict(defaults)
    if user is None:
        return bounds
    if not isinstance(user, Mapping):
        raise ValueError("bounds must be a dict {name: (min, max)}")
    if "alpha" in user and "alpha" not in names:
        raise ValueError("bounds: 'alpha' is a parameter only with normal_state='linear'")
    unknown = sorted(set(user) - set(names))
    if unknown:
        raise ValueError(f"bounds: unknown parameter(s) {unknown}; allowed: {list(names)}")
    for name, pair in user.items():
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise ValueError(f"bounds[{name!r}] must be a pair (min, max), got {pair!r}") from None
        plo, phi = _PHYSICAL[name]
        if math.isnan(lo) or math.isnan(hi) or not lo < hi:
            raise ValueError(f"bounds[{name!r}] must satisfy min < max, got ({lo}, {hi})")
        if lo < plo or hi > phi or (name == "sigma" and lo <= 0):
            rng = "(0, inf)" if name == "sigma" else f"[{plo}, {phi}]"
            raise ValueError(f"bounds[{name!r}] = ({lo}, {hi}) leaves the allowed range {rng}")
        if name == "w":
            if hi < w_skeleton:
                raise ValueError(
                    f"bounds['w'] = ({lo}, {hi}) lies below the skeleton fraction of these realizations "
                    f"(w_skeleton = {w_skeleton:.4f}); w must be >= w_skeleton"
                )
            lo = max(lo, w_skeleton)  # the model has no w below the skeleton (documented)
        bounds[name] = (lo, hi)
    return bounds


def check_fix(fix, w_skeleton: float) -> dict:
    """``fix`` as ``{name: value}`` for ``w`` and/or ``w2``."""
    if fix is None:
        return {}
    if not isinstance(fix, Mapping):
        raise ValueError("fix must be a dict such as {'w2': 0.0}")
    unknown = sorted(set(fix) - {"w", "w2"})
    if unknown:
        raise ValueError(f"fix: only 'w' and 'w2' can be held fixed, got {unknown}")
    out = {k: check_number(f"fix[{k!r}]", v, 0.0, 1.0) for k, v in fix.items()}
    if "w" in out and out["w"] < w_skeleton:
        raise ValueError(
            f"fix['w'] = {out['w']} is below the skeleton fraction of these realizations "
            f"(w_skeleton = {w_skeleton:.4f}); w must be >= w_skeleton"
        )
    return out


def check_start(start) -> dict:
    """``start`` as a dict with keys among ``w`` and ``w2``."""
    if start is None:
        return {}
    if not isinstance(start, Mapping) or set(start) - {"w", "w2"}:
        raise ValueError("start must be a dict with keys among 'w' and 'w2'")
    return {k: check_number(f"start[{k!r}]", v, 0.0, 1.0) for k, v in start.items()}
