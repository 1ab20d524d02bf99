"""Disorder ensembles of R(T): many realizations, on a laptop or on a cluster.

One :class:`~puddles.network.Network` is one realization of the disorder (skeleton,
puddle sequence, local Tc draws). What a macroscopic sample measures is close to the
average over realizations, and the spread between realizations says how much a finite
sample of this size fluctuates. :func:`ensemble_rt` computes both:

>>> from puddles import ModelParams
>>> from puddles.ensemble import ensemble_rt, realization_seeds
>>> p = ModelParams(n=50, w=0.4, w2=0.05, tc_mean=10.0, sigma=1.0)
>>> ens = ensemble_rt(p, T=[8.0, 10.0, 12.0], seeds=realization_seeds(1, 4), tol=0.01)  # doctest: +SKIP
>>> ens.mean, ens.std                                                           # doctest: +SKIP

Scaling out
-----------
Every realization is an independent work item: a top-level, picklable function
(:func:`realization_curve`) that receives plain numbers and returns plain arrays. So any
:class:`concurrent.futures.Executor` can run the ensemble:

* ``executor=None`` (default): the engine's process pool (:mod:`puddles.parallel`), one
  process per core;
* a ``dask.distributed`` cluster: ``Client("tcp://scheduler:8786").get_executor()``;
* anything else implementing ``submit`` (a ``ThreadPoolExecutor`` works too, but the
  solves hold the GIL part of the time, so processes scale better).

The engine itself runs batches of solves in a process pool (see :mod:`puddles.parallel`).
Inside an ensemble work item that would nest pools (each worker process starting its own
workers), so every work item runs the engine in-process (:func:`puddles.parallel.in_process`,
which changes no environment variable): the parallelism is across realizations, where it
is embarrassingly parallel. Results do not depend on where a work
item runs: the numbers are identical for the same seeds on any executor.

Dask is an optional extra (``pip install "puddles[dask]"``); this module never imports it.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np

from . import parallel
from .params import ModelParams
from .validation import check_int, check_seeds, check_temperatures, check_tol

__all__ = [
    "EnsembleResult",
    "ensemble_rt",
    "realization_seeds",
    "realization_curve",
    "local_executor",
    "progress_callback",
    "ensemble_superfluid",
    "realization_superfluid",
]

# --------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------


def realization_seeds(seed: int, count: int) -> list[int]:
    """``count`` independent realization seeds derived from one master ``seed``.

    The i-th seed depends only on ``(seed, i)`` (``numpy.random.SeedSequence`` spawning),
    so asking for more realizations extends the list without changing its beginning.

    Parameters
    ----------
    seed : int
        Master seed, >= 0.
    count : int
        Number of seeds, 1..100000.

    Returns
    -------
    list of int
        Distinct non-negative 32-bit seeds.
    """
    seed = check_int("seed", seed, 0, 2**63 - 1)
    count = check_int("count", count, 1, 100_000)
    children = np.random.SeedSequence(seed).spawn(count)
    out = [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]
    # A 32-bit collision is possible in principle (p ~ count^2 / 2^33); resolve it deterministically
    # so that every realization is a different one.
    seen: set[int] = set()
    for i, s in enumerate(out):
        while s in seen:
            s = (s + 0x9E3779B1) % 2**32
        seen.add(s)
        out[i] = s
    return out


# --------------------------------------------------------------------------------------
# Progress reporting (shared with puddles.fit)
# --------------------------------------------------------------------------------------


def progress_callback(progress, description: str = "") -> tuple[Callable[[int, int, str], None] | None, Callable[[], None]]:
    """Normalise a ``progress`` argument into ``(report, close)``.

    Parameters
    ----------
    progress : None, callable or "tqdm"
        None: no reporting. A callable is called as ``progress(done, total, message)``
        (``done`` and ``total`` are ints, ``done <= total``; ``total`` may grow while a
        fit runs, when it needs more evaluations than first estimated). ``"tqdm"``: a
        ``tqdm.auto`` progress bar (a widget in notebooks, text in a terminal).
    description : str
        Label of the tqdm bar.

    Returns
    -------
    report : callable or None
        ``report(done, total, message)``.
    close : callable
        Call once at the end (closes the tqdm bar; a no-op otherwise).
    """
    if progress is None:
        return None, lambda: None
    if isinstance(progress, str):
        if progress != "tqdm":
            raise ValueError(f"progress must be None, a callable progress(done, total, message) or 'tqdm', got {progress!r}")
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - tqdm is part of the app extra
            raise ValueError("progress='tqdm' needs the tqdm package (pip install tqdm)") from None
        bar = tqdm(total=1, desc=description, leave=True)

        def report(done: int, total: int, message: str) -> None:
            if bar.total != total:
                bar.total = total
            bar.n = done
            bar.set_postfix_str(message, refresh=False)
            bar.refresh()

        return report, bar.close
    if not callable(progress):
        raise ValueError(f"progress must be None, a callable progress(done, total, message) or 'tqdm', got {type(progress).__name__}")
    return progress, lambda: None


# --------------------------------------------------------------------------------------
# The work item
# --------------------------------------------------------------------------------------

def realization_curve(
    n: int,
    w: float,
    w2: float,
    seed: int,
    x,
    *,
    puddle_diameter=10.0,
    puddle_centres: str = "skeleton",
    tol: float | None = 0.01,
    single_process: bool = True,
) -> dict:
    """Universal curve of one realization at reduced temperatures ``x`` (one work item).

    A top-level function of plain arguments, so that process pools and dask can ship it.

    Parameters
    ----------
    n, w, w2, seed, puddle_diameter, puddle_centres
        As for :meth:`puddles.network.Network.generate`.
    x : array_like of float
        Reduced temperatures ``(T - Tc_mean) / sigma``.
    tol : float or None
        Table tolerance (units of R_N) or None for exact solves.
    single_process : bool
        Run the engine in-process (:func:`puddles.parallel.in_process`) during the item;
        True in every executor work item, so that workers do not start pools of their own.

    Returns
    -------
    dict
        ``F`` (R/R_N at ``x``, float array), ``seed``, ``percolates`` (bool),
        ``x_perc`` (reduced percolation temperature: the cluster joins the leads for
        ``x < x_perc``; NaN if never), ``plateau_all`` (R/R_N with every bond that can
        superconduct superconducting, i.e. the ``x -> -inf`` limit), ``w_skeleton``,
        ``n_solves`` (network solves this item ran).
    """
    from .network import Network  # deferred: unpickling a work item imports only this module

    with parallel.in_process() if single_process else contextlib.nullcontext():
        net = Network.generate(n, w, w2, seed=seed, puddle_diameter=puddle_diameter, puddle_centres=puddle_centres)
        return curve_summary(net, x, tol)


def curve_summary(net, x, tol) -> dict:
    """The dict :func:`realization_curve` returns, for an existing network ``net``."""
    F = net.universal_curve(np.asarray(x, dtype=float), tol=tol)
    return dict(
        F=np.asarray(F, dtype=float),
        seed=int(net.seed),
        percolates=bool(net.percolates),
        x_perc=net.x_perc,
        plateau_all=net.plateau_all,
        w_skeleton=float(net.w_skeleton),
        n_solves=int(net.n_solves),
    )


def local_executor(max_workers: int | None = None):
    """A local process pool of your own for ensembles and fits (engine in-process in every worker).

    Parameters
    ----------
    max_workers : int, optional
        Number of processes, default the number of cores (``os.cpu_count()``).

    Returns
    -------
    loky.ProcessPoolExecutor
        The pool implementation of :mod:`puddles.parallel` (workers start by fork + exec,
        so a threaded caller is safe and scripts need no ``__main__`` guard). Use it as a
        context manager, or call ``shutdown()`` when done.
    """
    from loky import ProcessPoolExecutor

    if max_workers is None:
        max_workers = os.cpu_count() or 1
    max_workers = check_int("max_workers", max_workers, 1, 4096)
    return ProcessPoolExecutor(max_workers=max_workers, initializer=parallel._init_worker, initargs=(os.getpid(),))


def run_items(
    items: Sequence[dict],
    executor: Executor | None,
    progress: Callable[[int, int, str], None] | None = None,
    label: Callable[[int], str] | None = None,
    work: Callable[..., dict] = realization_curve,
) -> list[dict]:
    """Run ``work`` (default :func:`realization_curve`) for every kwargs dict in ``items``; results in order.

    ``executor=None`` runs the items in the calling process, one after another (the
    engine then parallelises the solves of each item itself, where it may). Progress is reported as
    items finish.
    """
    total = len(items)
    results: list[dict | None] = [None] * total
    if executor is None:
        for i, kw in enumerate(items):
            results[i] = work(**{**kw, "single_process": False})
            if progress is not None:
                progress(i + 1, total, label(i) if label else f"realization {i + 1}/{total}")
        return results  # type: ignore[return-value]
    futures = {executor.submit(work, **kw): i for i, kw in enumerate(items)}
    from concurrent.futures import as_completed

    done = 0
    try:
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            done += 1
            if progress is not None:
                progress(done, total, label(i) if label else f"realization {i + 1}/{total}")
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return results  # type: ignore[return-value]


# --------------------------------------------------------------------------------------
# Ensembles
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """R(T)/R_N of an ensemble of realizations.

    Attributes
    ----------
    T : ndarray, shape (m,)
        Temperatures (K).
    mean, std, sem : ndarray, shape (m,)
        Mean of R/R_N over realizations, its sample standard deviation (ddof = 1; 0 for a
        single realization) and the standard error of the mean, ``std / sqrt(count)``.
    curves : ndarray, shape (count, m)
        R/R_N of every realization, in the order of ``seeds``.
    seeds : tuple of int
        The realization seeds.
    params : ModelParams
        The shared parameters.
    tol : float or None
        Interpolation tolerance of each realization's curve (units of R_N; None: exact).
    percolates : ndarray of bool, shape (count,)
        Whether each realization's cluster joins the leads at low enough temperature.
    tp : ndarray, shape (count,)
        Percolation temperature of each realization (K); NaN if it never percolates at
        T >= 0.
    n_solves : int
        Network solves used, summed over realizations.
    elapsed : float
        Wall-clock time (s).
    """

    T: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    sem: np.ndarray
    curves: np.ndarray
    seeds: tuple
    params: ModelParams
    tol: float | None
    percolates: np.ndarray
    tp: np.ndarray
    n_solves: int
    elapsed: float = field(default=0.0)

    @property
    def count(self) -> int:
        """Number of realizations."""
        return int(self.curves.shape[0])

    @property
    def percolating_fraction(self) -> float:
        """Fraction of realizations whose cluster percolates."""
        return float(np.mean(self.percolates))

    def as_dict(self) -> dict:
        """Plain-Python view (lists and numbers), e.g. for JSON."""
        return dict(
            T=self.T.tolist(),
            mean=self.mean.tolist(),
            std=self.std.tolist(),
            sem=self.sem.tolist(),
            seeds=list(self.seeds),
            params=self.params.as_dict(),
            tol=self.tol,
            percolates=self.percolates.tolist(),
            tp=[None if not np.isfinite(t) else float(t) for t in self.tp],
            n_solves=self.n_solves,
            elapsed=self.elapsed,
        )

    def __repr__(self) -> str:
        return (
            f"EnsembleResult(count={self.count}, T={self.T.size} points, n={self.params.n}, "
            f"w={self.params.w}, w2={self.params.w2}, percolating={self.percolating_fraction:.2f}, "
            f"n_solves={self.n_solves}, elapsed={self.elapsed:.2f} s)"
        )


def _band(curves: np.ndarray) -> dict:
    """Mean, sample standard deviation (0 for one curve) and standard error over the rows of ``curves``."""
    count = curves.shape[0]
    std = curves.std(axis=0, ddof=1) if count > 1 else np.zeros(curves.shape[1])
    return dict(mean=curves.mean(axis=0), std=std, sem=std / math.sqrt(count))


def _run_realizations(p, T, seeds, executor, progress, description, work, extra):
    """Check the shape of ``T`` (already checked temperatures), ``seeds`` and ``executor``; run
    ``work`` once per seed (in parallel when possible) with the model's arguments plus ``extra``.
    Returns ``(seeds, outputs, t0)``."""
    if T.ndim != 1 or T.size == 0:
        raise ValueError(f"T must be a non-empty 1-D array of temperatures (K), got shape {T.shape}")
    seeds = check_seeds(seeds)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise ValueError(f"executor must be a concurrent.futures.Executor (with .submit), got {type(executor).__name__}")
    report, close = progress_callback(progress, description)
    items = [
        dict(n=p.n, w=p.w, w2=p.w2, seed=s, puddle_diameter=p.puddle_diameter, puddle_centres=p.puddle_centres,
             **extra)
        for s in seeds
    ]
    t0 = time.perf_counter()
    if executor is None and not parallel.in_process_only() and len(seeds) > 1:
        executor = parallel.pool(os.cpu_count() or 1)
    try:
        out = run_items(items, executor, report, lambda i: f"realization seed {seeds[i]}", work=work)
    finally:
        close()
    return seeds, out, t0


def ensemble_rt(
    params,
    T,
    seeds: Iterable[int],
    executor: Executor | None = None,
    *,
    tol: float | None = 0.01,
    progress: Callable[[int, int, str], None] | str | None = None,
) -> EnsembleResult:
    """Mean and spread of R(T)/R_N over disorder realizations.

    Parameters
    ----------
    params : ModelParams or dict
        Shared model parameters (see :class:`puddles.params.ModelParams`; a dict of its
        fields is accepted).
    T : array_like of float
        Temperatures (K), >= 0.
    seeds : sequence of int
        One distinct seed per realization (e.g. :func:`realization_seeds`).
    executor : concurrent.futures.Executor, optional
        Where the realizations run. Default: the engine's process pool
        (:func:`puddles.parallel.pool`, one worker per core, started on first use; inside a
        daemonic process or a dask task the items run in-process). For a dask cluster
        pass ``client.get_executor()``.
    tol : float or None
        Interpolation tolerance of each realization's universal curve, in units of R_N
        (default 0.01), in (0, 0.5]; None solves the network exactly at every temperature.
    progress : callable or "tqdm", optional
        ``progress(done, total, message)`` after every finished realization, or
        ``"tqdm"`` for a progress bar.

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ValueError
        For invalid parameters, temperatures or seeds, and (from the engine) when ``w`` is
        below a realization's skeleton fraction.

    Notes
    -----
    Each work item computes one realization's universal curve (adaptive table with
    tolerance ``tol``) and evaluates it at ``x = (T - tc_mean) / sigma``; the
    engine runs in-process inside the item. The same seeds give bit-identical curves on
    any executor.
    """
    p = ModelParams.coerce(params)
    tol = check_tol(tol)
    T = np.atleast_1d(check_temperatures(T))
    seeds, out, t0 = _run_realizations(
        p, T, seeds, executor, progress, "ensemble", realization_curve, dict(x=(T - p.tc_mean) / p.sigma, tol=tol)
    )
    curves = np.vstack([o["F"] for o in out])
    x_perc = np.array([o["x_perc"] for o in out])
    tp = p.tc_mean + p.sigma * x_perc
    tp = np.where(tp > 0, tp, np.nan)
    return EnsembleResult(
        T=T,
        **_band(curves),
        curves=curves,
        seeds=tuple(seeds),
        params=p,
        tol=tol,
        percolates=np.array([o["percolates"] for o in out], dtype=bool),
        tp=tp,
        n_solves=int(sum(o["n_solves"] for o in out)),
        elapsed=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------------------
# Critical current and superfluid stiffness
# --------------------------------------------------------------------------------------


def realization_superfluid(
    n: int,
    w: float,
    w2: float,
    seed: int,
    T,
    *,
    tc_mean: float,
    sigma: float,
    puddle_diameter=10.0,
    puddle_centres: str = "skeleton",
    single_process: bool = True,
) -> dict:
    """Ic(T) and rho_s(T) of one realization (one work item, plain arguments).

    Returns
    -------
    dict
        ``ic`` (Ic/Ic0 at ``T``), ``rho_s`` (relative to the uniform T = 0 lattice), ``seed``,
        ``percolates``, ``x_perc`` (as in :func:`realization_curve`) and ``n_solves`` (max-flows
        plus linear solves: two per temperature below Tp).
    """
    from .network import Network  # deferred, as in realization_curve

    with parallel.in_process() if single_process else contextlib.nullcontext():
        net = Network.generate(n, w, w2, seed=seed, puddle_diameter=puddle_diameter, puddle_centres=puddle_centres)
        T = np.asarray(T, dtype=float)
        below = np.unique(T[T < net.percolation_temperature(tc_mean, sigma)])  # NaN Tp: none
        return dict(
            ic=net.critical_current_curve(T, tc_mean, sigma), rho_s=net.stiffness_curve(T, tc_mean, sigma),
            seed=int(seed), percolates=bool(net.percolates), x_perc=net.x_perc, n_solves=2 * int(below.size),
        )


def ensemble_superfluid(
    params,
    T,
    seeds: Iterable[int],
    executor: Executor | None = None,
    *,
    progress: Callable[[int, int, str], None] | str | None = None,
) -> dict[str, EnsembleResult]:
    """Mean and spread of the critical current and the superfluid stiffness over realizations.

    Parameters are those of :func:`ensemble_rt` (there is no ``tol``: every value is exact).
    Returns ``{"ic": ..., "rho_s": ...}``, two :class:`EnsembleResult` (``tol=None``) whose
    ``mean``, ``std``, ``sem`` and ``curves`` hold Ic/Ic0 and rho_s (relative to the uniform
    lattice of ``Tc = tc_mean`` bonds at T = 0) instead of R/R_N.
    """
    p = ModelParams.coerce(params)
    T = np.atleast_1d(check_temperatures(T))
    seeds, out, t0 = _run_realizations(
        p, T, seeds, executor, progress, "ensemble Ic / rho_s", realization_superfluid,
        dict(T=T, tc_mean=p.tc_mean, sigma=p.sigma),
    )
    tp = p.tc_mean + p.sigma * np.array([o["x_perc"] for o in out])
    common = dict(
        T=T, seeds=tuple(seeds), params=p, tol=None, percolates=np.array([o["percolates"] for o in out], dtype=bool),
        tp=np.where(tp > 0, tp, np.nan), n_solves=int(sum(o["n_solves"] for o in out)),
        elapsed=time.perf_counter() - t0,
    )
    result = {}
    for key in ("ic", "rho_s"):
        curves = np.vstack([o[key] for o in out])
        result[key] = EnsembleResult(**_band(curves), curves=curves, **common)
    return result
