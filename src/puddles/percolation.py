"""Superconducting percolation between the leads: the exact percolation threshold and
the spanning cluster.

Bonds join the superconducting set in decreasing order of their local Tc, so the set at
any temperature is a prefix of one fixed bond order. The percolation temperature Tp is
the Tc of the bond whose addition first joins the two leads (:ref:`model-solver`); the
leads-joined property is monotone in the prefix length, so the first joining prefix is
found exactly by bisection on connected components (scipy.sparse.csgraph), which gives
the same bond as a sequential union-find but with O(log K) vectorised passes.
"""

from __future__ import annotations

import numpy as np

from . import lattice
from .solver import super_node_labels

__all__ = ["superconducting_labels", "leads_joined", "percolation_index", "spanning_bonds"]


def superconducting_labels(n: int, sc: np.ndarray) -> np.ndarray:
    """Super-node label of every node: components of superconducting bonds plus the leads.

    Parameters
    ----------
    n : int
        Lattice size.
    sc : ndarray of bool, shape (2 n (n - 1),)
        Superconducting bonds.

    Returns
    -------
    ndarray of int, shape (n * n,)
        Component label per node; all left-lead nodes share one label, likewise the
        right-lead nodes.
    """
    a, b = lattice.bond_endpoints(n)
    left, right = lattice.lead_nodes(n)
    return super_node_labels(n * n, a, b, sc, left, right)


def leads_joined(n: int, sc: np.ndarray) -> bool:
    """True when superconducting bonds connect the left and the right lead."""
    label = superconducting_labels(n, sc)
    left, right = lattice.lead_nodes(n)
    return bool(label[left[0]] == label[right[0]])


def percolation_index(n: int, order: np.ndarray) -> int | None:
    """Smallest prefix length ``k`` of ``order`` whose bonds join the two leads.

    Parameters
    ----------
    n : int
        Lattice size.
    order : ndarray of int
        Bond indices in the order they become superconducting (decreasing Tc).

    Returns
    -------
    int or None
        ``k`` such that bonds ``order[:k]`` join the leads and ``order[:k-1]`` do not
        (so ``order[k-1]`` is the bond that closes the path); ``None`` if even the full
        order never joins them.
    """
    nb = lattice.n_bonds(n)

    def joined(k: int) -> bool:
        sc = np.zeros(nb, dtype=bool)
        sc[order[:k]] = True
        return leads_joined(n, sc)

    if order.size == 0 or not joined(order.size):
        return None
    lo, hi = 0, order.size  # joined(lo) is False (no bond at all never joins n >= 2 leads), joined(hi) True
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if joined(mid):
            hi = mid
        else:
            lo = mid
    return hi


def spanning_bonds(n: int, sc: np.ndarray) -> np.ndarray:
    """Superconducting bonds of the cluster that joins the two leads (empty mask if none).

    Lead-to-lead shortcuts through the lead columns themselves are excluded: a bond is
    part of the spanning cluster when it is superconducting and its end nodes lie in the
    super-node that holds both leads.
    """
    label = superconducting_labels(n, sc)
    left, right = lattice.lead_nodes(n)
    if label[left[0]] != label[right[0]]:
        return np.zeros_like(sc, dtype=bool)
    a, _ = lattice.bond_endpoints(n)
    return sc & (label[a] == label[left[0]])
