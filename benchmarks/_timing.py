"""Timing helper shared by the benchmark scripts (imported from their own folder)."""

from __future__ import annotations

import statistics
import time


def median_time(fn, repeats: int, setup=None):
    """Median wall time (s) of ``fn()`` over ``repeats`` runs, and the last run's result.

    ``setup()``, if given, runs before every call, outside the timing.
    """
    times, out = [], None
    for _ in range(repeats):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out
