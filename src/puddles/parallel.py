"""Worker processes for the engine: one loky pool, started only when work needs it.

Batches of solves (:mod:`puddles.transport`) and local ensembles (:mod:`puddles.ensemble`)
share one pool implementation, :func:`loky.get_reusable_executor`. Why loky rather than
``concurrent.futures`` with ``forkserver`` (both measured on the project's 2-core machine,
``benchmarks/bench_engine.py``): both start workers with a fresh interpreter (about 2.5 s
until the first task returns, versus 40 ms for ``fork``) and solve an N = 100 curve equally
fast (1.3-2 s, within the noise), but loky

* never ``fork``\\ s the calling process (fork + exec), so a kernel with threads is safe on
  every Python version, and user scripts need no ``if __name__ == "__main__"`` guard (a
  ``forkserver``/``spawn`` pool re-imports ``__main__`` and crashes without one);
* lets idle workers exit after :data:`IDLE_SECONDS`, so a kernel that stopped computing
  gives their memory back, and restarts a pool whose worker was killed.

Where the engine runs in-process instead (:func:`in_process_only`): inside a daemonic
process (a ``multiprocessing.Pool`` worker, which may not have children), inside a dask
worker, inside one of this pool's own workers, and within ``with in_process():`` (an
ensemble work item: the parallelism is across realizations). No environment variable is
ever changed; ``PUDDLES_WORKERS`` is only read, as the user's setting.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import multiprocessing
import os
import sys
import threading

__all__ = ["workers", "in_process", "in_process_only", "pool", "shutdown", "IDLE_SECONDS"]

#: Idle workers exit after this many seconds (loky's timeout); the next batch restarts them.
IDLE_SECONDS = 300

_in_process = contextvars.ContextVar("puddles_in_process", default=False)
_is_pool_worker = False  # set by the initializer in this pool's own workers
_lock = threading.Lock()
_executor = None


def workers() -> int:
    """Worker processes for batches of solves: env ``PUDDLES_WORKERS`` if set, else min(4, cores)."""
    env = os.environ.get("PUDDLES_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(f"PUDDLES_WORKERS must be a positive integer, got {env!r}") from None
    return max(1, min(4, os.cpu_count() or 1))


@contextlib.contextmanager
def in_process():
    """Within this block (this thread or task only) the engine solves in the calling process."""
    token = _in_process.set(True)
    try:
        yield
    finally:
        _in_process.reset(token)


def _in_dask_worker() -> bool:
    distributed = sys.modules.get("distributed")  # never imported here: only if the user runs dask
    if distributed is None:
        return False
    try:
        distributed.get_worker()
    except (ValueError, AttributeError):
        return False
    return True


def in_process_only() -> bool:
    """True where the engine must not start worker processes (see the module docstring)."""
    return (
        _in_process.get()
        or _is_pool_worker
        or multiprocessing.current_process().daemon
        or _in_dask_worker()
        or workers() == 1
    )


def _init_worker() -> None:
    """Pool initializer: one BLAS thread per worker and no nested pools.

    The workers already use every core (measured: an N = 400 curve takes 15 s with
    CHOLMOD's OpenBLAS threads competing, 12 s without).
    """
    global _is_pool_worker
    _is_pool_worker = True
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def pool(max_workers: int | None = None):
    """The shared loky executor (created on first use; ``max_workers`` default :func:`workers`)."""
    global _executor
    from loky import get_reusable_executor

    with _lock:
        _executor = get_reusable_executor(
            max_workers=max_workers or workers(), timeout=IDLE_SECONDS, initializer=_init_worker
        )
        return _executor


def shutdown() -> None:
    """End the pool's workers now (registered at interpreter exit, so a closing kernel leaves none)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)


atexit.register(shutdown)
