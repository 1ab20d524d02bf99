"""A one-slot background job runner: only the latest request is ever computed.

Rebuilding a network (new w, w2, N, D or seed) takes ~0.5-3 s. If every slider release
queued a rebuild, a student dragging w back and forth would wait for a backlog of
stale computations. :class:`LatestRunner` keeps a single pending slot instead: a new
submission replaces any job that has not started, and a running job can ask
``cancelled()`` between its stages and stop early, so the runner always finishes on the
latest value. The kernel's main thread stays free for the cheap updates (sigma,
Tc_mean, T) meanwhile.

``LatestRunner(sync=True)`` runs every job inline in the caller's thread; the tests and
the benchmark use it to get deterministic, immediately-updated widgets. Where a thread
cannot be started at all (Pyodide has none) the runner falls back to the same inline mode.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["LatestRunner"]

Job = Callable[[Callable[[], bool]], None]


class LatestRunner:
    """Run submitted jobs one at a time in a daemon thread, dropping superseded ones.

    Parameters
    ----------
    sync : bool
        Run jobs inline in :meth:`submit` (no thread).
    name : str
        Thread name (shows up in tracebacks and ``py-spy`` dumps).

    Notes
    -----
    A job is a callable taking one argument, ``cancelled``, a function returning True
    once a newer job has been submitted. Exceptions escaping a job are handed to
    ``on_error`` (set by the owner) so that the thread never dies.
    """

    def __init__(self, *, sync: bool = False, name: str = "puddles-worker"):
        self.sync = bool(sync)
        self.name = name
        self.on_error: Callable[[BaseException], None] | None = None
        self._cond = threading.Condition()
        self._generation = 0
        self._pending: tuple[int, Job] | None = None
        self._running = False
        self._thread: threading.Thread | None = None

    def submit(self, job: Job) -> None:
        """Schedule ``job``; any job submitted earlier that has not started is dropped."""
        if self.sync:
            with self._cond:
                self._generation += 1
                generation = self._generation
            self._run(generation, job)
            return
        with self._cond:
            self._generation += 1
            self._pending = (self._generation, job)
            if self._thread is None or not self._thread.is_alive():
                thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                try:
                    thread.start()
                except RuntimeError:
                    # No threads here (a browser-side Python such as Pyodide, or a host that
                    # forbids them): run this and every later job inline instead of failing.
                    self.sync = True
                    self._pending = None
                    generation = self._generation
                else:
                    self._thread = thread
            self._cond.notify_all()
        if self.sync:
            self._run(generation, job)

    def _cancelled_for(self, generation: int) -> Callable[[], bool]:
        return lambda: self._generation != generation

    def _run(self, generation: int, job: Job) -> None:
        try:
            job(self._cancelled_for(generation))
        except BaseException as exc:  # the worker must survive any job
            if self.on_error is not None:
                self.on_error(exc)
            else:  # pragma: no cover - owners always set on_error
                raise

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None:
                    self._running = False
                    self._cond.notify_all()
                    self._cond.wait()
                generation, job = self._pending
                self._pending = None
                self._running = True
            self._run(generation, job)

    @property
    def busy(self) -> bool:
        """True while a job runs or waits."""
        with self._cond:
            return self._running or self._pending is not None

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until no job runs or waits; False on timeout."""
        if self.sync:
            return True
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._running or self._pending is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True
