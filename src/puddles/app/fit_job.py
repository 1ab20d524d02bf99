"""A fit that never blocks the dashboard: one process per fit, progress back, cancel in 2 s.

:class:`FitJob` runs :func:`puddles.fit.fit_rt` (or, with ``target=fit_series_job``, a
series fit :func:`puddles.fit.fit_series`) in a process of its own (``spawn``: never
a ``fork`` of the threaded kernel). The process is daemonic, so the engine solves inside
it in-process (:mod:`puddles.parallel`): one fit is one process, and ending it ends all of
its work. That leaves the kernel's main thread (sigma, Tc_mean, T redraws) a core of its
own on a 2-core machine, and makes Cancel immediate: the process is killed, not asked.

Messages come back over a pipe that a reader thread in the kernel drains (progress, then
the result or the error); the callbacks run in that thread. The fit process ends when

* the fit finishes or fails;
* :meth:`FitJob.cancel` kills it (it is gone before ``cancel`` returns, at most 2 s);
* the kernel exits normally (multiprocessing terminates daemonic children at exit, and
  :func:`cancel_all` is registered too), or dies abruptly: a watchdog thread in the fit
  process reads a pipe whose other end only the kernel holds, and exits on its EOF.

Where no thread can start (Pyodide), :meth:`FitJob.start` runs the fit inline instead.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import weakref
from collections.abc import Callable

__all__ = ["FitJob", "FitCancelled", "cancel_all", "fit_curve_job", "fit_series_job"]

#: How long :meth:`FitJob.cancel` waits for the process to be gone (s).
CANCEL_SECONDS = 2.0

_jobs: weakref.WeakSet = weakref.WeakSet()


class FitCancelled(Exception):
    """Handed to ``on_error`` when a fit was cancelled."""


def _watch_parent(alive) -> None:
    """In the fit process: exit as soon as the kernel is gone (its end of ``alive`` closes)."""
    try:
        alive.recv()
    except (EOFError, OSError):
        pass
    os._exit(0)


def fit_curve_job(data, progress, **options):
    """One curve: :func:`puddles.fit.fit_rt` of an :class:`~puddles.io.RTData`."""
    from puddles.fit import fit_rt

    return fit_rt(data, progress=progress, **options)


def fit_series_job(data, progress, **options):
    """A series: :func:`puddles.fit.fit_series` of ``data = (curves, labels)``."""
    from puddles.fit import fit_series

    curves, labels = data
    return fit_series(curves, labels, progress=progress, **options)


def _fit_main(target, data, options: dict, out, alive) -> None:
    """Entry point of the fit process: run the fit, report progress, send the outcome."""
    threading.Thread(target=_watch_parent, args=(alive,), daemon=True).start()

    def progress(done: int, total: int, message: str) -> None:
        out.send(("progress", int(done), int(total), str(message)))

    try:
        result = target(data, progress, **options)
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the panel in words
        out.send(("error", type(exc).__name__, str(exc), isinstance(exc, ValueError)))
    else:
        out.send(("done", result))
    out.close()


class FitJob:
    """One background fit.

    Parameters
    ----------
    data : puddles.io.RTData or (list of RTData, list of float)
        The curve to fit, or a series and its labels (with ``target=fit_series_job``).
    options : dict
        Keyword arguments of the fit function (plain values).
    on_progress : callable
        ``on_progress(done, total, message)``.
    on_done : callable
        ``on_done(result)`` with the :class:`~puddles.fit.FitResult`.
    on_error : callable
        ``on_error(exc)``: a ``ValueError`` (bad input, in the engine's words), a
        :class:`FitCancelled`, or another exception.
    target : callable
        Top-level function ``target(data, progress, **options)`` run in the fit process:
        :func:`fit_curve_job` (default) or :func:`fit_series_job`.
    """

    def __init__(
        self,
        data,
        options: dict,
        *,
        on_progress: Callable[[int, int, str], None],
        on_done: Callable[[object], None],
        on_error: Callable[[BaseException], None],
        target: Callable = fit_curve_job,
    ):
        self.data, self.options, self.target = data, dict(options), target
        self.on_progress, self.on_done, self.on_error = on_progress, on_done, on_error
        self.process: multiprocessing.process.BaseProcess | None = None
        self._cancelled = False
        self._start_error: BaseException | None = None
        self._alive = None
        self._finished = threading.Event()

    @property
    def running(self) -> bool:
        """True from :meth:`start` until the outcome has been handed to a callback."""
        return self.process is not None and not self._finished.is_set()

    def start(self) -> None:
        """Start the fit in its own process (inline where threads cannot start)."""
        ctx = multiprocessing.get_context("spawn")
        out_r, out_w = ctx.Pipe(duplex=False)
        alive_r, alive_w = ctx.Pipe(duplex=False)
        reader = threading.Thread(target=self._read, args=(out_r,), name="puddles-fit-reader", daemon=True)
        try:
            reader.start()
        except RuntimeError:  # no threads here: a process could not be watched either
            for conn in (out_r, out_w, alive_r, alive_w):
                conn.close()
            self._run_inline()
            return
        self.process = ctx.Process(target=_fit_main, args=(self.target, self.data, self.options, out_w, alive_r), daemon=True,
                                   name="puddles-fit")
        self._alive = alive_w  # held open while the kernel lives; the fit's watchdog waits on it
        try:
            self.process.start()
        except Exception as exc:  # noqa: BLE001 - the reader reports it (EOF below): never left "busy"
            self._start_error, self.process = exc, None
        finally:
            out_w.close()  # the reader sees EOF once the fit process has closed its end too
            alive_r.close()
        _jobs.add(self)

    def _run_inline(self) -> None:
        try:
            result = self.target(self.data, self.on_progress, **self.options)
        except Exception as exc:  # noqa: BLE001
            self._finish(self.on_error, exc)
        else:
            self._finish(self.on_done, result)

    def _read(self, conn) -> None:
        """Reader thread: hand every message to its callback until the process ends."""
        outcome = None
        try:
            while outcome is None:
                try:
                    msg = conn.recv()
                except (EOFError, OSError):  # killed (cancel) or crashed
                    break
                if msg[0] == "progress":
                    self.on_progress(*msg[1:])
                elif msg[0] == "done":
                    outcome = (self.on_done, msg[1])
                else:
                    _, name, text, is_value_error = msg
                    outcome = (self.on_error, ValueError(text) if is_value_error else RuntimeError(f"{name}: {text}"))
        finally:
            conn.close()
        if self.process is not None:
            self.process.join(CANCEL_SECONDS)
        if outcome is None:
            if self._start_error is not None:
                error = self._start_error
            elif self._cancelled:
                error = FitCancelled("fit cancelled")
            else:
                error = RuntimeError(f"the fit process ended unexpectedly (exit code {self.process.exitcode})")
            outcome = (self.on_error, error)
        self._finish(*outcome)

    def _finish(self, callback, value) -> None:
        try:
            callback(value)
        finally:
            self._finished.set()
            if self._alive is not None:
                self._alive.close()

    def cancel(self) -> bool:
        """Kill the fit process; True once it is gone (within :data:`CANCEL_SECONDS`)."""
        self._cancelled = True
        proc = self.process
        if proc is None:
            return True
        if proc.is_alive():
            proc.kill()
        proc.join(CANCEL_SECONDS)
        return not proc.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the outcome was handed to its callback; False on timeout."""
        return self._finished.wait(timeout)


def cancel_all() -> None:
    """Kill every running fit process (at kernel exit, and when a dashboard is closed)."""
    for job in list(_jobs):
        job.cancel()


atexit.register(cancel_all)
