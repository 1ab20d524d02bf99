"""Save a view as PNG or SVG from the browser: two buttons that turn a matplotlib figure into a download.

Voila serves no files of its own (and should not: a visitor must not leave files on the
server), so the figure travels to the browser as a ``data:`` URL. A click on "PNG" builds
the figure (:mod:`puddles.plot`), encodes it, and displays a few lines of JavaScript in an
``Output`` widget that create an ``<a download>`` link and click it: the browser saves the
file. Scripts inside ``ipywidgets.HTML`` values never run, but JavaScript outputs of an
``Output`` widget do, in Jupyter and in Voila alike. The same link is also shown beside the
buttons, for a browser that blocks the automatic click.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable

import ipywidgets as widgets

from .status import LEVELS, describe_error
from .style import run_script, script_output

__all__ = ["FORMATS", "save_figure", "ExportButtons"]

#: File formats, their MIME types and the resolution of the raster one (dots per inch: a 6.4 inch
#: figure becomes 1280 pixels wide, sharp on a full-HD slide).
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
PNG_DPI = 200


def save_figure(fig, fmt: str) -> bytes:
    """The file bytes of a matplotlib Figure as ``"png"`` (at :data:`PNG_DPI`) or ``"svg"``.

    Raises
    ------
    ValueError
        For another format, or an object that is not a Figure.
    """
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not hasattr(fig, "savefig"):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=PNG_DPI if fmt == "png" else None)
    return buf.getvalue()


def data_url(content: bytes, fmt: str) -> str:
    """``data:`` URL of a file's bytes."""
    return f"data:{FORMATS[fmt]};base64,{base64.b64encode(content).decode('ascii')}"


class ExportButtons:
    """"PNG" and "SVG" buttons that save the figure ``make_figure()`` returns as ``stem.png`` / ``stem.svg``.

    Parameters
    ----------
    make_figure : callable returning a matplotlib Figure
        Called on every click (so the file shows the view as it is then).
    stem : str
        File name without suffix, e.g. ``"puddles-rt"``.
    status : callable(msg, level), optional
        Where errors go (``level="error"``) and the confirmation (``"info"``): the dashboard's
        status line (:meth:`puddles.app.status.StatusLine.set`). Without it, errors are shown beside the buttons.
    what : str
        The view's name in the buttons' tooltips ("Save R(T) as PNG").

    Attributes
    ----------
    widget : ipywidgets.HBox
        The buttons, the fallback link and the (invisible) output that runs the download.
    last : tuple of (str, bytes) or None
        File name and bytes of the last export.
    """

    def __init__(self, make_figure: Callable, stem: str, status: Callable[[str, str], None] | None = None, *,
                 what: str | None = None):
        if not callable(make_figure):
            raise ValueError(f"make_figure must be callable, got {type(make_figure).__name__}")
        if not stem or any(c in stem for c in '/\\:*?"<>|'):
            raise ValueError(f"stem must be a non-empty file name without path or special characters, got {stem!r}")
        self.make_figure = make_figure
        self.stem = stem
        self.status = status
        self.last: tuple[str, bytes] | None = None
        what = what or stem
        self.buttons = {}
        for fmt in FORMATS:
            b = widgets.Button(description=fmt.upper(), icon="download", tooltip=f"Save {what} as {fmt.upper()}",
                               layout=widgets.Layout(width="76px"))
            b.add_class("pd-export")
            b.on_click(lambda _b, fmt=fmt: self.export(fmt))
            self.buttons[fmt] = b
        self.link = widgets.HTML(layout=widgets.Layout(margin="0 0 0 6px"))
        self.output = script_output()
        self.widget = widgets.HBox([*self.buttons.values(), self.link, self.output],
                                   layout=widgets.Layout(align_items="center"))
        self.widget.add_class("pd-export-bar")

    def export(self, fmt: str) -> bytes | None:
        """Build the figure, encode it and start the browser download; the bytes (None on error)."""
        name = f"{self.stem}.{fmt}"
        try:
            content = save_figure(self.make_figure(), fmt)
        except Exception as exc:  # noqa: BLE001 - any failure is reported; the page stays alive
            self._report(f"could not save {name}: {describe_error(exc)}", "error")
            return None
        url = data_url(content, fmt)
        self.last = (name, content)
        self.link.value = (f'<a download="{name}" href="{url}" title="Save {name} again" '
                           f'style="font-size:12px">{name}</a>')
        script = (f"(function(){{var a=document.createElement('a');a.download={json.dumps(name)};"
                  f"a.href={json.dumps(url)};document.body.appendChild(a);a.click();a.remove();}})();")
        run_script(self.output, script)
        self._report(f"saved {name} ({len(content) / 1024:.0f} kB)", "info")
        return content

    def _report(self, msg: str, level: str) -> None:
        if self.status is not None:
            self.status(msg, level)
        elif level == "error":
            self.link.value = f'<span style="color:{LEVELS["error"]}">{html.escape(msg)}</span>'
