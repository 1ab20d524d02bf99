"""The public face of the engine: one realization of the puddle network and its R(T).

>>> from puddles import Network
>>> net = Network.generate(50, w=0.4, w2=0.1, seed=1)
>>> R = net.rt_curve([0.5, 1.0, 1.5], tc_mean=1.0, sigma=0.2)   # R/R_N

or, with the model's parameters as one object (:class:`puddles.params.ModelParams`),

>>> from puddles import ModelParams
>>> p = ModelParams(n=50, w=0.4, w2=0.1, tc_mean=1.0, sigma=0.2)
>>> R = Network.from_params(p, seed=1).rt_curve([0.5, 1.0, 1.5])

A :class:`Network` wraps a :class:`puddles.cluster.Cluster` (which bonds can
superconduct and their standardised Tc) and its :class:`puddles.transport.UniversalCurve`.
Everything that depends on ``Tc_mean`` and ``sigma`` only goes through the reduced
temperature ``x = (T - Tc_mean)/sigma``, so once a network is solved a new
``(Tc_mean, sigma)`` is a lookup, not a solve. Temperatures are in the user's unit (K
by convention) and resistances are reported as R/R_N, R_N = R0 (N-1)/N.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np

from . import lattice, superfluid
from .cluster import BROKEN, FILAMENT, KIND_NAMES, MATRIX, PUDDLE, Cluster, Realization
from .params import ModelParams
from .percolation import percolation_index, spanning_bonds
from .solver import Solution, solve_lattice
from .transport import DEFAULT_TOL, UniversalCurve
from .validation import PRACTICAL_MAX_SIZE, check_seed, check_tc, check_temperature, check_temperatures, check_tol

__all__ = ["Network", "BondStates", "realization"]


def realization(n: int, seed: int, puddle_diameter=10.0, puddle_centres="skeleton", growth=None) -> Realization:
    """Shared, cached :class:`~puddles.cluster.Realization` (one per distinct realization).

    The arguments are normalised before the cache lookup, so ``realization(100, 1)`` and
    ``realization(100, 1, 10, "skeleton", None)`` are the same cached object.
    """
    diameter = puddle_diameter if isinstance(puddle_diameter, str) else float(puddle_diameter)
    growth = tuple(int(g) for g in growth) if growth is not None else None
    return _realization(lattice.validate_size(n), check_seed(seed), diameter, str(puddle_centres), growth)


@lru_cache(maxsize=8)
def _realization(n, seed, puddle_diameter, puddle_centres, growth) -> Realization:
    return Realization(n, seed, puddle_diameter=puddle_diameter, puddle_centres=puddle_centres, growth=growth)


@dataclass(frozen=True)
class BondStates:
    """State of every bond at one temperature (arrays in the documented bond order).

    Attributes
    ----------
    T : float
        Temperature.
    kind : ndarray of int8
        0 matrix, 1 filament, 2 puddle, 3 broken filament (see ``KIND_NAMES``).
    superconducting : ndarray of bool
        True where ``T < Tc`` of the bond.
    spanning : ndarray of bool
        Superconducting bonds of the cluster joining the two leads (all False if none).
    tc : ndarray of float
        Local Tc (``-inf`` where the bond never superconducts).
    """

    T: float
    kind: np.ndarray
    superconducting: np.ndarray
    spanning: np.ndarray
    tc: np.ndarray

    KIND_NAMES = KIND_NAMES

    @property
    def percolating(self) -> bool:
        """True when a superconducting path joins the leads (R = 0)."""
        return bool(self.spanning.any())

    def counts(self) -> dict[str, int]:
        """Number of bonds of each kind, and of superconducting bonds."""
        out = {name: int((self.kind == code).sum()) for code, name in enumerate(KIND_NAMES)}
        out["superconducting"] = int(self.superconducting.sum())
        return out


class Network:
    """One realization of the superconducting-puddle network (see :doc:`/docs/model`).

    Build it with :meth:`from_params` or :meth:`generate`. The object is immutable in its
    parameters (:attr:`params`); solved values are cached on it, so repeated questions are cheap.
    """

    def __init__(
        self, cluster: Cluster, *, seed: int, realization: Realization | None = None, backend=None,
        params: ModelParams | None = None,
    ):
        self.cluster = cluster
        self.n = cluster.n
        #: The model's parameters (``w``, ``w2`` those of ``cluster``); their ``tc_mean`` and
        #: ``sigma`` are the defaults of the temperature methods.
        self.params = (params or ModelParams(n=cluster.n)).replace(w=cluster.w, w2=cluster.w2)
        self.seed = seed
        self._realization = realization
        self.k_perc = percolation_index(self.n, cluster.order)
        self.curve = UniversalCurve(self.n, cluster.order, cluster.z_sorted, self.k_perc, backend=backend)

    @classmethod
    def generate(
        cls,
        n: int,
        w: float,
        w2: float,
        *,
        seed: int,
        puddle_diameter=10.0,
        puddle_centres: str = "skeleton",
        growth=None,
        backend=None,
    ) -> Network:
        """Grow the skeleton, add puddles up to ``w``, break filaments with ``w2``.

        Parameters
        ----------
        n : int
            Lattice size (nodes per side), 2..2000. Practical: up to about 400 (measured on
            two cores: N = 100 about 3 s for the network and its R(T) curve, N = 200 17 s,
            N = 400 75 s); every doubling costs 4-5x more, so N = 1000-2000 takes from tens
            of minutes to hours. Above 400 a ``UserWarning`` says so.
        w : float
            Superconducting weight: fraction of bonds in the skeleton or in a puddle,
            in [w_skeleton, 1]. A ``ValueError`` names w_skeleton when ``w`` is below it.
            At a fixed seed R(T) is *not* monotone in ``w``: a larger ``w`` adds a puddle
            whose single Tc replaces the Tc of the filament bonds it covers, and those
            may have been higher (e.g. N = 30, seed 1: R(T = Tc_mean) rises from
            w = 0.525 to 0.55). Trends in ``w`` are ensemble statements.
        w2 : float
            Probability that a filament bond not covered by a puddle is broken, [0, 1].
        seed : int
            Master seed of every random draw (common random numbers).
        puddle_diameter : float or "random"
            Puddle diameter D in bonds (default 10), or "random" for D ~ U[5, 30].
        puddle_centres : {"skeleton", "anywhere"}
            Where puddle centres are drawn.
        growth : (m, particles, offset), optional
            DLA settings (default ceil(2.5 n), round(0.8 m^2), floor((m - n)/2)).
        backend : {"cholmod", "splu"}, optional
            Sparse solver.
        """
        params = ModelParams(
            n=lattice.validate_size(n), w=w, w2=w2, puddle_diameter=puddle_diameter, puddle_centres=puddle_centres
        )
        return cls.from_params(params, seed=seed, growth=growth, backend=backend)

    @classmethod
    def from_params(cls, params, *, seed: int, growth=None, backend=None) -> Network:
        """The network of :class:`~puddles.params.ModelParams` ``params`` (or a dict of its fields).

        ``tc_mean`` and ``sigma`` of ``params`` become the defaults of :meth:`rt_curve`,
        :meth:`plateau` and the other temperature methods; ``seed``, ``growth`` and
        ``backend`` as for :meth:`generate`.
        """
        params = ModelParams.coerce(params)
        if params.n > PRACTICAL_MAX_SIZE:
            warnings.warn(
                f"n = {params.n} is beyond the practical range (<= {PRACTICAL_MAX_SIZE}): the network and its "
                "R(T) curve may take from tens of minutes to hours", UserWarning, stacklevel=2,
            )
        real = realization(params.n, seed, params.puddle_diameter, params.puddle_centres, growth)
        return cls.from_realization(real, params.w, params.w2, backend=backend, params=params)

    @staticmethod
    def weight_limits(params, *, seed: int) -> tuple[float, float]:
        """``(w_skeleton, w_max)`` of the realization of ``params`` and ``seed``: the range of ``w``.

        Grows (or loads) the skeleton; the realization is the one :meth:`from_params` then uses.
        """
        params = ModelParams.coerce(params)
        real = realization(params.n, seed, params.puddle_diameter, params.puddle_centres)
        return float(real.w_skeleton), float(real.w_max)

    @classmethod
    def from_realization(
        cls, realization: Realization, w: float, w2: float, *, backend=None, params: ModelParams | None = None
    ) -> Network:
        """The network of a :class:`~puddles.cluster.Realization` you hold, at ``w`` and ``w2``.

        Use it to keep many realizations alive (e.g. a fit's realization set) beyond the
        small shared cache that :meth:`generate` draws from. ``params`` supplies the
        default ``tc_mean`` and ``sigma`` (its ``w``, ``w2`` are replaced by these).
        """
        if params is None:
            params = ModelParams(
                n=realization.n, puddle_diameter=realization.puddle_diameter, puddle_centres=realization.puddle_centres
            )
        return cls(realization.cluster(w, w2), seed=realization.seed, realization=realization, backend=backend,
                   params=params)

    def with_params(self, *, w=None, w2=None) -> Network:
        """The same realization (same seed and draws) at another ``w`` and/or ``w2``."""
        if self._realization is None:
            raise ValueError("this network was not built by Network.generate; it has no realization to reuse")
        c = self.cluster
        return Network.from_realization(
            self._realization, c.w if w is None else w, c.w2 if w2 is None else w2, backend=self.curve.backend,
            params=self.params,
        )

    # -- parameters --------------------------------------------------------------------
    @property
    def w(self) -> float:
        return self.cluster.w

    @property
    def w2(self) -> float:
        return self.cluster.w2

    @property
    def w_skeleton(self) -> float:
        return self.cluster.w_skeleton

    @property
    def w_max(self) -> float:
        """Largest weight this realization's puddles can reach (see ``Realization.w_max``)."""
        return self._realization.w_max if self._realization is not None else 1.0

    @property
    def percolates(self) -> bool:
        """True when the cluster joins the leads at low enough temperature (for some Tc values)."""
        return self.k_perc is not None

    # -- resistance ------------------------------------------------------------------
    def universal_curve(self, x, *, tol: float | None = DEFAULT_TOL) -> np.ndarray:
        """``F(x) = R/R_N`` at reduced temperature ``x = (T - Tc_mean)/sigma``.

        ``tol=None`` solves exactly at every distinct number of superconducting bonds;
        a float answers within ``tol`` as :meth:`rt_curve` does (exact while that is cheaper
        than building the table).
        """
        return self.curve(x, tol=tol)

    def _tc(self, tc_mean, sigma) -> tuple[float, float]:
        """Checked ``(tc_mean, sigma)``; a None takes the value of :attr:`params`."""
        p = self.params
        return check_tc(p.tc_mean if tc_mean is None else tc_mean, p.sigma if sigma is None else sigma)

    def rt_curve(
        self, T, tc_mean: float | None = None, sigma: float | None = None, *, tol: float | None = DEFAULT_TOL
    ) -> np.ndarray:
        """R(T)/R_N at temperatures ``T`` (>= 0).

        Parameters
        ----------
        T : array_like
            Temperatures (same unit as ``tc_mean`` and ``sigma``, e.g. K).
        tc_mean, sigma : float, optional
            Mean and standard deviation (> 0) of the local Tc distribution (default: those
            of :attr:`params`).
        tol : float or None
            None: exact network solves at every temperature (cached per distinct
            number of superconducting bonds). Float: served from the
            adaptively sampled universal curve with error at most ``tol`` (R_N units,
            default 0.01); before that table exists, a few temperatures are solved
            exactly instead (faster than building it, and exact), so a first call is
            never slower than ``tol=None``.
        """
        T = check_temperatures(T)
        tc_mean, sigma = self._tc(tc_mean, sigma)
        tol = check_tol(tol)
        k = self._count_superconducting(T, tc_mean, sigma)
        return self.curve.at_counts(k, tol=tol)

    def _count_superconducting(self, T, tc_mean: float, sigma: float) -> np.ndarray:
        """Number of bonds with ``T < Tc``, Tc computed exactly as :meth:`Cluster.tc` does.

        The one rule for every T-dependent answer (R, bond states, Tp): comparing T with the
        bonds' Tc, not a reduced temperature with z, so that rounding can not make R and
        ``BondStates.superconducting`` disagree at ``T == Tc`` of a bond.
        """
        tc_sorted = tc_mean + sigma * self.cluster.z_sorted  # non-increasing, like z_sorted
        return np.searchsorted(-tc_sorted, -np.asarray(T, dtype=float), side="left")

    def resistance(self, T: float, tc_mean: float | None = None, sigma: float | None = None) -> float:
        """Exact R(T)/R_N at one temperature ``T`` (a single number >= 0)."""
        return float(self.rt_curve(check_temperature(T), tc_mean, sigma, tol=None))

    def percolation_temperature(self, tc_mean: float | None = None, sigma: float | None = None) -> float:
        """Tp: R = 0 for every ``T < Tp``; NaN if no superconducting path forms at T >= 0.

        Tp is the Tc of the bond that completes the path. A bond superconducts for
        ``T < Tc`` (strictly), so at ``T == Tp`` itself that bond is normal: R(Tp) > 0 and
        :meth:`bond_states` agrees (not percolating).
        """
        tc_mean, sigma = self._tc(tc_mean, sigma)
        if self.k_perc is None:
            return float("nan")
        tp = tc_mean + sigma * self.cluster.z_sorted[self.k_perc - 1]  # that bond's Tc, as Cluster.tc
        return float(tp) if tp > 0 else float("nan")

    @property
    def x_perc(self) -> float:
        """Reduced percolation temperature ``(Tp - Tc_mean)/sigma`` (NaN if never)."""
        return float("nan") if self.k_perc is None else float(self.cluster.z_sorted[self.k_perc - 1])

    def plateau(self, tc_mean: float | None = None, sigma: float | None = None, *, tol: float | None = None) -> float:
        """Low-temperature limit R(T -> 0+)/R_N (0 when the cluster percolates at T > 0).

        ``tol=None``: exact (one solve, cached). A float: read from the sampled curve
        with error at most ``tol``, which costs no solve once that table exists.
        """
        tc_mean, sigma = self._tc(tc_mean, sigma)
        # At T -> 0+ every bond with Tc > 0 superconducts: the curve's value at x = -tc_mean/sigma.
        return float(self.curve(np.array([-tc_mean / sigma]), tol=tol)[0])

    @property
    def plateau_all(self) -> float:
        """R/R_N when every bond that can superconduct does (x -> -inf): 0 if the cluster percolates.

        A table end point, so a cache hit once any table exists.
        """
        return float(self.curve.exact(self.curve.k_max))

    # -- solves and sampling ----------------------------------------------------------
    @property
    def n_solves(self) -> int:
        """Exact network solves run so far for this network's R(T) (cached values excluded)."""
        return self.curve.n_solves

    @property
    def table_tol(self) -> float:
        """Finest tolerance (units of R_N) its R(T) table has been sampled to; ``inf`` before any."""
        return self.curve.table_tol

    def sample(self, tol: float = DEFAULT_TOL, *, cancelled=None) -> None:
        """Sample the universal curve to ``tol`` now, so that later R(T) reads need no solve.

        ``cancelled`` (callable, checked between refinement rounds) stops early with
        :class:`puddles.transport.TableCancelled`; values solved so far stay cached.
        """
        self.curve.table(tol, cancelled=cancelled)

    # -- bond-level views ------------------------------------------------------------
    def superconducting_count(self, T: float, tc_mean: float | None = None, sigma: float | None = None) -> int:
        """Number ``k`` of superconducting bonds at ``T``: they are ``cluster.order[:k]``.

        The same count the R(T) curve uses, so states and resistance agree even when ``T``
        equals a bond's Tc.
        """
        T = check_temperature(T)
        tc_mean, sigma = self._tc(tc_mean, sigma)
        return int(self._count_superconducting(T, tc_mean, sigma))

    def superconducting_bonds(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(superconducting, spanning)`` bond masks when the first ``k`` bonds superconduct."""
        sc = np.zeros(self.cluster.kind.size, dtype=bool)
        sc[self.cluster.order[:k]] = True
        if self.k_perc is None or k < self.k_perc:  # the leads are not joined: nothing spans
            return sc, np.zeros_like(sc)
        return sc, spanning_bonds(self.n, sc)

    def bond_states(self, T: float, tc_mean: float | None = None, sigma: float | None = None) -> BondStates:
        """Kind, superconducting state, spanning cluster and Tc of every bond at ``T``."""
        tc_mean, sigma = self._tc(tc_mean, sigma)
        k = self.superconducting_count(T, tc_mean, sigma)
        sc, spanning = self.superconducting_bonds(k)
        return BondStates(check_temperature(T), self.cluster.kind, sc, spanning, self.cluster.tc(tc_mean, sigma))

    def solve(
        self, T: float, tc_mean: float | None = None, sigma: float | None = None, *, potentials=True, currents=True
    ) -> Solution:
        """Full solution at ``T``: node potentials and bond currents for V = 1 (units of 1/R0).

        Returns a :class:`puddles.solver.Solution` whose ``resistance`` is in units of R0.
        """
        k = self.superconducting_count(T, tc_mean, sigma)
        return self.solve_count(k, potentials=potentials, currents=currents)

    def solve_count(self, k: int, *, potentials=True, currents=True) -> Solution:
        """Full solution when the first ``k`` bonds superconduct (see :meth:`superconducting_count`)."""
        sc, _ = self.superconducting_bonds(k)
        r = np.where(sc, 0.0, 1.0)
        return solve_lattice(self.n, r, potentials=potentials, currents=currents, backend=self.curve.backend)

    # -- critical current and superfluid stiffness ----------------------------------
    def critical_current(self, T: float, tc_mean: float, sigma: float) -> float:
        """Network critical current Ic(T) in units of Ic0 (one bond with Tc = tc_mean at T = 0).

        The maximum lead-to-lead supercurrent that keeps every superconducting bond below its
        Ambegaokar-Baratoff critical current; 0 at and above Tp. See :mod:`puddles.superfluid`.
        """
        return float(self.critical_current_curve(superfluid.one_temperature(T), tc_mean, sigma)[0])

    def critical_current_curve(self, T, tc_mean: float, sigma: float) -> np.ndarray:
        """Ic(T)/Ic0 at temperatures ``T`` (K, >= 0); ``tc_mean`` > 0 and ``sigma`` > 0 in K."""
        return superfluid.critical_current_curve(self, T, tc_mean, sigma)

    def weakest_links(self, T: float, tc_mean: float, sigma: float):
        """Max-flow result at ``T``: ``.value`` (Ic/Ic0), ``.cut`` (bond indices of the weakest
        links, the minimum cut), ``.cut_capacity`` and ``.error_bound`` (see
        :class:`puddles.critical_current.MaxFlow`)."""
        return superfluid.weakest_links(self, T, tc_mean, sigma)

    def stiffness(self, T: float, tc_mean: float, sigma: float) -> float:
        """Superfluid stiffness rho_s(T) relative to the uniform lattice of Tc = tc_mean bonds at T = 0.

        The lead-to-lead "conductance" of the superconducting bonds with their dirty-limit BCS
        stiffness; 0 at and above Tp. See :mod:`puddles.superfluid`.
        """
        return float(self.stiffness_curve(superfluid.one_temperature(T), tc_mean, sigma)[0])

    def stiffness_curve(self, T, tc_mean: float, sigma: float) -> np.ndarray:
        """rho_s(T) at temperatures ``T`` (K, >= 0), relative to the uniform T = 0 lattice."""
        return superfluid.stiffness_curve(self, T, tc_mean, sigma)

    def to_networkx(self, T: float | None = None, tc_mean: float | None = None, sigma: float | None = None) -> nx.Graph:
        """The lattice as a ``networkx.Graph``.

        Nodes are ``(r, c)`` tuples with attributes ``pos=(c, -r)`` (for drawing) and
        ``lead`` ("left", "right" or None). Edges carry ``index`` (bond order), ``kind``
        (name), ``z`` and ``puddle``; with ``tc_mean`` and ``sigma`` also ``tc``, and with
        ``T`` too, ``superconducting`` and ``resistance`` (0 or 1, units of R0).

        Raises
        ------
        ValueError
            If only one of ``tc_mean`` and ``sigma`` is given, or ``T`` without them.
        """
        if (tc_mean is None) != (sigma is None):
            raise ValueError("tc_mean and sigma must be given together (the local Tc needs both)")
        if T is not None and tc_mean is None:
            raise ValueError("T needs tc_mean and sigma: which bonds superconduct at T depends on their Tc")
        n = self.n
        g = nx.Graph(n=n, w=self.w, w2=self.w2, seed=self.seed)
        for r in range(n):
            for c in range(n):
                lead = "left" if c == 0 else ("right" if c == n - 1 else None)
                g.add_node((r, c), pos=(c, -r), lead=lead)
        a, b = lattice.bond_endpoints(n)
        kind = self.cluster.kind
        tc = self.cluster.tc(*check_tc(tc_mean, sigma)) if tc_mean is not None else None
        sc = np.asarray(check_temperature(T) < tc) if (T is not None and tc is not None) else None
        for i in range(a.size):
            attrs = dict(index=i, kind=KIND_NAMES[kind[i]], z=float(self.cluster.z[i]), puddle=int(self.cluster.puddle[i]))
            if tc is not None:
                attrs["tc"] = float(tc[i])
            if sc is not None:
                attrs["superconducting"] = bool(sc[i])
                attrs["resistance"] = 0.0 if sc[i] else 1.0
            g.add_edge(divmod(int(a[i]), n), divmod(int(b[i]), n), **attrs)
        return g

    def summary(self, tc_mean: float | None = None, sigma: float | None = None) -> dict:
        """Key numbers of the network; Tp and the plateau need ``tc_mean`` and ``sigma``."""
        c = self.cluster
        out = dict(
            n=self.n,
            seed=self.seed,
            w_skeleton=c.w_skeleton,
            w=c.w,
            w_actual=c.w_actual,
            w2=c.w2,
            n_puddles=c.n_puddles,
            n_filament=int((c.kind == FILAMENT).sum()),
            n_puddle_bonds=int((c.kind == PUDDLE).sum()),
            n_broken=int((c.kind == BROKEN).sum()),
            n_matrix=int((c.kind == MATRIX).sum()),
            percolates=self.percolates,
        )
        if tc_mean is not None and sigma is not None:
            out["tp"] = self.percolation_temperature(tc_mean, sigma)
            out["plateau"] = self.plateau(tc_mean, sigma)
        return out

    def __repr__(self) -> str:
        return f"Network(n={self.n}, w={self.w:.3f}, w2={self.w2:.3f}, seed={self.seed}, percolates={self.percolates})"
