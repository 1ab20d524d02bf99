"""Fitting measured R(T) curves with the puddle network model.

>>> from puddles.examples import load_example
>>> from puddles.fit import fit_rt
>>> data = load_example("zrncl_like_w2_0.20")                        # doctest: +SKIP
>>> result = fit_rt(data, n=100, realizations=8, seed=1)             # doctest: +SKIP
>>> result.params["tc_mean"].value, result.params["tc_mean"].stderr  # doctest: +SKIP

The model
---------
For one realization at fixed ``(w, w2)`` the resistance is exactly
``R(T) = R_N F((T - Tc_mean) / sigma)`` with one universal curve ``F`` (:ref:`model-common-random-numbers`).
A measured film is far larger than one simulated network, so the fit uses the
realization average ``Fbar = mean_i F_i`` over ``realizations`` independent seeds derived
from ``seed`` (:func:`puddles.ensemble.realization_seeds`)::

    R_model(T) = R_N(T) * Fbar((T - Tc_mean) / sigma; w, w2)
    R_N(T)     = r_n                                  normal_state="constant"
    R_N(T)     = r_n * (1 + alpha * (T - Tc_mean))    normal_state="linear"

so ``r_n`` is the normal-state resistance extrapolated to ``T = Tc_mean`` and ``alpha``
(1/K) its relative slope there (a metallic film has ``alpha > 0``).

How the fit uses that structure (variable projection)
-----------------------------------------------------
Only ``w`` and ``w2`` change the networks. For fixed ``(w, w2)`` the curves ``F_i`` are
computed once (the cached adaptive table of each realization, interpolation error
``<= tol``; averaged and sampled on a fine grid of ``x``), after which the *inner* fit of
``(tc_mean, sigma, r_n[, alpha])`` is a small least-squares problem costing
milliseconds: a coarse grid over ``(tc_mean, sigma)`` with ``r_n`` (and ``alpha``)
solved linearly, then Levenberg-Marquardt with an analytic Jacobian. The *outer* fit
over ``(w, w2)`` is a bounded Levenberg-Marquardt on the profiled residuals, with
forward-difference derivatives (steps 0.05 in ``w``, 0.025 in ``w2`` at N = 100, wider on
smaller lattices where one puddle weighs more). Common random numbers keep the profile
smooth down to the grain of single puddles and broken bonds: a different ``w`` uses a
longer or shorter prefix of the same puddle sequence, a different ``w2`` breaks a
superset or subset of the same filament bonds. ``w`` starts at 0.45 (or ``start``) and
``w2`` at the value whose low-temperature plateau matches the data's, found with cheap
single solves (the plateau needs one solve per realization, not a table). Each
``(w, w2)`` point costs ``realizations`` tables (~50 solves each at the default
``tol``); a fit typically visits 7-20 points.

Uncertainties
-------------
Two independent sources, added in quadrature (``stderr**2 = stderr_noise**2 +
stderr_disorder**2``):

* ``stderr_noise`` - measurement noise, from the local curvature: ``cov = s^2 (J^T J)^-1``
  with ``J`` the Jacobian of the weighted residuals in all free parameters (analytic for
  ``tc_mean, sigma, r_n, alpha``; for ``w, w2`` central differences of the averaged
  curve over +-0.1 in ``w`` and +-0.05 in ``w2`` at N = 100 - chords wide enough to
  average out the grain of single puddles and broken bonds, which a finer difference
  would mistake for curvature) and ``s^2 = chisqr / nfree`` when no ``r_err`` is given
  (as lmfit's ``scale_covar``), ``s^2 = 1`` with ``r_err``.
* ``stderr_disorder`` - the finite number of realizations: how much the best fit would
  move with another independent set of realizations. Estimated by the delete-one
  jackknife over the realizations, linearised at the optimum (one Gauss-Newton step per
  replicate with ``Fbar`` recomputed without that realization), which costs no network
  solve: ``var = (R-1)/R * sum_j (d_j - mean d)^2``. It shrinks as ``1/sqrt(realizations)``.

What one curve determines
-------------------------
Measured on synthetic curves (N = 100, data averaged over 16 realizations of another
seed, 1 % noise, fitted with 8 realizations; ``tests/test_fit.py``): ``tc_mean`` to 1-2 %,
``sigma`` to 10 %, ``r_n`` to 0.2 %, and in a percolating sample ``w2`` to 0.01. ``w`` is
the weak spot. In a percolating sample the curve barely depends on it: over w = 0.45-0.55
chi^2 changes by less than the disorder grain, so the fit ends near its start (errors up
to 0.1 seen) and the reported ``stderr`` (0.02-0.04) covers the fit's own noise and
disorder but not the disorder of the data set. With a resistive plateau, ``w`` and ``w2``
trade off along a valley - more puddles protect more filaments, so a larger ``w`` with a
larger ``w2`` keeps the plateau - and both came back within 0.05-0.08. More realizations
shrink the grain (``1/sqrt(realizations)``); independent knowledge enters through
``fix``, and fitting with ``fix={"w": value}`` on a grid of values gives the profile of
chi^2 in ``w``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from . import __version__, lattice
from .cluster import PUDDLE_DIAMETER_RANGE
from .ensemble import (
    curve_summary,
    progress_callback,
    realization_seeds,
    run_items,
)
from .io import RTData, export_fit_csv, export_fit_json, fit_to_csv_str, fit_to_json_str
from .validation import check_diameter, check_int, check_number, check_quantity

__all__ = ["fit_rt", "FitResult", "Parameter", "PARAMETER_INFO", "X_GRID"]

#: Reduced-temperature grid on which the realization-averaged universal curve is sampled.
#: ``|z| > 6.5`` has probability 8e-11 per draw, so F is constant beyond it (np.interp clamps).
X_GRID = np.linspace(-6.5, 6.5, 5201)
#: Half-width (in x) of the central difference giving the derivative of the averaged curve
#: for the inner Jacobian; wider than the grid step so that single puddle steps do not spike it.
_DERIV_HALF_WIDTH = 0.04
#: Smallest forward-difference steps of the outer parameters (see :func:`_outer_steps`).
_MIN_STEPS = {"w": 0.05, "w2": 0.025}
#: The covariance uses central differences over this many optimiser steps on either side:
#: a wider chord averages the grains out, where the finer optimiser step would mistake
#: their roughness for curvature and report too small an error in flat directions.
_COV_STEP_FACTOR = 2.0
#: Default start of w (w2 is matched to the plateau of the data).
_W_START = 0.45
#: Levels of w2 probed to match the plateau at the start.
_W2_PROBES = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85, 1.0)

#: Name -> (unit in ohm data, description). Units of r_n follow the data ("ohm" or "1").
PARAMETER_INFO = {
    "tc_mean": ("K", "mean local critical temperature"),
    "sigma": ("K", "standard deviation of the local critical temperatures"),
    "w": ("1", "superconducting weight (skeleton + puddles) / all bonds"),
    "w2": ("1", "probability that a filament bond not covered by a puddle is broken"),
    "r_n": ("ohm", "normal-state resistance at T = tc_mean"),
    "alpha": ("1/K", "relative slope of the normal-state resistance at tc_mean"),
}


# --------------------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """One fitted parameter (lmfit-like).

    Attributes
    ----------
    name : str
    value : float
        Best-fit value.
    stderr : float or None
        Total standard error, ``sqrt(stderr_noise**2 + stderr_disorder**2)``; None for a
        fixed parameter; NaN when it cannot be estimated (a singular curvature matrix).
    stderr_noise : float or None
        Part from the measurement noise (local curvature of chi^2).
    stderr_disorder : float or None
        Part from the finite number of realizations (jackknife); NaN with one realization.
    min, max : float
        Bounds used.
    vary : bool
        False for a parameter held fixed.
    unit : str
    description : str
    """

    name: str
    value: float
    stderr: float | None
    stderr_noise: float | None
    stderr_disorder: float | None
    min: float
    max: float
    vary: bool = True
    unit: str = ""
    description: str = ""

    def __repr__(self) -> str:
        err = "fixed" if self.stderr is None else f"+/- {self.stderr:.4g}"
        return f"<Parameter {self.name} = {self.value:.6g} {err} {self.unit}>"


@dataclass(frozen=True, eq=False)
class FitResult:
    """Outcome of :func:`fit_rt`.

    Attributes
    ----------
    params : dict of str to Parameter
        ``tc_mean``, ``sigma``, ``w``, ``w2``, ``r_n`` and, for a linear normal state,
        ``alpha``.
    T, R : ndarray
        The fitted data (K; ohm or R/R_N as given).
    R_fit : ndarray
        Model at ``T``.
    residual : ndarray
        ``R - R_fit``.
    r_err : ndarray or None
        Per-point standard errors used as weights (None: unweighted).
    chisqr : float
        ``sum(((R - R_fit) / r_err)**2)``, or ``sum((R - R_fit)**2)`` without ``r_err``
        (then in the square of the data unit, as lmfit).
    redchi : float
        ``chisqr / nfree``.
    ndata, nvarys, nfree : int
        Points, free parameters, ``ndata - nvarys``.
    covar : ndarray
        Total covariance of the free parameters, in the order of ``var_names``.
    var_names : tuple of str
    T_curve, R_curve : ndarray
        The fitted curve on 400 temperatures spanning the data, for plotting.
    x_grid, universal : ndarray
        The realization-averaged universal curve ``Fbar(x)`` at the best ``(w, w2)``.
    universal_std : ndarray
        Standard deviation of ``F_i(x)`` over the realizations (disorder spread of one
        realization; divide by ``sqrt(realizations)`` for the error of ``Fbar``).
    percolates : bool
        Whether the best-fit cluster percolates (in at least half of the realizations):
        R reaches 0 at low temperature.
    percolating_fraction : float
    tp : float
        Mean percolation temperature (K) of the percolating realizations (NaN if none).
    plateau : float
        Model R(T -> 0+) / R_N(0) (0 when every realization percolates above T = 0).
    n_solves : int
        Network solves used by the whole fit.
    n_evaluations : int
        Distinct ``(w, w2)`` points evaluated (each = ``realizations`` tables).
    n, realizations, seed, seeds, tol, puddle_diameter, normal_state, r_unit
        Settings of the fit.
    success : bool
    message : str
    elapsed : float
        Wall-clock time (s).
    metadata : dict
        Metadata of the input :class:`~puddles.io.RTData` (if one was given).
    """

    params: dict
    T: np.ndarray
    R: np.ndarray
    R_fit: np.ndarray
    residual: np.ndarray
    r_err: np.ndarray | None
    chisqr: float
    redchi: float
    ndata: int
    nvarys: int
    nfree: int
    covar: np.ndarray
    var_names: tuple
    T_curve: np.ndarray
    x_grid: np.ndarray
    universal: np.ndarray
    universal_std: np.ndarray
    percolates: bool
    percolating_fraction: float
    tp: float
    plateau: float
    n_solves: int
    n_evaluations: int
    n: int
    realizations: int
    seed: int
    seeds: tuple
    tol: float
    puddle_diameter: float | str
    normal_state: str
    r_unit: str
    success: bool
    message: str
    elapsed: float
    metadata: dict = field(default_factory=dict)

    # -- the fitted curve ---------------------------------------------------------------
    def normal_resistance(self, T) -> np.ndarray:
        """Normal-state resistance ``R_N(T)`` (data unit)."""
        T = np.asarray(T, dtype=float)
        p = self.params
        slope = p["alpha"].value if "alpha" in p else 0.0
        return p["r_n"].value * (1.0 + slope * (T - p["tc_mean"].value))

    def curve(self, T) -> np.ndarray:
        """The fitted model R(T) at any temperatures (K), in the data unit."""
        T = np.asarray(T, dtype=float)
        p = self.params
        x = (T - p["tc_mean"].value) / p["sigma"].value
        return self.normal_resistance(T) * np.interp(x, self.x_grid, self.universal)

    __call__ = curve

    @property
    def R_curve(self) -> np.ndarray:
        """The fitted model on :attr:`T_curve` (data unit)."""
        return self.curve(self.T_curve)

    # -- export ------------------------------------------------------------------------
    def _export_args(self) -> dict:
        params = {name: (p.value, p.stderr) for name, p in self.params.items()}
        meta = {
            "generator": f"puddles {__version__} fit_rt",
            "model": "R = R_N(T) * mean_i F_i((T - tc_mean)/sigma; w, w2)",
            "normal_state": self.normal_state
            + ("" if self.normal_state == "constant" else ": R_N(T) = r_n (1 + alpha (T - tc_mean))"),
            "r_unit": self.r_unit,
            "n": self.n,
            "realizations": self.realizations,
            "seed": self.seed,
            "tol": self.tol,
            "puddle_diameter": self.puddle_diameter,
            "chisqr": self.chisqr,
            "redchi": self.redchi,
            "ndata": self.ndata,
            "nvarys": self.nvarys,
            "percolates": self.percolates,
            "percolating_fraction": self.percolating_fraction,
            "tp_K": self.tp,
            "plateau": self.plateau,
            "n_solves": self.n_solves,
            "stderr": "sqrt(stderr_noise^2 + stderr_disorder^2): curvature (scaled by redchi without r_err) + realization jackknife",
        }
        for name, p in self.params.items():
            if p.vary:
                meta[f"{name}_stderr_noise"] = p.stderr_noise
                meta[f"{name}_stderr_disorder"] = p.stderr_disorder
        for k, v in self.metadata.items():
            meta[f"data_{k}"] = v
        return dict(params=params, T=self.T, R_data=self.R, R_fit=self.R_fit, metadata=meta)

    def to_csv(self, path_or_buffer=None) -> str | None:
        """Parameters, uncertainties and the fitted curve as CSV (:func:`puddles.io.fit_to_csv_str`).

        Parameters
        ----------
        path_or_buffer : str, os.PathLike or file-like, optional
            Where to write; None returns the text instead.
        """
        if path_or_buffer is None:
            return fit_to_csv_str(**self._export_args())
        export_fit_csv(path_or_buffer, **self._export_args())
        return None

    def to_json(self, path_or_buffer=None) -> str | None:
        """The same as JSON (:func:`puddles.io.fit_to_json_str`); None: return the text.

        Besides what the CSV holds, ``metadata.curve`` has the fitted curve on 400
        temperatures spanning the data (``T_K``, ``R``) and ``metadata.covariance`` the
        total covariance matrix of the free parameters (``names``, ``matrix``).
        """
        args = self._export_args()
        args["metadata"]["curve"] = {"T_K": self.T_curve, "R": self.R_curve}
        args["metadata"]["covariance"] = {"names": list(self.var_names), "matrix": self.covar}
        if path_or_buffer is None:
            return fit_to_json_str(**args)
        export_fit_json(path_or_buffer, **args)
        return None

    # -- display -----------------------------------------------------------------------
    def _rows(self) -> list[tuple[str, str, str, str, str]]:
        rows = []
        for p in self.params.values():
            unit = p.unit
            if p.stderr is None:
                err, noise, dis = "fixed", "", ""
            else:
                err = f"{p.stderr:.3g}"
                noise = f"{p.stderr_noise:.3g}"
                dis = f"{p.stderr_disorder:.3g}"
            rows.append((p.name, f"{p.value:.5g}", err, f"{noise} / {dis}" if noise else "", unit))
        return rows

    def report(self) -> str:
        """A plain-text summary of the fit."""
        lines = [
            f"puddles fit: {self.ndata} points, {self.nvarys} free parameters, N = {self.n}, "
            f"{self.realizations} realizations (seed {self.seed}), normal state {self.normal_state}",
            f"chi^2 = {self.chisqr:.5g}, reduced chi^2 = {self.redchi:.5g}; {self.n_solves} network solves, "
            f"{self.n_evaluations} (w, w2) points, {self.elapsed:.1f} s; {self.message}",
            f"best cluster {'percolates' if self.percolates else 'does not percolate'} "
            f"({self.percolating_fraction:.0%} of realizations); Tp = {self.tp:.4g} K; plateau R(0)/R_N = {self.plateau:.3g}",
            f"{'parameter':>10} {'value':>12} {'stderr':>10}  {'noise / disorder':>22}  unit",
        ]
        for name, value, err, split, unit in self._rows():
            lines.append(f"{name:>10} {value:>12} {err:>10}  {split:>22}  {unit}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        vals = ", ".join(f"{k}={p.value:.4g}" for k, p in self.params.items())
        return f"FitResult({vals}; redchi={self.redchi:.3g}, n_solves={self.n_solves})"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("parameter", "value", "stderr", "noise / disorder", "unit"))
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in self._rows())
        return (
            f"<p>chi&sup2; = {self.chisqr:.4g}, reduced {self.redchi:.4g}; {self.n_solves} solves; "
            f"{'percolating' if self.percolates else 'not percolating'}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def _as_data(T, R, r_unit, r_err):
    """Return T, R, r_unit, r_err (or None), metadata from arrays or an RTData."""
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
    try:
        T = np.array(T, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise ValueError("T must be an array of temperatures (K)") from None
    try:
        R = np.array(R, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise ValueError("R must be an array of resistances (ohm or R/R_N)") from None
    if T.ndim != 1 or R.ndim != 1:
        raise ValueError(f"T and R must be one-dimensional, got shapes {T.shape} and {R.shape}")
    if T.size != R.size:
        raise ValueError(f"T and R must have the same length, got {T.size} and {R.size}")
    if not np.all(np.isfinite(T)) or (T < 0).any():
        raise ValueError("T must hold finite temperatures >= 0 (K)")
    if not np.all(np.isfinite(R)):
        raise ValueError("R must hold finite resistances (drop missing points first)")
    if not (R > 0).any():
        raise ValueError("R must contain positive resistances (the normal state); all values are <= 0")
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
    if r_err is not None:
        r_err = r_err[order]
    return T, R, r_unit, r_err, metadata


def _check_range(t_range, T, R, r_err):
    if t_range is None:
        return T, R, r_err
    try:
        lo, hi = (float(v) for v in t_range)
    except (TypeError, ValueError):
        raise ValueError(f"t_range must be a pair (T_min, T_max) in K, got {t_range!r}") from None
    if not (lo < hi):
        raise ValueError(f"t_range must satisfy T_min < T_max, got ({lo}, {hi})")
    keep = (T >= lo) & (T <= hi)
    return T[keep], R[keep], (None if r_err is None else r_err[keep])


def _default_bounds(T, r_scale, w_min) -> dict:
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


_PHYSICAL = {
    "tc_mean": (0.0, math.inf),
    "sigma": (0.0, math.inf),
    "w": (0.0, 1.0),
    "w2": (0.0, 1.0),
    "r_n": (0.0, math.inf),
    "alpha": (-math.inf, math.inf),
}


def _merge_bounds(user, defaults, names, w_skeleton) -> dict:
    bounds = dict(defaults)
    if user is None:
        return bounds
    if not isinstance(user, Mapping):
        raise ValueError("bounds must be a dict {name: (min, max)}")
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


# --------------------------------------------------------------------------------------
# The averaged universal curve at one (w, w2)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _CurveSet:
    F: np.ndarray  # (realizations, grid)
    percolates: np.ndarray
    x_perc: np.ndarray

    @property
    def Fbar(self) -> np.ndarray:
        return self.F.mean(axis=0)


def _derivative(F: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Smoothed dF/dx on the grid (central difference over +-_DERIV_HALF_WIDTH)."""
    h = _DERIV_HALF_WIDTH
    return (np.interp(grid + h, grid, F) - np.interp(grid - h, grid, F)) / (2 * h)


class _Curves:
    """Realization-averaged universal curves, evaluated once per (w, w2) and cached."""

    def __init__(self, n, seeds, puddle_diameter, tol, executor, report, grid):
        from .network import realization

        self.n, self.seeds, self.puddle_diameter, self.tol = n, list(seeds), puddle_diameter, tol
        self.executor, self.report, self.grid = executor, report, grid
        # Keep the realizations alive here: the engine's LRU cache holds only 8 of them.
        self.reals = [realization(n, s, puddle_diameter, "skeleton", None) for s in self.seeds]
        self.w_skeleton = max(r.w_skeleton for r in self.reals)
        self.cache: dict[tuple[float, float], _CurveSet] = {}
        self.n_solves = 0
        self.done = 0
        self.total = 0

    def _network(self, i, w, w2):
        from .network import Network

        return Network.from_realization(self.reals[i], w, w2)

    def evaluate(self, w: float, w2: float) -> _CurveSet:
        key = (round(float(w), 10), round(float(w2), 10))
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        self.total = max(self.total, self.done + len(self.seeds))
        msg = f"w = {w:.3f}, w2 = {w2:.3f}"

        def tick(done_items, total_items, _label):
            self.done += 1
            if self.report is not None:
                self.report(self.done, self.total, f"{msg}: realization {done_items}/{total_items}")

        if self.executor is None:
            out = []
            for i in range(len(self.seeds)):
                out.append(curve_summary(self._network(i, w, w2), self.grid, self.tol))
                tick(i + 1, len(self.seeds), "")
        else:
            items = [
                dict(n=self.n, w=w, w2=w2, seed=s, x=self.grid, puddle_diameter=self.puddle_diameter, tol=self.tol)
                for s in self.seeds
            ]
            out = run_items(items, self.executor, tick)
        self.n_solves += sum(o["n_solves"] for o in out)
        cs = _CurveSet(
            F=np.vstack([o["F"] for o in out]),
            percolates=np.array([o["percolates"] for o in out]),
            x_perc=np.array([o["x_perc"] for o in out]),
        )
        self.cache[key] = cs
        return cs

    def plateau(self, w: float, w2: float) -> float:
        """Mean R/R_N with every bond that can superconduct superconducting (one solve each)."""
        vals = []
        for i in range(len(self.seeds)):
            c = self._network(i, w, w2).curve
            vals.append(float(c.exact(c.k_max)))  # k_max: the leads join there, or every bond
            self.n_solves += c.n_solves
        return float(np.mean(vals))


# --------------------------------------------------------------------------------------
# The inner fit: (tc_mean, sigma, r_n[, alpha]) for one averaged curve
# --------------------------------------------------------------------------------------


class _Problem:
    """Data (scaled) and the inner least-squares problem."""

    def __init__(self, T, R, r_err, linear, bounds, r_scale, grid):
        self.T = T
        self.y = R / r_scale
        self.wt = np.ones_like(T) if r_err is None else r_scale / r_err
        self.unweighted = r_err is None
        self.linear = linear
        self.r_scale = r_scale
        self.grid = grid
        self.span = max(float(T.max() - T.min()), 1e-12)
        names = ["tc_mean", "sigma", "r_n"] + (["alpha"] if linear else [])
        self.inner_names = names
        lo = [bounds[k][0] for k in names]
        hi = [bounds[k][1] for k in names]
        lo[2] /= r_scale
        hi[2] /= r_scale
        self.lo, self.hi = np.array(lo), np.array(hi)
        self.scale = np.array([self.span / 10, self.span / 10, 1.0] + ([1.0 / max(T.max(), 1e-12)] if linear else []))

    # model pieces
    def model(self, p, F):
        tc, sg, a = p[0], p[1], p[2]
        b = p[3] if self.linear else 0.0
        x = (self.T - tc) / sg
        return a * (1.0 + b * (self.T - tc)) * np.interp(x, self.grid, F)

    def residual(self, p, F):
        return self.wt * (self.y - self.model(p, F))

    def jac(self, p, F, dF):
        tc, sg, a = p[0], p[1], p[2]
        b = p[3] if self.linear else 0.0
        dT = self.T - tc
        x = dT / sg
        f = np.interp(x, self.grid, F)
        fp = np.interp(x, self.grid, dF)
        L = 1.0 + b * dT
        cols = [
            a * (-b * f - L * fp / sg),
            a * L * fp * (-x / sg),
            L * f,
        ]
        if self.linear:
            cols.append(a * dT * f)
        return -self.wt[:, None] * np.column_stack(cols)

    def _grid_start(self, F, k=3) -> list[np.ndarray]:
        """Best few (tc, sigma) on a coarse grid, with the linear parameters projected out."""
        T, y, wt = self.T, self.y, self.wt
        tcs = np.linspace(T.min() - 0.25 * self.span, T.max() + 0.1 * self.span, 49)
        sgs = np.geomspace(self.span / 400, self.span, 36)
        tcs = tcs[(tcs >= self.lo[0]) & (tcs <= self.hi[0])]
        sgs = sgs[(sgs >= self.lo[1]) & (sgs <= self.hi[1])]
        if tcs.size == 0:
            tcs = np.array([np.clip(np.median(T), self.lo[0], self.hi[0])])
        if sgs.size == 0:
            sgs = np.array([np.clip(self.span / 10, self.lo[1], self.hi[1])])
        TC, SG = np.meshgrid(tcs, sgs, indexing="ij")
        TC, SG = TC.ravel(), SG.ravel()
        dT = T[None, :] - TC[:, None]
        f = np.interp(dT / SG[:, None], self.grid, F) * wt[None, :]
        yw = y * wt
        if self.linear:
            g = f * dT
            ff, fg, gg = (f * f).sum(1), (f * g).sum(1), (g * g).sum(1)
            fy, gy = f @ yw, g @ yw
            det = ff * gg - fg * fg
            ok = det > 1e-14 * np.maximum(ff * gg, 1e-300)
            a = np.where(ok, (gg * fy - fg * gy) / np.where(ok, det, 1), fy / np.maximum(ff, 1e-300))
            c = np.where(ok, (ff * gy - fg * fy) / np.where(ok, det, 1), 0.0)
            cost = yw @ yw - a * fy - c * gy
            b = np.where(a > 0, c / np.where(a > 0, a, 1), 0.0)
            b = np.clip(b, self.lo[3], self.hi[3])
        else:
            ff, fy = (f * f).sum(1), f @ yw
            a = fy / np.maximum(ff, 1e-300)
            cost = yw @ yw - a * fy
            b = np.zeros_like(a)
        cost = np.where(a > 0, cost, np.inf)
        best = np.argsort(cost)[: 4 * k]
        starts: list[np.ndarray] = []
        for i in best:
            p = np.array([TC[i], SG[i], a[i]] + ([b[i]] if self.linear else []))
            p = np.clip(p, self.lo, self.hi)
            # Skip near-duplicates of a start already taken.
            if any(abs(p[0] - s[0]) < 0.05 * self.span and abs(np.log(p[1] / s[1])) < 0.3 for s in starts):
                continue
            starts.append(p)
            if len(starts) == k:
                break
        return starts

    def fit(self, F, warm=None):
        """Best inner parameters for the averaged curve F; returns (p, residual, cost)."""
        dF = _derivative(F, self.grid)
        starts = self._grid_start(F)
        if warm is not None:
            starts.insert(0, np.clip(np.asarray(warm, dtype=float), self.lo, self.hi))
        best = None
        for p0 in starts:
            p0 = _interior(p0, self.lo, self.hi)
            sol = _lsq(self, p0, F, dF)
            if best is None or sol[2] < best[2]:
                best = sol
        return best


def _interior(p, lo, hi):
    """Move a start strictly inside the bounds (trf needs a feasible interior point)."""
    width = np.where(np.isfinite(hi - lo), hi - lo, np.abs(p) + 1.0)
    eps = 1e-9 * np.maximum(width, 1e-300)
    return np.minimum(np.maximum(p, lo + eps), hi - eps)


def _lsq(prob: _Problem, p0, F, dF):
    def jac(p, F_):
        return prob.jac(p, F_, dF)

    sol = least_squares(
        prob.residual,
        p0,
        jac=jac,
        args=(F,),
        bounds=(prob.lo, prob.hi),
        x_scale=prob.scale,
        method="trf",
        ftol=1e-12,
        xtol=1e-12,
        gtol=1e-12,
        max_nfev=200,
    )
    r = prob.residual(sol.x, F)
    return sol.x, r, float(r @ r)


# --------------------------------------------------------------------------------------
# The outer fit: (w, w2)
# --------------------------------------------------------------------------------------


def _outer_steps(n: int, puddle_diameter) -> dict:
    """Forward-difference steps in w and w2, wide enough to see the trend, not the grains.

    The averaged curve changes in grains: ``w`` grows one puddle at a time (about
    ``pi D^2 / 2`` bonds) and ``w2`` one broken filament bond at a time. A difference
    over a few grains measures the graininess instead of the slope - and graininess
    read as slope would fake curvature, hence too small errors - so the ``w`` step spans
    6 puddles and the ``w2`` step about 100 broken bonds per realization (0.05 and 0.025
    at N = 100, D = 10; more on smaller lattices, at most 0.1).
    """
    nb = lattice.n_bonds(n)
    if puddle_diameter == "random":
        lo, hi = PUDDLE_DIAMETER_RANGE
        d2 = (hi**3 - lo**3) / (3 * (hi - lo))  # E[D^2] for D ~ U[lo, hi]
    else:
        d2 = float(puddle_diameter) ** 2
    return {
        "w": min(max(_MIN_STEPS["w"], 6.0 * (math.pi * d2 / 2) / nb), 0.1),
        "w2": min(max(_MIN_STEPS["w2"], 500.0 / nb), 0.1),
    }


def _plateau_estimate(T: np.ndarray, R: np.ndarray) -> float:
    """Rough R(T_min)/R_N of the data: low-T median over high-T median (both >= 2 points)."""
    m = T.size
    k_lo = max(2, m // 10)
    k_hi = max(2, (15 * m) // 100)
    hi = float(np.median(R[-k_hi:]))
    if hi <= 0:
        return 0.0
    return float(np.clip(np.median(R[:k_lo]) / hi, 0.0, 1.0))


def _start_w2(curves: _Curves, w0: float, lo: float, hi: float, p_data: float) -> float:
    """w2 whose all-superconducting plateau matches the data's low-T level, at w = w0.

    The plateau is non-decreasing in w2 (Rayleigh monotonicity) and costs one solve per
    realization, so probing a ladder of w2 is cheap next to one table.
    """
    probes = [v for v in _W2_PROBES if lo <= v <= hi] or [lo]
    if probes[0] > lo:
        probes.insert(0, lo)
    xs, ps = [], []
    for v in probes:
        xs.append(v)
        ps.append(curves.plateau(w0, v))
        if ps[-1] >= p_data:
            break
    if len(xs) == 1 or ps[-1] < p_data:
        return xs[-1] if ps[-1] < p_data else xs[0]
    ps_mono = np.maximum.accumulate(ps)
    return float(np.interp(p_data, ps_mono, xs))


class _Outer:
    """Profiled residuals over the free outer parameters, with caching and a budget."""

    def __init__(self, curves: _Curves, prob: _Problem, names, fixed, bounds, budget):
        self.curves, self.prob, self.names, self.fixed = curves, prob, list(names), dict(fixed)
        self.lo = np.array([bounds[k][0] for k in self.names])
        self.hi = np.array([bounds[k][1] for k in self.names])
        self.scale = np.full(len(self.names), 0.05)
        self.budget = budget
        self.steps = _outer_steps(curves.n, curves.puddle_diameter)
        self.inner: dict[tuple, tuple] = {}

    def ww2(self, q) -> tuple[float, float]:
        vals = dict(self.fixed)
        vals.update(zip(self.names, (float(v) for v in q)))
        return vals["w"], vals["w2"]

    def profile(self, q, warm=None):
        """(curve set, inner parameters, residual, cost) at outer point q."""
        key = tuple(round(float(v), 10) for v in q)
        hit = self.inner.get(key)
        if hit is not None:
            return hit
        cs = self.curves.evaluate(*self.ww2(q))
        p, r, cost = self.prob.fit(cs.Fbar, warm=warm)
        self.inner[key] = (cs, p, r, cost)
        return self.inner[key]

    def step(self, j, q):
        """Forward-difference step for parameter j at q, pointing into the box."""
        h = self.steps[self.names[j]]
        up, down = self.hi[j] - q[j], q[j] - self.lo[j]
        if up >= h:
            return h
        if down >= h:
            return -h
        return up if up >= down else -down  # a narrow box: the widest step that fits

    def jacobian(self, q, p, r):
        """Profiled Jacobian dr*/dq by forward differences (inner fit warm-started at p)."""
        J = np.empty((r.size, len(self.names)))
        for j in range(len(self.names)):
            h = self.step(j, q)
            qj = q.copy()
            qj[j] += h
            _, _, rj, _ = self.profile(qj, warm=p)
            J[:, j] = (rj - r) / h
        return J

    @property
    def n_evaluations(self) -> int:
        return len(self.curves.cache)

    def minimise(self, q0):
        """Bounded Levenberg-Marquardt in scaled variables; returns (q, message, success).

        Stops when a step would change chi^2 by less than 0.1 in units of the reduced
        chi^2 (smaller changes are statistically meaningless with this data), when steps
        fall below 0.005 in ``w`` and ``w2``, after two failed steps in a row, or at the
        evaluation budget.
        """
        q = np.clip(np.asarray(q0, dtype=float), self.lo, self.hi)
        _, p, r, cost = self.profile(q)
        if not self.names:
            return q, "w and w2 fixed: only the inner parameters were fitted", True
        nfree = max(r.size - len(self.prob.inner_names) - len(self.names), 1)
        J = self.jacobian(q, p, r)
        lam = None
        rejections = 0
        for _ in range(100):
            # chi^2 resolution: 0.1 x the reduced chi^2 (s^2 = cost / nfree) in cost units.
            resolution = 0.1 * cost / nfree if self.prob.unweighted else 0.1
            Js = J * self.scale
            A = Js.T @ Js
            g = Js.T @ r
            if lam is None:
                lam = 1e-2 * max(float(np.trace(A)) / len(self.names), 1e-12)
            ds = np.linalg.solve(A + lam * np.eye(len(self.names)), -g)
            # Trust region: at most 0.1 in w or w2 per step (2 scaled units).
            big = np.abs(ds).max()
            if big > 2.0:
                ds *= 2.0 / big
            q_new = np.clip(q + ds * self.scale, self.lo, self.hi)
            dq = (q_new - q) / self.scale
            if np.abs(dq).max() < 0.1:  # below 0.005 in w and w2 (a puddle at N = 100): nothing to gain
                return q, "converged (step below 0.005 in w and w2)", True
            # Predicted decrease of the cost by the linear model.
            predicted = -(2 * g @ dq + dq @ A @ dq)
            if rejections == 0 and predicted < resolution:
                return q, "converged (predicted chi^2 decrease below 0.1 reduced chi^2)", True
            if self.n_evaluations + 1 > self.budget:
                return q, f"stopped at the evaluation budget (max_evaluations = {self.budget})", False
            _, p_n, r_n, cost_n = self.profile(q_new, warm=p)
            if cost_n < cost:
                gain = cost - cost_n
                rho = gain / predicted if predicted > 0 else 0.0
                q, p, r, cost = q_new, p_n, r_n, cost_n
                lam *= 0.3 if rho > 0.75 else (1.0 if rho > 0.25 else 2.0)
                rejections = 0
                if self.n_evaluations + len(self.names) > self.budget:
                    return q, f"stopped at the evaluation budget (max_evaluations = {self.budget})", False
                J = self.jacobian(q, p, r)
                if gain < resolution:
                    return q, "converged (chi^2 decrease below 0.1 reduced chi^2)", True
            else:
                lam *= 5.0
                rejections += 1
                if rejections >= 2:
                    return q, "converged (no downhill step found near the optimum)", True
        return q, "stopped after 100 iterations", False


# --------------------------------------------------------------------------------------
# fit_rt
# --------------------------------------------------------------------------------------


def _check_fix(fix, bounds_w_skeleton) -> dict:
    if fix is None:
        return {}
    if not isinstance(fix, Mapping):
        raise ValueError("fix must be a dict such as {'w2': 0.0}")
    unknown = sorted(set(fix) - {"w", "w2"})
    if unknown:
        raise ValueError(f"fix: only 'w' and 'w2' can be held fixed, got {unknown}")
    out = {}
    for k, v in fix.items():
        out[k] = check_number(f"fix[{k!r}]", v, 0.0, 1.0)
    if "w" in out and out["w"] < bounds_w_skeleton:
        raise ValueError(
            f"fix['w'] = {out['w']} is below the skeleton fraction of these realizations "
            f"(w_skeleton = {bounds_w_skeleton:.4f}); w must be >= w_skeleton"
        )
    return out


def fit_rt(
    T,
    R=None,
    *,
    n: int = 100,
    realizations: int = 8,
    seed: int = 0,
    bounds: Mapping | None = None,
    normal_state: str = "constant",
    progress: Callable[[int, int, str], None] | str | None = None,
    r_err=None,
    r_unit: str | None = None,
    t_range=None,
    fix: Mapping | None = None,
    start: Mapping | None = None,
    tol: float = 0.03,
    puddle_diameter=10.0,
    max_evaluations: int = 30,
    executor: Executor | None = None,
) -> FitResult:
    """Fit a measured R(T) with the puddle network model.

    Parameters
    ----------
    T : array_like of float or RTData
        Temperatures (K), >= 0; or an :class:`~puddles.io.RTData` (then ``R`` is
        taken from it and must not be given, and its ``r_unit`` labels the result).
    R : array_like of float
        Resistances, in ohm or normalised (R/R_N); same length as ``T``; finite, with at
        least one positive value (small negative values from noise around R = 0 are fine).
    n : int
        Lattice size of the simulated networks, 10..2000 (default 100).
    realizations : int
        Number of independent networks averaged, 1..1000 (default 8).
    seed : int
        Master seed; the realization seeds are ``realization_seeds(seed, realizations)``.
    bounds : dict, optional
        ``{name: (min, max)}`` for any of ``tc_mean, sigma, w, w2, r_n, alpha``.
        Defaults: ``tc_mean`` [0, 5 T_max], ``sigma`` [1e-6 T_max, 5 T_max], ``w``
        [w_skeleton, 0.9], ``w2`` [0, 1], ``r_n`` [0, 1000 max|R|], ``alpha``
        [-1/T_max, 1/T_max] (1/K). A ``w`` minimum below the skeleton fraction of the
        realizations is raised to it (the model has no smaller ``w``).
    normal_state : {"constant", "linear"}
        ``R_N(T) = r_n`` or ``R_N(T) = r_n (1 + alpha (T - tc_mean))``.
    progress : callable or "tqdm", optional
        ``progress(done, total, message)`` after every realization table (``total`` is an
        estimate that may grow); ``"tqdm"`` shows a bar. An exception raised by the
        callback aborts the fit.
    r_err : float or array_like, optional
        Standard errors of ``R`` (data unit) used as weights; then ``chisqr`` is a true
        chi^2 and the curvature errors are not rescaled.
    r_unit : {"ohm", "normalized"}, optional
        Unit of ``R`` (labels ``r_n``); default from the RTData, else ohm.
    t_range : (float, float), optional
        Fit only points with ``T_min <= T <= T_max`` (K).
    fix : dict, optional
        Hold ``w`` and/or ``w2`` at a value, e.g. ``{"w2": 0.0}``.
    start : dict, optional
        Starting ``w`` and/or ``w2`` (default: ``w = 0.45``, ``w2`` matched to the
        data's low-temperature plateau).
    tol : float
        Interpolation tolerance of each realization's table, units of R_N, in (0, 0.2]
        (default 0.03: after averaging the interpolation error is ~0.1 % rms, below the
        disorder spread).
    puddle_diameter : float or "random"
        Puddle diameter in bonds (default 10).
    max_evaluations : int
        Budget of distinct ``(w, w2)`` points (each costs ``realizations`` tables),
        3..1000 (default 30).
    executor : concurrent.futures.Executor, optional
        Compute the realizations of each ``(w, w2)`` point on this executor (e.g.
        :func:`puddles.ensemble.local_executor` or a dask client's ``get_executor()``);
        default: in this process, with the engine's own small pool for the solves.

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        For invalid input; the message names the parameter and its allowed range.
    """
    t0 = time.perf_counter()
    T, R, r_unit, r_err, metadata = _as_data(T, R, r_unit, r_err)
    T, R, r_err = _check_range(t_range, T, R, r_err)
    if normal_state not in ("constant", "linear"):
        raise ValueError(f"normal_state must be 'constant' or 'linear', got {normal_state!r}")
    linear = normal_state == "linear"
    n = check_int("n", n, 10, 2000)
    realizations = check_int("realizations", realizations, 1, 1000)
    seed = check_int("seed", seed, 0, 2**63 - 1)
    tol = check_number("tol", tol, 0.0, 0.2, lo_open=True)
    puddle_diameter = check_diameter(puddle_diameter, n)
    max_evaluations = check_int("max_evaluations", max_evaluations, 3, 1000)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise ValueError(f"executor must be a concurrent.futures.Executor (with .submit), got {type(executor).__name__}")
    names_all = ("tc_mean", "sigma", "w", "w2", "r_n") + (("alpha",) if linear else ())
    if bounds is not None and isinstance(bounds, Mapping) and "alpha" in bounds and not linear:
        raise ValueError("bounds: 'alpha' is a parameter only with normal_state='linear'")
    if start is not None:
        if not isinstance(start, Mapping) or set(start) - {"w", "w2"}:
            raise ValueError("start must be a dict with keys among 'w' and 'w2'")
    report, close = progress_callback(progress, "fit")

    try:
        seeds = realization_seeds(seed, realizations)
        curves = _Curves(n, seeds, puddle_diameter, tol, executor, report, X_GRID)
        fixed = _check_fix(fix, curves.w_skeleton)
        n_outer = 2 - len(fixed)
        nvarys = 3 + int(linear) + n_outer
        if T.size < nvarys + 2:
            raise ValueError(
                f"T: {T.size} data points in the fit range; fitting {nvarys} parameters needs at least {nvarys + 2}"
            )
        if float(T.max() - T.min()) <= 0:
            raise ValueError("T: the data points must span a range of temperatures")
        r_scale = float(np.max(np.abs(R)))
        bounds = _merge_bounds(bounds, _default_bounds(T, r_scale, curves.w_skeleton), names_all, curves.w_skeleton)
        for k, v in fixed.items():
            bounds[k] = (v, v)
        curves.total = realizations * min(max_evaluations, 1 + 4 * (n_outer + 1))
        prob = _Problem(T, R, r_err, linear, bounds, r_scale, X_GRID)

        # Start of the outer parameters.
        start = dict(start or {})
        w0 = fixed.get("w", start.get("w", _W_START))
        w0 = float(np.clip(check_number("start['w']", w0, 0.0, 1.0), *bounds["w"]))
        if "w2" in fixed:
            w20 = fixed["w2"]
        elif "w2" in start:
            w20 = float(np.clip(check_number("start['w2']", start["w2"], 0.0, 1.0), *bounds["w2"]))
        else:
            lo, hi = bounds["w2"]
            w20 = _start_w2(curves, w0, lo, hi, _plateau_estimate(T, R))
        free = [k for k in ("w", "w2") if k not in fixed]
        outer = _Outer(curves, prob, free, fixed, bounds, max_evaluations)
        q0 = np.array([{"w": w0, "w2": w20}[k] for k in free])
        q, message, success = outer.minimise(q0)
        cs, p, r, cost = outer.profile(q)
        result = _assemble(
            T, R, r_err, r_unit, metadata, prob, outer, curves, q, cs, p, r, cost, bounds, fixed, names_all,
            dict(n=n, realizations=realizations, seed=seed, seeds=tuple(seeds), tol=tol,
                 puddle_diameter=puddle_diameter, normal_state=normal_state),
            message, success, t0,
        )
        if report is not None:
            report(curves.total if curves.done < curves.total else curves.done, max(curves.total, curves.done), "done")
        return result
    finally:
        close()


def _assemble(T, R, r_err, r_unit, metadata, prob, outer, curves, q, cs, p, r, cost, bounds, fixed, names_all,
              settings, message, success, t0) -> FitResult:
    """Uncertainties, curves and bookkeeping at the optimum."""
    Fbar = cs.Fbar
    dF = _derivative(Fbar, prob.grid)
    # Full Jacobian of the weighted residuals (scaled units): inner analytic, outer by central
    # differences of the averaged curve at fixed inner parameters over _COV_STEP_FACTOR
    # optimiser steps (two evaluations per free outer parameter).
    cols = [prob.jac(p, Fbar, dF)]
    col_scale = list(prob.scale)
    for j, name in enumerate(outer.names):
        h = _COV_STEP_FACTOR * abs(outer.steps[name])
        h_up = min(h, outer.hi[j] - q[j])
        h_down = min(h, q[j] - outer.lo[j])
        ends = []
        for d in (h_up, -h_down):
            if abs(d) >= 0.25 * h:  # a side with room: use it (near a bound the chord is one-sided)
                qj = q.copy()
                qj[j] += d
                ends.append((d, prob.residual(p, curves.evaluate(*outer.ww2(qj)).Fbar)))
            else:
                ends.append((0.0, r))
        (d1, r1), (d2, r2) = ends
        cols.append(((r1 - r2) / (d1 - d2))[:, None])
        col_scale.append(0.05)
    J = np.hstack(cols)
    var_names = tuple(prob.inner_names + outer.names)
    ndata, nvarys = T.size, J.shape[1]
    nfree = ndata - nvarys
    s2 = cost / nfree if r_err is None else 1.0
    D = np.asarray(col_scale)
    Js = J * D
    A = Js.T @ Js
    notes = []
    try:
        if not np.all(np.isfinite(A)) or np.linalg.cond(A) > 1e14:
            raise np.linalg.LinAlgError
        A_inv = np.linalg.inv(A)
        cov_noise = s2 * A_inv * np.outer(D, D)
        R_count = cs.F.shape[0]
        if R_count > 1:
            shifts = []
            total = cs.F.sum(axis=0)
            for j in range(R_count):
                F_minus = (total - cs.F[j]) / (R_count - 1)
                dr = prob.residual(p, F_minus) - r
                shifts.append(-(A_inv @ (Js.T @ dr)) * D)
            dev = np.array(shifts) - np.mean(shifts, axis=0)
            cov_dis = (R_count - 1) / R_count * dev.T @ dev
        else:
            cov_dis = np.full_like(cov_noise, np.nan)
            notes.append("one realization: no disorder error")
    except np.linalg.LinAlgError:
        cov_noise = np.full((nvarys, nvarys), np.nan)
        cov_dis = np.full((nvarys, nvarys), np.nan)
        notes.append("curvature matrix singular: uncertainties unavailable")
    # One realization has no disorder estimate: the total is then the noise part alone.
    cov = cov_noise + cov_dis if cs.F.shape[0] > 1 else cov_noise.copy()

    # Back to data units: r_n (index 2) is scaled by r_scale.
    unit_factor = np.ones(nvarys)
    unit_factor[2] = prob.r_scale
    cov = cov * np.outer(unit_factor, unit_factor)
    cov_noise = cov_noise * np.outer(unit_factor, unit_factor)
    cov_dis = cov_dis * np.outer(unit_factor, unit_factor)

    values = dict(zip(prob.inner_names, p))
    values["r_n"] = p[2] * prob.r_scale
    w, w2 = outer.ww2(q)
    values["w"], values["w2"] = w, w2
    params = {}
    for name in names_all:
        unit, desc = PARAMETER_INFO[name]
        if name == "r_n":
            unit = "ohm" if r_unit == "ohm" else "R/R_N"
        lo, hi = bounds[name]
        if name in var_names:
            i = var_names.index(name)
            sn = math.sqrt(cov_noise[i, i]) if cov_noise[i, i] >= 0 else math.nan
            sd = math.sqrt(cov_dis[i, i]) if cov_dis[i, i] >= 0 else math.nan
            st = math.sqrt(sn**2 + sd**2) if cs.F.shape[0] > 1 else sn
            params[name] = Parameter(name, float(values[name]), st, sn, sd, lo, hi, True, unit, desc)
        else:
            params[name] = Parameter(name, float(values[name]), None, None, None, lo, hi, False, unit, desc)

    model = prob.model(p, Fbar) * prob.r_scale
    residual = R - model
    chisqr = float(np.sum((residual / r_err) ** 2)) if r_err is not None else float(np.sum(residual**2))
    tc, sg = values["tc_mean"], values["sigma"]
    tps = tc + sg * cs.x_perc[cs.percolates]
    tps = tps[tps > 0]
    T_curve = np.linspace(T.min(), T.max(), 400)
    if notes:
        message = f"{message}; {'; '.join(notes)}"
    return FitResult(
        params=params,
        T=T,
        R=R,
        R_fit=model,
        residual=residual,
        r_err=r_err,
        chisqr=chisqr,
        redchi=chisqr / nfree if nfree > 0 else math.nan,
        ndata=ndata,
        nvarys=nvarys,
        nfree=nfree,
        covar=cov,
        var_names=var_names,
        T_curve=T_curve,
        x_grid=prob.grid,
        universal=Fbar,
        universal_std=cs.F.std(axis=0, ddof=1) if cs.F.shape[0] > 1 else np.zeros_like(Fbar),
        percolates=bool(cs.percolates.mean() >= 0.5),
        percolating_fraction=float(cs.percolates.mean()),
        tp=float(tps.mean()) if tps.size else math.nan,
        plateau=float(np.interp(-tc / sg, prob.grid, Fbar)),
        n_solves=int(curves.n_solves),
        n_evaluations=outer.n_evaluations,
        success=success,
        message=message,
        elapsed=time.perf_counter() - t0,
        metadata=metadata,
        r_unit=r_unit,
        **settings,
    )
