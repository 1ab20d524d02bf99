"""Fit diagnostics a researcher can act on.

A converged optimiser is not a good fit. After every fit these checks look at the data and
the result; each failed check is a sentence saying what is wrong and what to do, collected
in ``FitResult.warnings``, and a fit with any warning is not a ``success``:

* the data rise on cooling (an insulator: the model's R never exceeds R_N);
* the resistance hardly changes over the data (no transition to fit);
* the residuals are far above what noise and disorder explain (``misfit``: the mean square
  residual over the noise-plus-disorder variance, about 1 for a curve the model describes;
  a warning above ``1 + 5 sqrt(2 / nfree)`` and 3);
* ``tc_mean`` outside the measured temperatures (the transition was not measured);
* a free parameter at a bound (the optimum may lie beyond it) - not at a physical limit
  (``w2`` = 0 or 1, ``w`` = the skeleton fraction), which is an answer;
* an uncertainty larger than the parameter's whole range (the data do not determine it).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["diagnose", "misfit"]

#: Relative closeness to a bound that counts as "at the bound".
_AT_BOUND = 1e-6


def misfit(residual_w: np.ndarray, point_disorder: np.ndarray, nfree: int) -> float:
    """Mean square of the noise-weighted residuals over ``1 + disorder variance`` per point."""
    v = np.where(np.isfinite(point_disorder), point_disorder, 0.0)
    return float(np.sum(residual_w**2 / (1.0 + v)) / max(nfree, 1))


def diagnose(T, R, params: dict, misfit_value: float, nfree: int, w_skeleton: float) -> list[str]:
    """Warnings about a finished fit (empty: nothing suspicious).

    Parameters
    ----------
    T, R : ndarray
        The fitted data (sorted by T).
    params : dict of str to Parameter
    misfit_value : float
        See :func:`misfit`.
    nfree : int
    w_skeleton : float
        The smallest ``w`` of the realizations: a physical limit, like ``w2`` in {0, 1}.
    """
    out = []
    m = T.size
    k = max(2, m // 10)
    cold, hot = float(np.median(R[:k])), float(np.median(R[-k:]))
    spread = float(np.max(R) - np.min(R))
    if cold > 1.2 * hot and cold > 0:
        out.append(
            f"the resistance rises on cooling (R(T_min) / R(T_max) = {cold / hot:.3g}): an insulating or "
            "reentrant curve, which the model (R <= R_N) cannot describe"
        )
    elif spread < 0.05 * max(abs(hot), 1e-300):
        out.append(
            f"the resistance changes by only {spread / abs(hot):.1%} over the data: no resistive transition to fit"
        )
    limit = max(3.0, 1.0 + 5.0 * math.sqrt(2.0 / max(nfree, 1)))
    if misfit_value > limit:
        out.append(
            f"the residuals are {math.sqrt(misfit_value):.3g} times what noise and disorder explain (misfit "
            f"{misfit_value:.3g}): the model does not describe these data (check the noise level, the temperature "
            "range, or the normal state)"
        )
    tc = params["tc_mean"].value
    if not (T[0] <= tc <= T[-1]):
        out.append(
            f"tc_mean = {tc:.4g} K lies outside the measured temperatures [{T[0]:.4g}, {T[-1]:.4g}] K: "
            "the transition was not measured, tc_mean and sigma are extrapolations"
        )
    for p in params.values():
        if not p.vary:
            continue
        width = p.max - p.min
        tol = _AT_BOUND * (width if math.isfinite(width) else max(abs(p.value), 1.0))
        side = "minimum" if p.value - p.min <= tol else ("maximum" if p.max - p.value <= tol else None)
        limit_value = p.min if side == "minimum" else p.max
        physical = (p.name == "w2" and limit_value in (0.0, 1.0)) or (
            p.name == "w" and side == "minimum" and limit_value <= w_skeleton + 1e-12
        )
        if side is not None and not physical:  # a physical limit is an answer, not a bound artefact
            out.append(
                f"{p.name} = {p.value:.4g} sits at its {side} ({p.min if side == 'minimum' else p.max:.4g}): the "
                "optimum may lie beyond; widen the bound or fix the parameter"
            )
        elif p.stderr is not None and math.isfinite(width) and p.stderr > width:
            out.append(f"{p.name} is not determined by the data (stderr {p.stderr:.3g} exceeds its whole range)")
    return out
