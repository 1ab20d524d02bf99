"""Critical current of a network of superconducting bonds: maximum flow and minimum cut.

In the zero-voltage state a supercurrent may split among all superconducting paths in
any way that keeps every bond below its own critical current ``Ic_i``. The largest
lead-to-lead current with that property is the maximum flow of the superconducting
subgraph with capacities ``Ic_i`` (every lead column merged into one source or sink;
normal bonds have capacity 0). By the max-flow/min-cut theorem it equals the smallest
total capacity of a set of bonds whose removal separates the leads: that set is the set
of *weakest links* which limits the current.

Assumptions and limits: current redistributes freely among superconducting paths (no
phase constraint around loops, no self-field, no thermal or quantum phase slips), so for
a Josephson network with loop phase constraints the value is an upper bound of the true
critical current; normal bonds carry no current in the zero-voltage state.

The maximum flow is computed with SciPy's Dinic algorithm
(:func:`scipy.sparse.csgraph.maximum_flow`), which needs integer capacities. Capacities
are scaled by ``S`` (the largest factor that keeps every residual capacity inside int32)
and rounded down. With ``F`` the exact maximum flow and ``C`` the exact capacity of the
minimum cut that is found, the returned result satisfies, exactly,

    ``value <= F <= cut_capacity < value + len(cut) / S``,

because rounding down lowers every capacity by less than ``1/S`` and a flow that fits the
rounded capacities fits the exact ones (``value`` is the value of a real, feasible
current distribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from . import lattice
from .solver import super_node_labels

__all__ = ["MaxFlow", "max_flow", "lattice_max_flow", "lattice_max_flow_sequence", "INT_CAPACITY"]

#: Largest integer capacity (and flow) SciPy's ``maximum_flow`` handles (int32).
INT_CAPACITY = 2**31 - 1


@dataclass(frozen=True)
class MaxFlow:
    """Maximum lead-to-lead flow of a capacitated network and its minimum cut.

    Attributes
    ----------
    value : float
        Value of a feasible flow that is maximal up to the rounding bound: the critical
        current, in the units of the capacities.
    cut : ndarray of int
        Indices of the bonds in a minimum cut (the weakest links), increasing; empty
        when no superconducting path joins the leads.
    cut_capacity : float
        Exact (unrounded) total capacity of ``cut``: an upper bound of the exact maximum flow.
    scale : float
        Integer scaling factor ``S`` (capacity units to integers); 0 when no solve was needed.
    """

    value: float
    cut: np.ndarray
    cut_capacity: float
    scale: float

    @property
    def error_bound(self) -> float:
        """Bound on ``exact maximum flow - value``: ``len(cut) / scale`` (0 without a solve)."""
        return 0.0 if self.scale == 0 else self.cut.size / self.scale


_EMPTY = MaxFlow(0.0, np.zeros(0, dtype=np.intp), 0.0, 0.0)


def max_flow(n_nodes: int, a, b, capacity, left, right) -> MaxFlow:
    """Maximum flow between two leads of an undirected network.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    a, b : array_like of int
        End nodes of every bond.
    capacity : array_like of float
        Capacity of every bond (finite, >= 0; 0 = the bond carries no current).
    left, right : array_like of int
        Nodes of the two leads (each lead is merged into one node).

    Returns
    -------
    MaxFlow
    """
    a = np.asarray(a, dtype=np.intp)
    b = np.asarray(b, dtype=np.intp)
    cap = np.asarray(capacity, dtype=float)
    if cap.shape != a.shape:
        raise ValueError(f"capacity must have one entry per bond ({a.size}), got shape {cap.shape}")
    if not np.isfinite(cap).all() or (cap < 0).any():
        raise ValueError("capacity must be finite and >= 0 (0 = a bond that carries no current)")
    label = super_node_labels(n_nodes, a, b, np.zeros(a.size, dtype=bool), np.asarray(left), np.asarray(right))
    return _labelled_max_flow(label[a], label[b], cap, int(label[left[0]]), int(label[right[0]]))


def _labelled_max_flow(la, lb, cap, src: int, snk: int) -> MaxFlow:
    """:func:`max_flow` on bonds given by their (lead-merged) end labels ``la``, ``lb``."""
    use = np.flatnonzero((cap > 0) & (la != lb))  # bonds inside a lead carry nothing
    if use.size == 0:
        return _EMPTY
    ua, ub, uc = la[use], lb[use], cap[use]
    # Compact node numbering: only nodes on a used bond, so the graph scales with the cluster.
    present = np.zeros(max(int(ua.max()), int(ub.max()), src, snk) + 1, dtype=bool)
    present[ua] = present[ub] = present[src] = present[snk] = True
    new = np.cumsum(present) - 1
    ia, ib, s, t = new[ua], new[ub], int(new[src]), int(new[snk])
    m = int(new[-1]) + 1
    # No flow exceeds the capacity leaving the source, so capping capacities there is exact;
    # half the int32 range leaves room for residual capacities (up to twice a capacity).
    out_src = uc[(ia == s) | (ib == s)].sum()
    if out_src == 0:
        return _EMPTY
    scale = np.floor(INT_CAPACITY / (2.0 * out_src * (1.0 + 1e-12)))
    icap = np.floor(np.minimum(uc, out_src) * scale).astype(np.int64)
    rows = np.concatenate([ia, ib])
    cols = np.concatenate([ib, ia])
    graph = sp.csr_array((np.concatenate([icap, icap]), (rows, cols)), shape=(m, m))  # parallel bonds add up
    graph.sum_duplicates()
    graph.data = np.minimum(graph.data, INT_CAPACITY).astype(np.int32)
    res = maximum_flow(graph, s, t, method="dinic")
    # Source side of the minimum cut: nodes reachable from the source in the residual graph.
    residual = (graph - res.flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    side = np.zeros(m, dtype=bool)
    side[breadth_first_order(residual, s, directed=True, return_predecessors=False)] = True
    crossing = side[ia] != side[ib]
    cut = np.sort(use[crossing])
    return MaxFlow(float(res.flow_value) / scale, cut, float(cap[cut].sum()), float(scale))


def lattice_max_flow(n: int, capacity) -> MaxFlow:
    """Maximum flow between the left and right leads of the ``n x n`` lattice.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).
    capacity : array_like, shape (2 n (n - 1),)
        Capacity of every bond in the documented bond order (0 on normal bonds).
    """
    n = lattice.validate_size(n)
    a, b = lattice.bond_endpoints(n)
    if np.shape(capacity) != a.shape:
        raise ValueError(f"capacity must have shape ({a.size},) (one value per bond), got {np.shape(capacity)}")
    cap = np.asarray(capacity, dtype=float)
    if not np.isfinite(cap).all() or (cap < 0).any():
        raise ValueError("capacity must be finite and >= 0 (0 = a bond that carries no current)")
    la, lb, src, snk = _lead_merged_ends(n)
    return _labelled_max_flow(la, lb, cap, src, snk)


@lru_cache(maxsize=8)
def _lead_merged_ends(n: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Bond ends of the lattice with each lead column merged into its first node."""
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    label = np.arange(n * n)
    label[left], label[right] = left[0], right[0]
    return label[a], label[b], int(left[0]), int(right[0])


def lattice_max_flow_sequence(n: int, capacities) -> list[MaxFlow]:
    """Maximum flows of the ``n x n`` lattice for a sequence of growing capacities.

    A critical-current curve visited from high to low temperature only ever raises the bond
    capacities (a bond's Ic grows as T falls, and new bonds join). So the flow found at one
    temperature is feasible at the next, and only the increment is searched for: the maximum
    flow of the residual network (the textbook warm start), which takes a few Dinic phases
    instead of a solve from scratch. All steps share one integer scale ``S`` (set by the
    largest capacities), so the values are exactly non-decreasing along the sequence and each
    obeys the bound of :class:`MaxFlow`.

    Parameters
    ----------
    n : int
        Lattice size.
    capacities : sequence of array_like, each of shape (2 n (n - 1),)
        Bond capacities (finite, >= 0), each elementwise >= the previous one (a step where
        a capacity falls, or any step when they do not grow, is still exact: it is solved from
        zero flow). Only ``len`` and indexing are used, one item at a time, so a lazy sequence
        keeps memory flat. The last step must hold the largest capacity of every bond (it
        fixes the graph and the scale).

    Returns
    -------
    list of MaxFlow
        One per step, as :func:`lattice_max_flow` would return it with scale ``S``.
    """
    n = lattice.validate_size(n)
    la, lb, src, snk = _lead_merged_ends(n)

    def checked(c):
        c = np.asarray(c, dtype=float)
        if c.shape != la.shape:
            raise ValueError(f"capacities must have shape ({la.size},) (one value per bond), got {c.shape}")
        if not np.isfinite(c).all() or (c < 0).any():
            raise ValueError("capacity must be finite and >= 0 (0 = a bond that carries no current)")
        return c

    if len(capacities) == 0:
        return []
    top = checked(capacities[len(capacities) - 1])  # the largest capacities fix the graph and the scale
    use = np.flatnonzero((top > 0) & (la != lb))
    if use.size == 0:
        return [_EMPTY] * len(capacities)
    ua, ub = la[use], lb[use]
    present = np.zeros(n * n, dtype=bool)
    present[ua] = present[ub] = present[src] = present[snk] = True
    new = np.cumsum(present) - 1
    ia, ib, s, t = new[ua], new[ub], int(new[src]), int(new[snk])
    m = int(new[-1]) + 1
    # One arc pair per node pair: parallel bonds (two leads joined directly, n = 2) add up.
    lo, hi = np.minimum(ia, ib), np.maximum(ia, ib)
    pairs, pair_of = np.unique(lo * m + hi, return_inverse=True)
    pu, pv = np.divmod(pairs, m)
    n_pairs = pairs.size
    graph = sp.csr_array(
        (np.arange(1, 2 * n_pairs + 1), (np.concatenate([pu, pv]), np.concatenate([pv, pu]))), shape=(m, m)
    )
    graph.sort_indices()
    slot = np.empty(2 * n_pairs, dtype=np.intp)  # arc -> position in graph.data
    slot[graph.data - 1] = np.arange(2 * n_pairs)
    rows = np.repeat(np.arange(m), np.diff(graph.indptr))  # row of every stored arc
    at_source = (ia == s) | (ib == s)
    out_max = top[use][at_source].sum()
    if out_max == 0:
        return [_EMPTY] * len(capacities)
    scale = np.floor(INT_CAPACITY / (2.0 * out_max * (1.0 + 1e-12)))
    ceiling = np.floor(out_max * scale)  # no arc carries more than the source can send: capping is exact
    phi = np.zeros(n_pairs, dtype=np.int64)  # net integer flow pu -> pv
    total = 0
    prev: np.ndarray = np.zeros(n_pairs, dtype=np.int64)
    out = []
    for i in range(len(capacities)):
        c = top if i == len(capacities) - 1 else checked(capacities[i])
        if (c > top).any():
            raise ValueError("capacities: the last step must hold the largest capacity of every bond")
        cu = c[use]
        icap = np.minimum(np.bincount(pair_of, np.floor(np.minimum(cu, out_max) * scale), n_pairs), ceiling)
        icap = icap.astype(np.int64)
        if (icap < prev).any():  # a capacity fell: the previous flow may not fit, start from zero
            phi[:] = 0
            total = 0
        prev = icap
        data: np.ndarray = np.empty(2 * n_pairs, dtype=np.int32)
        data[slot[:n_pairs]] = icap - phi
        data[slot[n_pairs:]] = icap + phi
        graph.data = data
        res = maximum_flow(graph, s, t, method="dinic")
        flow = np.asarray(res.flow[rows, graph.indices]).ravel().astype(np.int64)  # on every arc, data order
        phi += flow[slot[:n_pairs]]
        total += int(res.flow_value)
        # Source side of the minimum cut: reachable from the source along arcs with residual capacity.
        reach = sp.csr_array(((data - flow > 0).astype(np.int8), graph.indices.copy(), graph.indptr.copy()), shape=(m, m))
        reach.eliminate_zeros()
        side = np.zeros(m, dtype=bool)
        side[breadth_first_order(reach, s, directed=True, return_predecessors=False)] = True
        cut = np.sort(use[side[ia] != side[ib]])
        out.append(MaxFlow(total / scale, cut, float(c[cut].sum()), float(scale)))
    return out
