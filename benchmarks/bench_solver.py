"""Solver benchmark: sparse backends, and grouped prefixes against one factorisation per k.

Run ``python benchmarks/bench_solver.py [--sizes 100 200] [--repeats 3]``. For the
prefix lengths ``k`` of the engine benchmark's 100-point curve (its constants are imported
from ``bench_engine``) it times, in one process and one run:

* baseline: one independent solve per ``k`` (``transport.prefix_resistance``: contraction
  + one sparse factorisation each), in this process;
* grouped: :mod:`puddles.prefix` (neighbouring ``k`` share a factorisation), in this
  process, then in the worker pool as the engine runs it;
* one mid-transition solve with every available backend (CHOLMOD, SuperLU).

Every grouped value is checked against the baseline value (max relative difference printed).
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from _timing import median_time
from bench_engine import SEED, SIGMA, TC_MEAN, TEMPERATURES, W2, W

from puddles import Network, prefix
from puddles.parallel import workers
from puddles.solver import available_backends
from puddles.transport import UniversalCurve, prefix_resistance


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

        def per_k():
            return np.array([prefix_resistance(n, order, k) for k in ks])

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
        times = {
            b: median_time(lambda b=b: prefix_resistance(n, order, k_mid, backend=b), args.repeats)[0]
            for b in available_backends()
        }
        slowest = max(times.values())
        for backend, t in times.items():
            print(
                f"| one solve, k = {k_mid}, {backend} | {n} | {t * 1e3:.1f} ms | {slowest * 1e3:.1f} ms (slowest backend) | "
                f"{slowest / t:.1f}x | |"
            )


if __name__ == "__main__":
    main()
