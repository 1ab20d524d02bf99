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
_TITLES = {"tc_mean": "Tc_mean (K)", "sigma": "σ (K)", "w": "w", "w2": "w2"}


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
                marks=marks, axes=[bq.Axis(scale=xs, label="control", grid_lines="dashed"),
                                   bq.Axis(scale=ys, side="left", label=_TITLES[name], grid_lines="dashed",
                                           tick_format=".3~g")],
                fig_margin=dict(top=10, bottom=40, left=60, right=10), animation_duration=0,
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
            for axis in self.figures[name].axes[:1]:
                axis.label = series.control
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
