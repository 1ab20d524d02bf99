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
import traceback

import ipywidgets as widgets

__all__ = ["StatusLine", "LEVELS", "describe_error", "debug_enabled"]

_log = logging.getLogger("puddles.app")
# Without a handler, Python's last-resort handler would print every reported error to the
# kernel's stderr, which Jupyter shows under the notebook cell. Users who want the log
# configure logging themselves.
_log.addHandler(logging.NullHandler())

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
