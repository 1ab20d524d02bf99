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
joins the leads), where no solve is needed.
"""

from __future__ import annotations

import numpy as np

from .bcs import bond_weights
from .critical_current import MaxFlow, lattice_max_flow
from .stiffness import lattice_stiffness
from .validation import check_number, check_tc, check_temperatures

__all__ = ["bond_weights_at", "weakest_links", "critical_current_curve", "stiffness_curve"]


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
    sc, _ = net.superconducting_bonds(net.superconducting_count(float(T), tc_mean, sigma))
    return bond_weights(net.cluster.tc(tc_mean, sigma), float(T), tc_mean, sc)


def weakest_links(net, T: float, tc_mean: float, sigma: float) -> MaxFlow:
    """Critical current at ``T`` and its minimum cut (the weakest links), in units of Ic0."""
    T, tc_mean, sigma = _check(T, tc_mean, sigma)
    if not _spans(net, net.superconducting_count(float(T), tc_mean, sigma)):
        return lattice_max_flow(net.n, np.zeros(net.cluster.kind.size))
    return lattice_max_flow(net.n, bond_weights_at(net, float(T), tc_mean, sigma))


def _curve(net, T, tc_mean, sigma, solve) -> np.ndarray:
    T, tc_mean, sigma = _check(T, tc_mean, sigma)
    out = np.zeros(T.shape)
    flat = T.ravel()
    k = net.curve.k_of_x((flat - tc_mean) / sigma)
    tc = net.cluster.tc(tc_mean, sigma)
    done: dict[float, float] = {}
    for i in np.flatnonzero([_spans(net, int(kk)) for kk in k]):
        t = float(flat[i])
        if t not in done:
            sc, _ = net.superconducting_bonds(int(k[i]))
            done[t] = solve(bond_weights(tc, t, tc_mean, sc))
        out.flat[i] = done[t]
    return out


def critical_current_curve(net, T, tc_mean: float, sigma: float) -> np.ndarray:
    """Ic(T)/Ic0 of ``net`` at temperatures ``T`` (one max-flow per distinct T below Tp)."""
    return _curve(net, T, tc_mean, sigma, lambda wts: lattice_max_flow(net.n, wts).value)


def stiffness_curve(net, T, tc_mean: float, sigma: float) -> np.ndarray:
    """rho_s(T) of ``net`` relative to the uniform T = 0 lattice (one solve per distinct T below Tp)."""
    return _curve(net, T, tc_mean, sigma, lambda wts: lattice_stiffness(net.n, wts, backend=net.curve.backend))
