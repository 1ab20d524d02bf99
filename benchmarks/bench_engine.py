"""Engine benchmark: full R(T) curves, (Tc_mean, sigma) changes, memory.

Run ``python benchmarks/bench_engine.py [--sizes 100 200 400] [--repeats 3]``. Prints a
markdown table of medians; every figure comes with its ratio to a baseline measured in
the same run. The baseline is the textbook method: per temperature, scipy ``spsolve`` on
the full N^2-node Laplacian with superconducting bonds as 1e-9 R0 resistors. At large N
the baseline is timed on an evenly spaced subset of the temperatures and scaled to 100
(said so in the table).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from puddles import Network, lattice
from puddles.parallel import workers
from puddles.solver import default_backend

TC_MEAN, SIGMA, W, W2, SEED = 1.0, 0.2, 0.45, 0.1, 1
TEMPERATURES = np.linspace(0.0, TC_MEAN + 4 * SIGMA, 100)  # from deep below Tp to above every Tc


def baseline_resistance(n: int, sc: np.ndarray) -> float:
    """Textbook solve: full node Laplacian, shorts as 1e-9 R0, Dirichlet leads, spsolve."""
    a, b = lattice.bond_endpoints(n)
    g = np.where(sc, 1e9, 1.0)
    rows = np.concatenate([a, b, a, b])
    cols = np.concatenate([b, a, a, b])
    vals = np.concatenate([-g, -g, g, g])
    L = sp.csr_matrix((vals, (rows, cols)), shape=(n * n, n * n))
    left, right = lattice.lead_nodes(n)
    fixed = np.zeros(n * n, dtype=bool)
    fixed[left] = fixed[right] = True
    v_fixed = np.zeros(n * n)
    v_fixed[left] = 1.0
    free = ~fixed
    rhs = -L[free][:, fixed] @ v_fixed[fixed]
    v = v_fixed.copy()
    v[free] = spsolve(L[free][:, free].tocsc(), rhs)
    current = (L @ v)[left].sum()
    return 1.0 / current / lattice.normal_resistance(n)


def time_curve(n: int) -> tuple[float, int, float]:
    """Seconds for a fresh network's exact 100-point curve, number of solves, generation time."""
    t0 = time.perf_counter()
    net = Network.generate(n, W, W2, seed=SEED)
    t1 = time.perf_counter()
    net.rt_curve(TEMPERATURES, TC_MEAN, SIGMA, tol=None)
    return time.perf_counter() - t1, net.curve.n_solves, t1 - t0


def time_baseline(n: int, subset: int) -> float:
    net = Network.generate(n, W, W2, seed=SEED)
    idx = np.linspace(0, TEMPERATURES.size - 1, subset).round().astype(int)
    t0 = time.perf_counter()
    for T in TEMPERATURES[idx]:
        baseline_resistance(n, net.bond_states(T, TC_MEAN, SIGMA).superconducting)
    return (time.perf_counter() - t0) * TEMPERATURES.size / subset


def time_lookup(n: int, repeats: int = 50) -> tuple[float, float, int]:
    """Median ms to redraw the whole curve after a (Tc_mean, sigma) change, table build s, samples."""
    net = Network.generate(n, W, W2, seed=SEED)
    t0 = time.perf_counter()
    kk, _ = net.curve.table()
    build = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    times = []
    for _ in range(repeats):
        tc, sigma = rng.uniform(0.5, 2.0), rng.uniform(0.05, 0.5)
        t0 = time.perf_counter()
        net.rt_curve(TEMPERATURES, tc, sigma)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, build, kk.size


def peak_memory_mb(n: int) -> float:
    """Peak RSS (MB) of a fresh process that builds an N network and its exact curve."""
    code = (
        "import resource, numpy as np, os;"
        "os.environ['PUDDLES_WORKERS']='1';"
        "from puddles import Network;"
        f"net=Network.generate({n},{W},{W2},seed={SEED});"
        f"net.rt_curve(np.linspace(0,{TC_MEAN + 4 * SIGMA},100),{TC_MEAN},{SIGMA},tol=None);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args(argv)
    targets = {100: 0.25, 200: 1.5, 400: 10.0}
    print(f"backend: {default_backend()}, workers: {workers()}, cores: {os.cpu_count()}\n")
    print("| case | N | median | target | baseline | speed-up | notes |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in args.sizes:
        Network.generate(n, W, W2, seed=SEED)  # grow and cache the skeleton outside the timing
        runs = []
        for _ in range(args.repeats):
            from puddles import network as _network

            _network.realization.cache_clear()  # fresh realization: no solve may be cached
            runs.append(time_curve(n))
        curve = statistics.median(r[0] for r in runs)
        solves = runs[0][1]
        subset = 100 if n <= 100 else (20 if n <= 200 else 5)
        base = time_baseline(n, subset)
        note = f"{solves} exact solves" + ("" if subset == 100 else f"; baseline timed on {subset} T, scaled")
        target = targets.get(n)
        print(
            f"| exact 100-point R(T) | {n} | {curve:.3f} s | {target if target else '-'} s | {base:.2f} s | "
            f"{base / curve:.1f}x | {note} |"
        )
        lookup, build, samples = time_lookup(n)
        print(
            f"| new (Tc_mean, sigma), whole curve | {n} | {lookup:.3f} ms | 5 ms | {curve * 1e3:.0f} ms (exact curve) | "
            f"{curve * 1e3 / lookup:.0f}x | table built once in {build:.2f} s, {samples} samples, error <= 0.01 R_N |"
        )
        if not args.no_memory:
            print(f"| peak memory, network + exact curve | {n} | {peak_memory_mb(n):.0f} MB | 1024 MB (N=400) | - | - | one process |")


if __name__ == "__main__":
    main()
