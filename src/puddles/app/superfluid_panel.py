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
solves one max-flow and one stiffness at the cursor (milliseconds).

Computing and drawing are separate methods (:meth:`curves`, :meth:`at_cursor` compute and
touch no widget; ``show_*`` draw), so that the dashboard computes in a background job and
draws in one place; :meth:`update` and :meth:`set_cursor` do both, for notebooks.

Bad input never leaves the panel broken: the engine's message goes to ``status(message,
"error")`` and the last good curves stay.
"""

from __future__ import annotations

import html
import math
import threading
from collections import OrderedDict
from collections.abc import Callable

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from .plots import FIG_MARGIN, Y_MAX
from .presets import T_MAX
from .status import describe_error
from .style import labelled

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
    cursor_dot : bqplot.Scatter
        Ic/Ic(0) at the cursor (shown once the cursor values are computed).
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
        self.rho_T = float("nan")
        self._lock = threading.Lock()  # the cache is shared by a background job and the notebook

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
        # Ic at the cursor. Same marker size as the R(T) plot's Tp marker: bqplot insets a
        # figure's scales by its largest marker, so this keeps the two T axes aligned.
        self.cursor_dot = bq.Scatter(
            x=[0.0], y=[0.0], scales=sc, colors=[IC_COLOUR], marker="circle", default_size=110, visible=False
        )
        ax_x = bq.Axis(scale=xs, label="", grid_lines="dashed", tick_format=".0f", tick_values=np.arange(0.0, T_MAX + 0.1, 5.0))
        ax_y = bq.Axis(
            scale=ys, side="left", label="", tick_format="0.1f", grid_lines="dashed", tick_values=np.arange(0.0, 1.01, 0.2),
        )
        self.figure = bq.Figure(
            marks=[self.rho_line, self.ic_line, self.cursor, self.cursor_dot], axes=[ax_x, ax_y],
            fig_margin=FIG_MARGIN, animation_duration=0, padding_x=0.0, padding_y=0.0,
        )
        self.figure.add_class("pd-superfluid")
        plot = labelled(self.figure, x_label="T (K)", y_label="fraction of T→0", width=width, height=height)
        self.title = widgets.HTML("Critical current and superfluid stiffness")
        self.title.add_class("pd-panel-title")
        # Inline styles: the legend reads the same inside the dashboard and in a bare notebook.
        self.legend = widgets.HTML(
            _legend_row(IC_COLOUR, "solid", "I<sub>c</sub>(T)/I<sub>c</sub>(0) critical current (max-flow)")
            + _legend_row(RHO_COLOUR, "dashed", "ρ<sub>s</sub>(T)/ρ<sub>s</sub>(0) superfluid stiffness"),
            layout=widgets.Layout(max_width=f"{width}px"),
        )
        self.legend.add_class("pd-pins")
        self.readouts = widgets.HTML(layout=widgets.Layout(max_width=f"{width}px"))
        self.readouts.add_class("pd-readouts")
        self.note = widgets.HTML(layout=widgets.Layout(max_width=f"{width}px"))
        self.note.add_class("pd-note")
        self.widget = widgets.VBox([self.title, plot, self.legend, self.readouts, self.note])
        self.widget.add_class("pd-superfluid-box")

    # -- computing (no widget is touched: safe in a background thread) -------------------
    def curves(self, net, tc_mean: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
        """``(Ic/Ic0, rho_s)`` on :attr:`T` for ``net`` at ``(tc_mean, sigma)``, remembered for the
        last few networks and Tc distributions. Raises the engine's ``ValueError`` on bad input."""
        key = (id(net), float(tc_mean), float(sigma))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] is net:  # (an id can be reused once a network is freed)
                self._cache.move_to_end(key)
                return hit[1], hit[2]
        ic, rho = net.critical_current_curve(self.T, tc_mean, sigma), net.stiffness_curve(self.T, tc_mean, sigma)
        with self._lock:
            self._cache[key] = (net, ic, rho)
            while len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
        return ic, rho

    @staticmethod
    def at_cursor(net, T: float, tc_mean: float, sigma: float):
        """``(links, rho_s)`` at one temperature: the max-flow with its weakest links and the
        stiffness (one max-flow and one solve below Tp, none above)."""
        return net.weakest_links(T, tc_mean, sigma), net.stiffness(T, tc_mean, sigma)

    # -- drawing (widget writes) ---------------------------------------------------------
    def show_curves(self, net, tc_mean: float, sigma: float, ic: np.ndarray, rho_s: np.ndarray) -> None:
        """Draw curves computed by :meth:`curves`; the note says so when they are zero throughout."""
        self.net, self.tc_mean, self.sigma = net, float(tc_mean), float(sigma)
        self.ic, self.rho_s = ic, rho_s
        with self.ic_line.hold_sync(), self.rho_line.hold_sync():
            self.ic_line.y = _normalised(ic)
            self.rho_line.y = _normalised(rho_s)
        # Flat zero curves need words: nothing superconducts from lead to lead at any T >= 0.
        self.show_note("" if ic.size and ic[0] > 0 else "no superconducting path joins the leads at any T ≥ 0: "
                       "I_c = ρ_s = 0 (the curves lie on the axis)")
        self._readouts()

    def move_cursor(self, T: float) -> None:
        """Move the cursor line only (the readouts at the cursor follow with :meth:`show_cursor`)."""
        self.cursor_T = float(T)
        self.cursor.x = [self.cursor_T, self.cursor_T]

    def show_cursor(self, T: float, links, rho_s: float) -> None:
        """Show the values :meth:`at_cursor` computed at ``T``."""
        self.move_cursor(T)
        self.links, self.rho_T = links, float(rho_s)
        self._readouts()

    def show_note(self, text: str, *, warn: bool = False) -> None:
        """A line under the readouts, e.g. "computing …" or an error ("" clears it)."""
        self.note.value = f'<span class="pd-warn">{html.escape(text)}</span>' if warn else html.escape(text)

    def show_error(self, exc: BaseException) -> None:
        """Report a failure in the note and through ``status``; the last good curves stay."""
        message = describe_error(exc)
        self.show_note(message, warn=True)
        self._status(f"Ic / rho_s: {message}", "error")

    # -- both at once (notebooks) ------------------------------------------------------------
    def update(self, net, tc_mean: float, sigma: float) -> bool:
        """Recompute (or recall) both curves for ``net`` at ``(tc_mean, sigma)`` and redraw.

        Returns False, reports the engine's message and keeps the last good curves when the
        computation fails (e.g. ``tc_mean <= 0``).
        """
        try:
            ic, rho = self.curves(net, tc_mean, sigma)
            links, rho_T = self.at_cursor(net, self.cursor_T, tc_mean, sigma)
        except Exception as exc:  # noqa: BLE001 - any failure is reported in words; the panel stays alive
            self.show_error(exc)
            return False
        self.links, self.rho_T = links, rho_T
        self.show_curves(net, tc_mean, sigma, ic, rho)
        return True

    def set_cursor(self, T: float) -> None:
        """Move the cursor to ``T`` (K) and recompute the weakest links there (one max-flow)."""
        self.move_cursor(T)
        if self.net is None:
            return
        try:
            links, rho_T = self.at_cursor(self.net, self.cursor_T, self.tc_mean, self.sigma)
        except Exception as exc:  # noqa: BLE001 - reported, never raised into the widget callback
            self._status(f"Ic / rho_s: {describe_error(exc)}", "error")
            return
        self.show_cursor(self.cursor_T, links, rho_T)

    def weakest_links(self) -> np.ndarray:
        """Bond indices of the weakest links (minimum cut) at the cursor; empty above Tp."""
        return np.zeros(0, dtype=np.intp) if self.links is None else self.links.cut

    def _readouts(self) -> None:
        if self.net is None:
            return
        ic0, rho0 = float(self.ic[0]), float(self.rho_s[0])
        text = (
            f"<div><b>I<sub>c</sub></b>(T→0) = {_fmt(ic0)} I<sub>c0</sub> &nbsp;·&nbsp; "
            f"<b>ρ<sub>s</sub></b>(T→0) = {_fmt(rho0)} of a uniform film</div>"
        )
        if self.links is not None:
            with self.cursor_dot.hold_sync():
                self.cursor_dot.x, self.cursor_dot.y = [self.cursor_T], [self.links.value / ic0 if ic0 > 0 else 0.0]
                self.cursor_dot.visible = True
            n_cut = int(self.links.cut.size)
            links = f"{n_cut} weakest link{'s' if n_cut != 1 else ''}" if n_cut else "no superconducting path"
            text += (
                f"<div>at T = {self.cursor_T:.2f} K: I<sub>c</sub> = {_fmt(self.links.value)} I<sub>c0</sub>,"
                f" ρ<sub>s</sub> = {_fmt(self.rho_T)}, {links}</div>"
            )
        self.readouts.value = text


def _legend_row(colour: str, style: str, text: str) -> str:
    return (
        f'<span style="display:inline-block;margin-right:14px;font-size:12px;line-height:17px;white-space:nowrap">'
        f'<i style="display:inline-block;width:22px;'
        f'height:0;border-top:3px {style} {colour};margin-right:6px;vertical-align:4px"></i>{text}</span>'
    )


def _normalised(y: np.ndarray) -> np.ndarray:
    """``y / y[0]`` (the grid starts at T = 0); all zeros when ``y[0]`` is 0."""
    return y / y[0] if y.size and y[0] > 0 else np.zeros_like(y)


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    return "0" if value == 0 else f"{value:.3g}"
