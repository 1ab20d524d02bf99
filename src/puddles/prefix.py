"""Exact conductance of many prefixes of one bond order, with shared factorisations.

With common random numbers the superconducting bonds at any temperature are the first
``k`` bonds of one fixed order, so an R(T) curve asks for the conductance ``G(k)`` of
the lattice at a sorted list of prefix lengths. Solving every ``k`` from scratch costs
one sparse factorisation each. This module shares them (the README's section on speed):

* A *group* of neighbouring prefixes ``k_0 < k_1 < ... < k_m`` is solved from one
  factorisation of the merged network at ``k_0``. Every later superconducting bond whose
  ends are not yet joined is an exact equality constraint ``v_p = v_q`` between two
  super-nodes (the zero-resistance limit of a Woodbury update). With ``C`` the constraint
  rows, ``d`` their lead values, ``A`` the reduced Laplacian and ``v`` its solution,
  the constrained minimum of the dissipated power gives, exactly,

  ``G(k) = G(k_0) + y_J^T S_J^{-1} y_J``,  ``S = C A^{-1} C^T``,  ``y = C v - d``,

  where ``J`` are the first constraints (those with rank below ``k``). With the dense
  Cholesky factor ``S = L L^T`` and ``u = L^{-1} y`` every prefix is a partial sum:
  ``G(k) = G(k_0) + sum_{j < J(k)} u_j^2``. A group costs one factorisation plus one
  forward/back solve per constraint.
* Bonds that close a superconducting loop add no constraint. Which bonds those are is
  read once from a minimum spanning forest (Kruskal order = the bond order), which also
  gives the number of super-nodes of every prefix, hence the size of every system.
* How to cut the sorted prefixes into groups is a small dynamic programme on a measured
  cost model (factorisation ~ ``FACTOR_COLUMNS`` column solves, both growing as
  ``n^1.35`` in the number of unknowns).

Groups are independent, so a batch of them runs in a process pool
(:mod:`puddles.transport`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import LinAlgError, cholesky, solve_triangular
from scipy.sparse.csgraph import minimum_spanning_tree

from . import lattice
from .percolation import superconducting_labels
from .solver import factorize, laplacian_system

__all__ = [
    "Group",
    "forest_ranks",
    "n_super_nodes",
    "plan_groups",
    "group_arguments",
    "group_conductances",
    "FACTOR_COLUMNS",
]

#: Measured cost of one assembly + sparse factorisation in units of one column solve with
#: that factor (CHOLMOD on these lattices: 40-80 for 3x10^3 - 1.6x10^5 unknowns).
FACTOR_COLUMNS = 60.0
#: Column solves run in blocks of about this many bytes of right-hand sides: a block that
#: stays in cache while the factor streams past is up to 2x faster per column than a wide one.
_BLOCK_BYTES = 2e6
#: Most targets one factorisation serves (bounds the planner's work and the dense S).
_MAX_TARGETS = 256


def forest_ranks(n: int, order: np.ndarray) -> np.ndarray:
    """Positions in ``order`` of the bonds that join two different super-nodes.

    Adding ``order[0], order[1], ...`` one by one, a bond either joins two super-nodes
    (leads count as one super-node each) or closes a superconducting loop. The joining
    ones are the edges of the minimum spanning forest when bond ``order[i]`` weighs
    ``i`` (Kruskal), computed here in one ``scipy.sparse.csgraph`` call.

    Parameters
    ----------
    n : int
        Lattice size.
    order : ndarray of int
        Bond indices in the order they become superconducting.

    Returns
    -------
    ndarray of int
        Increasing positions ``i`` (into ``order``) of the joining bonds. The number of
        super-nodes of the prefix of length ``k`` is
        ``n**2 - 2 (n - 1) - searchsorted(ranks, k)``.
    """
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    order = np.asarray(order, dtype=np.intp)
    # The lead chains come first (weight 1) so that each lead is one super-node from the
    # start; bonds inside a lead column are left out (they duplicate a chain edge).
    col = np.arange(n * n) % n
    ca, cb = col[a[order]], col[b[order]]
    keep = ~((ca == cb) & ((ca == 0) | (ca == n - 1)))
    rows = np.concatenate([left[:-1], right[:-1], a[order[keep]]])
    cols = np.concatenate([left[1:], right[1:], b[order[keep]]])
    weight = np.concatenate([np.ones(2 * (n - 1)), np.flatnonzero(keep) + 2.0])
    graph = sp.csr_matrix((weight, (rows, cols)), shape=(n * n, n * n))
    forest = minimum_spanning_tree(graph)
    w = forest.data
    return np.sort(w[w >= 2].astype(np.int64) - 2)


def n_super_nodes(n: int, ranks: np.ndarray, k) -> np.ndarray:
    """Number of super-nodes (both leads included) of the prefixes of length ``k``."""
    return n * n - 2 * (n - 1) - np.searchsorted(ranks, k, side="left")


@dataclass(frozen=True)
class Group:
    """Prefixes solved from one factorisation: ``base`` and the ``targets`` above it.

    ``cost`` is the planner's estimate, in units of one column solve at 10^4 unknowns.
    """

    base: int
    targets: tuple[int, ...]
    cost: float = 0.0


def _column_cost(n_unknowns) -> np.ndarray:
    """Relative cost of one column solve (forward + back) with a factor of this size."""
    return (np.asarray(n_unknowns, dtype=float) / 1e4) ** 1.35


def plan_groups(n: int, ranks: np.ndarray, ks) -> list[Group]:
    """Cut sorted prefix lengths into groups of least total estimated cost.

    Parameters
    ----------
    n : int
        Lattice size.
    ranks : ndarray of int
        :func:`forest_ranks` of the bond order.
    ks : sequence of int
        Distinct prefix lengths to solve, all below the percolation index.

    Returns
    -------
    list of Group
        Groups in increasing ``k``; every ``k`` is either a base or a target of one group.
    """
    ks = np.unique(np.asarray(ks, dtype=np.int64))
    m = ks.size
    if m == 0:
        return []
    unknowns = n_super_nodes(n, ranks, ks) - 2
    col = _column_cost(unknowns)
    best = np.zeros(m + 1)  # best[j]: least cost of ks[:j]
    start = np.zeros(m, dtype=np.int64)
    group_cost = np.zeros(m)
    for j in range(m):
        i0 = max(0, j - _MAX_TARGETS)
        # ks[i..j] from one factorisation at ks[i]: the constraints are the drop in the
        # number of super-nodes; the dense Cholesky of S is the cubic term.
        n_con = unknowns[i0 : j + 1] - unknowns[j]
        cost = col[i0 : j + 1] * (FACTOR_COLUMNS + n_con) + (n_con / 150.0) ** 3
        options = best[i0 : j + 1] + cost
        i = int(np.argmin(options))
        best[j + 1], start[j], group_cost[j] = options[i], i0 + i, cost[i]
    groups = []
    j = m - 1
    while j >= 0:
        i = int(start[j])
        groups.append(Group(int(ks[i]), tuple(ks[i + 1 : j + 1].tolist()), float(group_cost[j])))
        j = i - 1
    return groups[::-1]


def group_arguments(order: np.ndarray, ranks: np.ndarray, group: Group) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(merged, joining, counts)`` for :func:`group_conductances` from the bond order."""
    lo, hi = np.searchsorted(ranks, [group.base, group.targets[-1] if group.targets else group.base])
    in_range = ranks[lo:hi]
    counts = np.searchsorted(in_range, group.targets, side="left")
    return order[: group.base], order[in_range], counts


def group_conductances(n: int, merged, joining, counts, backend=None) -> tuple[float, np.ndarray]:
    """Exact conductances (units of 1/R0) of one base prefix and of prefixes above it.

    Parameters
    ----------
    n : int
        Lattice size.
    merged : ndarray of int
        Superconducting bonds of the base prefix (its super-nodes must not join the leads).
    joining : ndarray of int
        Later superconducting bonds that each join two different super-nodes, in order
        (the bonds that close loops left out, see :func:`forest_ranks`).
    counts : sequence of int
        For every target prefix, how many of ``joining`` it contains (``<= len(joining)``;
        no target may join the leads).
    backend : str, optional
        Sparse solver (see :func:`puddles.solver.factorize`).

    Returns
    -------
    g_base : float
        Conductance of the base prefix.
    g_targets : ndarray
        Conductance of every target prefix.
    """
    counts = np.asarray(counts, dtype=np.intp)
    n_con = int(counts.max()) if counts.size else 0
    joining = np.asarray(joining)[:n_con]
    label, system, solve, v = _factorised(n, merged, backend)
    g_base = system.current(v)
    if n_con == 0:
        return g_base, np.full(counts.size, g_base)

    a, b = lattice.bond_endpoints(n)
    p, q = label[a[joining]], label[b[joining]]
    y = v[p] - v[q]  # constraint residuals C v - d
    ip, iq = system.index[p], system.index[q]  # -1 on a lead: that side of the row is a constant
    n_unk = system.matrix.shape[0]
    s = np.empty((n_con, n_con))
    block = max(8, min(64, int(_BLOCK_BYTES // (8 * max(n_unk, 1)))))
    for j0 in range(0, n_con, block):
        j1 = min(n_con, j0 + block)
        cols = np.arange(j1 - j0)
        rhs = np.zeros((n_unk + 1, j1 - j0))  # the extra last row soaks up the lead entries
        rhs[ip[j0:j1], cols] += 1.0
        rhs[iq[j0:j1], cols] -= 1.0
        x = np.zeros_like(rhs)
        x[:-1] = solve(rhs[:-1])
        s[:, j0:j1] = x[ip] - x[iq]
    try:
        chol = cholesky(0.5 * (s + s.T), lower=True, check_finite=False)
    except LinAlgError:
        # S is SPD in exact arithmetic (the joining bonds form a forest); should rounding
        # ever say otherwise, solve every target on its own rather than fail.
        alone = [_factorised(n, np.concatenate([merged, joining[:c]]), backend) for c in counts]
        return g_base, np.array([sys_c.current(v_c) for _, sys_c, _, v_c in alone])
    u = solve_triangular(chol, y, lower=True, check_finite=False)
    partial = g_base + np.concatenate([[0.0], np.cumsum(u * u)])
    return g_base, partial[counts]


def _factorised(n: int, merged, backend):
    """Contract ``merged`` and solve: ``(label, system, solve, v)``, ``v`` per super-node."""
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    mask = np.zeros(a.size, dtype=bool)
    mask[merged] = True
    label = superconducting_labels(n, mask)
    lab_l, lab_r = label[left[0]], label[right[0]]
    if lab_l == lab_r:
        raise ValueError("the base prefix joins the leads: its conductance is infinite")
    system = laplacian_system(label, a, b, np.ones(a.size), lab_l, lab_r)
    solve = factorize(system.matrix, backend)
    return label, system, solve, system.potentials(solve(system.rhs))  # leads at 1 and 0
