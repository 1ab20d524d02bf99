"""Widget-free core of the dashboard: its state, which network is current and what it answers.

Everything the dashboard draws comes from here, so the tests and the benchmark can
exercise the physics without a browser or a kernel:

* :class:`AppState` - everything the user has chosen: the model's parameters
  (:class:`puddles.params.ModelParams`), the realization seed and the temperature cursor.
  Immutable; the dashboard replaces it on every control change, and a job captures it
  when it is submitted.
* :class:`NetworkRequest` - the part of a state that fixes a network (parameters without
  the Tc distribution, and the seed); changing it needs new network solves.
* :class:`NetworkEntry` - one built network plus its per-network caches (bond views,
  currents and map pictures per number ``k`` of superconducting bonds).
* :class:`TransportModel` - builds networks (``Network.from_params``, which shares the
  engine's cached realizations) and serves R(T), readouts and bond views without a solve
  (the dashboard samples each network's curve, coarse first then finer, with
  ``Network.sample``).

Why the caches are keyed by ``k``: with common random numbers the superconducting bonds
at temperature T are the first ``k = network.superconducting_count(T, Tc_mean, sigma)``
bonds of one fixed order. Two temperatures (or two ``(Tc_mean, sigma)``)
with the same ``k`` have the same bonds, the same currents and the same picture.

Threading: the dashboard builds and samples networks in one background thread and draws
from the kernel's main thread. R(T) and the plateau are read only from tables that are
already built (``tol`` no finer than :attr:`NetworkEntry.tol`), so sigma, Tc_mean and T
never solve and never wait for the refinement.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np

from puddles import Network
from puddles.params import ModelParams
from puddles.transport import DEFAULT_TOL

from .presets import T_MAX

__all__ = [
    "AppState", "NetworkRequest", "NetworkEntry", "BondView", "Readouts", "TransportModel", "TOLERANCES",
    "tolerances_for",
]

#: Progressive sampling tolerances of the universal curve (units of R_N). The first one
#: is drawn as soon as it is ready (~30 solves, 0.3 s at N = 100 on an idle 2-core
#: machine; 0.03 needs ~55 and would risk the 1 s budget on a loaded one); each later one
#: refines the same table (the engine keeps every solved point), and the last is the
#: engine's default, so the dashboard ends up showing exactly ``net.rt_curve(T, tc_mean, sigma)``.
TOLERANCES = (0.05, 0.02, DEFAULT_TOL)
#: For large lattices a solve costs ~4x more, so the first picture uses a coarser table.
TOLERANCES_LARGE = (0.06, 0.03, DEFAULT_TOL)
#: A plateau is drawn only where R(T) has levelled off: R(T) - R(0) at most this much
#: (R_N units, the engine's table tolerance) over the lowest half standard deviation.
PLATEAU_FLATNESS = DEFAULT_TOL


def tolerances_for(n: int) -> tuple[float, ...]:
    """Progressive sampling tolerances for an ``n x n`` lattice (the last is always the engine default)."""
    return TOLERANCES if n <= 100 else TOLERANCES_LARGE


@dataclass(frozen=True)
class NetworkRequest:
    """What fixes one network: the model's parameters (its Tc distribution aside) and the seed.

    Build with :meth:`of`, which drops ``tc_mean`` and ``sigma`` (they change R(T) through
    the universal curve only, never the network), so equal networks compare equal.
    """

    params: ModelParams
    seed: int

    @classmethod
    def of(cls, params: ModelParams, seed: int) -> NetworkRequest:
        defaults = ModelParams()
        return cls(params.replace(tc_mean=defaults.tc_mean, sigma=defaults.sigma), int(seed))

    def label(self) -> str:
        """Short human-readable form, used in status messages and pin legends."""
        p = self.params
        return f"N={p.n} seed={self.seed} D={p.puddle_diameter:g} w={p.w:.3f} w2={p.w2:.2f}"


@dataclass(frozen=True)
class AppState:
    """Everything the user has chosen on the Network tab (one immutable value).

    Attributes
    ----------
    params : ModelParams
        The model's parameters (n, w, w2, tc_mean, sigma, puddle_diameter).
    seed : int
        Realization seed.
    T : float
        Temperature cursor (K).
    map_mode : {"states", "currents", "weakest links"}
        What the cluster map shows.
    """

    params: ModelParams
    seed: int
    T: float
    map_mode: str = "states"

    def network(self) -> NetworkRequest:
        """The network this state asks for."""
        return NetworkRequest.of(self.params, self.seed)

    def with_params(self, **changes) -> AppState:
        """A copy with some model parameters changed (validated by :class:`ModelParams`)."""
        return replace(self, params=self.params.replace(**changes))


@dataclass(frozen=True)
class BondView:
    """Superconducting and spanning bonds of one network at ``k`` superconducting bonds."""

    k: int
    superconducting: np.ndarray
    spanning: np.ndarray

    @property
    def percolating(self) -> bool:
        return bool(self.spanning.any())


@dataclass(frozen=True)
class Readouts:
    """Numbers shown next to the R(T) plot (temperatures in K, resistances in R_N).

    ``tp`` is NaN when no superconducting path joins the leads at T >= 0; ``t_half`` is
    NaN when R never crosses R_N/2 on the plotted range (``half_note`` says why).
    """

    tp: float
    t_half: float
    plateau: float
    half_note: str = ""
    #: True when R(T) has levelled off at a nonzero value as T -> 0 (a resistive plateau
    #: to mark); False where R is still falling at T = 0 (e.g. the Tc-driven loss).
    plateau_visible: bool = False


@dataclass
class NetworkEntry:
    """A built network and everything cached about it.

    Attributes
    ----------
    request : NetworkRequest
    net : puddles.Network
    """

    request: NetworkRequest
    net: Network
    views: OrderedDict = field(default_factory=OrderedDict)
    currents: OrderedDict = field(default_factory=OrderedDict)
    pictures: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    #: Bond views and current solutions kept per network. A view is two boolean arrays
    #: (160 kB at N = 200) and costs a few ms to redo; a current array is 8 bytes per bond
    #: (640 kB at N = 200) and costs one solve. The dashboard also drops these caches of a
    #: network when it leaves the screen (:meth:`drop_views`), keeping a kernel's memory
    #: bounded however long a class plays with the sliders.
    MAX_VIEWS = 64
    MAX_CURRENTS = 16
    #: Encoded map pictures (PNG bytes, a few tens of kB) kept per network, keyed by (k, mode).
    MAX_PICTURES = 48

    def drop_views(self) -> None:
        """Forget bond views, currents and pictures (the sampled curve, which is small, stays)."""
        with self.lock:
            self.views.clear()
            self.currents.clear()
            self.pictures.clear()

    def picture(self, key, make):
        """The cached map picture for ``key``, made by ``make()`` on a miss."""
        return _lru_get(self.pictures, key, make, self.MAX_PICTURES, self.lock)

    def cached_picture(self, key):
        """The cached map picture for ``key``, or None (never makes one)."""
        with self.lock:
            return self.pictures.get(key)

    @property
    def tol(self) -> float:
        """Finest tolerance its universal-curve table has been sampled to (``inf`` before
        the first table exists): the engine's ``Network.table_tol``."""
        return self.net.table_tol

    @property
    def sampled(self) -> bool:
        """True once a table exists, i.e. R(T) can be served without a solve."""
        return np.isfinite(self.tol)


def _lru_get(cache: OrderedDict, key, make, limit: int, lock):
    """``cache[key]``, made by ``make()`` on a miss. ``make`` runs outside ``lock``: a background
    job solving for one key never holds up the main thread reading another."""
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with lock:
        value = cache.setdefault(key, value)  # two threads making one key keep the first
        cache.move_to_end(key)
        while len(cache) > limit:
            cache.popitem(last=False)
    return value


class TransportModel:
    """Builds networks and answers R(T), readout and bond-map questions from caches.

    Parameters
    ----------
    t_points : int
        Number of temperatures of the plotted R(T) curve on ``[0, t_max]``.
    t_max : float
        Upper end of the temperature axis (K).
    cache_size : int
        Networks kept (so that going back to an earlier ``w`` costs nothing).
    """

    def __init__(self, *, t_points: int = 501, t_max: float = T_MAX, cache_size: int = 8):
        self.T = np.linspace(0.0, float(t_max), int(t_points))
        self._entries: OrderedDict[NetworkRequest, NetworkEntry] = OrderedDict()
        self._cache_size = int(cache_size)
        self._lock = threading.Lock()

    # -- networks --------------------------------------------------------------------
    @staticmethod
    def weight_limits(request: NetworkRequest) -> tuple[float, float]:
        """``(w_skeleton, w_max)`` of the request's realization (the engine's cached one)."""
        return Network.weight_limits(request.params, seed=request.seed)

    def entry(self, request: NetworkRequest) -> NetworkEntry:
        """The cached entry for ``request``, building the network if needed (no curve solves).

        Raises
        ------
        ValueError
            The engine's message, e.g. when ``w`` is below the skeleton fraction.
        """
        with self._lock:
            hit = self._entries.get(request)
            if hit is not None:
                self._entries.move_to_end(request)
                return hit
        net = Network.from_params(request.params, seed=request.seed)
        with self._lock:
            entry = self._entries.setdefault(request, NetworkEntry(request, net))
            self._entries.move_to_end(request)
            while len(self._entries) > self._cache_size:
                self._entries.popitem(last=False)
        return entry

    # -- R(T) ------------------------------------------------------------------------
    def curve(self, entry: NetworkEntry, tc_mean: float, sigma: float) -> np.ndarray:
        """R/R_N on :attr:`T`, served from the entry's table (no solve).

        With the table refined to the engine's default tolerance this is exactly
        ``entry.net.rt_curve(self.T, tc_mean, sigma)``.
        """
        if not entry.sampled:
            raise RuntimeError("the network's R(T) table is not built yet")
        return entry.net.rt_curve(self.T, tc_mean, sigma, tol=max(entry.tol, DEFAULT_TOL))

    def readouts(self, entry: NetworkEntry, tc_mean: float, sigma: float, R: np.ndarray | None = None) -> Readouts:
        """Tp, the temperature of R = R_N/2 and the plateau R(0+)/R_N, all without a solve.

        The plateau is the curve's value at T = 0 (every bond with Tc > 0 superconducts),
        read from the same table as R(T), so it agrees with the drawn curve and is exact
        to the table's tolerance. It is marked only where R has levelled off there.
        """
        if R is None:
            R = self.curve(entry, tc_mean, sigma)
        tp = entry.net.percolation_temperature(tc_mean, sigma)
        T = self.T
        plateau = float(R[0])
        low = T <= T[0] + 0.5 * sigma
        plateau_visible = bool(plateau > PLATEAU_FLATNESS and R[low].max() - plateau <= PLATEAU_FLATNESS)
        note = ""
        if R[0] >= 0.5:
            t_half, note = float("nan"), "R stays above R_N/2"
        elif R[-1] < 0.5:
            t_half, note = float("nan"), f"above {T[-1]:g} K"
        else:
            # R is non-decreasing in T: the first sample at or above 1/2 brackets the crossing.
            i = int(np.argmax(R >= 0.5))
            r0, r1 = R[i - 1], R[i]
            t_half = float(T[i - 1] + (0.5 - r0) / (r1 - r0) * (T[i] - T[i - 1])) if r1 > r0 else float(T[i])
        return Readouts(tp=tp, t_half=t_half, plateau=plateau, half_note=note, plateau_visible=plateau_visible)

    # -- bond views ------------------------------------------------------------------
    @staticmethod
    def k_at(entry: NetworkEntry, T: float, tc_mean: float, sigma: float) -> int:
        """Number of superconducting bonds at temperature ``T``."""
        return entry.net.superconducting_count(T, tc_mean, sigma)

    def view(self, entry: NetworkEntry, k: int) -> BondView:
        """Superconducting and spanning bonds at ``k`` (cached per network and ``k``)."""
        net = entry.net

        def make() -> BondView:
            return BondView(k, *net.superconducting_bonds(k))

        return _lru_get(entry.views, int(k), make, entry.MAX_VIEWS, entry.lock)

    def currents(self, entry: NetworkEntry, k: int) -> tuple[np.ndarray, float]:
        """Bond currents (V = 1, units of 1/R0; NaN on superconducting bonds) and the total current.

        One exact solve per distinct ``k`` (cached); total current ``inf`` when R = 0.
        """
        net = entry.net
        view = self.view(entry, k)

        def make():
            sol = net.solve_count(view.k)
            return sol.bond_currents, float(sol.current)

        return _lru_get(entry.currents, int(k), make, entry.MAX_CURRENTS, entry.lock)
