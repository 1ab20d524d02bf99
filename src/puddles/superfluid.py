"""Critical current Ic(T) and superfluid stiffness rho_s(T) of one puddle network.

The two experiments the paper's Discussion proposes as tests of the inhomogeneous
scenario, computed exactly for a :class:`~puddles.network.Network`:

* at temperature ``T`` the superconducting bonds are the same ones the R(T) curve uses
  (the first ``k`` bonds of the cluster's order, common random numbers), each with the
  BCS weight ``(Tc_i/Tc_mean) f(T/Tc_i)`` of :mod:`puddles.bcs` (puddle bonds share their
  puddle's Tc);
* ``Ic`` is the maximum lead-to-lead flow with those weights as capacities, in units of
  ``Ic0``, the T = 0 critical current of one bond with ``Tc = Tc_mean``
  (:mod:`puddles.critical_current`); its minimum cut is the set of weakest links;
* ``rho_s`` is the lead-to-lead stiffness with those weights as bond stiffnesses, relative
  to the uniform lattice of bonds with ``Tc = Tc_mean`` at T = 0 (:mod:`puddles.stiffness`).

Both are exactly 0 at and above the percolation temperature Tp (no superconducting path
joins the leads), where no solve is needed. A curve solves once per distinct temperature
below Tp, in-process: spreading the temperatures over the engine's worker pool was measured
no faster on the shared 2-core machine (both N = 100 curves 0.62 s pooled, 0.56 s in-process).
"""

from __future__ import annotations

import numpy as np

from . import lattice
from .bcs import bond_weights
from .critical_current import MaxFlow, lattice_max_flow
from .stiffness import lattice_stiffness
from .validation import check_number, check_tc, check_temperatures

__all__ = ["bond_weights_at", "weakest_links", "critical_current_curve", "stiffness_curve", "solve_points"]


def _check(T, tc_mean, sigma) -> tuple[np.ndarray, float, float]:
    T = check_temperatures(T)
    tc_mean, sigma = check_tc(tc_mean, sigma)
    # Ic0 and J0 are those of a bond with Tc = tc_mean: the unit needs tc_mean > 0.
    tc_mean = check_number("tc_mean (sets the units of Ic and rho_s)", tc_mean, 0.0, 1e12, lo_open=True)
    return T, tc_mean, sigma


def _spans(net, k: int) -> bool:
    return net.k_perc is not None and k >= net.k_perc


def bond_weights_at(net, T: float, tc_mean: float, sigma: float) -> np.ndarray:
    """``Ic_i(T)/Ic0 = J_i(T)/J0`` of every bond of ``net`` (0 on normal bonds)."""
    T, tc_mean, sigma = _check(T, tc_mean, sigma)
    k = net.superconducting_count(float(T), tc_mean, sigma)
    order = net.cluster.order[:k]
    return _weights(net.n, order, net.cluster.tc(tc_mean, sigma)[order], float(T), tc_mean)


def _weights(n: int, order: np.ndarray, tc_sorted: np.ndarray, T: float, tc_mean: float) -> np.ndarray:
    """Bond weights when the bonds ``order`` (with local Tc ``tc_sorted``) superconduct."""
    w = np.zeros(lattice.n_bonds(n))
    w[order] = bond_weights(tc_sorted, T, tc_mean, np.ones(order.size, dtype=bool))
    return w


def weakest_links(net, T: float, tc_mean: float, sigma: float) -> MaxFlow:
    """Critical current at ``T`` and its minimum cut (the weakest links), in units of Ic0."""
    T, tc_mean, sigma = _check(T, tc_mean, sigma)
    if not _spans(net, net.superconducting_count(float(T), tc_mean, sigma)):
        return lattice_max_flow(net.n, np.zeros(net.cluster.kind.size))
    return lattice_max_flow(net.n, bond_weights_at(net, float(T), tc_mean, sigma))


def solve_points(n: int, quantity: str, order, tc_sorted, tc_mean: float, points, backend=None) -> list[float]:
    """Ic/Ic0 (``quantity="ic"``) or rho_s (``"rho_s"``) at every ``(T, k)`` of ``points``.

    The bonds ``order[:k]`` superconduct at ``T``; ``tc_sorted`` are their local Tc. A
    top-level function of plain arguments, so that it can be shipped to a worker process.
    """
    out = []
    for T, k in points:
        w = _weights(n, order[:k], tc_sorted[:k], T, tc_mean)
        out.append(lattice_max_flow(n, w).value if quantity == "ic" else lattice_stiffness(n, w, backend=backend))
    return out


def _curve(net, T, tc_mean, sigma, quantity: str) -> np.ndarray:
    T, tc_mean, sigma = _check(T, tc_mean, sigma)
    flat = T.ravel()
    k = net.curve.k_of_x((flat - tc_mean) / sigma)
    live = np.flatnonzero(k >= net.k_perc) if net.k_perc is not None else np.zeros(0, dtype=np.intp)
    temps, first = np.unique(flat[live], return_index=True)
    points = [(float(t), int(k[live[i]])) for t, i in zip(temps, first)]
    out = np.zeros(flat.size)
    if points:
        k_top = max(kk for _, kk in points)
        order = net.cluster.order[:k_top]
        args = (net.n, quantity, order, net.cluster.tc(tc_mean, sigma)[order], tc_mean)
        values = dict(zip(temps, solve_points(*args, points, net.curve.backend)))
        out[live] = [values[t] for t in flat[live]]
    return out.reshape(T.shape)


def critical_current_curve(net, T, tc_mean: float, sigma: float) -> np.ndarray:
    """Ic(T)/Ic0 of ``net`` at temperatures ``T`` (one max-flow per distinct T below Tp)."""
    return _curve(net, T, tc_mean, sigma, "ic")


def stiffness_curve(net, T, tc_mean: float, sigma: float) -> np.ndarray:
    """rho_s(T) of ``net`` relative to the uniform T = 0 lattice (one solve per distinct T below Tp)."""
    return _curve(net, T, tc_mean, sigma, "rho_s")
