"""Square-lattice geometry: nodes, bonds, their documented order and the raster view.

Conventions (:ref:`model-lattice`)
----------------------------------
* ``n x n`` nodes; node ``(r, c)`` has row ``r`` (top to bottom) and column ``c``
  (left to right) and flat index ``r * n + c``.
* Bonds are numbered horizontal first, row-major by ``(r, c)`` with ``c < n - 1``
  (index ``r * (n - 1) + c``), then vertical, row-major by ``(r, c)`` with
  ``r < n - 1`` (index ``n * (n - 1) + r * n + c``). There are ``2 n (n - 1)`` bonds.
* Every node of column 0 is the left lead (potential V), every node of column
  ``n - 1`` the right lead (potential 0). Top and bottom edges are open.

The raster view puts node ``(r, c)`` at pixel ``(2r, 2c)``, the horizontal bond
``(r, c)-(r, c+1)`` at ``(2r, 2c+1)`` and the vertical bond ``(r, c)-(r+1, c)`` at
``(2r+1, 2c)``, in a ``(2n - 1) x (2n - 1)`` image. Pixels ``(odd, odd)`` are plaquette
centres and hold no bond.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .validation import MAX_SIZE, MIN_SIZE, check_int

__all__ = [
    "validate_size",
    "n_bonds",
    "n_horizontal",
    "bond_endpoints",
    "bond_midpoints",
    "bond_index",
    "bond_raster_index",
    "bonds_to_raster",
    "lead_nodes",
    "normal_resistance",
]



def validate_size(n) -> int:
    """Return ``n`` as an int after checking it is a lattice size in [2, 2000].

    Raises
    ------
    ValueError
        If ``n`` is not an integer in the allowed range.
    """
    return check_int("n (lattice size)", n, MIN_SIZE, MAX_SIZE)


def n_horizontal(n: int) -> int:
    """Number of horizontal bonds, ``n (n - 1)``."""
    return n * (n - 1)


def n_bonds(n: int) -> int:
    """Total number of bonds of the ``n x n`` lattice, ``2 n (n - 1)``."""
    return 2 * n * (n - 1)


@lru_cache(maxsize=16)
def _endpoints(n: int) -> tuple[np.ndarray, np.ndarray]:
    r, c = np.divmod(np.arange(n * (n - 1)), n - 1)
    h_a = r * n + c
    rv, cv = np.divmod(np.arange(n * (n - 1)), n)
    v_a = rv * n + cv
    a = np.concatenate([h_a, v_a])
    b = np.concatenate([h_a + 1, v_a + n])
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def bond_endpoints(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat node indices of the two ends of every bond, in bond order.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).

    Returns
    -------
    a, b : ndarray of int, shape (2 n (n - 1),)
        ``a`` is the left (horizontal) or upper (vertical) end, ``b`` the other.
        The arrays are read-only and cached.
    """
    return _endpoints(validate_size(n))


def bond_midpoints(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates of every bond midpoint, in lattice spacings.

    Returns
    -------
    row, col : ndarray of float, shape (2 n (n - 1),)
        Horizontal bond ``(r, c)-(r, c+1)`` has midpoint ``(r, c + 1/2)``, vertical bond
        ``(r, c)-(r+1, c)`` has ``(r + 1/2, c)``.
    """
    a, b = bond_endpoints(n)
    ra, ca = np.divmod(a, n)
    rb, cb = np.divmod(b, n)
    return 0.5 * (ra + rb), 0.5 * (ca + cb)


def bond_index(n: int, r, c, horizontal) -> np.ndarray:
    """Bond index of the bond leaving node ``(r, c)`` to the right or downwards.

    Parameters
    ----------
    n : int
        Lattice size.
    r, c : int or array of int
        Node of the left (horizontal) or upper (vertical) end.
    horizontal : bool or array of bool
        True for the bond ``(r, c)-(r, c+1)``, False for ``(r, c)-(r+1, c)``.
    """
    n = validate_size(n)
    r, c, horizontal = np.broadcast_arrays(np.asarray(r), np.asarray(c), np.asarray(horizontal, dtype=bool))
    if np.any((r < 0) | (c < 0) | (r >= n) | (c >= n)):
        raise ValueError(f"node (r, c) must lie in [0, {n - 1}]^2")
    if np.any(horizontal & (c >= n - 1)) or np.any(~horizontal & (r >= n - 1)):
        raise ValueError("bond leaves the lattice: horizontal bonds need c < n-1, vertical bonds r < n-1")
    return np.where(horizontal, r * (n - 1) + c, n * (n - 1) + r * n + c)


@lru_cache(maxsize=16)
def _raster_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = _endpoints(n)
    rows, cols = a // n + b // n, a % n + b % n  # twice the midpoint: exact integers
    rows.setflags(write=False)
    cols.setflags(write=False)
    return rows, cols


def bond_raster_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel (row, column) of every bond in the ``(2n-1) x (2n-1)`` raster view (read-only, cached)."""
    return _raster_index(validate_size(n))


def bonds_to_raster(values, n: int, *, node_value=None, empty_value=None) -> np.ndarray:
    """Paint a per-bond array into the ``(2n-1) x (2n-1)`` raster view.

    Parameters
    ----------
    values : array_like, shape (2 n (n - 1),) or (2 n (n - 1), k)
        One value (or one k-vector, e.g. an RGB colour) per bond in bond order.
    n : int
        Lattice size.
    node_value, empty_value : scalar or k-vector, optional
        Fill for node pixels and plaquette-centre pixels. Default: node pixels take the
        value of a neighbouring bond so the image has no grid holes; plaquette centres 0.

    Returns
    -------
    ndarray, shape (2n-1, 2n-1) or (2n-1, 2n-1, k)
    """
    n = validate_size(n)
    values = np.asarray(values)
    if values.shape[0] != n_bonds(n):
        raise ValueError(f"values must have one entry per bond ({n_bonds(n)}), got {values.shape[0]}")
    size = 2 * n - 1
    img = np.zeros((size, size) + values.shape[1:], dtype=values.dtype)
    if empty_value is not None:
        img[1::2, 1::2] = empty_value
    rows, cols = bond_raster_index(n)
    img[rows, cols] = values
    if node_value is not None:
        img[0::2, 0::2] = node_value
    else:
        # A node pixel takes the value of the horizontal bond on its right (left in the last column).
        img[0::2, 0:-1:2] = img[0::2, 1::2]
        img[0::2, -1] = img[0::2, -2]
    return img


def lead_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat node indices of the left lead (column 0) and the right lead (column n-1)."""
    n = validate_size(n)
    rows = np.arange(n)
    return rows * n, rows * n + n - 1


def normal_resistance(n: int, r0: float = 1.0) -> float:
    """Resistance of the uniform lattice, ``R_N = r0 (n - 1) / n``, in units of ``r0``."""
    n = validate_size(n)
    return r0 * (n - 1) / n
