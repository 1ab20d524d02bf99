"""Four parameter panels of a series fit: Tc_mean, sigma, w, w2 against the control value.

The dashboard's version of the paper's Fig. 1(b)-(e) (bqplot): each panel shows the fitted
values with 1-sigma error bars; the w2 panel also shows the broken fraction of the whole
skeleton (the paper's quantity) as open squares.
"""

from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from puddles.fit import SeriesResult
from puddles.fit.series import SERIES_PARAMETERS

__all__ = ["SeriesPanels"]

_COLOR = "#08306b"
_SKELETON_COLOR = "#c51b7d"
_TITLES = {"tc_mean": "T̄c (K)", "sigma": "σ (K)", "w": "w", "w2": "w2"}


class SeriesPanels:
    """Four small bqplot figures; :meth:`show` draws a :class:`~puddles.fit.SeriesResult`.

    Attributes
    ----------
    widget : ipywidgets.VBox
    values, bars : dict of str to bqplot marks
        Per parameter: the fitted values (Scatter) and their error bars (Lines, one
        segment per label).
    skeleton : bqplot.Scatter
        Broken fraction of the whole skeleton, in the w2 panel.
    """

    def __init__(self, width: int = 280, height: int = 190):
        self.values, self.bars, self.figures = {}, {}, {}
        empty = np.zeros(0)
        for name in SERIES_PARAMETERS:
            xs, ys = bq.LinearScale(), bq.LinearScale()
            self.bars[name] = bq.Lines(x=np.zeros((0, 2)), y=np.zeros((0, 2)), scales={"x": xs, "y": ys},
                                       colors=[_COLOR], stroke_width=1.5)
            self.values[name] = bq.Scatter(x=empty, y=empty, scales={"x": xs, "y": ys}, colors=[_COLOR],
                                           default_size=30)
            marks = [self.bars[name], self.values[name]]
            if name == "w2":
                self.skeleton = bq.Scatter(x=empty, y=empty, scales={"x": xs, "y": ys}, colors=[_SKELETON_COLOR],
                                           marker="square", fill=False, default_size=30)
                marks.append(self.skeleton)
            fig = bq.Figure(
                marks=marks, axes=[bq.Axis(scale=xs, label="control", grid_lines="dashed", tick_format=".3~g",
                                           num_ticks=5),
                                   bq.Axis(scale=ys, side="left", label=_TITLES[name], grid_lines="dashed",
                                           tick_format=".3~g", label_offset="48px")],
                fig_margin=dict(top=10, bottom=40, left=66, right=10), animation_duration=0,
                layout=widgets.Layout(width=f"{width}px", height=f"{height}px"),
            )
            fig.add_class(f"pd-series-{name}")
            self.figures[name] = fig
        self.caption = widgets.HTML()
        f = self.figures
        self.widget = widgets.VBox([widgets.HBox([f["tc_mean"], f["sigma"]]), widgets.HBox([f["w"], f["w2"]]),
                                    self.caption])
        self.widget.add_class("pd-series")

    def show(self, series: SeriesResult | None) -> None:
        """Draw a series (None clears the panels)."""
        for name in SERIES_PARAMETERS:
            if series is None:
                self.values[name].x = self.values[name].y = np.zeros(0)
                self.bars[name].x = self.bars[name].y = np.zeros((0, 2))
                continue
            x, v = series.labels, series.column(name)
            e = np.nan_to_num(series.column(f"{name}_stderr"))
            self.values[name].x, self.values[name].y = x, v
            self.bars[name].x = np.column_stack([x, x])
            self.bars[name].y = np.column_stack([v - e, v + e])
            x_axis, y_axis = self.figures[name].axes
            x_axis.label = series.control
            # A few control values: tick exactly there (auto ticks crowded a 280 px panel).
            x_axis.tick_values = np.unique(x) if np.unique(x).size <= 6 else None
            # Padded ranges, so no point or error bar sits on the frame; round y ticks.
            _pad(x_axis.scale, x, x)
            y_axis.tick_values = _round_range(y_axis.scale, v - e, v + e)
        if series is None:
            self.skeleton.x = self.skeleton.y = np.zeros(0)
            self.caption.value = ""
            return
        self.skeleton.x, self.skeleton.y = series.labels, series.column("skeleton_broken_fraction")
        ok = int(series.column("success").sum())
        self.caption.value = (
            f'<div class="pd-small">{len(series)} curves, common realizations (N = {series.results[0].n}, '
            f"{series.results[0].realizations} realizations); error bars 1σ; open squares in w2: broken / all "
            f"skeleton bonds; {ok} of {len(series)} fits without warnings; {series.elapsed:.1f} s</div>"
            + "".join(f'<div class="pd-note">{html.escape(f"{lab:g}")}: {html.escape(r.warnings[0])}</div>'
                      for lab, r in zip(series.labels, series.results) if r.warnings)
        )


def _pad(scale, lo, hi, fraction: float = 0.08) -> None:
    """Set a linear scale to ``[min(lo), max(hi)]`` widened by ``fraction`` on each side."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if not (np.isfinite(lo).any() and np.isfinite(hi).any()):
        scale.min = scale.max = None  # nothing to show: bqplot's automatic range
        return
    lo, hi = float(np.nanmin(lo[np.isfinite(lo)])), float(np.nanmax(hi[np.isfinite(hi)]))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    scale.min, scale.max = lo - fraction * span, hi + fraction * span


def _round_range(scale, lo, hi) -> np.ndarray | None:
    """Set a linear scale to round limits enclosing ``[min(lo), max(hi)]`` with 4-6 round ticks
    (steps of 1, 2, 2.5 or 5 times a power of ten); returns the ticks (None: nothing to show)."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if not (np.isfinite(lo).any() and np.isfinite(hi).any()):
        scale.min = scale.max = None
        return None
    lo_v, hi_v = float(np.nanmin(lo[np.isfinite(lo)])), float(np.nanmax(hi[np.isfinite(hi)]))
    span = hi_v - lo_v if hi_v > lo_v else max(abs(hi_v), 1.0)
    raw = span / 4
    power = 10.0 ** np.floor(np.log10(raw))
    step = power * min((m for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw), default=10.0)
    first, last = np.floor(lo_v / step) * step, np.ceil(hi_v / step) * step
    if last - hi_v < 0.05 * span:
        last += step
    if lo_v - first < 0.05 * span:
        first -= step
    scale.min, scale.max = first, last
    return np.round(np.arange(first, last + step / 2, step), 12)
