"""The status line: what is being computed, how long the last update took, what went wrong.

Every panel reports through one :class:`StatusLine` (the fit panel gets its ``set``
method as its ``status`` callable), so a failing callback is never silent: its message
appears here in words while the last good plots stay on screen. Tracebacks are shown
only in debug mode (``PUDDLES_DEBUG=1``, set by ``python -m puddles.app.serve --debug``);
visitors of a served dashboard see the message only.
"""

from __future__ import annotations

import html
import logging
import os
import threading
import time
import traceback
import weakref

import ipywidgets as widgets

__all__ = ["StatusLine", "LEVELS", "describe_error", "debug_enabled"]

_log = logging.getLogger("puddles.app")
# Without a handler, Python's last-resort handler would print every reported error to the
# kernel's stderr, which Jupyter shows under the notebook cell. Users who want the log
# configure logging themselves.
_log.addHandler(logging.NullHandler())

#: Seconds between two heartbeats, and of silence after which the page says the kernel is gone.
HEARTBEAT_SECONDS = 3.0
DEAD_AFTER_SECONDS = 10.0

#: Accepted levels and their indicator colours.
LEVELS = {"info": "#2e7d32", "busy": "#e69500", "error": "#c62828"}


def debug_enabled() -> bool:
    """True when tracebacks may be shown (env ``PUDDLES_DEBUG`` set to 1/true/yes)."""
    return os.environ.get("PUDDLES_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def describe_error(exc: BaseException) -> str:
    """A one-line, user-readable description of an exception.

    The engine raises ``ValueError`` with messages written for users (they name the
    offending parameter and its allowed range), so those are shown as they are; anything
    else is an unexpected failure and says so.
    """
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, ValueError):
        return text
    return f"unexpected {type(exc).__name__}: {text}"


class StatusLine:
    """One-line HTML status indicator.

    Parameters
    ----------
    debug : bool, optional
        Show tracebacks of errors (default: :func:`debug_enabled`).

    Attributes
    ----------
    widget : ipywidgets.HTML
    message, level : str
        The last message and its level ("info", "busy" or "error").
    """

    def __init__(self, debug: bool | None = None):
        self.debug = debug_enabled() if debug is None else bool(debug)
        self.widget = widgets.HTML(layout=widgets.Layout(width="100%", min_height="26px"))
        self.widget.add_class("pd-status")
        #: Carries the dead-kernel banner (see :meth:`start_heartbeat`); empty without a heartbeat.
        self.heartbeat = widgets.HTML()
        self.heartbeat.add_class("pd-heartbeat")
        self.message = ""
        self.level = "info"
        self.detail = ""
        self.note = ""
        self._lock = threading.Lock()

    def set(self, message: str, level: str = "info") -> None:
        """Show ``message`` at ``level`` ("info", "busy" or "error"); unknown levels count as info.

        Safe to call from any thread (the dashboard's worker reports through it too).
        """
        level = level if level in LEVELS else "info"
        with self._lock:
            self.message, self.level, self.detail = str(message), level, ""
            self._render()

    def error(self, exc: BaseException, context: str = "") -> None:
        """Report an exception in words (and, in debug mode, with its traceback)."""
        words = describe_error(exc)
        message = f"{context}: {words}" if context else words
        _log.warning("%s", message, exc_info=exc)
        with self._lock:
            self.message, self.level = message, "error"
            self.detail = "".join(traceback.format_exception(exc)) if self.debug else ""
            self._render()

    def start_heartbeat(self, interval: float = HEARTBEAT_SECONDS, dead_after: float = DEAD_AFTER_SECONDS) -> bool:
        """Make a dead kernel visible: re-send :attr:`heartbeat` every ``interval`` s from a thread.

        :attr:`heartbeat` holds a banner ("the kernel has stopped") that the page shows by
        itself (a CSS animation, no JavaScript) after ``dead_after`` s without a beat; every
        beat restarts that clock. Returns False (and shows no banner) where no thread can
        start: without beats the banner would be wrong.
        """
        ref = weakref.ref(self)

        def beat() -> None:
            count = 0
            while True:
                line = ref()
                if line is None or line.heartbeat.comm is None:  # closed or collected: stop
                    return
                count += 1
                line.heartbeat.value = (
                    f'<div class="pd-dead" data-beat="{count}" style="animation-delay: {dead_after:g}s">'
                    "<b>the kernel behind this page has stopped</b> (or the connection to it was lost): "
                    "nothing on the page updates any more. Reload the page to start again.</div>"
                )
                del line  # hold no reference while asleep: a closed dashboard can be collected
                time.sleep(interval)

        thread = threading.Thread(target=beat, name="puddles-heartbeat", daemon=True)
        try:
            thread.start()
        except RuntimeError:
            return False
        return True

    def set_note(self, text: str) -> None:
        """A standing note under the status message (e.g. ignored URL parameters); "" removes it."""
        with self._lock:
            self.note = str(text)
            self._render()

    def _render(self) -> None:
        colour = LEVELS[self.level]
        dot = f'<span class="pd-dot" style="background:{colour}"></span>'
        label = {"info": "ready", "busy": "working", "error": "error"}[self.level]
        body = f'<b style="color:{colour}">{label}</b> {html.escape(self.message)}'
        if self.detail:
            body += f"<details><summary>traceback</summary><pre>{html.escape(self.detail)}</pre></details>"
        if self.note:
            body += f'<div class="pd-status-note" style="color:{LEVELS["error"]}">{html.escape(self.note)}</div>'
        self.widget.value = f'<div class="pd-status-{self.level}">{dot}{body}</div>'
