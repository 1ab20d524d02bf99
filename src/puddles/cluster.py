"""The superconducting cluster: skeleton + superpuddles, broken filaments and local Tc.

This module turns one seed into every random draw of the model up front (:ref:`model-common-random-numbers`,
"common random numbers"), so that changing a parameter moves a curve instead of
re-rolling it:

* the DLA skeleton (:mod:`puddles.skeleton`, stream ``spawn_key=(1,)``);
* one standard normal ``z`` and one uniform ``u`` per skeleton bond (stream ``(2,)``);
* the sequence of superpuddle centres, diameters and standard normals ``z`` (stream
  ``(3,)``, drawn in fixed-size chunks so that a larger ``w`` uses a longer prefix of
  the same sequence).

Then, for any ``(w, w2, Tc_mean, sigma)``:

* puddles are added in sequence order until the superconducting weight reaches ``w``
  (:ref:`model-puddles`); a puddle holds every bond whose midpoint lies within ``D/2`` of the
  midpoint of its centre bond, takes over the skeleton bonds it covers, and leaves
  bonds already owned by an earlier puddle alone;
* a filament (skeleton bond no puddle covers) is broken when ``u < w2`` (:ref:`model-broken-filaments`);
* ``Tc = Tc_mean + sigma z`` per filament bond and per puddle (:ref:`model-local-tc`); a bond is
  superconducting at ``T`` iff ``T < Tc``, i.e. iff ``z > (T - Tc_mean) / sigma``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.ndimage import binary_dilation

from . import lattice
from .skeleton import default_growth, skeleton_mask
from .validation import check_diameter, check_fraction, check_seed

__all__ = [
    "MATRIX",
    "FILAMENT",
    "PUDDLE",
    "BROKEN",
    "KIND_NAMES",
    "Realization",
    "Cluster",
    "PUDDLE_DIAMETER_RANGE",
]

#: Bond kind codes (``Cluster.kind``).
MATRIX, FILAMENT, PUDDLE, BROKEN = 0, 1, 2, 3
KIND_NAMES = ("matrix", "filament", "puddle", "broken")
#: Range of puddle diameters (bonds) for ``puddle_diameter="random"`` (:ref:`model-puddles`).
PUDDLE_DIAMETER_RANGE = (5.0, 30.0)
_CHUNK = 256  # puddle draws per chunk; fixed so prefixes are seed-stable
_MAX_IDLE_PUDDLES = 20_000  # consecutive puddles adding nothing before w is declared unreachable


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(stream,)))


class Realization:
    """Every random draw of one seed, independent of ``w``, ``w2``, ``Tc_mean``, ``sigma``.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).
    seed : int
        Master seed (non-negative).
    puddle_diameter : float or "random"
        Puddle diameter ``D`` in bonds (lattice spacings), > 0; or ``"random"`` for
        ``D`` uniform in [5, 30] per puddle.
    puddle_centres : {"skeleton", "anywhere"}
        Centre bonds drawn uniformly among skeleton bonds (paper) or among all bonds.
    growth : (m, particles, offset), optional
        DLA settings; default :func:`puddles.skeleton.default_growth`.
    """

    def __init__(self, n: int, seed: int, *, puddle_diameter=10.0, puddle_centres="skeleton", growth=None):
        self.n = lattice.validate_size(n)
        self.seed = check_seed(seed)
        puddle_diameter = check_diameter(puddle_diameter, self.n)
        self.puddle_diameter = puddle_diameter
        if puddle_centres not in ("skeleton", "anywhere"):
            raise ValueError(f"puddle_centres must be 'skeleton' or 'anywhere', got {puddle_centres!r}")
        self.puddle_centres = puddle_centres
        m, particles, offset = growth if growth is not None else default_growth(self.n)
        self.growth = (int(m), int(particles), int(offset))

        nb = lattice.n_bonds(self.n)
        self.skeleton = np.asarray(skeleton_mask(self.n, seed=self.seed, m=m, particles=particles, offset=offset))
        self.skeleton_bonds = np.flatnonzero(self.skeleton)
        if self.puddle_centres == "skeleton" and self.skeleton_bonds.size == 0:
            raise ValueError("the skeleton window is empty: puddle_centres='skeleton' has nowhere to put a puddle")
        rng = _rng(self.seed, 2)
        self.z_skeleton = rng.standard_normal(self.skeleton_bonds.size)
        self.u_skeleton = rng.random(self.skeleton_bonds.size)
        self.w_skeleton = self.skeleton_bonds.size / nb

        # Puddle sequence, grown lazily in chunks.
        self._puddle_rng = _rng(self.seed, 3)
        self.puddle_centre = np.empty(0, dtype=np.intp)
        self.puddle_d = np.empty(0)
        self.puddle_z = np.empty(0)
        # owner[b] = sequence index of the puddle owning bond b (-1: none).
        self._owner = np.full(nb, -1, dtype=np.intp)
        self._covered_count = [self.skeleton_bonds.size]  # covered bonds after 0, 1, 2, ... puddles
        self._raster_bond = np.full((2 * self.n - 1, 2 * self.n - 1), -1, dtype=np.intp)
        rr, cc = lattice.bond_raster_index(self.n)
        self._raster_bond[rr, cc] = np.arange(nb)
        self._bond_rc = (rr, cc)
        # Even-parity raster offsets up to radius _stencil_rad, sorted by squared length: the
        # stencil of any diameter is a prefix (one table serves random diameters too).
        self._stencil_rad = -1
        self._stencil_table: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    # -- puddle sequence -------------------------------------------------------------
    def _draw_chunk(self) -> None:
        rng = self._puddle_rng
        pool = self.skeleton_bonds if self.puddle_centres == "skeleton" else None
        nb = lattice.n_bonds(self.n)
        idx = rng.integers(0, pool.size if pool is not None else nb, size=_CHUNK)
        centres = pool[idx] if pool is not None else idx
        d = rng.uniform(*PUDDLE_DIAMETER_RANGE, size=_CHUNK)
        z = rng.standard_normal(_CHUNK)
        if self.puddle_diameter != "random":
            d = np.full(_CHUNK, self.puddle_diameter)
        self.puddle_centre = np.concatenate([self.puddle_centre, centres])
        self.puddle_d = np.concatenate([self.puddle_d, d])
        self.puddle_z = np.concatenate([self.puddle_z, z])

    def _stencil(self, diameter: float) -> tuple[np.ndarray, np.ndarray]:
        """Raster offsets (doubled coordinates) of bonds within D/2 of a centre bond."""
        rad = int(np.floor(diameter))
        if rad > self._stencil_rad:
            di, dj = np.mgrid[-rad : rad + 1, -rad : rad + 1]
            even = (di + dj) % 2 == 0  # bond-to-bond offsets have even parity
            di, dj = di[even], dj[even]
            d2 = di * di + dj * dj
            by_length = np.argsort(d2, kind="stable")
            self._stencil_table = (di[by_length], dj[by_length], d2[by_length])
            self._stencil_rad = rad
        assert self._stencil_table is not None  # built above on the first call
        di, dj, d2 = self._stencil_table
        # Doubled coordinates: distance <= D/2 becomes <= D.
        count = np.searchsorted(d2, diameter * diameter + 1e-9, side="right")
        return di[:count], dj[:count]

    def _add_puddle(self) -> None:
        k = len(self._covered_count) - 1  # sequence index of the new puddle
        if k >= self.puddle_centre.size:
            self._draw_chunk()
        centre = self.puddle_centre[k]
        di, dj = self._stencil(float(self.puddle_d[k]))
        size = 2 * self.n - 1
        i = self._bond_rc[0][centre] + di
        j = self._bond_rc[1][centre] + dj
        inside = (i >= 0) & (j >= 0) & (i < size) & (j < size)
        bonds = self._raster_bond[i[inside], j[inside]]
        bonds = bonds[bonds >= 0]
        bonds = bonds[self._owner[bonds] < 0]
        self._owner[bonds] = k
        new = int((~self.skeleton[bonds]).sum())  # unowned bonds are covered only if skeleton
        self._covered_count.append(self._covered_count[-1] + new)

    @cached_property
    def w_max(self) -> float:
        """Largest reachable weight: fraction of bonds within reach of a possible puddle.

        1 when centres may be anywhere; otherwise the fraction of bonds whose midpoint lies
        within ``D/2`` of some skeleton bond's midpoint (``D = 30``, the largest diameter, for
        random diameters).
        """
        if self.puddle_centres == "anywhere":
            return 1.0
        d = PUDDLE_DIAMETER_RANGE[1] if self.puddle_diameter == "random" else self.puddle_diameter
        di, dj = self._stencil(float(d))
        rad = int(np.abs(di).max()) if di.size else 0
        structure = np.zeros((2 * rad + 1, 2 * rad + 1), dtype=bool)
        structure[di + rad, dj + rad] = True
        seeds = np.zeros(self._raster_bond.shape, dtype=bool)
        seeds[self._bond_rc[0][self.skeleton_bonds], self._bond_rc[1][self.skeleton_bonds]] = True
        reach = binary_dilation(seeds, structure=structure)
        return float(reach[self._bond_rc].sum() / lattice.n_bonds(self.n))

    def puddles_for_weight(self, w: float) -> int:
        """Number of sequence puddles needed to reach superconducting weight ``w``.

        Raises
        ------
        ValueError
            If ``w`` is below the skeleton fraction or cannot be reached.
        """
        w = check_fraction("w", w)
        nb = lattice.n_bonds(self.n)
        if w < self.w_skeleton - 1e-12:
            raise ValueError(
                f"w must be at least the skeleton fraction w_skeleton = {self.w_skeleton:.4f} "
                f"(the filaments alone cover that much), got w = {w:.4f}"
            )
        if w > self.w_max + 1e-12:
            raise ValueError(
                f"w must be at most w_max = {self.w_max:.4f}: no puddle centred on the skeleton reaches the "
                f"remaining bonds (use puddle_centres='anywhere' for w up to 1), got w = {w:.4f}"
            )
        target = int(np.ceil(w * nb - 1e-9))
        idle = 0
        while self._covered_count[-1] < target:
            before = self._covered_count[-1]
            self._add_puddle()
            idle = idle + 1 if self._covered_count[-1] == before else 0
            if idle >= _MAX_IDLE_PUDDLES:
                reach = self._covered_count[-1] / nb
                raise ValueError(f"w = {w:.4f} cannot be reached with these puddles; the maximum reachable w is about {reach:.4f}")
        return int(np.searchsorted(self._covered_count, target))

    def cluster(self, w: float, w2: float) -> Cluster:
        """The cluster at superconducting weight ``w`` and broken-filament fraction ``w2``."""
        w2 = check_fraction("w2", w2)
        n_seq = self.puddles_for_weight(w)
        nb = lattice.n_bonds(self.n)
        owner = np.where(self._owner < n_seq, self._owner, -1)
        kind = np.full(nb, MATRIX, dtype=np.int8)
        z = np.full(nb, -np.inf)
        kind[self.skeleton_bonds] = FILAMENT
        z[self.skeleton_bonds] = self.z_skeleton
        broken = self.skeleton_bonds[self.u_skeleton < w2]
        kind[broken] = BROKEN
        in_puddle = owner >= 0
        kind[in_puddle] = PUDDLE
        z[in_puddle] = self.puddle_z[owner[in_puddle]]
        z[kind == BROKEN] = -np.inf
        return Cluster(
            n=self.n,
            w=float(w),
            w2=w2,
            w_skeleton=self.w_skeleton,
            w_actual=self._covered_count[n_seq] / nb,
            kind=kind,
            z=z,
            puddle=owner,
            n_puddles=int(np.unique(owner[in_puddle]).size),
        )


@dataclass(frozen=True)
class Cluster:
    """The bonds that can superconduct, and their standardised critical temperatures.

    Attributes
    ----------
    n : int
        Lattice size.
    w, w2 : float
        Requested superconducting weight and broken-filament fraction.
    w_skeleton : float
        Skeleton fraction of all bonds (the smallest possible ``w``).
    w_actual : float
        Achieved weight (the last puddle may overshoot ``w`` by a few bonds).
    kind : ndarray of int8
        Per-bond code: 0 matrix, 1 filament, 2 puddle, 3 broken filament.
    z : ndarray of float
        Standard normal of the bond's Tc draw (``-inf`` for bonds that never
        superconduct): ``Tc = Tc_mean + sigma z``.
    puddle : ndarray of int
        Sequence index of the puddle owning each bond, -1 for none.
    n_puddles : int
        Number of puddles that own at least one bond.
    """

    n: int
    w: float
    w2: float
    w_skeleton: float
    w_actual: float
    kind: np.ndarray
    z: np.ndarray
    puddle: np.ndarray
    n_puddles: int

    @cached_property
    def order(self) -> np.ndarray:
        """Bonds that can superconduct, sorted by decreasing ``z`` (ties by bond index)."""
        cand = np.flatnonzero(np.isfinite(self.z))
        return cand[np.argsort(-self.z[cand], kind="stable")]

    @cached_property
    def z_sorted(self) -> np.ndarray:
        """``z`` of :attr:`order`, non-increasing."""
        return self.z[self.order]

    def tc(self, tc_mean: float, sigma: float) -> np.ndarray:
        """Local critical temperature of every bond (``-inf`` where none)."""
        return tc_mean + sigma * self.z
