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
joins the leads), where no solve is needed. A curve visits its distinct temperatures below
Tp from high to low: every bond weight only grows on the way, so each max-flow starts from
the previous flow (:func:`~puddles.critical_current.lattice_max_flow_sequence`), and the
stiffness costs one sparse solve per temperature. Spreading the temperatures over the
engine's worker pool was measured no faster on the shared 2-core machine (both N = 100
curves 0.62 s pooled, 0.56 s in-process), so curves run in-process.
"""

from __future__ import annotations

import numpy as np

from . import lattice
from .bcs import bond_weights
from .critical_current import MaxFlow, lattice_max_flow, lattice_max_flow_sequence
from .stiffness import lattice_stiffness
from .validation import check_number, check_tc, check_temperatures

__all__ = ["bond_weights_at", "weakest_links", "critical_current_curve", "stiffness_curve", "one_temperature"]


def _check(T, tc_mean, sigma) -> tuple[np.ndarray, float, float]:
    T = check_temperatures(T)
    tc_mean, sigma = check_tc(tc_mean, sigma)
    # Ic0 and J0 are those of a bond with Tc = tc_mean: the unit needs tc_mean > 0.
    tc_mean = check_number("tc_mean (sets the units of Ic and rho_s)", tc_mean, 0.0, 1e12, lo_open=True)
    return T, tc_mean, sigma


def one_temperature(T) -> np.ndarray:
    """``T`` as a 1-element array; a ``ValueError`` unless it is one temperature (K, >= 0)."""
    T = check_temperatures(T)
    if T.size != 1:
        raise ValueError(f"T must be one temperature here (use the *_curve methods for many), got {T.size} values")
    return T.reshape(1)


def _spans(net, k: int) -> bool:
    return net.k_perc is not None and k >= net.k_perc


def bond_weights_at(net, T: float, tc_mean: float, sigma: float) -> np.ndarray:
    """``Ic_i(T)/Ic0 = J_i(T)/J0`` of every bond of ``net`` (0 on normal bonds)."""
    Ts, tc_mean, sigma = _check(one_temperature(T), tc_mean, sigma)
    t = float(Ts[0])
    order = net.cluster.order[: net.superconducting_count(t, tc_mean, sigma)]
    return _weights(net.n, order, net.cluster.tc(tc_mean, sigma)[order], t, tc_mean)


def _weights(n: int, order: np.ndarray, tc_sorted: np.ndarray, T: float, tc_mean: float) -> np.ndarray:
    """Bond weights when the bonds ``order`` (with local Tc ``tc_sorted``) superconduct."""
    w = np.zeros(lattice.n_bonds(n))
    w[order] = bond_weights(tc_sorted, T, tc_mean, np.ones(order.size, dtype=bool))
    return w


def weakest_links(net, T: float, tc_mean: float, sigma: float) -> MaxFlow:
    """Critical current at ``T`` and its minimum cut (the weakest links), in units of Ic0."""
    Ts, tc_mean, sigma = _check(one_temperature(T), tc_mean, sigma)
    t = float(Ts[0])
    if not _spans(net, net.superconducting_count(t, tc_mean, sigma)):
        return lattice_max_flow(net.n, np.zeros(net.cluster.kind.size))
    return lattice_max_flow(net.n, bond_weights_at(net, t, tc_mean, sigma))


class _Weights:
    """Lazy sequence of the bond weights at ``points`` (``(T, k)`` pairs), computed on access."""

    def __init__(self, n, order, tc_sorted, tc_mean, points):
        self.args, self.points = (n, order, tc_sorted), points
        self.tc_mean = tc_mean

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, i: int) -> np.ndarray:
        n, order, tc_sorted = self.args
        T, k = self.points[i]
        return _weights(n, order[:k], tc_sorted[:k], T, self.tc_mean)


def _curve(net, T, tc_mean, sigma, quantity: str) -> np.ndarray:
    T, tc_mean, sigma = _check(T, tc_mean, sigma)
    flat = T.ravel()
    k = net.curve.k_of_x((flat - tc_mean) / sigma)
    live = np.flatnonzero(k >= net.k_perc) if net.k_perc is not None else np.zeros(0, dtype=np.intp)
    temps = np.unique(flat[live])[::-1]  # from high to low T: every bond weight only grows
    out = np.zeros(flat.size)
    if temps.size:
        ks = net.curve.k_of_x((temps - tc_mean) / sigma)
        order = net.cluster.order[: int(ks.max())]
        weights = _Weights(net.n, order, net.cluster.tc(tc_mean, sigma)[order], tc_mean, list(zip(temps, ks)))
        if quantity == "ic":
            values = [flow.value for flow in lattice_max_flow_sequence(net.n, weights)]
        else:
            values = [lattice_stiffness(net.n, weights[i], backend=net.curve.backend) for i in range(len(weights))]
        value_at = dict(zip(temps, values))
        out[live] = [value_at[t] for t in flat[live]]
    return out.reshape(T.shape)


def critical_current_curve(net, T, tc_mean: float, sigma: float) -> np.ndarray:
    """Ic(T)/Ic0 of ``net`` at temperatures ``T`` (one max-flow per distinct T below Tp)."""
    return _curve(net, T, tc_mean, sigma, "ic")


def stiffness_curve(net, T, tc_mean: float, sigma: float) -> np.ndarray:
    """rho_s(T) of ``net`` relative to the uniform T = 0 lattice (one solve per distinct T below Tp)."""
    return _curve(net, T, tc_mean, sigma, "rho_s")
