"""The model curve: the universal curve of each realization and their average at one (w, w2).

For one realization at fixed ``(w, w2)`` the resistance is exactly ``R_N F((T - Tc_mean) /
sigma)`` with one universal curve ``F`` per realization. The fit works with the realization
average ``Fbar = mean_i F_i`` over the realizations of one master seed, and keeps every
``F_i`` too: their spread is the disorder a single measured film carries (see
:mod:`puddles.fit.uncertainty`).

:class:`ModelCurves` evaluates the ``F_i`` once per ``(w, w2)`` and caches them, so a
series of fits sharing it (:func:`puddles.fit.fit_series`) shares every evaluation: common
random numbers make trends across a series independent of seed noise, and repeated
points cost nothing. By default the realizations of one point run in the engine's
worker pool (:func:`puddles.parallel.pool`, reused across fits), whose workers keep the
realizations they grew; where the engine must stay in-process
(:func:`puddles.parallel.in_process_only`, e.g. inside a fit process of the dashboard) they
run here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import parallel
from ..cluster import BROKEN
from ..ensemble import curve_summary, run_items

__all__ = ["X_GRID", "CurveSet", "ModelCurves", "derivative"]

#: Reduced-temperature grid on which the universal curves are sampled.
#: ``|z| > 6.5`` has probability 8e-11 per draw, so F is constant beyond it (np.interp clamps).
X_GRID = np.linspace(-6.5, 6.5, 5201)
#: Half-width (in x) of the central difference giving dF/dx for the inner Jacobian; wider
#: than the grid step so that single puddle steps do not spike it.
_DERIV_HALF_WIDTH = 0.04
#: Lattices at least this large run their realizations in the worker pool (smaller ones
#: are faster in-process than shipping the work).
_POOL_MIN_N = 40
#: Realizations a pool worker keeps (keyed by (n, seed, diameter)), oldest dropped first.
_WORKER_CACHE_SIZE = 64
_worker_realizations: dict = {}


@dataclass(frozen=True, eq=False)
class CurveSet:
    """Universal curves of every realization at one ``(w, w2)``."""

    F: np.ndarray  # (realizations, grid)
    percolates: np.ndarray
    x_perc: np.ndarray
    broken_fraction: np.ndarray  # broken bonds / all skeleton bonds, per realization

    @property
    def Fbar(self) -> np.ndarray:
        return self.F.mean(axis=0)


def derivative(F: np.ndarray, grid: np.ndarray, half_width: float = _DERIV_HALF_WIDTH) -> np.ndarray:
    """Smoothed dF/dx on the grid (central difference over +-``half_width``, default 0.04)."""
    h = half_width
    return (np.interp(grid + h, grid, F) - np.interp(grid - h, grid, F)) / (2 * h)


def _broken_fraction(real, net) -> float:
    return float((net.cluster.kind == BROKEN).sum() / max(real.skeleton_bonds.size, 1))


def _table(real, w, w2, grid, tol) -> dict:
    from ..network import Network

    net = Network.from_realization(real, w, w2)
    out = curve_summary(net, grid, tol)
    out["broken_fraction"] = _broken_fraction(real, net)
    return out


def _pool_item(key, w, w2, grid, tol) -> dict:
    """One realization's table in a pool worker (top-level, so the pool can ship it)."""
    real = _worker_realizations.pop(key, None)
    if real is None:
        from ..cluster import Realization

        real = Realization(key[0], key[1], puddle_diameter=key[2])
    _worker_realizations[key] = real  # most recent last
    while len(_worker_realizations) > _WORKER_CACHE_SIZE:
        _worker_realizations.pop(next(iter(_worker_realizations)))
    return _table(real, w, w2, grid, tol)


class ModelCurves:
    """Realization curves of one master seed, evaluated once per ``(w, w2)`` and cached.

    Parameters
    ----------
    n : int
        Lattice size.
    seeds : list of int
        Realization seeds.
    puddle_diameter : float or "random"
    tol : float
        Table tolerance of each realization (units of R_N).
    executor : Executor, "local" or None
        Where the realizations of one point run: a user's executor (each item builds its
        network from the seed), ``"local"`` the engine's worker pool (for N >= 40, where
        the engine may start workers), None in this process.
    grid : ndarray
        Reduced temperatures at which the curves are sampled.
    """

    def __init__(self, n, seeds, puddle_diameter, tol, executor=None, grid=X_GRID):
        from ..network import realization

        self.n, self.seeds, self.puddle_diameter, self.tol = n, list(seeds), puddle_diameter, tol
        self.grid = grid
        # Keep the realizations alive here: the engine's LRU cache holds only 8 of them.
        self.reals = [realization(n, s, puddle_diameter, "skeleton", None) for s in self.seeds]
        self.keys = [(n, s, puddle_diameter) for s in self.seeds]
        self.w_skeleton = max(r.w_skeleton for r in self.reals)
        self.cache: dict[tuple[float, float], CurveSet] = {}
        self.n_solves = 0
        self.done = 0
        self.total = 0
        self.report = None
        self._pool = None
        self._user_executor = None
        if executor == "local":
            if len(self.seeds) > 1 and n >= _POOL_MIN_N and not parallel.in_process_only():
                self._pool = parallel.pool()
        elif executor is not None:
            self._user_executor = executor

    def close(self) -> None:
        """Stop using the worker pool (shared with the engine: it stays up, idle workers exit)."""
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def evaluate(self, w: float, w2: float) -> CurveSet:
        """Curves of every realization at ``(w, w2)`` (cached)."""
        key = (round(float(w), 10), round(float(w2), 10))
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        count = len(self.seeds)
        self.total = max(self.total, self.done + count)
        msg = f"w = {w:.3f}, w2 = {w2:.3f}"

        def tick(done_items, total_items, _label=""):
            self.done += 1
            if self.report is not None:
                self.report(self.done, self.total, f"{msg}: realization {done_items}/{total_items}")

        if self._pool is not None:
            futures = [self._pool.submit(_pool_item, k, w, w2, self.grid, self.tol) for k in self.keys]
            out = []
            try:
                for i, fut in enumerate(futures):
                    out.append(fut.result())
                    tick(i + 1, count)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
        elif self._user_executor is not None:
            items = [dict(n=self.n, w=w, w2=w2, seed=s, x=self.grid, puddle_diameter=self.puddle_diameter,
                          tol=self.tol) for s in self.seeds]
            out = run_items(items, self._user_executor, tick)
            for real, o in zip(self.reals, out):
                from ..network import Network

                o["broken_fraction"] = _broken_fraction(real, Network.from_realization(real, w, w2))
        else:
            out = []
            for i, real in enumerate(self.reals):
                out.append(_table(real, w, w2, self.grid, self.tol))
                tick(i + 1, count)
        self.n_solves += sum(o["n_solves"] for o in out)
        cs = CurveSet(
            F=np.vstack([o["F"] for o in out]),
            percolates=np.array([o["percolates"] for o in out]),
            x_perc=np.array([o["x_perc"] for o in out]),
            broken_fraction=np.array([o["broken_fraction"] for o in out]),
        )
        self.cache[key] = cs
        return cs

    def plateau(self, w: float, w2: float) -> float:
        """Mean R/R_N with every bond that can superconduct superconducting (one solve each)."""
        from ..network import Network

        vals = []
        for real in self.reals:
            c = Network.from_realization(real, w, w2).curve
            vals.append(float(c.exact(c.k_max)))  # k_max: the leads join there, or every bond
            self.n_solves += c.n_solves
        return float(np.mean(vals))
