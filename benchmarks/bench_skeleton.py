"""Benchmark of the directed-DLA skeleton growth at the paper's size (M = 250, P = 50 000).

Run ``python benchmarks/bench_skeleton.py [--seed S] [--repeats R]``; prints a markdown table.

Rows: cold growth (memory and disk caches cleared; includes writing the disk cache), warm call (memory
LRU hit), disk-cache load (memory cleared, file present), each the median of ``--repeats`` runs, and the
baseline: the deliberately simple rule-by-rule reference grower ``puddles.skeleton._grow_dla_reference``
(the tests' ground truth), timed once in the same run because it takes ~10 s. The last column is the
speed-up over that baseline. The disk cache lives in a temporary directory, never the user's cache.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np
from _timing import median_time

M, P = 250, 50_000


def _fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} us"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PUDDLES_CACHE_DIR"] = tmp  # before first use: the module reads it at every call
        from puddles import skeleton as sk

        grow = lambda: sk.grow_dla(M, P, args.seed)  # noqa: E731
        cold = median_time(grow, args.repeats, setup=lambda: sk.clear_cache(memory=True, disk=True))[0]
        warm = median_time(grow, max(args.repeats, 1000))[0]
        disk = median_time(grow, args.repeats, setup=lambda: sk.clear_cache(memory=True, disk=False))[0]
        mask = grow()

        t0 = time.perf_counter()
        ref = sk._grow_dla_reference(M, P, args.seed)
        baseline = time.perf_counter() - t0
        if not np.array_equal(ref, mask):
            raise SystemExit("fast grower disagrees with the reference")
        sk.clear_cache(memory=True, disk=True)

    rows = [
        ("baseline: rule-by-rule reference, pure Python (1 run)", baseline),
        (f"cold growth, caches cleared (median of {args.repeats})", cold),
        ("warm: in-memory LRU hit (median of 1000)", warm),
        (f"disk-cache load, memory cleared (median of {args.repeats})", disk),
    ]
    print(f"Directed DLA, M = {M}, P = {P}, seed = {args.seed}: {int(mask.sum())} occupied bonds "
          f"(identical to the reference)\n")
    print("| case | time | speed-up vs baseline |")
    print("| --- | ---: | ---: |")
    for name, t in rows:
        print(f"| {name} | {_fmt(t)} | {baseline / t:,.0f}x |")


if __name__ == "__main__":
    main()
