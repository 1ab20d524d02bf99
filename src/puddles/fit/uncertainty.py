"""Calibrated uncertainties: measurement noise plus the disorder of one measured film.

The error model
---------------
A measured film is one realization of the disorder; the model curve is an average over
realizations. So the data are ::

    R_data(T) = R_N(T) F_film(x) + noise,        x = (T - tc_mean) / sigma

where ``F_film`` is *one* draw of the random universal curve, not its mean. The fit
compares it with ``Fbar``, the mean of the ``R`` realizations it simulates. At the true
parameters the residual therefore holds three independent parts: the noise (variance
``noise^2`` per point, given or estimated), the film's own disorder ``F_film - E[F]`` and the
model's sampling error ``Fbar - E[F]``. The last two are correlated across temperatures
(a puddle that joins early lowers the whole tail) and have the covariance of one
realization's curve, ``C(x_i, x_j)``, divided by ``M`` (the number of independent
simulated networks the film is worth, ``sample_realizations``, default 1) and by ``R``::

    Cov(residual) = diag(noise^2) + (1/M + 1/R) R_N(T_i) R_N(T_j) C(x_i, x_j)

``C`` is estimated by the sample covariance of the fit's own ``R`` realization curves at
the best fit - they are exactly draws of ``F`` at these parameters, so this costs no
network solve.

From residual covariance to parameter covariance
------------------------------------------------
The estimate minimises the noise-weighted chi^2. Linearised at the optimum, with ``J`` the
Jacobian of the weighted residuals in every free parameter and ``A = J^T J``, its error is
``-A^-1 J^T e`` for a residual error ``e``, hence the sandwich ::

    cov = A^-1 J^T Cov_w J A^-1 = A^-1  +  (1/M + 1/R) A^-1 (J^T G^T G J / (R - 1)) A^-1

(``Cov_w`` the weighted residual covariance, ``G`` the weighted deviations of each
realization's model curve from the mean). The first term is ``stderr_noise``, the second
``stderr_disorder``; ``stderr`` adds them in quadrature. This is the parametric bootstrap
over single realizations (refit the model to each realization's curve as if it were the
data), linearised: each realization's deviation moves the fit by ``-A^-1 J^T g_i``, and the
spread of those moves is the disorder error. It needs no refits.

The derivatives in ``w`` and ``w2`` are forward differences of ``Fbar`` over the optimiser's
steps (6 puddles in ``w``, about 100 broken bonds per realization in ``w2``), wide enough
to see the trend rather than the grain of single puddles, and already evaluated by the
optimiser: the uncertainties cost no new networks.

The disorder part at the optimum uses the nonlinear bootstrap
(:func:`bootstrap_disorder`) when there are at least 3 realizations. Its quadratic is local
(points within one optimiser step of the optimum, replicate optima up to 1.5 steps beyond):
fitted to every point of the search (which now starts from a ladder of ``w``), it described
the wide, shallow valley of ``w`` in a percolating film instead of the bowl at the optimum, and
the ``w`` error bar came out twice its real spread (1-sigma coverage 1.00); clamped to one step
beyond, below it (0.50). Before the ladder the estimate of ``w`` stayed near its single start
and the error bar was as wide as that offset, which also read as over-coverage.

Calibration is a measured property, not an assumption: ``tests/test_fit_coverage.py`` fits
single-realization synthetic films from seeds the fit never uses and checks that the
1-sigma intervals cover the truth about 68 % of the time for every parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .curves import CurveSet, derivative
from .inner import InnerProblem
from .outer import OuterProblem

__all__ = ["Covariance", "bootstrap_disorder", "covariance", "outer_partials", "realization_deviations"]

#: Box kernel of +-0.1 in x on the 0.0025 grid, smoothing dFbar/dw for the confidence band.
_SMOOTH = np.full(81, 1.0 / 81)
#: Bootstrap design: evaluated points within this many optimiser steps of the optimum.
_NEAR = 1.0
#: ... and replicate optima up to this many steps beyond them (clamping them closer shrank
#: the w error bar below its spread - 1-sigma coverage 0.50 with 1 step, 0.83 with 2).
_BEYOND = 1.5
#: Scale of the outer parameters in the curvature matrix (conditioning only).
_OUTER_SCALE = 0.05


@dataclass(frozen=True)
class Covariance:
    """Parameter covariance at the optimum, in the inner problem's scaled units.

    Attributes
    ----------
    noise, disorder : ndarray
        The two parts (square, order ``var_names``); NaN when unavailable.
    point_disorder : ndarray
        Disorder variance of every residual, in units of the noise variance.
    jacobian : ndarray
        Weighted residual Jacobian ``(points, parameters)``.
    note : str
        Why a part is unavailable ("" when both are there).
    """

    noise: np.ndarray
    disorder: np.ndarray
    point_disorder: np.ndarray
    jacobian: np.ndarray
    note: str = ""


def outer_partials(outer: OuterProblem, q, p, r) -> tuple[np.ndarray, dict]:
    """Partial derivatives in the free outer parameters at fixed inner parameters.

    Returns the weighted residual columns ``(points, k)`` and ``{name: dFbar/dq}`` on the
    grid (smoothed over +-0.1 in x); both come from the forward steps the optimiser evaluated (cached curve sets).
    """
    cols, grads = [], {}
    Fbar = outer.profile(q)[0].Fbar
    for j, name in enumerate(outer.names):
        h = outer.step(j, q)
        qj = q.copy()
        qj[j] += h
        Fj = outer.curves.evaluate(*outer.ww2(qj)).Fbar
        cols.append((outer.prob.residual(p, Fj) - r) / h)
        # Smoothed over +-0.1 in x: the band should show the trend, not the steps of single puddles.
        grads[name] = np.convolve((Fj - Fbar) / h, _SMOOTH, mode="same")
    return (np.column_stack(cols) if cols else np.zeros((r.size, 0))), grads


def realization_deviations(prob: InnerProblem, p, cs: CurveSet) -> np.ndarray:
    """Weighted deviation of each realization's model curve from the mean, ``(R, points)``."""
    base = prob.model(p, cs.Fbar)
    G = np.array([prob.wt * (prob.model(p, F) - base) for F in cs.F])
    return G - G.mean(axis=0)


def point_disorder(G: np.ndarray, sample_realizations: float) -> np.ndarray:
    """Disorder variance of every residual in units of the noise variance (NaN with one realization)."""
    count = G.shape[0]
    if count < 2:
        return np.full(G.shape[1], np.nan)
    return (1.0 / sample_realizations + 1.0 / count) * (G**2).sum(axis=0) / (count - 1)


def covariance(prob: InnerProblem, p, cs: CurveSet, J_outer: np.ndarray, sample_realizations: float) -> Covariance:
    """Noise and disorder covariance of the free parameters (inner, then outer)."""
    Fbar = cs.Fbar
    J = np.hstack([prob.jac(p, Fbar, derivative(Fbar, prob.grid)), J_outer])
    D = np.concatenate([prob.scale, np.full(J_outer.shape[1], _OUTER_SCALE)])
    Js = J * D
    A = Js.T @ Js
    k = J.shape[1]
    nan = np.full((k, k), np.nan)
    count = cs.F.shape[0]
    G = realization_deviations(prob, p, cs)
    pd = point_disorder(G, sample_realizations)
    if not np.all(np.isfinite(A)) or np.linalg.cond(A) > 1e14:
        return Covariance(nan, nan.copy(), pd, J, "curvature matrix singular: uncertainties unavailable")
    A_inv = np.linalg.inv(A)
    DD = np.outer(D, D)
    noise = A_inv * DD
    if count < 2:
        return Covariance(noise, nan, pd, J, "one realization: no disorder error")
    B = A_inv @ (Js.T @ G.T)  # (k, R): linearised move of the fit per realization
    disorder = (1.0 / sample_realizations + 1.0 / count) * (B @ B.T) / (count - 1) * DD
    return Covariance(noise, disorder, pd, J)


def _quadratic_design(dq: np.ndarray) -> np.ndarray:
    """Columns 1, dq_j, dq_j dq_k (j <= k) of a full quadratic in the outer parameters."""
    k = dq.shape[1]
    cols = [np.ones(dq.shape[0])] + [dq[:, j] for j in range(k)]
    cols += [dq[:, j] * dq[:, m] for j in range(k) for m in range(j, k)]
    return np.column_stack(cols)


def _complete_design(outer: OuterProblem, q, p) -> None:
    """Evaluate ``q +- step`` in every outer parameter and one diagonal point, so that a full
    quadratic is determined around the optimum (a side beyond a bound is replaced by two
    steps on the other side)."""
    signs = []
    for j in range(len(outer.names)):
        h = outer.steps[outer.names[j]]
        for s in (1.0, -1.0):
            qj = q.copy()
            qj[j] += s * h
            if not outer.lo[j] - 1e-12 <= qj[j] <= outer.hi[j] + 1e-12:
                qj[j] = q[j] - 2 * s * h
            if outer.lo[j] - 1e-12 <= qj[j] <= outer.hi[j] + 1e-12:
                outer.profile(qj, warm=p)
        signs.append(1.0 if q[j] + h <= outer.hi[j] + 1e-12 else -1.0)
    if len(outer.names) == 2:
        outer.profile(q + np.array(signs) * np.array([outer.steps[k] for k in outer.names]), warm=p)


def bootstrap_disorder(outer: OuterProblem, q, p, sample_realizations: float) -> np.ndarray | None:
    """Disorder covariance by a parametric bootstrap over single realizations (scaled units).

    Each realization ``i`` of the fit, at the optimum, plays the measured film: pseudo-data
    ``model(p, F_i)``, fitted with the mean of the *other* realizations. The inner
    parameters are refitted exactly (nonlinear) at every ``(w, w2)`` point the optimiser
    evaluated (cached: no network solve); the outer optimum is the minimum of a quadratic
    fitted to those profiled costs (inside the box the points span, widened by one
    optimiser step and cut at the bounds), and the inner
    parameters there are interpolated linearly. The spread of the replicate optima about
    the fit, scaled from the replicates' ``1 + 1/(R-1)`` to ``1/M + 1/R`` realizations of
    disorder, is the disorder covariance. None when there are too few realizations.
    """
    prob = outer.prob
    cs = outer.profile(q)[0]
    count = cs.F.shape[0]
    if count < 3:
        return None
    k_out = len(outer.names)
    _complete_design(outer, q, p)
    # Scaled outer offsets (one optimiser step = 1) keep the quadratic well conditioned.
    steps = np.array([outer.steps[name] for name in outer.names])
    # Only points within _NEAR steps of the optimum: the starts tried far along w (and early
    # search points) would fit the quadratic to the wide valley instead of the local bowl.
    points = [(np.array(key), hit[0], hit[1]) for key, hit in outer.inner.items()
              if k_out == 0 or np.all(np.abs((np.array(key) - q) / steps) <= _NEAR + 1e-9)]
    qs = np.array([pt[0] for pt in points]).reshape(len(points), k_out)
    dq = (qs - q) / steps if k_out else np.zeros((len(points), 0))
    need = (k_out + 1) * (k_out + 2) // 2
    use_quadratic = k_out > 0 and len(points) >= need
    if k_out:
        # Replicate optima may lie up to _BEYOND steps beyond the evaluated points (not beyond the bounds).
        lo_box = np.maximum(dq.min(axis=0) - _BEYOND, (outer.lo - q) / steps)
        hi_box = np.minimum(dq.max(axis=0) + _BEYOND, (outer.hi - q) / steps)
    theta0 = np.concatenate([p, q])
    moves = []
    for i in range(count):
        prob_i = prob.with_data(prob.model(p, cs.F[i]))
        fits = []
        for _qk, csk, pk in points:
            F_rest = (count * csk.Fbar - csk.F[i]) / (count - 1)
            fits.append(prob_i.refine(F_rest, pk))
        costs = np.array([f[2] for f in fits])
        inner = np.array([f[0] for f in fits])
        if not use_quadratic:
            j = int(np.argmin(costs))
            theta = np.concatenate([inner[j], qs[j]])
        else:
            X = _quadratic_design(dq)
            coef = np.linalg.lstsq(X, costs, rcond=None)[0]
            axes = [np.linspace(lo_box[j], hi_box[j], 41) for j in range(k_out)]
            grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, k_out)
            best = grid[np.argmin(_quadratic_design(grid) @ coef)]
            # Inner parameters at the replicate optimum: linear in the outer ones near it.
            near = np.argsort(np.linalg.norm(dq - best, axis=1))[: max(need, k_out + 2)]
            L = np.column_stack([np.ones(near.size), dq[near]])
            beta = np.linalg.lstsq(L, inner[near], rcond=None)[0]
            theta = np.concatenate([np.concatenate([[1.0], best]) @ beta, q + best * steps])
        moves.append(theta - theta0)
    move = np.array(moves)
    scale = (1.0 / sample_realizations + 1.0 / count) * (count - 1) / count
    return scale * (move.T @ move) / count
