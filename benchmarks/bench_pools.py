"""Which process pool for the engine: start-up and one N = 100 curve per start method.

Each pool runs in a fresh interpreter (``python bench_pools.py --one KIND``), so start-up
includes what a kernel pays the first time a computation needs workers. Baseline: the
same curves in-process, timed in the same run. The engine uses loky (see
``puddles.parallel`` for why); ``fork`` is listed for reference only (unsafe in a threaded
process).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from puddles import Network, parallel

SEEDS = (11, 12, 13)
KINDS = ("in-process", "loky", "forkserver", "spawn", "fork")


def _make(kind: str):
    if kind == "loky":
        return parallel.pool(2)
    return ProcessPoolExecutor(2, mp_context=multiprocessing.get_context(kind), initializer=parallel._init_worker)


def one(kind: str) -> None:
    startup = 0.0
    if kind != "in-process":
        t0 = time.perf_counter()
        ex = _make(kind)
        for f in [ex.submit(int, 0) for _ in range(2)]:
            f.result()
        startup = time.perf_counter() - t0
        parallel._executor = ex  # the engine's batches go to this pool
        parallel.pool = lambda *_a, **_k: ex
    times = []
    for seed in SEEDS:
        net = Network.generate(100, 0.45, 0.1, seed=seed)
        t0 = time.perf_counter()
        if kind == "in-process":
            with parallel.in_process():
                net.sample(0.01)
        else:
            net.sample(0.01)
        times.append(time.perf_counter() - t0)
    print(f"{startup * 1e3:.0f} {statistics.median(times):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--one", choices=KINDS)
    args = ap.parse_args()
    if args.one:
        one(args.one)
        return
    rows = {}
    for kind in KINDS:
        out = subprocess.run([sys.executable, __file__, "--one", kind], capture_output=True, text=True, check=True)
        rows[kind] = [float(v) for v in out.stdout.split()[-2:]]
    base = rows["in-process"][1]
    print(f"{'pool':12s} {'start-up (ms)':>14s} {'N=100 curve (s)':>16s} {'vs in-process':>14s}")
    for kind, (startup, curve) in rows.items():
        print(f"{kind:12s} {startup:14.0f} {curve:16.2f} {curve / base:14.2f}")


if __name__ == "__main__":
    main()
