"""Fitting and ensemble throughput, as a markdown table with ratios to baselines from the same run.

Run: ``.venv/bin/python benchmarks/bench_fit.py [--quick] [--ensemble-only]``

1. **Fit** - :func:`puddles.fit.fit_rt` on the 60-point synthetic example
   ``zrncl_like_w2_0.20`` (generated with N = 100, 8 realizations), fitted at N = 100 with
   8 realizations (target: <= 60 s). Reports the wall time, the network solves and the
   number of distinct ``(w, w2)`` points.

   **Baseline**: ``scipy.optimize.least_squares`` over all five parameters directly,
   every residual evaluation computing the model by exact network solves at the data
   temperatures (``rt_curve(..., tol=None)`` on freshly built networks for every
   realization: no universal-curve table, no reuse across evaluations). It is run on a
   reduced problem - 2 instead of 8 realizations, at most ``--baseline-calls`` residual
   evaluations - and extrapolated to 8 realizations linearly (the cost of one residual
   evaluation is proportional to the number of realizations; the number of evaluations
   does not depend on it). When the cap stops it before convergence, the extrapolated
   time is a lower bound and is marked ">=".

2. **Ensemble** - :func:`puddles.ensemble.ensemble_rt` with 32 realizations at N = 200
   (tol 0.01) on a local process pool of 1 and of 2 workers (target: 2 workers >= 1.7x
   faster). The skeletons are grown once beforehand (on-disk cache), so both runs do the
   same work. The CPU seconds of the worker processes over the wall time say how many
   cores a run actually got: other processes on the machine take cores away from the
   2-worker run and show up there, not as a flaw of the parallel split.

The machine's load average is printed too: other processes competing for the two cores
distort both the fit time and the scaling ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import numpy as np  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402

from puddles import ModelParams, Network  # noqa: E402
from puddles.ensemble import ensemble_rt, local_executor, realization_seeds  # noqa: E402
from puddles.examples import load_example  # noqa: E402
from puddles.fit import fit_rt  # noqa: E402
from puddles.network import realization  # noqa: E402

EXAMPLE = "zrncl_like_w2_0.20"


def bench_fit(realizations: int = 8) -> dict:
    data = load_example(EXAMPLE)
    t0 = time.perf_counter()
    res = fit_rt(data, n=100, realizations=realizations, seed=1)
    return dict(time=time.perf_counter() - t0, result=res, data=data)


def bench_baseline(data, realizations: int, max_calls: int, start) -> dict:
    """Brute force: least_squares over (tc, sigma, w, w2, r_n), exact solves in every call."""
    T, R = data.T, data.R
    seeds = realization_seeds(1, realizations)
    stats = dict(calls=0, solves=0)
    w_min = max(realization(100, s).w_skeleton for s in seeds)

    class Stop(Exception):
        pass

    def residual(p):
        if stats["calls"] >= max_calls:
            raise Stop
        stats["calls"] += 1
        tc, sg, w, w2, rn = p
        curves = []
        for s in seeds:
            net = Network.generate(100, float(np.clip(w, w_min, 0.9)), float(np.clip(w2, 0, 1)), seed=s)
            curves.append(net.rt_curve(T, tc, sg, tol=None))
            stats["solves"] += net.curve.n_solves
        return R - rn * np.mean(curves, axis=0)

    lo = [0.0, 1e-3, w_min, 0.0, 0.0]
    hi = [5 * T.max(), 5 * T.max(), 0.9, 1.0, 10 * R.max()]
    t0 = time.perf_counter()
    converged = False
    try:
        # diff_step: relative steps of 5 %, so that a step in w adds puddles (a 1e-8 step would not
        # change the network at all and give a zero derivative).
        least_squares(residual, start, bounds=(lo, hi), diff_step=0.05, x_scale=[1, 0.1, 0.05, 0.05, 100])
        converged = True
    except Stop:
        pass
    elapsed = time.perf_counter() - t0
    return dict(time=elapsed, calls=stats["calls"], solves=stats["solves"], converged=converged)


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


def _ensemble_rows(ens, n_ens, count, header=False) -> None:
    if header:
        print("| benchmark | time (s) | network solves | ratio to baseline | target |")
        print("| --- | --- | --- | --- | --- |")
    t1 = ens[1][0]
    for workers in (1, 2):
        wall, res, cpu, load = ens[workers]
        ratio = "1 (baseline)" if workers == 1 else f"{t1 / wall:.2f}x faster"
        target = "" if workers == 1 else f">= 1.7x: {'met' if t1 / wall >= 1.7 else 'MISSED'}"
        print(f"| ensemble, {count} realizations, N = {n_ens}, {workers} worker{'s' if workers > 1 else ''} "
              f"(worker CPU {cpu:.0f} s = {cpu / wall:.2f} cores busy; load {load:.1f} at start) | {wall:.1f} | "
              f"{res.n_solves} | {ratio} | {target} |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller ensemble (8 x N = 100), fewer baseline calls")
    ap.add_argument("--baseline-calls", type=int, default=None, help="cap on baseline residual evaluations")
    ap.add_argument("--ensemble-only", action="store_true", help="only the ensemble scaling")
    args = ap.parse_args(argv)
    calls = args.baseline_calls or (12 if args.quick else 40)
    n_ens, count = (100, 8) if args.quick else (200, 32)

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (1 min) before the run\n", flush=True)
    if args.ensemble_only:
        ens = bench_ensemble(n_ens, count)
        _ensemble_rows(ens, n_ens, count, header=True)
        return 0
    fit = bench_fit()
    res = fit["result"]
    p = res.params
    start = [p["tc_mean"].value * 1.05, p["sigma"].value * 1.2, 0.45, 0.15, p["r_n"].value]
    base = bench_baseline(fit["data"], 2, calls, start)
    per_call = base["time"] / max(base["calls"], 1)
    base8 = base["time"] * 8 / 2
    solves8 = base["solves"] * 8 // 2
    mark = "" if base["converged"] else ">= "
    ens = bench_ensemble(n_ens, count)

    print("| benchmark | time (s) | network solves | ratio to baseline | target |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| fit, 60 points, N = 100, 8 realizations ({res.n_evaluations} (w, w2) points) | {fit['time']:.1f} | "
          f"{res.n_solves} | {mark}{base8 / fit['time']:.1f}x faster | <= 60 s: "
          f"{'met' if fit['time'] <= 60 else 'MISSED'} |")
    print(f"| baseline: least_squares on 5 parameters, exact solves, 2 realizations, {base['calls']} calls"
          f"{'' if base['converged'] else ' (capped)'} | {base['time']:.1f} | {base['solves']} | measured | |")
    print(f"| baseline extrapolated to 8 realizations ({per_call * 4:.2f} s per call) | {mark}{base8:.1f} | "
          f"{mark}{solves8} | 1 | |")
    _ensemble_rows(ens, n_ens, count)
    print(f"\nfit: {res.message}; redchi = {res.redchi:.3g}; "
          + ", ".join(f"{k} = {q.value:.4g} +- {q.stderr:.2g}" for k, q in p.items()))
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
