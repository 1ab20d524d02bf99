"""Fit speed at the paper's scale, with the previous method timed in the same run.

Run: ``.venv/bin/python benchmarks/bench_fit.py [--quick] [--ensemble-only] [--fit-only] [--repeat K]``

1. **Fit** - :func:`puddles.fit.fit_rt` on a 60-point synthetic single film (one realization
   of an unseen seed, 1 % noise), at N = 100 with 8 realizations (target <= 10 s) and at
   N = 200 with 16 realizations (target <= 120 s; skipped by ``--quick``).

   **Baseline**: the previous method - ``puddles/fit.py`` as of commit ``09c7544``, read from
   git history and run on the same data (realizations in-process, four extra (w, w2)
   points for the covariance). Without git history the baseline is the current fit with
   ``executor=None`` (in-process), and the table says so.

2. **First rt_curve call** - on fresh N = 100 networks (skeletons grown beforehand), the
   default ``rt_curve`` of 10 temperatures against ``tol=None`` (exact) and against building
   the whole tol-0.01 table (the previous default path); medians over 5 seeds.

3. **Ensemble** - :func:`puddles.ensemble.ensemble_rt` with 32 realizations at N = 200
   (tol 0.01) on a local process pool of 1 and of 2 workers (target: 2 workers >= 1.7x
   faster), the skeletons grown beforehand. Worker CPU seconds over wall time say how many
   cores a run actually got.

The machine's load average is printed too: other processes competing for the two cores
distort every time here; the CPU seconds of this process and its workers are printed
beside the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import numpy as np  # noqa: E402

from puddles import ModelParams  # noqa: E402
from puddles.ensemble import ensemble_rt, local_executor, realization_seeds  # noqa: E402
from puddles.examples import synthetic_rt  # noqa: E402
from puddles.fit import fit_rt  # noqa: E402
from puddles.network import realization  # noqa: E402

PREVIOUS = "09c7544"  # last commit with the single-module fit (puddles/fit.py)


def film(n: int):
    """60 points, one realization of an unseen seed, 1 % noise (percolating, w = 0.55, w2 = 0.03)."""
    return synthetic_rt(np.linspace(4.0, 16.0, 60), n=n, w=0.55, w2=0.03, tc_mean=10.0, sigma=1.0, r_n=100.0,
                        realizations=1, seed=777_001, noise=0.01, noise_seed=777_002)


def previous_fit_rt():
    """``fit_rt`` of the previous method from git history (None when the history is absent)."""
    try:
        source = subprocess.run(["git", "-C", str(REPO), "show", f"{PREVIOUS}:src/puddles/fit.py"], check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    source = source.replace("from .data import", "from .io import")  # the reader/writer moved since
    module = types.ModuleType("puddles._fit_previous")
    module.__package__ = "puddles"
    sys.modules[module.__name__] = module
    exec(compile(source, f"{PREVIOUS}:src/puddles/fit.py", "exec"), module.__dict__)
    return module.fit_rt


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args, **kw):
    load = os.getloadavg()[0]
    c0, t0 = cpu_seconds(), time.perf_counter()
    res = fn(*args, **kw)
    return dict(time=time.perf_counter() - t0, cpu=cpu_seconds() - c0, load=load, result=res)


def fit_rows(n: int, realizations: int, target: float, previous, repeat: int = 1) -> None:
    """One table row: the current fit (median of ``repeat`` runs) against one run of the baseline."""
    data = film(n)
    runs = [timed(fit_rt, data, n=n, realizations=realizations, seed=1) for _ in range(repeat)]
    new = sorted(runs, key=lambda r: r["time"])[len(runs) // 2]
    if repeat > 1:
        print(f"  N = {n}: current fit times " + ", ".join(f"{r['time']:.1f}" for r in runs) + " s", flush=True)
    if previous is not None:
        base, label = timed(previous, data, n=n, realizations=realizations, seed=1), f"previous method ({PREVIOUS})"
    else:
        base, label = timed(fit_rt, data, n=n, realizations=realizations, seed=1, executor=None), "in-process (no git history)"
    res = new["result"]
    met = "met" if new["time"] <= target else "MISSED"
    print(f"| fit, 60 points, N = {n}, {realizations} realizations ({res.n_evaluations} (w, w2) points) | "
          f"{new['time']:.1f} (CPU {new['cpu']:.0f} s, load {new['load']:.1f}) | {res.n_solves} | "
          f"{base['time'] / new['time']:.2f}x faster | <= {target:g} s: {met} |", flush=True)
    b = base["result"]
    print(f"| baseline: {label} ({b.n_evaluations} (w, w2) points) | {base['time']:.1f} (CPU {base['cpu']:.0f} s, "
          f"load {base['load']:.1f}) | {b.n_solves} | 1 | |", flush=True)
    p = res.params
    print("|  | " + ", ".join(f"{k} = {q.value:.4g} +- {q.stderr:.2g}" for k, q in p.items()) + " | | | |", flush=True)


def bench_ensemble(n: int, count: int) -> dict:
    p = ModelParams(n=n, w=0.45, w2=0.05, tc_mean=10.0, sigma=1.0)
    T = np.linspace(5.0, 15.0, 101)
    seeds = realization_seeds(2024, count)
    for s in seeds:  # grow and cache the skeletons first: both timed runs then do the same work
        realization(n, s)
    out = {}
    for workers in (1, 2):
        load = os.getloadavg()[0]
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        with local_executor(workers) as ex:
            ex.submit(int, 0).result()  # start the workers before the clock
            t0 = time.perf_counter()
            res = ensemble_rt(p, T, seeds, executor=ex, tol=0.01)
            wall = time.perf_counter() - t0
        # CPU seconds of the (joined) worker processes: how many cores the run actually got.
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        out[workers] = (wall, res, cpu, load)
    np.testing.assert_array_equal(out[1][1].curves, out[2][1].curves)  # same numbers on 1 or 2 workers
    return out


def _ensemble_rows(ens, n_ens, count) -> None:
    t1 = ens[1][0]
    for workers in (1, 2):
        wall, res, cpu, load = ens[workers]
        ratio = "1 (baseline)" if workers == 1 else f"{t1 / wall:.2f}x faster"
        target = "" if workers == 1 else f">= 1.7x: {'met' if t1 / wall >= 1.7 else 'MISSED'}"
        print(f"| ensemble, {count} realizations, N = {n_ens}, {workers} worker{'s' if workers > 1 else ''} "
              f"(worker CPU {cpu:.0f} s = {cpu / wall:.2f} cores busy; load {load:.1f} at start) | {wall:.1f} | "
              f"{res.n_solves} | {ratio} | {target} |")


def first_call_rows(n: int = 100, seeds=(31, 32, 33, 34, 35)) -> None:
    """A fresh network's first ``rt_curve`` (10 temperatures): default vs exact vs building the table."""
    from puddles import Network

    T = np.linspace(0.0, 1.8, 10)
    for s in seeds:
        realization(n, s)  # grown beforehand: every timing below is the R(T) part only
    times = {"default (tol 0.01)": [], "exact (tol=None)": [], "previous default: whole table at tol 0.01": []}
    for s in seeds:
        for label, call in (("exact (tol=None)", lambda net: net.rt_curve(T, 1.0, 0.2, tol=None)),
                            ("default (tol 0.01)", lambda net: net.rt_curve(T, 1.0, 0.2)),
                            ("previous default: whole table at tol 0.01", lambda net: net.curve(
                                (T - 1.0) / 0.2, tol=0.01))):
            net = Network.generate(n, 0.45, 0.1, seed=s)
            t0 = time.perf_counter()
            call(net)
            times[label].append(time.perf_counter() - t0)
    exact = float(np.median(times["exact (tol=None)"]))
    for label, ts in times.items():
        med = float(np.median(ts))
        target = "<= exact: " + ("met" if med <= exact * 1.05 else "MISSED") if label.startswith("default") else ""
        print(f"| first rt_curve call on a fresh N = {n} network, 10 temperatures: {label} (median of {len(ts)}) | "
              f"{med:.3f} | | {med / exact:.2f}x exact | {target} |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only N = 100 and a small ensemble (8 x N = 100)")
    ap.add_argument("--ensemble-only", action="store_true", help="only the ensemble scaling")
    ap.add_argument("--fit-only", action="store_true", help="only the fits")
    ap.add_argument("--repeat", type=int, default=1, help="runs of the current fit per row (median quoted)")
    args = ap.parse_args(argv)
    n_ens, count = (100, 8) if args.quick else (200, 32)

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (1 min) before the run\n", flush=True)
    print("| benchmark | time (s) | network solves | ratio to baseline | target |")
    print("| --- | --- | --- | --- | --- |", flush=True)
    if not args.ensemble_only:
        first_call_rows()
        previous = previous_fit_rt()
        fit_rows(100, 8, 10.0, previous, args.repeat)
        if not args.quick:
            fit_rows(200, 16, 120.0, previous, args.repeat)
    if not args.fit_only:
        _ensemble_rows(bench_ensemble(n_ens, count), n_ens, count)
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
