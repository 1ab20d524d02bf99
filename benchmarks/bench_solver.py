"""Solver benchmark: sparse backends, and grouped prefixes against one factorisation per k.

Run ``python benchmarks/bench_solver.py [--sizes 100 200] [--repeats 3]``. For the
prefix lengths ``k`` of the engine benchmark's 100-point curve (Tc_mean 1, sigma 0.2,
w 0.45, w2 0.1, seed 1) it times, in one process and one run:

* baseline: one independent solve per ``k`` (``solve_lattice``: contraction + one sparse
  factorisation each), in this process;
* grouped: :mod:`puddles.prefix` (neighbouring ``k`` share a factorisation), in this
  process, then in the worker pool as the engine runs it;
* one mid-transition solve with every available backend (CHOLMOD, SuperLU).

Every grouped value is checked against the baseline value (max relative difference printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from puddles import Network, lattice, prefix
from puddles.solver import available_backends, solve_lattice
from puddles.transport import UniversalCurve, workers

TC_MEAN, SIGMA, W, W2, SEED = 1.0, 0.2, 0.45, 0.1, 1
TEMPERATURES = np.linspace(0.0, TC_MEAN + 4 * SIGMA, 100)


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"backends: {available_backends()}, workers: {workers()}, cores: {os.cpu_count()}\n")
    print("| case | N | median | baseline | speed-up | notes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n in args.sizes:
        net = Network.generate(n, W, W2, seed=SEED)
        order, z, k_perc = net.cluster.order, net.cluster.z_sorted, net.k_perc
        curve = net.curve
        ks = np.unique(np.minimum(curve.k_of_x((TEMPERATURES - TC_MEAN) / SIGMA), curve.k_max))
        ks = [int(k) for k in ks if 0 < k < curve.k_max]
        r_n = lattice.normal_resistance(n)

        def per_k():
            out = []
            for k in ks:
                r = np.ones(lattice.n_bonds(n))
                r[order[:k]] = 0.0
                out.append(solve_lattice(n, r).resistance / r_n)
            return np.array(out)

        def grouped(n_workers):
            def run():
                os.environ["PUDDLES_WORKERS"] = str(n_workers)
                try:
                    return UniversalCurve(n, order, z, k_perc).exact(ks)
                finally:
                    os.environ.pop("PUDDLES_WORKERS", None)

            return run

        base, reference = median_time(per_k, args.repeats)
        ranks = prefix.forest_ranks(n, order[: curve.k_max])
        n_groups = len(prefix.plan_groups(n, ranks, ks))
        for label, n_workers in (("grouped, in-process", 1), (f"grouped, {workers()} workers", workers())):
            t, values = median_time(grouped(n_workers), args.repeats)
            err = float(np.max(np.abs(values - reference) / reference))
            print(
                f"| {len(ks)} prefixes, {label} | {n} | {t:.3f} s | {base:.3f} s (one solve per k) | "
                f"{base / t:.1f}x | {n_groups} factorisations; max rel. difference {err:.1e} |"
            )
        k_mid = ks[len(ks) // 2]
        r = np.ones(lattice.n_bonds(n))
        r[order[:k_mid]] = 0.0
        times = {b: median_time(lambda b=b: solve_lattice(n, r, backend=b), args.repeats)[0] for b in available_backends()}
        slowest = max(times.values())
        for backend, t in times.items():
            print(
                f"| one solve, k = {k_mid}, {backend} | {n} | {t * 1e3:.1f} ms | {slowest * 1e3:.1f} ms (slowest backend) | "
                f"{slowest / t:.1f}x | |"
            )


if __name__ == "__main__":
    main()
