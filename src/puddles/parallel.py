"""Worker processes for the engine: one loky pool, started only when work needs it.

Batches of solves (:mod:`puddles.transport`) and local ensembles (:mod:`puddles.ensemble`)
share one pool implementation, loky's ``ProcessPoolExecutor`` (:func:`pool`). Why loky rather than
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
import time

__all__ = ["workers", "in_process", "in_process_only", "pool", "discard", "shutdown", "IDLE_SECONDS"]

#: Idle workers exit after this many seconds (loky's timeout); the next batch restarts them.
IDLE_SECONDS = 300
#: How often a worker checks that the process that started it is alive (s).
PARENT_POLL_SECONDS = 1.0

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


def _init_worker(parent: int | None = None) -> None:
    """Pool initializer: one BLAS thread per worker, no nested pools, exit with ``parent``.

    The workers already use every core (measured: an N = 400 curve takes 15 s with
    CHOLMOD's OpenBLAS threads competing, 12 s without).
    """
    global _is_pool_worker
    _is_pool_worker = True
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    # A kernel killed outright runs no atexit: without this, its idle workers would linger
    # until loky's idle timeout (measured: still alive 10 s after a SIGKILL of their parent).
    # ``parent`` is passed in, not read here: a worker still starting when its kernel died
    # would otherwise record its new parent (init) and never notice.
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), name="puddles-parent-watch", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)


def pool(max_workers: int | None = None):
    """The engine's loky executor, created on first use (``max_workers`` default :func:`workers`).

    One per process, shared by every thread (loky's own ``get_reusable_executor`` keeps one
    per thread, which gave a kernel two pools: its main thread's and its worker thread's).
    """
    global _executor
    from loky import ProcessPoolExecutor

    n = max_workers or workers()
    with _lock:
        if _executor is not None and _executor._max_workers != n:
            _executor.shutdown(wait=False)
            _executor = None
        if _executor is None:
            _executor = ProcessPoolExecutor(
                max_workers=n, timeout=IDLE_SECONDS, initializer=_init_worker, initargs=(os.getpid(),)
            )
        return _executor


def discard(executor) -> None:
    """Forget a broken executor (a worker was killed): the next :func:`pool` makes a new one."""
    global _executor
    with _lock:
        if _executor is executor:
            _executor = None
    executor.shutdown(wait=False, kill_workers=True)


def shutdown() -> None:
    """End the pool's workers now (registered at interpreter exit, so a closing kernel leaves none)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=False, kill_workers=True)


atexit.register(shutdown)
