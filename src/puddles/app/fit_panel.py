"""The dashboard's "Fit your data" panel: load an R(T) curve, fit it, download the result.

Contract with the dashboard: ``FitPanel(status=None)`` with ``status(message, level)``
(level "info", "busy" or "error") and the instance attribute ``.widget`` (fits a
1280 x 800 tab). The panel

* takes a file (``ipywidgets.FileUpload``; read by :func:`puddles.io.load_rt`) or a
  shipped synthetic example (:mod:`puddles.examples`);
* lets the user choose the temperature range, the lattice size N, the number of
  realizations, the normal-state model and the seed;
* runs :func:`puddles.fit.fit_rt` when *Fit* is pressed, with an ``IntProgress`` bar fed
  by the fit's progress callback; with ``background=True`` (the dashboard) the fit runs
  in a process of its own (:class:`puddles.app.fit_job.FitJob`) and *Cancel* ends it;
* shows data and fit (bqplot) with its shaded 1-sigma confidence band
  (``FitResult.eval_uncertainty``) and the residuals below, the parameter table (HTML) and
  ``data:`` URI download links for the CSV and JSON export (they work in Voilà, where
  there is no file system to save to);
* takes a series - several files (the control value from each file name) or one file with
  a label column - fits it with :func:`puddles.fit.fit_series` (common realizations; in the
  background like a single curve, with *Cancel*) and shows the four parameter panels of the paper's Fig. 1(b)-(e)
  (:class:`puddles.app.series_plots.SeriesPanels`), with CSV/JSON of the table.

A malformed upload shows the loader's message in the panel and through ``status(...,
"error")``; the previous data, fit and plots stay, and the panel stays usable. Uploads
are limited to :data:`UPLOAD_MAX_BYTES` (stated in the panel; a larger file gets a
message at once and its bytes are released). When a file has more than two numeric
columns, or the loader cannot tell which is T and which R, a column picker (two
dropdowns) appears under the upload button.
"""

from __future__ import annotations

import base64
import html
import io
import math
import time
import warnings
from collections.abc import Callable

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from puddles.examples import list_examples, load_example
from puddles.fit import FitResult, SeriesResult, fit_rt, fit_series, read_series
from puddles.io import RTData, load_rt, read_table
from puddles.io.columns import choose_columns

from .export import ExportButtons
from .fit_job import FitCancelled, FitJob, fit_series_job
from .series_plots import SeriesPanels
from .style import labelled, y_label_html

__all__ = ["FitPanel", "UPLOAD_MAX_BYTES"]

#: Largest upload the panel reads (bytes). Below the 10 MiB websocket message limit of
#: the Jupyter/Voila server's default settings, so that a file within it always arrives.
UPLOAD_MAX_BYTES = 8_000_000
#: Most points drawn per scatter: an SVG scatter of 2.5e5 points (a 5 MB file) froze the
#: browser for a minute (measured, served); the fit still uses every point.
PLOT_MAX_POINTS = 2000

_DATA_COLOR = "#08306b"
_FIT_COLOR = "#c51b7d"
_NO_EXAMPLE = "(choose an example)"
_ACCEPT = ".csv,.txt,.dat,.tsv,.asc"


def _data_uri(text: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return "fixed"
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.{digits}g}"


def _thin(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most PLOT_MAX_POINTS evenly spaced points of a curve, for drawing only."""
    if x.size <= PLOT_MAX_POINTS:
        return x, y
    idx = np.unique(np.linspace(0, x.size - 1, PLOT_MAX_POINTS).round().astype(int))
    return x[idx], y[idx]


def _nice_ceiling(x: float) -> float:
    """Smallest of 1, 2, 2.5, 5 times a power of ten that is >= ``x`` (1 for x <= 0 or NaN)."""
    if not (x > 0 and np.isfinite(x)):
        return 1.0
    scale = 10.0 ** np.floor(np.log10(x))
    return float(next(m * scale for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * scale >= x * (1 - 1e-12)))


class FitPanel:
    """Widgets of the "Fit your data" tab.

    Parameters
    ----------
    status : callable, optional
        ``status(message, level)`` with level "info", "busy" or "error".
    background : bool
        Run fits in a separate process (never blocking the kernel) with a working
        *Cancel* button; False runs them inline (``run_fit`` then returns the result).

    Attributes
    ----------
    widget : ipywidgets.HBox
        The panel.
    data : RTData or None
        The loaded curve.
    result : FitResult or None
        The last fit (of the current data).
    data_mark, fit_mark, residual_mark : bqplot marks
        Data points, fitted curve (``result.T_curve``, ``result.R_curve``) and residuals
        (``result.T``, ``result.residual``).
    progress : ipywidgets.IntProgress
    message : ipywidgets.HTML
        Errors and notes shown in the panel itself.
    params_html, downloads : ipywidgets.HTML
        Parameter table and download links.
    """

    def __init__(self, status: Callable[[str, str], None] | None = None, *, background: bool = False):
        self._status = status or (lambda message, level="info": None)
        self.background = bool(background)
        self.fit_job: FitJob | None = None
        self.data: RTData | None = None
        self.result: FitResult | None = None
        narrow = widgets.Layout(width="320px")
        style = {"description_width": "90px"}

        self.example = widgets.Dropdown(
            options=[_NO_EXAMPLE] + list_examples(), value=_NO_EXAMPLE, description="example", style=style, layout=narrow
        )
        self.example.add_class("pd-fit-example")
        self.upload = widgets.FileUpload(accept=_ACCEPT, multiple=True, description="Upload R(T) file(s)",
                                         layout=widgets.Layout(width="320px"))
        self.upload.add_class("pd-fit-upload")
        self.source = widgets.HTML(layout=narrow)
        pick = {"description_width": "90px"}
        self.t_column = widgets.Dropdown(options=[], description="T column", style=pick, layout=narrow)
        self.r_column = widgets.Dropdown(options=[], description="R column", style=pick, layout=narrow)
        self.columns_box = widgets.VBox([self.t_column, self.r_column], layout=widgets.Layout(display="none"))
        self.columns_box.add_class("pd-fit-columns")
        self._upload_bytes: tuple[bytes, str] | None = None  # kept only while the picker is shown
        self._picking = False  # set while the panel itself fills the picker
        self.t_range = widgets.FloatRangeSlider(
            value=(0.0, 1.0), min=0.0, max=1.0, step=0.01, description="T range (K)", readout_format=".2f",
            continuous_update=False, style=style, layout=narrow, disabled=True,
        )
        self.n = widgets.IntSlider(value=100, min=20, max=200, step=10, description="N (lattice)", style=style,
                                   layout=narrow, continuous_update=False)
        self.realizations = widgets.IntSlider(value=8, min=1, max=32, step=1, description="realizations",
                                              style=style, layout=narrow, continuous_update=False)
        self.n.add_class("pd-fit-n")
        self.realizations.add_class("pd-fit-realizations")
        self.normal_state = widgets.ToggleButtons(options=["constant", "linear"], value="constant",
                                                  description="normal state", style={**style, "button_width": "100px"},
                                                  layout=narrow)
        self.seed = widgets.BoundedIntText(value=0, min=0, max=2**31 - 1, description="seed", style=style, layout=narrow)
        self.fit_button = widgets.Button(description="Fit", button_style="primary", icon="play", disabled=True,
                                         layout=widgets.Layout(width="320px"))
        self.fit_button.add_class("pd-fit-button")
        self.cancel_button = widgets.Button(description="Cancel", icon="stop", disabled=True,
                                            layout=widgets.Layout(width="320px"))
        self.cancel_button.add_class("pd-fit-cancel")
        self.cancel_button.on_click(lambda _b: self.cancel_fit())
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="", layout=widgets.Layout(width="320px"))
        self.progress_label = widgets.HTML(layout=narrow)
        self.message = widgets.HTML(layout=narrow)
        self.message.add_class("pd-fit-message")
        help_text = widgets.HTML(
            '<div class="pd-small">Columns: temperature (K or mK) and resistance (ohm, mOhm, kOhm, Ohm/sq or '
            "R/R<sub>N</sub>); CSV/TSV with optional header and # comments, PPMS/MPMS .dat, Lake Shore and "
            f"LabVIEW exports; files up to {UPLOAD_MAX_BYTES / 1e6:g} MB. The examples are "
            "<b>synthetic</b> curves generated by the model.</div>",
            layout=narrow,
        )

        # Series: several files (control value from each file name) or one file with a label column.
        self.label_column = widgets.Text(value="", placeholder="e.g. Vg (one series file)", description="label column",
                                         style=style, layout=narrow)
        self.label_column.add_class("pd-fit-label-column")
        self.control = widgets.Text(value="gate voltage (V)", description="control", style=style, layout=narrow)
        self.series_data: tuple[list[RTData], list[float]] | None = None
        self.series: SeriesResult | None = None
        self.series_panels = SeriesPanels()
        self._build_figures()
        self.params_html = widgets.HTML(layout=widgets.Layout(width="330px"))
        self.params_html.add_class("pd-fit-params")
        self.downloads = widgets.HTML(layout=widgets.Layout(width="330px"))
        self.downloads.add_class("pd-fit-downloads")

        self.example.observe(self._on_example, names="value")
        self.upload.observe(self._on_upload, names="value")
        self.t_column.observe(self._on_columns, names="value")
        self.r_column.observe(self._on_columns, names="value")
        self.fit_button.on_click(lambda _b: self.run_fit())

        controls = widgets.VBox(
            [self.example, self.upload, self.columns_box, self.label_column, self.control, self.source, help_text,
             self.t_range, self.n,
             self.realizations, self.normal_state, self.seed, self.fit_button, self.cancel_button, self.progress,
             self.progress_label, self.message],
            layout=widgets.Layout(width="330px", flex="0 0 330px"),  # never squeezed by wide results
        )
        controls.add_class("pd-controls")
        # Widths adapt to the page: the plots narrow down to a phone's width, the table wraps under them.
        fit_box = labelled(self.fig, x_label="", y_label="R (Ω)", width=570, height=360)
        self.y_label = fit_box.children[0]
        resid_box = labelled(self.resid_fig, x_label="T (K)", y_label="data − fit", width=570, height=190)
        plots = widgets.VBox([fit_box, resid_box], layout=widgets.Layout(width="580px"))
        side = widgets.VBox([self.params_html, self.downloads], layout=widgets.Layout(width="340px"))
        # PNG / SVG of the fit on screen (or of the series' four panels), drawn by matplotlib.
        self.export = ExportButtons(self._fit_figure, "puddles-fit", self._status, what="the fit with its residuals")
        results = widgets.HBox([plots, side])
        results.add_class("pd-fit-results")
        self.results_stack = widgets.Stack([results, self.series_panels.widget], selected_index=0)
        shown = widgets.VBox([self.results_stack, self.export.widget],
                             layout=widgets.Layout(flex="1 1 0", min_width="min(100%, 570px)"))
        self.widget = widgets.HBox([controls, shown], layout=widgets.Layout(width="100%"))
        self.widget.add_class("pd-fit")
        self._show_result(None)

    # -- figures -----------------------------------------------------------------------
    def _build_figures(self) -> None:
        xs, ys, yr = bq.LinearScale(), bq.LinearScale(), bq.LinearScale()
        self.x_scale, self.y_scale, self.resid_scale = xs, ys, yr
        empty = np.zeros(0)
        self.data_mark = bq.Scatter(x=empty, y=empty, scales={"x": xs, "y": ys}, colors=[_DATA_COLOR],
                                    default_size=18, labels=["data"], display_legend=True)
        self.fit_mark = bq.Lines(x=empty, y=empty, scales={"x": xs, "y": ys}, colors=[_FIT_COLOR], stroke_width=2.5,
                                 labels=["fit"], display_legend=True)
        # 1-sigma confidence band of the model (FitResult.eval_uncertainty), shaded.
        self.band_mark = bq.Lines(x=empty, y=np.zeros((2, 0)), scales={"x": xs, "y": ys}, colors=[_FIT_COLOR],
                                  fill="between", fill_colors=[_FIT_COLOR], fill_opacities=[0.25], stroke_width=0,
                                  opacities=[0.0, 0.0])
        # Axis labels are HTML beside the figures (style.labelled): R/R_N gets a real subscript.
        self.y_axis = bq.Axis(scale=ys, side="left", label="", grid_lines="dashed")
        self.fig = bq.Figure(
            marks=[self.band_mark, self.data_mark, self.fit_mark],
            axes=[bq.Axis(scale=xs, label="", grid_lines="dashed"), self.y_axis],
            fig_margin=dict(top=14, bottom=26, left=58, right=14), animation_duration=0, legend_location="top-left",
        )
        self.fig.add_class("pd-fit-plot")
        self.residual_mark = bq.Scatter(x=empty, y=empty, scales={"x": xs, "y": yr}, colors=[_FIT_COLOR],
                                        default_size=14)
        self.zero_line = bq.Lines(x=empty, y=empty, scales={"x": xs, "y": yr}, colors=["#777777"],
                                  line_style="dashed")
        self.resid_axis = bq.Axis(scale=yr, side="left", label="", grid_lines="dashed", tick_format=".3~g")
        self.resid_fig = bq.Figure(
            marks=[self.zero_line, self.residual_mark],
            axes=[bq.Axis(scale=xs, label="", grid_lines="dashed"), self.resid_axis],
            fig_margin=dict(top=8, bottom=30, left=58, right=14), animation_duration=0,
        )
        self.resid_fig.add_class("pd-fit-residuals")

    # -- loading -----------------------------------------------------------------------
    def _error(self, text: str) -> None:
        self.message.value = f'<div class="pd-warn">{html.escape(text)}</div>'
        self._status(text, "error")

    def _note(self, text: str) -> None:
        self.message.value = f'<div class="pd-note">{html.escape(text)}</div>' if text else ""

    def load_bytes(self, content: bytes, name: str = "upload", columns=None) -> bool:
        """Load file content (as from an upload). Returns False (and reports) on error.

        The previous data, fit and plots stay when the content cannot be read. Without
        ``columns``, a file with more than two numeric columns (or an ambiguous one)
        shows the column picker; ``columns=(t, r)`` (indices) is what the picker passes.
        """
        if len(content) > UPLOAD_MAX_BYTES:
            self._error(f"{name}: the file is {len(content) / 1e6:.1f} MB; the limit is "
                        f"{UPLOAD_MAX_BYTES / 1e6:g} MB (thin it out, or use puddles.io.load_rt in a notebook)")
            return False
        stream = io.BytesIO(bytes(content))
        stream.name = name  # the loader names the file in its messages
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                table = read_table(stream, max_bytes=None)  # the size was checked above
                if columns is None:
                    self._offer_columns(table, bytes(content), name)
                data = load_rt(table, columns=columns)
        except (ValueError, TypeError) as exc:
            self._error(str(exc))
            return False
        self.set_data(data, source=f"file {name}")
        notes = "; ".join(str(w.message) for w in caught)
        if notes:
            self._note(notes)
            self._status(notes, "info")
        return True

    def load_series_bytes(self, items: list[tuple[str, bytes]]) -> bool:
        """Load a series: several files (control value from each name) or one file with the label column.

        Returns False (and reports) on error; the previous data and fits stay.
        """
        streams = []
        for name, content in items:
            if len(content) > UPLOAD_MAX_BYTES:
                self._error(f"{name}: the file is {len(content) / 1e6:.1f} MB; the limit is {UPLOAD_MAX_BYTES / 1e6:g} MB")
                return False
            stream = io.BytesIO(bytes(content))
            stream.name = name
            streams.append(stream)
        column = self.label_column.value.strip() or None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if column is not None:
                    curves, labels = read_series(streams[0], label_column=column)
                else:
                    curves, labels = read_series(streams)
        except (ValueError, TypeError, OSError) as exc:
            self._error(str(exc))
            return False
        self._hide_columns()
        merged = RTData(T=np.concatenate([c.T for c in curves]), R=np.concatenate([c.R for c in curves]),
                        r_unit=curves[0].r_unit)
        self.set_data(merged, source=f"series of {len(curves)} curves ({', '.join(f'{v:g}' for v in labels)})")
        self.series_data = (curves, labels)
        return True

    def _offer_columns(self, table, content: bytes, name: str) -> None:
        """Show the picker for a file with more than two numeric columns (else hide it)."""
        numeric = table.numeric_columns
        if len(numeric) <= 2:
            self._hide_columns()
            return
        try:
            chosen: tuple = choose_columns(table)
        except ValueError:
            chosen = (None, None)  # ambiguous: the loader's message says why; the user picks
        # The name first: the dropdown is narrow and cuts the end of long labels.
        names = table.header or []
        options = [("(choose)", None)] + [
            (f"{names[j].strip()} (col. {j + 1})" if j < len(names) and names[j].strip() else f"column {j + 1}", j)
            for j in numeric
        ]
        self._upload_bytes = (content, name)
        self._picking = True
        try:
            for box, j in ((self.t_column, chosen[0]), (self.r_column, chosen[1])):
                box.options = options
                box.value = j
        finally:
            self._picking = False
        self.columns_box.layout.display = ""

    def _hide_columns(self) -> None:
        self._upload_bytes = None
        self.columns_box.layout.display = "none"

    def _on_columns(self, _change) -> None:
        if self._picking or self._upload_bytes is None:
            return
        tj, rj = self.t_column.value, self.r_column.value
        if tj is None or rj is None:
            return
        if tj == rj:
            self._error("choose two different columns for T and R")
            return
        content, name = self._upload_bytes
        self.load_bytes(content, name, columns=(tj, rj))

    def load_example(self, name: str) -> None:
        """Load a shipped synthetic example by name."""
        try:
            data = load_example(name)
        except ValueError as exc:
            self._error(str(exc))
            return
        self._hide_columns()
        meta = data.metadata
        label = f"example {name} (SYNTHETIC: w = {meta.get('w')}, w2 = {meta.get('w2')}, " \
                f"Tc_mean = {meta.get('tc_mean_K')} K, sigma = {meta.get('sigma_K')} K)"
        self.set_data(data, source=label)

    def set_data(self, data: RTData, source: str = "") -> None:
        """Show new data (clears the previous fit and any series, cancels a running fit)."""
        self.cancel_fit()
        self.data = data
        self.result = None
        self.series_data = None
        self.series = None
        self.series_panels.show(None)
        self.results_stack.selected_index = 0
        T = data.T
        lo, hi = float(T.min()), float(T.max())
        step = max((hi - lo) / 500, 1e-6)
        # Order matters: widen first so that the new value is always within [min, max].
        self.t_range.min, self.t_range.max = min(self.t_range.min, lo), max(self.t_range.max, hi)
        self.t_range.step = step
        self.t_range.value = (lo, hi)
        self.t_range.min, self.t_range.max = lo, hi
        self.t_range.disabled = False
        self.fit_button.disabled = False
        shown = f" ({PLOT_MAX_POINTS} shown)" if len(data) > PLOT_MAX_POINTS else ""
        self.source.value = f'<div class="pd-small">{html.escape(source)}: {len(data)} points{shown}, ' \
                            f"{lo:.4g}–{hi:.4g} K</div>"
        self.y_label.value = y_label_html("R/R<sub>N</sub>" if data.r_unit == "normalized" else "R (Ω)")
        self.data_mark.x, self.data_mark.y = _thin(T, data.R)
        self._show_result(None)
        self._note("")
        self.progress.value = 0
        self.progress_label.value = ""
        self._status(f"loaded {source}", "info")

    def _on_example(self, change) -> None:
        name = change["new"]
        if name and name != _NO_EXAMPLE:
            self.load_example(name)

    def _on_upload(self, change) -> None:
        value = change["new"]
        if not value:
            return
        entries = list(value) if isinstance(value, (tuple, list)) else list(value.values())
        try:
            items = [(item.get("name", "upload"), bytes(item["content"])) for item in entries]
        except (KeyError, TypeError, AttributeError):
            self._error("the upload could not be read (unexpected widget data)")
            return
        finally:
            # The widget would hold the bytes for the life of the page: release them.
            self.upload.unobserve(self._on_upload, names="value")
            self.upload.value = ()
            self.upload.observe(self._on_upload, names="value")
        if len(items) > 1 or self.label_column.value.strip():
            ok = self.load_series_bytes(items)
        else:
            ok = self.load_bytes(items[-1][1], items[-1][0])
        if ok and self.example.value != _NO_EXAMPLE:
            self.example.unobserve(self._on_example, names="value")
            self.example.value = _NO_EXAMPLE
            self.example.observe(self._on_example, names="value")

    # -- fitting -----------------------------------------------------------------------
    def fit_options(self) -> dict:
        """Keyword arguments the panel passes to :func:`puddles.fit.fit_rt`."""
        return dict(
            n=int(self.n.value),
            realizations=int(self.realizations.value),
            seed=int(self.seed.value),
            normal_state=self.normal_state.value,
            t_range=tuple(self.t_range.value),
        )

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.max = max(int(total), 1)
        self.progress.value = min(int(done), self.progress.max)
        self.progress_label.value = f'<div class="pd-small">{html.escape(message)}</div>'

    def run_fit(self) -> FitResult | None:
        """Fit the current data with the panel's settings.

        Inline (``background=False``): returns the result (None on error). In the
        background: returns None at once; the result is shown when the fit process ends.
        """
        if self.data is None:
            self._error("load a file or choose an example first")
            return None
        if self.fit_job is not None and self.fit_job.running:
            return None
        if self.series_data is not None:
            return self.run_series()
        opts = self.fit_options()
        data = self.data
        self.fit_button.disabled = True
        self.progress.value = 0
        self._note("")
        self._status(f"fitting {len(data)} points (N = {opts['n']}, {opts['realizations']} realizations)…", "busy")
        t0 = time.perf_counter()
        if self.background:
            self.cancel_button.disabled = False
            # The first progress arrives after the first realization table (seconds): say what happens.
            self.progress_label.value = '<div class="pd-small">starting the fit process …</div>'
            self.fit_job = FitJob(data, opts, on_progress=self._on_progress, on_error=self._fit_failed,
                                  on_done=lambda result: self._fit_done(result, data, t0))
            self.fit_job.start()
            return None
        try:
            result = fit_rt(data, progress=self._on_progress, **opts)
        except Exception as exc:  # noqa: BLE001 - the panel must stay usable whatever happens
            self._fit_failed(exc)
            return None
        return self._fit_done(result, data, t0)

    def cancel_fit(self) -> None:
        """End a running background fit (its process is gone within 2 s); the panel stays usable."""
        job = self.fit_job
        if job is not None and job.running:
            job.cancel()
            job.wait(5.0)  # the reader hands over FitCancelled and re-enables the buttons

    def wait_fit(self, timeout: float = 300.0) -> bool:
        """Block until a background fit has ended (True at once when none runs)."""
        return self.fit_job is None or self.fit_job.wait(timeout)

    def _fit_ended(self) -> None:
        self.cancel_button.disabled = True
        self.fit_button.disabled = self.data is None

    def _fit_failed(self, exc: BaseException) -> None:
        self._fit_ended()
        self.progress_label.value = ""
        if isinstance(exc, FitCancelled):
            self._note("fit cancelled")
            self._status("fit cancelled", "info")
        elif isinstance(exc, ValueError):
            self._error(f"fit failed: {exc}")
        else:
            self._error(f"fit failed unexpectedly ({type(exc).__name__}: {exc})")

    def _fit_done(self, result: FitResult, data: RTData, t0: float) -> FitResult | None:
        self._fit_ended()
        if data is not self.data:  # other data were loaded meanwhile: this fit is not theirs
            return None
        self.result = result
        self._show_result(result)
        self.progress.value = self.progress.max
        state = "converged" if result.success else "stopped"
        self._status(
            f"fit {state} in {time.perf_counter() - t0:.1f} s: reduced chi² = {result.redchi:.3g}, "
            f"{result.n_solves} network solves",
            "info",
        )
        return result

    def run_series(self) -> SeriesResult | None:
        """Fit the loaded series with common realizations; shows the four parameter panels.

        Inline (``background=False``): returns the result (None on error). In the background
        (the dashboard): in a fit process like a single curve, with progress and *Cancel*.
        """
        curves, labels = self.series_data
        opts = dict(self.fit_options(), control=self.control.value or "control")
        self.fit_button.disabled = True
        self.progress.value = 0
        self._note("")
        self._status(f"fitting a series of {len(curves)} curves (N = {opts['n']}, {opts['realizations']} "
                     "realizations, shared)…", "busy")
        series_data = self.series_data
        if self.background:
            self.cancel_button.disabled = False
            self.progress_label.value = '<div class="pd-small">starting the fit process …</div>'
            self.fit_job = FitJob((curves, labels), opts, target=fit_series_job, on_progress=self._on_progress,
                                  on_error=self._fit_failed, on_done=lambda s: self._series_done(s, series_data))
            self.fit_job.start()
            return None
        try:
            series = fit_series(curves, labels, progress=self._on_progress, **opts)
        except Exception as exc:  # noqa: BLE001 - the panel must stay usable whatever happens
            self._fit_failed(exc)
            return None
        return self._series_done(series, series_data)

    def _series_done(self, series: SeriesResult, series_data) -> SeriesResult | None:
        self._fit_ended()
        if series_data is not self.series_data:  # another series was loaded meanwhile
            return None
        self.series = series
        self.series_panels.show(series)
        self.results_stack.selected_index = 1
        self.progress.value = self.progress.max
        self.downloads.value = self._series_links(series)
        self.series_panels.caption.value += self.downloads.value
        self._status(f"series fitted in {series.elapsed:.1f} s: {len(series)} curves", "info")
        return series

    @staticmethod
    def _series_links(series: SeriesResult) -> str:
        return (
            '<div class="pd-panel-title">Download</div><div class="pd-small">'
            f'<a download="puddles_series.csv" href="{_data_uri(series.to_csv(), "text/csv")}" target="_blank">CSV</a> · '
            f'<a download="puddles_series.json" href="{_data_uri(series.to_json(), "application/json")}" '
            'target="_blank">JSON</a> (one row per curve)</div>'
        )

    def _fit_figure(self):
        """The fit shown (data, model, band, residuals), or the series' panels when a series is shown."""
        from puddles import plot

        shown = self.series if self.results_stack.selected_index == 1 else self.result
        if shown is None:
            raise ValueError("nothing fitted yet: load data and press Fit")
        return plot.plot_fit(shown)

    # -- output ------------------------------------------------------------------------
    def _show_result(self, result: FitResult | None) -> None:
        empty = np.zeros(0)
        if result is None:
            self.fit_mark.x, self.fit_mark.y = empty, empty
            self.band_mark.x, self.band_mark.y = empty, np.zeros((2, 0))
            self.residual_mark.x, self.residual_mark.y = empty, empty
            # No residuals yet: a symmetric placeholder range with round ticks (auto ticks of an
            # empty plot are uneven, and too many for 14 px labels on 190 px).
            self.resid_scale.min, self.resid_scale.max = -1.0, 1.0
            self.resid_axis.tick_values = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
            self.zero_line.x, self.zero_line.y = empty, empty
            self.params_html.value = '<div class="pd-small">Load data and press <b>Fit</b>.</div>'
            self.downloads.value = ""
            return
        self.fit_mark.x, self.fit_mark.y = result.T_curve, result.R_curve
        band = result.eval_uncertainty(result.T_curve)
        self.band_mark.x, self.band_mark.y = result.T_curve, np.vstack([result.R_curve - band, result.R_curve + band])
        self.residual_mark.x, self.residual_mark.y = _thin(result.T, result.residual)
        # Symmetric about zero with round ticks, so over- and undershoot read at a glance.
        lim = _nice_ceiling(1.05 * float(np.max(np.abs(result.residual), initial=0.0)))
        self.resid_scale.min, self.resid_scale.max = -lim, lim
        self.resid_axis.tick_values = np.array([-lim, -lim / 2, 0.0, lim / 2, lim])
        self.zero_line.x = np.array([result.T.min(), result.T.max()])
        self.zero_line.y = np.zeros(2)
        self.params_html.value = self._params_table(result)
        self.downloads.value = self._download_links(result)

    @staticmethod
    def _params_table(result: FitResult) -> str:
        rows = []
        for p in result.params.values():
            if p.stderr is None:
                err, split = "fixed", ""
            else:
                err = _fmt(p.stderr, 2)
                split = f"{_fmt(p.stderr_noise, 2)} / {_fmt(p.stderr_disorder, 2)}"
            rows.append(
                f"<tr><td title='{html.escape(p.description)}'>{html.escape(p.name)}</td>"
                f"<td style='text-align:right'>{_fmt(p.value, 5)}</td><td>± {err}</td>"
                f"<td class='pd-note'>{split}</td><td>{html.escape(p.unit)}</td></tr>"
            )
        perc = "percolates" if result.percolates else "does not percolate (resistive plateau)"
        tp = f"T<sub>p</sub> = {result.tp:.4g} K; " if math.isfinite(result.tp) else ""
        return (
            '<div class="pd-panel-title">Best fit</div>'
            '<table class="pd-small" style="border-collapse:collapse">'
            "<tr><th>param</th><th>value</th><th>stderr</th><th>noise / disorder</th><th>unit</th></tr>"
            + "".join(rows)
            + "</table>"
            f'<div class="pd-small">reduced χ² = {result.redchi:.3g} against the noise ({result.noise_source}); '
            f"misfit {result.misfit:.3g} against noise + disorder (≈ 1 for a good fit); "
            f"({result.ndata} points, {result.nvarys} free)<br>"
            f"cluster {perc} ({result.percolating_fraction:.0%} of realizations); {tp}"
            f"plateau R(0)/R<sub>N</sub> = {result.plateau:.3g}<br>"
            f"N = {result.n}, {result.realizations} realizations, {result.n_solves} network solves, "
            f"{result.n_evaluations} (w, w2) points, {result.elapsed:.1f} s<br>{html.escape(result.message)}</div>"
            + "".join(f'<div class="pd-warn">{html.escape(w)}</div>' for w in result.warnings)
            + '<div class="pd-note">stderr = √(noise² + disorder²): the noise, and the disorder of one measured film '
            "plus the model's finite realizations (bootstrap over single realizations). Shaded: 1σ band.</div>"
        )

    @staticmethod
    def _download_links(result: FitResult) -> str:
        csv_uri = _data_uri(result.to_csv(), "text/csv")
        json_uri = _data_uri(result.to_json(), "application/json")
        return (
            '<div class="pd-panel-title">Download</div><div class="pd-small">'
            f'<a download="puddles_fit.csv" href="{csv_uri}" target="_blank">CSV</a> · '
            f'<a download="puddles_fit.json" href="{json_uri}" target="_blank">JSON</a> '
            "(parameters, uncertainties, data, fit, residuals)</div>"
        )
