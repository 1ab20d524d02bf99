"""Superfluid stiffness of a network of superconducting bonds.

In the London (linear-response) regime a superconducting bond with stiffness ``J_i``
(inverse kinetic inductance, ``J_i = 1 / L_i``) carries the supercurrent
``I = J_i * (phase difference) * (hbar / 2e)``: the same linear law as Ohm's law with
conductance ``J_i`` and phase in place of potential. The network's stiffness is therefore
the effective conductance between the leads of the network whose superconducting bonds
have conductance ``J_i`` and whose normal bonds are open (a normal bond carries no
supercurrent). It is zero unless the superconducting bonds join the leads.

This module solves that problem exactly with the resistor solver of
:mod:`puddles.solver` (bond resistance ``1/J_i``, open bonds ``inf``): the same
contraction of the leads, the same dropping of floating clusters and dead components,
the same sparse Cholesky/LU factorisation. Units follow the bond weights: with every
``J_i = J`` the ``n x n`` lattice has stiffness ``J n / (n - 1)`` (the counterpart of
``R_N = R0 (n - 1) / n``), and :func:`lattice_stiffness` reports the ratio to that value.
"""

from __future__ import annotations

import numpy as np

from . import lattice
from .solver import solve_lattice

__all__ = ["lattice_stiffness", "uniform_stiffness"]


def uniform_stiffness(n: int, j: float = 1.0) -> float:
    """Stiffness of the uniform ``n x n`` lattice with bond stiffness ``j``: ``j n / (n - 1)``."""
    return j / lattice.normal_resistance(n)


def lattice_stiffness(n: int, stiffness, *, backend: str | None = None, relative: bool = True) -> float:
    """Lead-to-lead superfluid stiffness of the ``n x n`` lattice.

    Parameters
    ----------
    n : int
        Lattice size (nodes per side).
    stiffness : array_like, shape (2 n (n - 1),)
        Stiffness ``J_i`` of every bond in the documented bond order (finite, >= 0; 0 on
        normal bonds).
    backend : {"cholmod", "splu"}, optional
        Sparse solver.
    relative : bool
        True (default): in units of the uniform lattice with ``J_i = 1``, ``n / (n - 1)``.
        False: in the units of ``stiffness``.

    Returns
    -------
    float
        0.0 exactly when no path of bonds with ``J_i > 0`` joins the leads.
    """
    n = lattice.validate_size(n)
    j = np.asarray(stiffness, dtype=float)
    if j.shape != (lattice.n_bonds(n),):
        raise ValueError(f"stiffness must have shape ({lattice.n_bonds(n)},) (one value per bond), got {j.shape}")
    if not np.isfinite(j).all() or (j < 0).any():
        raise ValueError("stiffness must be finite and >= 0 (0 = a normal bond, no supercurrent)")
    with np.errstate(divide="ignore"):
        r = np.where(j > 0, 1.0 / j, np.inf)
    value = solve_lattice(n, r, backend=backend).current
    return value / uniform_stiffness(n) if relative else value
