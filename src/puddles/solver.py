"""Exact solution of a resistor network with zero-resistance (superconducting) bonds.

Superconducting bonds are handled exactly, never as tiny resistors: their end nodes are
merged into super-nodes (connected components of the zero-resistance graph), together
with the two leads. If one super-node holds both leads the resistance is exactly 0.
Otherwise Kirchhoff's laws are solved for the normal bonds on the merged graph: a
weighted graph Laplacian with Dirichlet conditions V = 1 on the left lead and V = 0 on
the right lead. Super-nodes that no normal path connects to a lead carry no current and
are dropped, so the matrix is always symmetric positive definite.

Resistances may span any range a float holds: bonds so small (or so large) that they change
R by less than a relative ``EXACT_RTOL`` are merged (or opened) exactly before the solve,
with a bound proved from Rayleigh's monotonicity law (``solve_lattice``), and every answer is
checked against Kirchhoff's current balance and rigorous bounds; a solve that cannot be
trusted in double precision (e.g. half the bonds at 1e-20 R0, half at R0: both scales carry
the current) raises ``ValueError`` instead of returning a wrong number. The conductance is
computed from the dissipated power, which has no cancellation.

The sparse factorisation uses CHOLMOD (simplicial, AMD ordering, through the optional
``scikit-sparse`` package) when it is installed, otherwise SciPy's SuperLU in symmetric
mode with a minimum-degree ordering on A + A^T. Both are exact direct solvers; CHOLMOD is
2-2.5x faster on these matrices (``benchmarks/bench_solver.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from . import lattice

__all__ = [
    "Solution",
    "solve_lattice",
    "solve_graph",
    "super_node_labels",
    "laplacian_system",
    "LaplacianSystem",
    "factorize",
    "effective_resistance",
    "resistance_bounds",
    "EXACT_RTOL",
    "MAX_CONTRAST",
    "available_backends",
    "default_backend",
]

try:  # optional accelerator: CHOLMOD through scikit-sparse (needs libsuitesparse-dev to build)
    from sksparse.cholmod import cholesky as _cholmod_cholesky
except ImportError:  # pragma: no cover - depends on the environment
    _cholmod_cholesky = None


_SUPERNODAL_MIN = 150_000  # unknowns (measured crossover, one BLAS thread)

#: Relative accuracy promised by :func:`solve_lattice` for resistances of any range: bonds
#: that move R by less than this fraction are contracted (or opened) exactly.
EXACT_RTOL = 1e-12
#: Largest ratio of the typical (median) ohmic resistance to the smallest one left after the
#: exact contraction. A bond far stronger than its neighbours swamps their conductances in
#: the factorisation (1e13 + 1 loses the 1 to rounding): the potentials lose about 1e-16
#: times that ratio, the power-based conductance its square (seen: 5e-8 off at 1e12), so 1e10
#: keeps it near 1e-10; beyond, a wrong number could pass the balance check (6e-5 off at 1e21).
#: Weak bonds (large resistances, e.g. a near-critical bottleneck) do not swamp anything
#: and are not limited.
MAX_CONTRAST = 1e10
#: Tolerance of the a-posteriori bounds check (Nash-Williams/Thomson).
_CHECK_RTOL = 1e-8
#: Largest difference accepted between the conductance (computed from the dissipated power,
#: whose error is quadratic in the potentials' error) and a lead current, relative.
_BALANCE_RTOL = 1e-4


def available_backends() -> tuple[str, ...]:
    """Names of the sparse solvers usable here: ``"splu"`` always, ``"cholmod"`` if installed."""
    return ("cholmod", "splu") if _cholmod_cholesky is not None else ("splu",)


def default_backend() -> str:
    """The backend used when none is asked for (env var ``PUDDLES_SOLVER`` overrides)."""
    env = os.environ.get("PUDDLES_SOLVER")
    if env:
        return _check_backend(env)
    return available_backends()[0]


def _check_backend(backend: str | None) -> str:
    if backend is None:
        return default_backend()
    if backend not in available_backends():
        raise ValueError(f"backend must be one of {available_backends()}, got {backend!r}")
    return backend


@dataclass(frozen=True)
class Solution:
    """Result of one network solve.

    Attributes
    ----------
    resistance : float
        Two-terminal resistance between the leads, in the units of the bond
        resistances. 0.0 when a zero-resistance path joins the leads, ``inf`` when no
        path of finite resistance does.
    current : float
        Total current entering the right lead for a unit voltage (1 / resistance).
    potentials : ndarray or None
        Node potentials for V = 1 on the left lead, 0 on the right lead (nodes that
        are not connected to any lead get NaN). ``None`` unless requested; all NaN when
        the resistance is 0 (the potential drop is then not defined).
    bond_currents : ndarray or None
        Current through every bond from its first to its second end node, for V = 1.
        NaN on zero-resistance bonds (a current inside a super-node is not fixed by
        the contracted problem) and 0 on bonds that carry no current. ``None`` unless
        requested.
    n_unknowns : int
        Size of the linear system that was factorised (0 when no solve was needed).
    """

    resistance: float
    current: float
    potentials: np.ndarray | None = None
    bond_currents: np.ndarray | None = None
    n_unknowns: int = 0


def _validate_resistances(r, n_bonds: int, name: str = "r_bonds") -> np.ndarray:
    r = np.asarray(r, dtype=float)
    if r.shape != (n_bonds,):
        raise ValueError(f"{name} must have shape ({n_bonds},) (one resistance per bond), got {r.shape}")
    if np.isnan(r).any() or (r < 0).any():
        raise ValueError(f"{name} must be >= 0 (0 = superconducting, inf = open bond); found negative or NaN values")
    return r


def factorize(lower: sp.csc_matrix, backend: str | None = None):
    """Factorise an SPD matrix given by its lower triangle; return ``solve(rhs)``.

    Parameters
    ----------
    lower : scipy.sparse.csc_matrix
        Lower triangle (diagonal included) of a symmetric positive definite matrix.
    backend : {"cholmod", "splu"}, optional
        Sparse solver; default from :func:`default_backend`.

    Returns
    -------
    callable
        ``solve(rhs)`` for a vector or a 2-D block of right-hand sides.
    """
    backend = _check_backend(backend)
    if backend == "cholmod":
        # AMD measured fastest here (METIS/nested dissection orderings cost more than they save);
        # supernodal only pays off (with an optimised BLAS) on nearly unmerged large lattices.
        mode = "supernodal" if lower.shape[0] > _SUPERNODAL_MIN else "simplicial"
        return _cholmod_cholesky(lower, ordering_method="amd", mode=mode)  # reads the lower triangle
    full = (lower + sp.tril(lower, k=-1).T).tocsc()
    return splu(
        full,
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    ).solve


@dataclass(frozen=True)
class LaplacianSystem:
    """Reduced Laplacian of a contracted network with Dirichlet leads (V = 1 left, 0 right).

    Attributes
    ----------
    matrix : scipy.sparse.csc_matrix
        Lower triangle of the SPD matrix over the unknown super-nodes.
    rhs : ndarray
        Right-hand side (conductance to the left lead of every unknown).
    index : ndarray of int
        Unknown index of every super-node; -1 for the leads and floating super-nodes.
    lab_l, lab_r : int
        Super-node labels of the two leads.
    ohmic : ndarray of bool
        Which of the given bonds join two different super-nodes.
    ga, gb, g : ndarray
        Super-node ends and conductance of those bonds.
    """

    matrix: sp.csc_matrix
    rhs: np.ndarray
    index: np.ndarray
    lab_l: int
    lab_r: int
    ohmic: np.ndarray
    ga: np.ndarray
    gb: np.ndarray
    g: np.ndarray

    def potentials(self, x: np.ndarray) -> np.ndarray:
        """Potential of every super-node from the unknowns ``x`` (floating ones get 0)."""
        v = np.zeros(self.index.size)
        live = self.index >= 0
        v[live] = x[self.index[live]]
        v[self.lab_l] = 1.0
        return v

    def current(self, v: np.ndarray) -> float:
        """Total current into the right lead for super-node potentials ``v``."""
        i_ab = self.g * (v[self.ga] - v[self.gb])
        return float(i_ab[self.gb == self.lab_r].sum() - i_ab[self.ga == self.lab_r].sum())


def laplacian_system(label, a, b, g, lab_l: int, lab_r: int, live=None) -> LaplacianSystem:
    """Assemble the reduced Laplacian of the network contracted to super-nodes.

    Parameters
    ----------
    label : ndarray of int
        Super-node of every node (:func:`super_node_labels`).
    a, b : ndarray of int
        End nodes of the bonds with finite, positive resistance.
    g : ndarray of float
        Their conductances.
    lab_l, lab_r : int
        Labels of the left and right lead.
    live : ndarray of bool, optional
        Super-nodes connected to the leads; default all (a connected network).
    """
    la, lb = label[a], label[b]
    ohmic = la != lb  # bonds inside a super-node carry no potential drop
    ga, gb, g = la[ohmic], lb[ohmic], g[ohmic]
    n_super = int(label.max()) + 1
    if live is None:
        live = np.ones(n_super, dtype=bool)
    live = live.copy()
    live[lab_l] = live[lab_r] = False
    index = np.full(n_super, -1, dtype=np.intp)
    n_unk = int(live.sum())
    index[live] = np.arange(n_unk)

    ia, ib = index[ga], index[gb]
    has_a, has_b = ia >= 0, ib >= 0
    both = has_a & has_b
    diag = np.bincount(ia[has_a], g[has_a], n_unk) + np.bincount(ib[has_b], g[has_b], n_unk)
    to_left_a = has_a & (gb == lab_l)
    to_left_b = has_b & (ga == lab_l)
    rhs = np.bincount(ia[to_left_a], g[to_left_a], n_unk) + np.bincount(ib[to_left_b], g[to_left_b], n_unk)
    lo, hi = np.minimum(ia[both], ib[both]), np.maximum(ia[both], ib[both])
    diagonal = np.arange(n_unk)
    matrix = sp.csc_matrix(
        (np.concatenate([-g[both], diag]), (np.concatenate([hi, diagonal]), np.concatenate([lo, diagonal]))),
        shape=(n_unk, n_unk),
    )
    return LaplacianSystem(matrix, rhs, index, int(lab_l), int(lab_r), ohmic, ga, gb, g)


def super_node_labels(n_nodes: int, a, b, merged, left, right) -> np.ndarray:
    """Super-node label of every node: components of the ``merged`` bonds plus the leads.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    a, b : ndarray of int
        End nodes of every bond.
    merged : ndarray of bool
        Bonds whose ends are merged (zero resistance).
    left, right : ndarray of int
        Lead nodes; all nodes of one lead get one label.
    """
    za = np.concatenate([a[merged], left[:-1], right[:-1]])
    zb = np.concatenate([b[merged], left[1:], right[1:]])
    graph = sp.coo_matrix((np.ones(za.size, dtype=np.int8), (za, zb)), shape=(n_nodes, n_nodes))
    return connected_components(graph, directed=False)[1]


def solve_graph(
    n_nodes: int,
    a,
    b,
    r,
    left,
    right,
    *,
    potentials: bool = False,
    currents: bool = False,
    backend: str | None = None,
    connected: bool = False,
) -> Solution:
    """Two-terminal resistance of an arbitrary resistor network.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    a, b : array_like of int
        End nodes of every bond.
    r : array_like of float
        Bond resistances (any unit): 0 = superconducting (merged exactly),
        ``inf`` = open bond, positive finite = ohmic.
    left, right : array_like of int
        Nodes of the left lead (held at V = 1) and of the right lead (V = 0).
    potentials, currents : bool
        Also return node potentials and bond currents.
    backend : {"cholmod", "splu"}, optional
        Sparse solver; default from :func:`default_backend`.
    connected : bool
        Promise that the graph of all bonds is connected (true for the lattice); saves
        a component search when no bond is open.

    Returns
    -------
    Solution
    """
    backend = _check_backend(backend)
    a = np.asarray(a, dtype=np.intp)
    b = np.asarray(b, dtype=np.intp)
    r = _validate_resistances(r, a.shape[0], "r")
    left = np.asarray(left, dtype=np.intp)
    right = np.asarray(right, dtype=np.intp)

    zero = r == 0.0
    label = super_node_labels(n_nodes, a, b, zero, left, right)
    lab_l, lab_r = label[left[0]], label[right[0]]

    def nan_nodes():
        return np.full(n_nodes, np.nan) if potentials else None

    if lab_l == lab_r:
        bond_i = np.where(zero, np.nan, 0.0) if currents else None
        return Solution(0.0, np.inf, nan_nodes(), bond_i, 0)

    finite = np.flatnonzero((~zero) & np.isfinite(r))
    fa, fb = a[finite], b[finite]
    live = None
    # Keep only super-nodes connected to a lead through ohmic bonds. Contraction keeps a
    # connected graph connected, so with no open bond the search can be skipped.
    if not (connected and finite.size + zero.sum() == r.size):
        n_super = label.max() + 1
        conn = sp.coo_matrix((np.ones(finite.size, dtype=np.int8), (label[fa], label[fb])), shape=(n_super, n_super))
        _, comp = connected_components(conn, directed=False)
        if comp[lab_l] != comp[lab_r]:
            phi = None
            if potentials:
                phi = np.full(n_nodes, np.nan)
                phi[comp[label] == comp[lab_l]] = 1.0
                phi[comp[label] == comp[lab_r]] = 0.0
            bond_i = np.where(zero, np.nan, 0.0) if currents else None
            return Solution(np.inf, 0.0, phi, bond_i, 0)
        live = comp == comp[lab_l]

    system = laplacian_system(label, fa, fb, 1.0 / r[finite], lab_l, lab_r, live)
    n_unk = system.matrix.shape[0]
    try:
        x = factorize(system.matrix, backend)(system.rhs) if n_unk else np.zeros(0)
    except Exception as exc:  # CHOLMOD: not positive definite; SuperLU: exactly singular
        if np.isfinite(system.matrix.data).all():
            _raise_unresolved(r, exc)
        raise
    if not np.isfinite(x).all():
        _raise_unresolved(r)
    sup_v = system.potentials(x)
    dv = sup_v[system.ga] - sup_v[system.gb]
    # Dirichlet principle: with V = 1 across the leads the dissipated power sum(g dV^2) is the
    # conductance. Every term is >= 0 (no cancellation) and the error is quadratic in the
    # potentials' error, so it stays exact where a current summed at one lead loses its digits
    # (a near-critical bottleneck next to bonds a 1e15 times stronger).
    current = float(np.dot(system.g, dv * dv))
    # Kirchhoff: the current leaving the left lead, the current reaching the right one and the
    # power agree in exact arithmetic. A factorisation that lost its digits to conductances
    # spanning too many decades breaks that; one lead's current may lose digits on its own (a
    # bottleneck next to bonds 1e15 times stronger leaves only ~1e-16 potential differences
    # there), so the power must be confirmed by at least one of the two.
    i_ab = system.g * dv
    current_out = float(i_ab[system.gb == lab_r].sum() - i_ab[system.ga == lab_r].sum())
    current_in = float(i_ab[system.ga == lab_l].sum() - i_ab[system.gb == lab_l].sum())
    if not min(abs(current_in - current), abs(current_out - current)) <= _BALANCE_RTOL * current:
        _raise_unresolved(r)
    resistance = 1.0 / current if current > 0 else np.inf

    phi = None
    if potentials:
        sup_phi = np.where(system.index < 0, np.nan, sup_v)  # floating super-nodes: undefined
        sup_phi[[lab_l, lab_r]] = 1.0, 0.0
        phi = sup_phi[label]
    bond_i = None
    if currents:
        bond_i = np.zeros(a.shape[0])  # floating parts sit at one potential: no current
        bond_i[finite[system.ohmic]] = system.g * (sup_v[system.ga] - sup_v[system.gb])
        bond_i[zero] = np.nan
    return Solution(resistance, current, phi, bond_i, n_unk)


def _raise_unresolved(r: np.ndarray, cause: Exception | None = None):
    ohmic = r[(r > 0) & np.isfinite(r)]
    span = np.median(ohmic) / ohmic.min() if ohmic.size else 1.0
    raise ValueError(
        f"r_bonds: bonds {span:.1e} times stronger than the typical one that still matter (the typical "
        f"ohmic resistance may be at most {MAX_CONTRAST:.0e} times the smallest for an accurate double-precision "
        "solve); set bonds that are effectively superconducting to 0 and effectively open ones to inf"
    ) from cause


def resistance_bounds(n: int, r_bonds) -> tuple[float, float]:
    """Rigorous lower and upper bounds on the lattice's two-terminal resistance.

    The lower bound (Nash-Williams) sums, over the ``n - 1`` disjoint column cuts of
    horizontal bonds, the resistance of each cut's bonds in parallel; the upper bound
    (Thomson) is the ``n`` rows of horizontal bonds as parallel series paths.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).
    r_bonds : array_like, shape (2 n (n - 1),)
        Bond resistances (0 superconducting, inf open), any unit.

    Returns
    -------
    (float, float)
        ``(R_low, R_high)`` in the units of ``r_bonds``; may be 0 or inf.
    """
    h = np.asarray(r_bonds, dtype=float)[: lattice.n_horizontal(n)].reshape(n, n - 1)
    with np.errstate(divide="ignore"):
        r_low = float(np.sum(1.0 / np.sum(1.0 / h, axis=0)))
        r_high = float(1.0 / np.sum(1.0 / np.sum(h, axis=1)))
    return r_low, r_high


def _contract_extremes(n: int, r: np.ndarray) -> np.ndarray:
    """Resistances with the bonds that cannot matter at ``EXACT_RTOL`` set to exactly 0 or inf.

    Rayleigh: dR/dr_e = (I_e / I)^2 <= 1, so setting bonds of total resistance S to 0 lowers R
    by at most S; choosing S <= EXACT_RTOL * R_low keeps the relative error below EXACT_RTOL.
    Likewise (dC/dg_e = dV_e^2 <= 1 for the conductance C = 1/R) opening bonds of total
    conductance <= EXACT_RTOL / R_high changes C by less than EXACT_RTOL. This is what makes
    a bond at 1e-17 among bonds at 1 solvable: the matrix never sees both scales. (Bonds that
    matter at both scales, e.g. half of them at 1e-20, remain; the checks then refuse.)
    """
    r_low, r_high = resistance_bounds(n, r)
    finite = np.isfinite(r) & (r > 0)
    budget = EXACT_RTOL / (2 * r.size)
    out = r.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out[finite & (r <= budget * r_low)] = 0.0
        out[finite & (1.0 / r <= budget / np.float64(r_high)) & (out > 0)] = np.inf
    return out


def solve_lattice(n: int, r_bonds, **kwargs) -> Solution:
    """Solve the ``n x n`` lattice with per-bond resistances.

    Resistances may span any range: bonds that change R by less than a relative
    ``EXACT_RTOL`` (1e-12) are merged exactly (tiny ones) or opened (huge ones) before the
    solve (a bound from Rayleigh's monotonicity law); the result is checked against
    :func:`resistance_bounds` and the lead-current balance.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).
    r_bonds : array_like, shape (2 n (n - 1),)
        Resistance of every bond in the documented bond order (any unit; 0 =
        superconducting, ``inf`` = open).
    **kwargs
        ``potentials``, ``currents``, ``backend`` as in :func:`solve_graph`.
    """
    n = lattice.validate_size(n)
    a, b = lattice.bond_endpoints(n)
    r_bonds = _validate_resistances(r_bonds, lattice.n_bonds(n))
    left, right = lattice.lead_nodes(n)
    contracted = _contract_extremes(n, r_bonds)
    ohmic = contracted[(contracted > 0) & np.isfinite(contracted)]
    if ohmic.size and np.median(ohmic) > MAX_CONTRAST * ohmic.min():
        _raise_unresolved(contracted)
    solution = solve_graph(n * n, a, b, contracted, left, right, connected=True, **kwargs)
    r_low, r_high = resistance_bounds(n, r_bonds)
    if not r_low * (1 - _CHECK_RTOL) <= solution.resistance <= r_high * (1 + _CHECK_RTOL):
        _raise_unresolved(r_bonds)
    return solution


def effective_resistance(n: int, r_bonds, *, backend: str | None = None) -> float:
    """Two-terminal resistance of the ``n x n`` lattice between its left and right leads.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).
    r_bonds : array_like, shape (2 n (n - 1),)
        Resistance of every bond in the documented bond order, in any unit; 0 means
        superconducting (exact contraction), ``inf`` an open bond.
    backend : {"cholmod", "splu"}, optional
        Sparse solver.

    Returns
    -------
    float
        R in the units of ``r_bonds``: exactly 0.0 when zero-resistance bonds join the
        leads; for uniform ``r0`` it is ``r0 (n - 1) / n``. Relative accuracy: the
        contraction error ``EXACT_RTOL`` (1e-12) plus rounding, which grows with how much
        stronger than the typical bond the remaining strongest bond is; that ratio is
        limited to ``MAX_CONTRAST`` (1e10), which keeps the error near 1e-10 (tested to 1e-8);
        otherwise a ``ValueError`` (see :func:`solve_lattice`).

    Raises
    ------
    ValueError
        Naming ``r_bonds`` when its shape or values are invalid, or when the remaining
        resistances span so many decades that no double-precision solve can be trusted.
    """
    return solve_lattice(n, r_bonds, backend=backend).resistance
