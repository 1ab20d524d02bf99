"""The R(T) plot (bqplot): current curve, pinned curves, T cursor, Tp marker, plateau.

The scales have fixed limits (T in [0, T_max], R/R_N in [0, 1.05]): bqplot's automatic
scales would collapse to a point, and the axes freeze, when a curve is identically zero
(a network superconducting over the whole range), and a jumping axis would also hide
how a slider moves the curve.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from puddles.colours import LIVE_COLOUR, PIN_COLOURS

from .help import HELP
from .presets import T_MAX
from .style import labelled

__all__ = ["RTPlot", "Pin", "PIN_COLOURS", "MAX_PINS", "format_readouts"]

#: Pins kept at once (the oldest is dropped beyond this: six legend lines are what fits under
#: the plot on a 1280 x 800 projector).
MAX_PINS = 6
Y_MAX = 1.05
#: Margins (px) of every plot on the R(T) temperature axis (R(T), Ic / rho_s): equal, so the
#: T axes line up; wide enough for 14 px tick labels.
FIG_MARGIN = dict(top=14, bottom=30, left=46, right=22)


@dataclass(frozen=True)
class Pin:
    """A frozen copy of one R(T) curve with the parameters that made it."""

    R: np.ndarray
    label: str
    colour: str


def _fmt_t(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.2f} K"


def format_readouts(readouts, percolates: bool) -> str:
    """HTML of the Tp / T(R_N/2) / plateau readouts under the R(T) plot (each with its help on hover)."""
    tp = _fmt_t(readouts.tp) if math.isfinite(readouts.tp) else "none (no zero-resistance path at T ≥ 0)"
    half = _fmt_t(readouts.t_half) if math.isfinite(readouts.t_half) else f"— ({html.escape(readouts.half_note)})"
    geo = "percolating cluster" if percolates else "cluster does not span the sample"

    def item(key: str, body: str) -> str:
        return f'<span title="{html.escape(HELP[key])}">{body}</span>'

    return (
        '<div class="pd-readouts">'
        + item("tp", f"<b>T<sub>p</sub></b> = {tp}")
        + item("t_half", f"<b>T</b>(R = R<sub>N</sub>/2) = {half}")
        + item("plateau", f"<b>R</b>(T→0)/R<sub>N</sub> = {readouts.plateau:.3f}")
        + item("spanning", geo)
        + "</div>"
    )


class RTPlot:
    """bqplot figure of R/R_N versus T.

    Parameters
    ----------
    T : ndarray
        Temperature grid of every curve (live and pinned share it).
    width, height : int
        Figure size in CSS pixels.
    compact : bool
        Small variant without pins, legend or labels (used on the thermodynamics tab).

    Attributes
    ----------
    figure : bqplot.Figure
    widget : ipywidgets.Box
        The figure with its HTML axis labels (what the dashboard shows).
    line : bqplot.Lines
        The live curve; ``line.y`` is R/R_N on ``T``.
    pins_mark : bqplot.Lines
        All pinned curves (one multi-line mark).
    cursor : bqplot.Lines
        Vertical line at the temperature cursor.
    tp_mark, tp_label : bqplot.Scatter, bqplot.Label
        Marker at (Tp, 0) when a zero-resistance path exists.
    plateau_mark, plateau_label : bqplot.Lines, bqplot.Label
        The plateau R(T -> 0)/R_N when there is no Tp.
    """

    def __init__(self, T: np.ndarray, *, width: int = 480, height: int = 420, compact: bool = False):
        self.T = np.asarray(T, dtype=float)
        self.compact = compact
        self.pins: list[Pin] = []
        self._n_pinned = 0  # colours follow the pin, not its position, when old pins drop out
        xs = bq.LinearScale(min=0.0, max=float(T_MAX))
        ys = bq.LinearScale(min=0.0, max=Y_MAX)
        self.scales = {"x": xs, "y": ys}
        self.line = bq.Lines(
            x=self.T, y=np.ones_like(self.T), scales=self.scales, colors=[LIVE_COLOUR],
            stroke_width=2.5 if compact else 3, labels=["current"], display_legend=False,
        )
        self.pins_mark = bq.Lines(
            x=self.T, y=[np.ones_like(self.T)], scales=self.scales, colors=PIN_COLOURS[:1],
            stroke_width=2, labels=["pin"], display_legend=False, visible=False,
        )
        self.cursor = bq.Lines(
            x=[0.0, 0.0], y=[0.0, Y_MAX], scales=self.scales, colors=["#7f7f7f"], line_style="dashed", stroke_width=1.5,
        )
        self.tp_mark = bq.Scatter(
            x=[0.0], y=[0.0], scales=self.scales, colors=["#c51b7d"], marker="triangle-up",
            default_size=110 if not compact else 60, visible=False,
        )
        # Left of Tp the live curve lies on the axis (R = 0), so the label sits there, above the
        # axis; right of Tp the curve rises through where a label would be.
        self.tp_label = bq.Label(
            x=[0.0], y=[0.0], scales=self.scales, text=["T\u209a"], colors=["#c51b7d"], x_offset=-8, y_offset=-10,
            align="end", default_size=15, font_weight="bold", visible=False,
        )
        self.plateau_mark = bq.Lines(
            x=[0.0, float(T_MAX)], y=[0.0, 0.0], scales=self.scales, colors=["#c51b7d"], line_style="dotted",
            stroke_width=2, visible=False,
        )
        # At the right end, above the line: R(T) is non-decreasing and near R_N there, far above the
        # plateau (at low T, where the curve approaches the plateau, a label would sit on it).
        self.plateau_label = bq.Label(
            x=[float(T_MAX) - 0.4], y=[0.0], scales=self.scales, text=["plateau"], colors=["#c51b7d"], y_offset=-8,
            align="end", default_size=15, font_weight="bold", visible=False,
        )
        # Axis labels are HTML beside the figure (see style.labelled): R/R_N with a real subscript.
        ax_x = bq.Axis(
            scale=xs, label="", grid_lines="dashed", tick_format=".0f", tick_values=np.arange(0.0, T_MAX + 0.1, 5.0),
        )
        ax_y = bq.Axis(
            scale=ys, side="left", label="", tick_format="0.1f", grid_lines="dashed",
            tick_values=np.arange(0.0, 1.01, 0.2),
        )
        marks = [self.plateau_mark, self.pins_mark, self.line, self.cursor, self.tp_mark]
        if not compact:
            marks += [self.tp_label, self.plateau_label]
        self.figure = bq.Figure(
            marks=marks, axes=[ax_x, ax_y], fig_margin=FIG_MARGIN, animation_duration=0,
            # No padding: bqplot pads the marks but not the axes, which would misplace R = 0.
            padding_x=0.0, padding_y=0.0,
        )
        self.figure.add_class("pd-rt-mini" if compact else "pd-rt")
        self.widget = labelled(self.figure, x_label="T (K)", y_label="R/R<sub>N</sub>", width=width, height=height)
        # The legend is HTML under the plot, not bqplot's: bqplot places its legend when the
        # figure is first laid out, and a figure born in a hidden tab gets it off-plot.
        self.legend = widgets.HTML(layout=widgets.Layout(width=f"{width}px"))
        self.legend.add_class("pd-pins")

    # -- drawing ---------------------------------------------------------------------
    def set_curve(self, R: np.ndarray) -> None:
        """Replace the live curve."""
        self.line.y = np.asarray(R, dtype=float)

    def set_cursor(self, T: float) -> None:
        """Move the vertical temperature cursor."""
        self.cursor.x = [float(T), float(T)]

    def set_markers(self, tp: float, plateau: float, *, plateau_visible: bool = True) -> None:
        """Tp marker when a zero-resistance path exists, otherwise the plateau line."""
        has_tp = math.isfinite(tp)
        self.tp_mark.visible = self.tp_label.visible = has_tp
        if has_tp:
            self.tp_mark.x = [float(tp)]
            # Near T = 0 there is no room on the left: then the label goes right, higher up.
            left = tp > 1.6
            with self.tp_label.hold_sync():
                self.tp_label.x, self.tp_label.y = [float(tp)], [0.0]
                self.tp_label.align = "end" if left else "start"
                self.tp_label.x_offset = -8 if left else 8
                self.tp_label.y_offset = -10 if left else -24
        show_plateau = plateau_visible and (not has_tp) and plateau > 0
        self.plateau_mark.visible = self.plateau_label.visible = show_plateau
        if show_plateau:
            self.plateau_mark.y = [float(plateau), float(plateau)]
            self.plateau_label.y = [float(plateau)]
            self.plateau_label.text = [f"plateau {plateau:.3f}"]

    # -- pins ------------------------------------------------------------------------
    def pin(self, label: str) -> None:
        """Freeze the live curve with ``label`` (drops the oldest pin beyond :data:`MAX_PINS`)."""
        colour = PIN_COLOURS[self._n_pinned % len(PIN_COLOURS)]
        self._n_pinned += 1
        self.pins.append(Pin(np.array(self.line.y, dtype=float), label, colour))
        del self.pins[:-MAX_PINS]
        self._draw_pins()

    def clear_pins(self) -> None:
        """Remove every pinned curve."""
        self.pins.clear()
        self._draw_pins()

    def _draw_pins(self) -> None:
        if not self.pins:
            self.pins_mark.visible = False
            self.legend.value = ""
            return
        with self.pins_mark.hold_sync():
            self.pins_mark.y = np.stack([p.R for p in self.pins])
            self.pins_mark.colors = [p.colour for p in self.pins]
            self.pins_mark.labels = [p.label for p in self.pins]
            self.pins_mark.visible = True
        rows = [f'<span class="pd-pin-row"><i style="background:{LIVE_COLOUR}"></i>current</span>']
        rows += [
            f'<span class="pd-pin-row"><i style="background:{p.colour}"></i>{html.escape(p.label)}</span>'
            for p in reversed(self.pins)
        ]
        self.legend.value = "".join(rows)
