"""The universal resistive transition F of one cluster, computed exactly and cached.

With common random numbers (:ref:`model-common-random-numbers`) the superconducting bonds at temperature T
are the first ``k`` bonds of one fixed order (decreasing ``z``), with
``k = #{z > (T - Tc_mean)/sigma}``. So ``R(T)/R_N = G(k)`` for one function ``G`` of the
integer ``k``, and ``F(x) = G(k(x))``. This module evaluates ``G`` exactly at any set of
``k`` (neighbouring ``k`` share one factorisation, :mod:`puddles.prefix`), caches every
value, and knows what needs no solve at all: ``G(0) = 1`` (uniform lattice), ``G(k) = 0``
for ``k >= k_p`` (the leads are joined; ``k_p`` from
:func:`puddles.percolation.percolation_index`).

Sampling of F (documented contract)
-----------------------------------
:meth:`UniversalCurve.table` samples ``G`` adaptively on integer ``k``: it starts from a
uniform grid of ``k`` and bisects every interval whose two end values differ by more
than ``tol`` (in units of R_N) until every interval either meets ``tol`` or has width
one. Between samples ``G`` is interpolated linearly in ``k``. Because ``G`` is
non-increasing in ``k`` (Rayleigh monotonicity), the true value lies between the two
bracketing samples, so the interpolation error is bounded by the local gap and hence
by ``tol`` everywhere; :meth:`UniversalCurve.error_bound` returns that bound pointwise.

Independent groups of solves run in the engine's process pool (:mod:`puddles.parallel`)
when there are enough of them to repay it; set ``PUDDLES_WORKERS=1`` to stay in-process.
"""

from __future__ import annotations

import threading
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from . import lattice, parallel, prefix
from .solver import solve_lattice

__all__ = ["UniversalCurve", "TableCancelled", "prefix_resistance", "DEFAULT_TOL"]

#: Default interpolation tolerance of the sampled universal curve, in units of R_N.
DEFAULT_TOL = 1e-2

def prefix_resistance(n: int, order: np.ndarray, k: int, backend: str | None = None) -> float:
    """``R/R_N`` of the lattice whose superconducting bonds are ``order[:k]``, others R0.

    One direct solve, independent of the grouped evaluation in :mod:`puddles.prefix`.
    """
    r = np.ones(lattice.n_bonds(n))
    r[order[:k]] = 0.0
    return solve_lattice(n, r, backend=backend).resistance / lattice.normal_resistance(n)


class TableCancelled(RuntimeError):
    """Raised by :meth:`UniversalCurve.table` when its ``cancelled`` callback says stop."""


def _solve_group(n, merged, joining, counts, backend) -> list[float]:
    g_base, g_targets = prefix.group_conductances(n, merged, joining, counts, backend)
    r_n = lattice.normal_resistance(n)
    return [1.0 / (g * r_n) for g in [g_base, *g_targets]]


class UniversalCurve:
    """Exact, cached ``G(k) = R/R_N`` of one cluster, and the universal curve ``F(x)``.

    Parameters
    ----------
    n : int
        Lattice size.
    order : ndarray of int
        Bonds that can superconduct, in decreasing ``z``.
    z_sorted : ndarray of float
        Their ``z`` (non-increasing).
    k_perc : int or None
        Prefix length that first joins the leads (None: never).
    backend : str, optional
        Sparse solver backend.
    """

    def __init__(self, n, order, z_sorted, k_perc, backend=None):
        self.n = n
        self.order = np.asarray(order)
        self.z_sorted = np.asarray(z_sorted, dtype=float)
        self.k_perc = k_perc
        self.backend = backend
        self.k_max = int(self.order.size) if k_perc is None else int(k_perc)
        self._g: dict[int, float] = {0: 1.0}
        if k_perc is not None:
            self._g[int(k_perc)] = 0.0
        self.n_solves = 0
        self._ranks: np.ndarray | None = None  # prefix.forest_ranks, computed on first solve
        self._table: tuple[np.ndarray, np.ndarray, float] | None = None  # (k, g, tol), swapped atomically
        # Solves may come from a GUI's worker thread and from the main thread at once: the
        # lock guards the cache only (never a solve), finished tables are read without it.
        self._lock = threading.RLock()

    @property
    def table_tol(self) -> float:
        """Tolerance (units of R_N) of the finished table; ``inf`` before the first one."""
        table = self._table
        return np.inf if table is None else table[2]

    # -- exact values ---------------------------------------------------------------
    def k_of_x(self, x) -> np.ndarray:
        """Number of superconducting bonds at reduced temperature ``x``."""
        return np.searchsorted(-self.z_sorted, -np.asarray(x, dtype=float), side="left")

    def exact(self, ks) -> np.ndarray:
        """Exact ``G(k)`` for an array of prefix lengths (solving only what is not cached)."""
        ks = np.asarray(ks, dtype=np.int64)
        if ks.size and (ks.min() < 0 or ks.max() > self.order.size):
            raise ValueError(f"k must lie in [0, {self.order.size}]")
        capped = np.minimum(ks, self.k_max)  # beyond k_perc the leads stay joined: G = 0
        with self._lock:
            missing = sorted({int(k) for k in np.unique(capped)} - self._g.keys())
        if missing:
            # Solve outside the lock: a second thread asking for other k is never held up
            # (two threads solving the same k just get the same number twice).
            solved = self._solve(missing)
            with self._lock:
                self._g.update(solved)
                self.n_solves += len(solved)
        with self._lock:
            return np.array([self._g[int(k)] for k in capped.ravel()], dtype=float).reshape(ks.shape)

    def _solve(self, ks: list[int]) -> dict[int, float]:
        """Exact ``G`` at prefix lengths in ``(0, k_max)``, grouped by :mod:`puddles.prefix`."""
        if self._ranks is None:
            self._ranks = prefix.forest_ranks(self.n, self.order[: self.k_max])
        groups = prefix.plan_groups(self.n, self._ranks, ks)
        tasks = [(g, prefix.group_arguments(self.order, self._ranks, g)) for g in groups]
        out: dict[int, float] = {}

        def record(group, values):
            out.update(zip([group.base, *group.targets], values))

        # A pool only pays off for a batch of non-trivial solves.
        if not parallel.in_process_only() and len(groups) >= 2 * parallel.workers() and self.n >= 60:
            # Longest-processing-time first, so that the workers finish together.
            tasks.sort(key=lambda t: -t[0].cost)
            try:
                pool = parallel.pool()
                futures = [(g, pool.submit(_solve_group, self.n, *args, self.backend)) for g, args in tasks]
                for g, fut in futures:
                    record(g, fut.result())
            except BrokenProcessPool:  # loky's TerminatedWorkerError is one too
                # A killed worker must not take the engine down: finish in-process; the
                # next batch gets a new pool.
                parallel.discard(pool)
                tasks = [t for t in tasks if t[0].base not in out]
            else:
                return out
        for g, args in tasks:
            record(g, _solve_group(self.n, *args, self.backend))
        return out

    def __call__(self, x, *, tol: float | None = DEFAULT_TOL) -> np.ndarray:
        """``F(x) = R/R_N`` at reduced temperatures ``x = (T - Tc_mean)/sigma``.

        Parameters
        ----------
        x : array_like
            Reduced temperatures.
        tol : float or None
            None: exact solve at every distinct ``k(x)``. Otherwise: error at most ``tol``
            (units of R_N), see :meth:`at_counts`.
        """
        return self.at_counts(self.k_of_x(np.asarray(x, dtype=float)), tol=tol)

    def at_counts(self, k, *, tol: float | None = DEFAULT_TOL) -> np.ndarray:
        """``R/R_N`` at prefix lengths ``k`` (numbers of superconducting bonds).

        ``tol=None``: exact. A float: the adaptive table (error at most ``tol``), except
        while no such table exists and the exact values need fewer solves than building
        it (:meth:`exact_is_cheaper`): then the exact values, which meet any tolerance.
        """
        if tol is None or self.exact_is_cheaper(k, tol):
            return self.exact(k)
        kk, gg = self.table(tol)
        return np.interp(np.minimum(k, self.k_max), kk, gg)

    def exact_is_cheaper(self, k, tol: float) -> bool:
        """True when the prefix lengths ``k`` need fewer new solves than a table at ``tol``
        would (about ``1.5 / tol + 16``) and no such table exists yet: then the exact
        values, which meet any tolerance, are also the faster answer."""
        if tol >= self.table_tol:
            return False
        capped = np.unique(np.minimum(np.asarray(k), self.k_max))
        with self._lock:
            missing = sum(1 for v in capped.tolist() if v not in self._g)
        return missing <= 1.5 / tol + 16

    # -- adaptive table -------------------------------------------------------------
    def table(
        self, tol: float = DEFAULT_TOL, *, initial: int = 16, cancelled=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Adaptive samples ``(k, G(k))`` of the curve, interpolation error <= ``tol``.

        Parameters
        ----------
        tol : float
            Largest allowed gap between neighbouring samples, in units of R_N (> 0).
        initial : int
            Size of the starting uniform grid in ``k``.
        cancelled : callable, optional
            Checked between refinement rounds; when it returns True the build stops with
            :class:`TableCancelled` (solved values stay cached for the next build).

        Returns
        -------
        k, g : ndarray
            Increasing sample positions (always including 0 and ``k_max``) and exact values.
        """
        if not (tol > 0 and np.isfinite(tol)):
            raise ValueError(f"tol must be a positive number (units of R_N), got {tol!r}")
        table = self._table
        if table is not None and tol >= table[2]:
            return table[0], table[1]
        grid = np.unique(np.linspace(0, self.k_max, initial + 1).round().astype(np.int64))
        self.exact(grid)
        while True:
            with self._lock:
                items = sorted((k, g) for k, g in self._g.items() if k <= self.k_max)
            kk = np.array([k for k, _ in items])
            gg = np.array([g for _, g in items])
            bad = (np.abs(np.diff(gg)) > tol) & (np.diff(kk) > 1)
            if not bad.any():
                break
            if cancelled is not None and cancelled():
                raise TableCancelled(f"table refinement to tol={tol} cancelled")
            self.exact((kk[:-1][bad] + kk[1:][bad]) // 2)
        with self._lock:
            if tol < self.table_tol:
                self._table = (kk, gg, tol)
        return kk, gg

    def error_bound(self, x, tol: float = DEFAULT_TOL) -> np.ndarray:
        """Pointwise bound on ``|F_table(x) - F_exact(x)|``: the gap of the bracketing samples."""
        kk, gg = self.table(tol)
        k = np.minimum(self.k_of_x(x), self.k_max)
        hi = np.clip(np.searchsorted(kk, k, side="left"), 0, kk.size - 1)
        lo = np.clip(np.searchsorted(kk, k, side="right") - 1, 0, kk.size - 1)
        return np.abs(gg[lo] - gg[hi])
