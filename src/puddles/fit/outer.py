"""The outer fit: ``(w, w2)``, the parameters that change the networks.

The inner parameters are profiled out (:mod:`puddles.fit.inner`); the outer fit is a
bounded Levenberg-Marquardt on the profiled residuals with forward-difference derivatives
(steps 0.05 in ``w``, 0.025 in ``w2`` at N = 100, wider on smaller lattices where one puddle
weighs more). Common random numbers keep the profile smooth down to the grain of single
puddles and broken bonds: a different ``w`` uses a longer or shorter prefix of the same
puddle sequence, a different ``w2`` breaks a superset or subset of the same filament bonds.
The start is the best of a few ``w`` (:data:`W_LADDER`, or ``start``), each with the ``w2``
whose low-temperature plateau matches the data's, found with cheap single solves. Points are
snapped to a 0.0025 grid (a fraction of a puddle at N = 100), so fits of a series sharing one
:class:`~puddles.fit.curves.ModelCurves` reuse each other's evaluations.
"""

from __future__ import annotations

import math

import numpy as np

from .. import lattice
from ..cluster import PUDDLE_DIAMETER_RANGE
from .curves import ModelCurves
from .inner import InnerProblem

__all__ = ["W_LADDER", "OuterProblem", "outer_steps", "plateau_estimate", "snap", "start_w2"]

#: Smallest forward-difference steps of the outer parameters (see :func:`outer_steps`).
MIN_STEPS = {"w": 0.05, "w2": 0.025}
#: Levels of w tried for the start (each with w2 matched to the plateau): the profiled
#: chi^2 along w is shallow in a percolating film, so a single start left the estimate near
#: it - biased towards 0.45 whatever the truth - and its error bar over-covered.
W_LADDER = (0.4, 0.55, 0.7)
#: Levels of w2 probed to match the plateau at the start.
W2_PROBES = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85, 1.0)
#: Grid of the outer parameters (well below one puddle at N = 100).
_SNAP = 0.0025


def snap(q):
    """Round outer parameters to the 0.0025 grid (shared evaluations across a series)."""
    return np.round(np.asarray(q, dtype=float) / _SNAP) * _SNAP


def outer_steps(n: int, puddle_diameter) -> dict:
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
        "w": min(max(MIN_STEPS["w"], 6.0 * (math.pi * d2 / 2) / nb), 0.1),
        "w2": min(max(MIN_STEPS["w2"], 500.0 / nb), 0.1),
    }


def plateau_estimate(T: np.ndarray, R: np.ndarray) -> float:
    """Rough R(T_min)/R_N of the data: low-T median over high-T median (both >= 2 points)."""
    m = T.size
    k_lo = max(2, m // 10)
    k_hi = max(2, (15 * m) // 100)
    hi = float(np.median(R[-k_hi:]))
    if hi <= 0:
        return 0.0
    return float(np.clip(np.median(R[:k_lo]) / hi, 0.0, 1.0))


def start_w2(curves: ModelCurves, w0: float, lo: float, hi: float, p_data: float) -> float:
    """w2 whose all-superconducting plateau matches the data's low-T level, at w = w0.

    The plateau is non-decreasing in w2 (Rayleigh monotonicity) and costs one solve per
    realization, so probing a ladder of w2 is cheap next to one table.
    """
    probes = [v for v in W2_PROBES if lo <= v <= hi] or [lo]
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
    return float(np.clip(snap(float(np.interp(p_data, ps_mono, xs))), lo, hi))


class OuterProblem:
    """Profiled residuals over the free outer parameters, with caching and a budget."""

    def __init__(self, curves: ModelCurves, prob: InnerProblem, names, fixed, bounds, budget, resolution=0.1):
        self.curves, self.prob, self.names, self.fixed = curves, prob, list(names), dict(fixed)
        self.lo = np.array([bounds[k][0] for k in self.names])
        self.hi = np.array([bounds[k][1] for k in self.names])
        self.scale = np.full(len(self.names), 0.05)
        self.budget = budget
        self.steps = outer_steps(curves.n, curves.puddle_diameter)
        self.resolution = resolution
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

        Stops when a step would change chi^2 by less than ``resolution`` (a tenth of the
        chi^2 scale of noise plus disorder: smaller changes are statistically meaningless
        with this data), when steps
        fall below 0.005 in ``w`` and ``w2``, after two failed steps in a row, or at the
        evaluation budget. After a successful step the Jacobian is updated by Broyden's
        rank-one formula (no new network evaluation); a forward-difference one is computed
        again before a failed step counts and before convergence is declared.
        """
        q = np.clip(np.asarray(q0, dtype=float), self.lo, self.hi)
        _, p, r, cost = self.profile(q)
        if not self.names:
            return q, "w and w2 fixed: only the inner parameters were fitted", True
        J = self.jacobian(q, p, r)
        fresh = True  # J by forward differences at q (not a Broyden update)
        lam = None
        rejections = 0
        for _ in range(100):
            resolution = self.resolution
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
            q_new = np.clip(snap(q + ds * self.scale), self.lo, self.hi)
            dq = (q_new - q) / self.scale
            predicted = -(2 * g @ dq + dq @ A @ dq)  # decrease of the cost by the linear model
            if not fresh and (np.abs(dq).max() < 0.1 or predicted < resolution):
                # Convergence is judged with a forward-difference Jacobian, never a Broyden one.
                if self.n_evaluations + len(self.names) > self.budget:
                    return q, f"stopped at the evaluation budget (max_evaluations = {self.budget})", False
                J = self.jacobian(q, p, r)
                fresh = True
                continue
            if np.abs(dq).max() < 0.1:  # below 0.005 in w and w2 (a puddle at N = 100): nothing to gain
                return q, "converged (step below 0.005 in w and w2)", True
            if rejections == 0 and predicted < resolution:
                return q, "converged (predicted chi^2 decrease below the resolution)", True
            if self.n_evaluations + 1 > self.budget:
                return q, f"stopped at the evaluation budget (max_evaluations = {self.budget})", False
            _, p_n, r_n, cost_n = self.profile(q_new, warm=p)
            if cost_n < cost:
                gain = cost - cost_n
                rho = gain / predicted if predicted > 0 else 0.0
                lam *= 0.3 if rho > 0.75 else (1.0 if rho > 0.25 else 2.0)
                rejections = 0
                # Broyden's rank-one update from the step just taken instead of two new
                # points: each network evaluation costs a table per realization. A fresh
                # forward-difference Jacobian is computed only when a step fails.
                step = q_new - q
                J = J + np.outer(r_n - r - J @ step, step) / (step @ step)
                fresh = False
                q, p, r, cost = q_new, p_n, r_n, cost_n
                if gain < resolution:
                    return q, "converged (chi^2 decrease below the resolution)", True
            elif not fresh:
                if self.n_evaluations + len(self.names) > self.budget:
                    return q, f"stopped at the evaluation budget (max_evaluations = {self.budget})", False
                J = self.jacobian(q, p, r)
                fresh = True
            else:
                lam *= 5.0
                rejections += 1
                if rejections >= 2:
                    return q, "converged (no downhill step found near the optimum)", True
        return q, "stopped after 100 iterations", False
