"""Critical current and superfluid stiffness panel: Ic(T)/Ic(0) and rho_s(T)/rho_s(0) with a T cursor.

Sits beside the R(T) plot and shares its temperature axis and cursor (same fixed scales,
same margins, see :mod:`puddles.app.plots`). The curves come from
:meth:`puddles.network.Network.critical_current_curve` and
:meth:`~puddles.network.Network.stiffness_curve`; both are normalised to their T -> 0
value so that the shapes compare with each other and with one Ambegaokar-Baratoff
junction, and the readouts give the absolute values (Ic in units of Ic0, one bond with
Tc = Tc_mean at T = 0; rho_s relative to the uniform film of such bonds).

Costs (N = 100, 2-core machine; ``benchmarks/bench_superfluid.py``): :meth:`SuperfluidPanel.update`
solves one max-flow and one linear system per grid temperature below Tp (a few tenths of
a second), and remembers the last few networks and (tc_mean, sigma); :meth:`set_cursor`
solves one max-flow at the cursor for the weakest links (milliseconds).

Bad input never leaves the panel broken: the engine's message goes to ``status(message,
"error")`` and the last good curves stay.
"""

from __future__ import annotations

import html
import math
from collections import OrderedDict
from collections.abc import Callable

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from .plots import Y_MAX
from .presets import T_MAX
from .status import describe_error

__all__ = ["SuperfluidPanel", "IC_COLOUR", "RHO_COLOUR"]

IC_COLOUR = "#08306b"  # the live colour of the R(T) plot: Ic is this panel's main curve
RHO_COLOUR = "#e6550d"
_CACHE = 8  # (network, tc_mean, sigma) results kept: slider back-and-forth costs nothing


class SuperfluidPanel:
    """bqplot figure of Ic(T)/Ic(0) and rho_s(T)/rho_s(0), a T cursor and readouts.

    Parameters
    ----------
    T : ndarray
        Temperature grid (K), e.g. the dashboard's ``TransportModel.T``.
    width, height : int
        Figure size in CSS pixels.
    status : callable, optional
        ``status(message, level)`` with level "info", "busy" or "error" (the dashboard's
        ``StatusLine.set``); errors are also shown in the panel's own note.

    Attributes
    ----------
    ic_line, rho_line, cursor : bqplot.Lines
        The two normalised curves and the vertical cursor.
    readouts : ipywidgets.HTML
        Ic(0), rho_s(0), and Ic, rho_s and the number of weakest links at the cursor.
    widget : ipywidgets.VBox
        Title, figure, legend and readouts.
    ic, rho_s : ndarray
        The last good curves (Ic/Ic0 and rho_s, not normalised).
    links : puddles.critical_current.MaxFlow or None
        Max-flow and weakest links at the cursor.
    """

    def __init__(
        self, T, *, width: int = 480, height: int = 300, status: Callable[[str, str], None] | None = None
    ):
        self.T = np.asarray(T, dtype=float)
        self._status = status or (lambda message, level="info": None)
        self._cache: OrderedDict = OrderedDict()
        self.net = None
        self.tc_mean = self.sigma = float("nan")
        self.cursor_T = 0.0
        self.ic = np.zeros_like(self.T)
        self.rho_s = np.zeros_like(self.T)
        self.links = None

        xs = bq.LinearScale(min=0.0, max=float(T_MAX))
        ys = bq.LinearScale(min=0.0, max=Y_MAX)
        sc = {"x": xs, "y": ys}
        self.ic_line = bq.Lines(x=self.T, y=np.zeros_like(self.T), scales=sc, colors=[IC_COLOUR], stroke_width=3)
        self.rho_line = bq.Lines(
            x=self.T, y=np.zeros_like(self.T), scales=sc, colors=[RHO_COLOUR], stroke_width=2.5, line_style="dashed"
        )
        self.cursor = bq.Lines(
            x=[0.0, 0.0], y=[0.0, Y_MAX], scales=sc, colors=["#7f7f7f"], line_style="dashed", stroke_width=1.5
        )
        ax_x = bq.Axis(
            scale=xs, label="T (K)", grid_lines="dashed", tick_format=".1f", tick_values=np.arange(0.0, T_MAX + 0.1, 2.5)
        )
        ax_y = bq.Axis(
            scale=ys, side="left", label="fraction of T→0 value", tick_format="0.1f", grid_lines="dashed",
            tick_values=np.arange(0.0, 1.01, 0.2),
        )
        self.figure = bq.Figure(
            marks=[self.rho_line, self.ic_line, self.cursor], axes=[ax_x, ax_y],
            fig_margin=dict(top=14, bottom=44, left=58, right=22), animation_duration=0, padding_x=0.0, padding_y=0.0,
            layout=widgets.Layout(width=f"{width}px", height=f"{height}px"),
        )
        self.figure.add_class("pd-superfluid")
        self.title = widgets.HTML("Critical current and superfluid stiffness")
        self.title.add_class("pd-panel-title")
        # Inline styles: the legend reads the same inside the dashboard and in a bare notebook.
        self.legend = widgets.HTML(
            _legend_row(IC_COLOUR, "solid", "I<sub>c</sub>(T) / I<sub>c</sub>(0): critical current (max-flow)")
            + _legend_row(RHO_COLOUR, "dashed", "ρ<sub>s</sub>(T) / ρ<sub>s</sub>(0): superfluid stiffness"),
            layout=widgets.Layout(width=f"{width}px"),
        )
        self.legend.add_class("pd-pins")
        self.readouts = widgets.HTML(layout=widgets.Layout(width=f"{width}px"))
        self.readouts.add_class("pd-readouts")
        self.note = widgets.HTML(layout=widgets.Layout(width=f"{width}px"))
        self.note.add_class("pd-note")
        self.widget = widgets.VBox([self.title, self.figure, self.legend, self.readouts, self.note])
        self.widget.add_class("pd-superfluid-box")

    # -- updates -------------------------------------------------------------------------
    def update(self, net, tc_mean: float, sigma: float) -> bool:
        """Recompute (or recall) both curves for ``net`` at ``(tc_mean, sigma)`` and redraw.

        Returns False, reports the engine's message and keeps the last good curves when the
        computation fails (e.g. ``tc_mean <= 0``).
        """
        key = (id(net), float(tc_mean), float(sigma))
        try:
            hit = self._cache.get(key)
            if hit is None or hit[0] is not net:  # (an id can be reused once a network is freed)
                hit = (net, net.critical_current_curve(self.T, tc_mean, sigma), net.stiffness_curve(self.T, tc_mean, sigma))
                self._cache[key] = hit
            self._cache.move_to_end(key)
            while len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
            links = net.weakest_links(self.cursor_T, tc_mean, sigma)
        except Exception as exc:  # noqa: BLE001 - any failure is reported in words; the panel stays alive
            message = describe_error(exc)
            self.note.value = f'<span class="pd-warn">{html.escape(message)}</span>'
            self._status(f"Ic / rho_s: {message}", "error")
            return False
        self.net, self.tc_mean, self.sigma = net, float(tc_mean), float(sigma)
        _, self.ic, self.rho_s = hit
        self.links = links
        with self.ic_line.hold_sync(), self.rho_line.hold_sync():
            self.ic_line.y = _normalised(self.ic)
            self.rho_line.y = _normalised(self.rho_s)
        self.note.value = ""
        self._readouts()
        return True

    def set_cursor(self, T: float) -> None:
        """Move the cursor to ``T`` (K) and recompute the weakest links there (one max-flow)."""
        self.cursor_T = float(T)
        self.cursor.x = [self.cursor_T, self.cursor_T]
        if self.net is None:
            return
        try:
            self.links = self.net.weakest_links(self.cursor_T, self.tc_mean, self.sigma)
        except Exception as exc:  # noqa: BLE001 - reported, never raised into the widget callback
            self._status(f"Ic / rho_s: {describe_error(exc)}", "error")
            return
        self._readouts()

    def weakest_links(self) -> np.ndarray:
        """Bond indices of the weakest links (minimum cut) at the cursor; empty above Tp."""
        return np.zeros(0, dtype=np.intp) if self.links is None else self.links.cut

    # -- drawing ---------------------------------------------------------------------------
    def _readouts(self) -> None:
        net, T = self.net, self.cursor_T
        ic0, rho0 = float(self.ic[0]), float(self.rho_s[0])
        rho_T = net.stiffness(T, self.tc_mean, self.sigma)  # 0 without a solve at and above Tp
        n_cut = int(self.links.cut.size)
        links = f"{n_cut} weakest link{'s' if n_cut != 1 else ''}" if n_cut else "no superconducting path"
        self.readouts.value = (
            f"<div><b>I<sub>c</sub></b>(T→0) = {_fmt(ic0)} I<sub>c0</sub> &nbsp;·&nbsp; "
            f"<b>ρ<sub>s</sub></b>(T→0) = {_fmt(rho0)} of a uniform film</div>"
            f"<div>at T = {T:.2f} K: I<sub>c</sub> = {_fmt(self.links.value)} I<sub>c0</sub>,"
            f" ρ<sub>s</sub> = {_fmt(rho_T)}, {links}</div>"
        )


def _legend_row(colour: str, style: str, text: str) -> str:
    return (
        f'<div style="font-size:12px;line-height:17px;white-space:nowrap"><i style="display:inline-block;width:22px;'
        f'height:0;border-top:3px {style} {colour};margin-right:6px;vertical-align:4px"></i>{text}</div>'
    )


def _normalised(y: np.ndarray) -> np.ndarray:
    """``y / y[0]`` (the grid starts at T = 0); all zeros when ``y[0]`` is 0."""
    return y / y[0] if y.size and y[0] > 0 else np.zeros_like(y)


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    return "0" if value == 0 else f"{value:.3g}"
