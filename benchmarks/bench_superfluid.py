"""Critical current and superfluid stiffness curves: Ic(T) and rho_s(T), 100 points.

Run ``python benchmarks/bench_superfluid.py [--sizes 100 200] [--repeats 3]``. For the
engine benchmark's network and 100-point temperature grid (constants imported from
``bench_engine``: w = 0.45, T from 0 to Tc_mean + 4 sigma; here w2 = 0) it times, in one run:

* Ic(T): ``Network.critical_current_curve`` (SciPy Dinic max-flow, integer-scaled);
* rho_s(T): ``Network.stiffness_curve`` (the resistor solver with weights J_i);
* baseline: networkx's ``maximum_flow_value`` (float capacities, preflow-push) on the same
  superconducting graphs, at every 5th temperature below Tp (a full networkx curve takes
  about a minute at N = 100), compared per max-flow with the SciPy curve's time per
  temperature below Tp; the largest difference from the SciPy values is printed next to
  the stated rounding bound.

Medians of ``--repeats`` runs (the networkx baseline runs once).
"""

from __future__ import annotations

import argparse

import networkx as nx
import numpy as np
from _timing import median_time
from bench_engine import SEED, SIGMA, TC_MEAN, TEMPERATURES, W

from puddles import Network, lattice
from puddles.superfluid import bond_weights_at

#: Intact filaments: the engine benchmark's w2 = 0.1 leaves its network without a spanning
#: superconducting path (Ic = rho_s = 0 everywhere, nothing to time).
W2 = 0.0


def networkx_curve(net: Network, temperatures: np.ndarray) -> np.ndarray:
    """Ic at ``temperatures`` with networkx max-flow on the lead-merged superconducting graph."""
    n = net.n
    a, b = lattice.bond_endpoints(n)
    label = np.arange(n * n)
    left, right = lattice.lead_nodes(n)
    label[left], label[right] = -1, -2
    out = np.zeros(temperatures.size)
    for i, T in enumerate(temperatures):
        cap = bond_weights_at(net, T, TC_MEAN, SIGMA)
        g = nx.DiGraph()
        for j in np.flatnonzero(cap > 0):
            u, v = int(label[a[j]]), int(label[b[j]])
            if u == v:
                continue
            for x, y in ((u, v), (v, u)):
                g.add_edge(x, y, capacity=g[x][y]["capacity"] + cap[j] if g.has_edge(x, y) else cap[j])
        out[i] = nx.maximum_flow_value(g, -1, -2)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"w = {W}, w2 = {W2}, seed = {SEED}, Tc_mean = {TC_MEAN}, sigma = {SIGMA}, {TEMPERATURES.size} temperatures")
    print(f"{'N':>5} {'T<Tp':>5} {'Ic(T) s':>9} {'rho_s(T) s':>11} {'both s':>8} "
          f"{'scipy ms/flow':>14} {'networkx ms/flow':>17} {'ratio':>7} {'max |dIc|':>10} {'bound':>9}")
    for n in args.sizes:
        net = Network.generate(n, W, W2, seed=SEED)
        below = int(np.sum(TEMPERATURES < net.percolation_temperature(TC_MEAN, SIGMA)))
        t_ic, ic = median_time(lambda: net.critical_current_curve(TEMPERATURES, TC_MEAN, SIGMA), args.repeats)
        t_rho, _ = median_time(lambda: net.stiffness_curve(TEMPERATURES, TC_MEAN, SIGMA), args.repeats)
        sub = np.flatnonzero(ic > 0)[::5]
        t_nx, ic_nx = median_time(lambda: networkx_curve(net, TEMPERATURES[sub]), 1)
        per_sp, per_nx = t_ic / max(below, 1), t_nx / max(sub.size, 1)
        bound = max(net.weakest_links(T, TC_MEAN, SIGMA).error_bound for T in TEMPERATURES[sub])
        print(f"{n:>5} {below:>5} {t_ic:>9.3f} {t_rho:>11.3f} {t_ic + t_rho:>8.3f} {1e3 * per_sp:>14.1f} "
              f"{1e3 * per_nx:>17.1f} {per_nx / per_sp:>6.0f}x {np.max(np.abs(ic[sub] - ic_nx)):>10.2e} {bound:>9.1e}")


if __name__ == "__main__":
    main()
