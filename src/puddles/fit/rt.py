""":func:`fit_rt`: one measured R(T) curve, fitted with the puddle network model.

The steps, each in its own module: prepare the data and know its noise
(:mod:`~puddles.fit.prepare`), evaluate the realization curves at ``(w, w2)``
(:mod:`~puddles.fit.curves`), fit ``(tc_mean, sigma, r_n[, alpha])`` for each
(:mod:`~puddles.fit.inner`) and ``(w, w2)`` around it (:mod:`~puddles.fit.outer`), then the
calibrated covariance (:mod:`~puddles.fit.uncertainty`), the diagnostics
(:mod:`~puddles.fit.diagnostics`) and the result (:mod:`~puddles.fit.result`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace

import numpy as np

from ..ensemble import progress_callback, realization_seeds
from ..validation import check_diameter, check_int, check_number
from .curves import ModelCurves
from .diagnostics import diagnose, misfit
from .inner import InnerProblem
from .outer import W_LADDER, OuterProblem, plateau_estimate, snap, start_w2
from .prepare import (
    MAX_POINTS,
    Curve,
    check_fix,
    check_start,
    default_bounds,
    merge_bounds,
    prepare_curve,
)
from .result import PARAMETER_INFO, FitResult, Parameter
from .uncertainty import (
    bootstrap_disorder,
    covariance,
    outer_partials,
    point_disorder,
    realization_deviations,
)

__all__ = ["FitSettings", "fit_rt"]


@dataclass(frozen=True)
class FitSettings:
    """Validated settings shared by every curve of a fit (or of a series)."""

    n: int
    realizations: int
    seed: int
    tol: float
    puddle_diameter: float | str
    normal_state: str
    max_evaluations: int
    sample_realizations: float

    @classmethod
    def check(cls, n, realizations, seed, tol, puddle_diameter, normal_state, max_evaluations, sample_realizations):
        if normal_state not in ("constant", "linear"):
            raise ValueError(f"normal_state must be 'constant' or 'linear', got {normal_state!r}")
        n = check_int("n", n, 10, 2000)
        return cls(
            n=n,
            realizations=check_int("realizations", realizations, 1, 1000),
            seed=check_int("seed", seed, 0, 2**63 - 1),
            tol=check_number("tol", tol, 0.0, 0.2, lo_open=True),
            puddle_diameter=check_diameter(puddle_diameter, n),
            normal_state=normal_state,
            max_evaluations=check_int("max_evaluations", max_evaluations, 3, 1000),
            sample_realizations=check_number("sample_realizations", sample_realizations, 0.0, 1e9, lo_open=True),
        )

    @property
    def names(self) -> tuple:
        return ("tc_mean", "sigma", "w", "w2", "r_n") + (("alpha",) if self.normal_state == "linear" else ())

    def model_curves(self, executor) -> ModelCurves:
        if executor is not None and executor != "local" and not callable(getattr(executor, "submit", None)):
            raise ValueError(
                f"executor must be 'local', None or a concurrent.futures.Executor (with .submit), got {executor!r}"
            )
        return ModelCurves(self.n, realization_seeds(self.seed, self.realizations), self.puddle_diameter, self.tol,
                           executor)


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
    tol: float = 0.1,
    puddle_diameter=10.0,
    max_evaluations: int = 30,
    sample_realizations: float = 1.0,
    max_points: int = MAX_POINTS,
    executor: Executor | str | None = "local",
) -> FitResult:
    """Fit a measured R(T) with the puddle network model.

    Parameters
    ----------
    T : array_like of float or RTData
        Temperatures (K), in [0, 1e4]; or an :class:`~puddles.io.RTData` (then ``R`` is
        taken from it and must not be given, and its ``r_unit`` labels the result).
    R : array_like of float
        Resistances, in ohm or normalised (R/R_N); same length as ``T``; finite, with at
        least one positive value (small negative values from noise around R = 0 are fine).
    n : int
        Lattice size of the simulated networks, 10..2000 (default 100; the paper's is 200).
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
        Noise (standard errors) of ``R``, data unit. Default: estimated from the data
        (:func:`puddles.fit.prepare.estimate_noise`), and the result says so.
    r_unit : {"ohm", "normalized"}, optional
        Unit of ``R`` (labels ``r_n``); default from the RTData, else ohm.
    t_range : (float, float), optional
        Fit only points with ``T_min <= T <= T_max`` (K).
    fix : dict, optional
        Hold ``w`` and/or ``w2`` at a value, e.g. ``{"w2": 0.0}``.
    start : dict, optional
        Starting ``w`` and/or ``w2`` (default: the best of ``w`` = 0.4, 0.55, 0.7, each
        with ``w2`` matched to the data's low-temperature plateau).
    tol : float
        Interpolation tolerance of each realization's table, units of R_N, in (0, 0.2]
        (default 0.1: a table of about 17 solves instead of 54 at 0.03, 3.3x faster; the
        average of 4 realizations then differs from the tol-0.03 one by 0.12 % rms, 0.6 %
        at most, of R_N at N = 100 - below 1 % noise and far below the disorder spread).
    puddle_diameter : float or "random"
        Puddle diameter in bonds (default 10).
    max_evaluations : int
        Budget of distinct ``(w, w2)`` points (each costs ``realizations`` tables),
        3..1000 (default 30).
    sample_realizations : float
        How many independent N x N networks the measured film is worth, > 0 (default 1:
        the film fluctuates like one simulated network, which the uncertainties are
        calibrated for; a larger value shrinks the disorder part of the error bars).
    max_points : int
        Curves with more points are averaged in this many temperature bins first, >= 20
        (default 1000; the result's ``notes`` say so).
    executor : "local", None or concurrent.futures.Executor
        Where the realizations of each ``(w, w2)`` point run: ``"local"`` (default) a
        process pool with one worker per core for N >= 60, closed when the fit ends;
        None in this process; or any executor (e.g. a dask client's ``get_executor()``).

    Returns
    -------
    FitResult
        ``success`` is False, with ``warnings`` saying why, whenever the diagnostics find
        the model does not describe the data (:mod:`puddles.fit.diagnostics`).

    Raises
    ------
    ValueError
        For invalid input; the message names the parameter and its allowed range.
    """
    t0 = time.perf_counter()
    curve = prepare_curve(T, R, r_unit=r_unit, r_err=r_err, t_range=t_range, max_points=max_points)
    settings = FitSettings.check(n, realizations, seed, tol, puddle_diameter, normal_state, max_evaluations,
                                 sample_realizations)
    if bounds is not None and not isinstance(bounds, Mapping):
        raise ValueError("bounds must be a dict {name: (min, max)}")
    start = check_start(start)
    report, close = progress_callback(progress, "fit")
    try:
        with settings.model_curves(executor) as curves:
            curves.report = report
            result = fit_prepared(curve, curves, settings, bounds=bounds, fix=fix, start=start, t0=t0)
        if report is not None:
            report(max(curves.total, curves.done), max(curves.total, curves.done), "done")
        return result
    finally:
        close()


def fit_prepared(curve: Curve, curves: ModelCurves, settings: FitSettings, *, bounds=None, fix=None, start=None,
                 t0=None) -> FitResult:
    """Fit one prepared curve with shared model curves (the body of :func:`fit_rt` and of a series)."""
    t0 = time.perf_counter() if t0 is None else t0
    T, R = curve.T, curve.R
    linear = settings.normal_state == "linear"
    fixed = check_fix(fix, curves.w_skeleton)
    n_outer = 2 - len(fixed)
    nvarys = 3 + int(linear) + n_outer
    if T.size < nvarys + 2:
        raise ValueError(
            f"T: {T.size} data points in the fit range; fitting {nvarys} parameters needs at least {nvarys + 2}"
        )
    r_scale = float(np.max(np.abs(R)))
    names_all = settings.names
    bounds = merge_bounds(bounds, default_bounds(T, r_scale, curves.w_skeleton), names_all, curves.w_skeleton)
    for k, v in fixed.items():
        bounds[k] = (v, v)
    evals0, solves0 = len(curves.cache), curves.n_solves
    curves.total = max(curves.total, curves.done + settings.realizations * min(settings.max_evaluations,
                                                                                1 + 4 * (n_outer + 1)))
    prob = InnerProblem(T, R, curve.noise, linear, bounds, r_scale, curves.grid)

    start = dict(start or {})
    free = [k for k in ("w", "w2") if k not in fixed]
    outer = OuterProblem(curves, prob, free, fixed, bounds, settings.max_evaluations)
    given = [fixed.get("w", start.get("w"))] if ("w" in fixed or "w" in start) else W_LADDER
    ladder = sorted({float(np.clip(snap(v), *bounds["w"])) for v in given})
    q0, best = None, math.inf
    for w0 in ladder:  # the best of a few starts along w (see outer.W_LADDER)
        if "w2" in fixed:
            w20 = fixed["w2"]
        elif "w2" in start:
            w20 = float(np.clip(start["w2"], *bounds["w2"]))
        else:
            lo, hi = bounds["w2"]
            w20 = start_w2(curves, w0, lo, hi, plateau_estimate(T, R))
        q = np.array([{"w": w0, "w2": w20}[k] for k in free])
        cost = outer.profile(q)[3] if len(ladder) > 1 else 0.0
        if cost < best:
            q0, best = q, cost
    # chi^2 resolution of the optimiser: a tenth of the chi^2 scale of noise plus disorder.
    cs0, p0, _, _ = outer.profile(q0)
    pd0 = point_disorder(realization_deviations(prob, p0, cs0), settings.sample_realizations)
    outer.resolution = 0.1 * (1.0 + float(np.nanmean(pd0))) if np.isfinite(pd0).any() else 0.1
    outer.budget = evals0 + settings.max_evaluations  # the budget counts this fit's points only
    q, message, success = outer.minimise(q0)
    cs, p, r, _ = outer.profile(q)
    J_outer, grads = outer_partials(outer, q, p, r)
    cov = covariance(prob, p, cs, J_outer, settings.sample_realizations)
    boot = bootstrap_disorder(outer, q, p, settings.sample_realizations)
    if boot is not None:
        cov = replace(cov, disorder=boot)  # nonlinear; the linearised sandwich stays for R < 3
    counts = (curves.n_solves - solves0, len(curves.cache) - evals0)
    return _assemble(curve, settings, prob, outer, curves, q, cs, p, r, cov, grads, bounds, message, success, t0,
                     counts)


def _assemble(curve, settings, prob, outer, curves, q, cs, p, r, cov, grads, bounds, message, success, t0,
              counts) -> FitResult:
    """Parameters in data units, diagnostics and bookkeeping at the optimum."""
    T, R = curve.T, curve.R
    var_names = tuple(prob.inner_names + outer.names)
    ndata, nvarys = T.size, len(var_names)
    nfree = ndata - nvarys
    unit_factor = np.ones(nvarys)
    unit_factor[2] = prob.r_scale  # r_n is fitted in units of max|R|
    U = np.outer(unit_factor, unit_factor)
    cov_noise, cov_dis = cov.noise * U, cov.disorder * U
    one = cs.F.shape[0] < 2
    total = cov_noise if one else cov_noise + cov_dis
    sd = np.sqrt(np.maximum(np.diag(total), 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        correl = total / np.outer(sd, sd)

    values = dict(zip(prob.inner_names, p))
    values["r_n"] = p[2] * prob.r_scale
    values["w"], values["w2"] = outer.ww2(q)
    params = {}
    for name in settings.names:
        unit, desc = PARAMETER_INFO[name]
        if name == "r_n":
            unit = "ohm" if curve.r_unit == "ohm" else "R/R_N"
        lo, hi = bounds[name]
        if name in var_names:
            i = var_names.index(name)
            sn = math.sqrt(cov_noise[i, i]) if cov_noise[i, i] >= 0 else math.nan
            sdis = math.sqrt(cov_dis[i, i]) if cov_dis[i, i] >= 0 else math.nan
            st = sn if one else math.sqrt(sn**2 + sdis**2)
            cor = {b: float(correl[i, j]) for j, b in enumerate(var_names) if j != i}
            params[name] = Parameter(name, float(values[name]), st, sn, sdis, lo, hi, True, unit, desc, cor)
        else:
            params[name] = Parameter(name, float(values[name]), None, None, None, lo, hi, False, unit, desc)

    model = prob.model(p, cs.Fbar) * prob.r_scale
    residual = R - model
    chisqr = float(np.sum((residual / curve.noise) ** 2))
    mis = misfit(r, cov.point_disorder, nfree)
    warnings = diagnose(T, R, params, mis, nfree, curves.w_skeleton)
    notes = list(curve.notes) + ([cov.note] if cov.note else [])
    notes.append(f"noise {np.median(curve.noise):.3g} ({curve.noise_source})")
    tc, sg = values["tc_mean"], values["sigma"]
    tps = tc + sg * cs.x_perc[cs.percolates]
    tps = tps[tps > 0]
    if warnings:
        message = f"{message}; the model does not describe the data well (see warnings)"
    return FitResult(
        params=params,
        T=T,
        R=R,
        R_fit=model,
        residual=residual,
        r_err=curve.noise,
        noise_source=curve.noise_source,
        chisqr=chisqr,
        redchi=chisqr / nfree if nfree > 0 else math.nan,
        misfit=mis,
        ndata=ndata,
        nvarys=nvarys,
        nfree=nfree,
        covar=total,
        var_names=var_names,
        T_curve=np.linspace(T.min(), T.max(), 400),
        x_grid=prob.grid,
        universal=cs.Fbar,
        universal_grad=grads,
        percolates=bool(cs.percolates.mean() >= 0.5),
        percolating_fraction=float(cs.percolates.mean()),
        tp=float(tps.mean()) if tps.size else math.nan,
        plateau=float(np.interp(-tc / sg, prob.grid, cs.Fbar)),
        skeleton_broken_fraction=float(cs.broken_fraction.mean()),
        n_solves=int(counts[0]),
        n_evaluations=int(counts[1]),
        n=settings.n,
        realizations=settings.realizations,
        seed=settings.seed,
        seeds=tuple(curves.seeds),
        tol=settings.tol,
        puddle_diameter=settings.puddle_diameter,
        normal_state=settings.normal_state,
        r_unit=curve.r_unit,
        sample_realizations=settings.sample_realizations,
        success=bool(success and not warnings),
        message=message,
        warnings=tuple(warnings),
        notes=tuple(notes),
        elapsed=time.perf_counter() - t0,
        metadata=curve.metadata,
    )
