"""The inner fit: ``(tc_mean, sigma, r_n[, alpha])`` for one averaged universal curve.

For fixed ``(w, w2)`` the model ``R_N(T) Fbar((T - tc_mean) / sigma)`` is a small
least-squares problem costing milliseconds: a coarse grid over ``(tc_mean, sigma)`` with
``r_n`` (and ``alpha``) solved linearly, then a bounded trust-region fit with an analytic
Jacobian from the best few grid starts (and the previous optimum, when there is one).
"""

from __future__ import annotations

import copy

import numpy as np
from scipy.optimize import least_squares

from .curves import derivative

__all__ = ["InnerProblem", "interior"]


class InnerProblem:
    """Data (scaled by ``r_scale = max|R|``) and the inner least-squares problem.

    Residuals are weighted by the noise, ``wt (y - model)`` with ``wt = r_scale / noise``, so
    the cost is chi^2. Inner parameters ``p = (tc_mean, sigma, r_n / r_scale[, alpha])``.
    """

    def __init__(self, T, R, noise, linear, bounds, r_scale, grid):
        self.T = T
        self.y = R / r_scale
        self.wt = r_scale / noise  # residuals in units of the noise: cost = chi^2
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
        dF = derivative(F, self.grid)
        starts = self._grid_start(F)
        if warm is not None:
            starts.insert(0, np.clip(np.asarray(warm, dtype=float), self.lo, self.hi))
        best = None
        for p0 in starts:
            p0 = interior(p0, self.lo, self.hi)
            sol = _lsq(self, p0, F, dF)
            if best is None or sol[2] < best[2]:
                best = sol
        return best


    def refine(self, F, warm):
        """One trust-region fit from ``warm`` (no grid search); returns (p, residual, cost)."""
        return _lsq(self, interior(np.asarray(warm, dtype=float), self.lo, self.hi), F, derivative(F, self.grid))

    def with_data(self, y) -> InnerProblem:
        """The same problem with other (scaled) data ``y``."""
        other = copy.copy(self)
        other.y = np.asarray(y, dtype=float)
        return other


def interior(p, lo, hi):
    """Move a start strictly inside the bounds (trf needs a feasible interior point)."""
    width = np.where(np.isfinite(hi - lo), hi - lo, np.abs(p) + 1.0)
    eps = 1e-9 * np.maximum(width, 1e-300)
    return np.minimum(np.maximum(p, lo + eps), hi - eps)


def _lsq(prob: InnerProblem, p0, F, dF):
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
