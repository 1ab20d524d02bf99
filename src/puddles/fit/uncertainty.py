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

__all__ = ["Covariance", "outer_partials", "covariance", "realization_deviations"]

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
    grid; both come from the forward steps the optimiser evaluated (cached curve sets).
    """
    cols, grads = [], {}
    Fbar = outer.profile(q)[0].Fbar
    for j, name in enumerate(outer.names):
        h = outer.step(j, q)
        qj = q.copy()
        qj[j] += h
        Fj = outer.curves.evaluate(*outer.ww2(qj)).Fbar
        cols.append((outer.prob.residual(p, Fj) - r) / h)
        grads[name] = (Fj - Fbar) / h
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
