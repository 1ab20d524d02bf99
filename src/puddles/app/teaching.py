"""Small widget helpers for the teaching notebooks (``notebooks/0*.ipynb``).

The notebooks tell the physics; this module keeps their cells short. Everything here is
presentation: plots (bqplot), bond maps (a PNG drawn from :func:`puddles.lattice.bonds_to_raster`),
a status line, and a :class:`Panel` that wires controls to an update function so that any
error raised while a student drags a slider is shown in the panel instead of killing the
widget. No physics is computed here except through the public engine API.

Every callback runs through :func:`guarded`: the exception is shown in the panel's
:class:`Status` line and recorded in :func:`recorded_errors`, which the notebook tests read
after executing each notebook.
"""

from __future__ import annotations

import functools
import html
import traceback
import weakref

import numpy as np

try:  # the widget stack is an optional dependency of the engine ("puddles[app]")
    import bqplot as bq
    import ipywidgets as widgets
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("puddles.app.teaching needs ipywidgets and bqplot: pip install 'puddles[app]'") from exc

from puddles.colours import KIND_FILL, KIND_PALETTE, KIND_PRIORITY, PERCOLATION_PALETTE, hex_to_rgb
from puddles.colours import paint as bond_rgb

from .cluster_map import ClusterMap, render_currents, render_states
from .plots import RTPlot
from .png import encode_png
from .presets import T_MAX
from .status import LEVELS, describe_error
from .style import CSS

__all__ = [
    "COLORS",
    "KIND_PALETTE",
    "Status",
    "css",
    "guarded",
    "recorded_errors",
    "clear_recorded_errors",
    "exercise_all",
    "KIND_PRIORITY",
    "KIND_FILL",
    "PERCOLATION_PALETTE",
    "bond_rgb",
    "BondMap",
    "CurrentMap",
    "Plot",
    "Panel",
    "RTExplorer",
    "DLAGrowth",
]

#: Line colours (matplotlib's tab10), used in this order for families of curves.
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

_errors: list[str] = []
_instances: weakref.WeakSet = weakref.WeakSet()


# ----------------------------------------------------------------------------- status and errors


class Status(widgets.HTML):
    """One-line status area: a message, a 'working' note, or an error in red.

    The notebooks' compact form of the dashboard's :class:`~puddles.app.status.StatusLine`:
    the same colours and the same wording of errors (:func:`~puddles.app.status.describe_error`).
    """

    def __init__(self, text: str = "", **kwargs):
        super().__init__(**kwargs)
        self.ok(text)

    def ok(self, text: str = "") -> None:
        self.value = f"<span style='color:{LEVELS['info']}'>{html.escape(str(text))}</span>" if text else ""

    def busy(self, text: str = "computing ...") -> None:
        self.value = f"<span style='color:{LEVELS['busy']}'><i>{html.escape(text)}</i></span>"

    def error(self, exc: BaseException) -> None:
        msg = describe_error(exc)
        self.value = f"<span style='color:{LEVELS['error']}'><b>Error</b> &mdash; {html.escape(msg)}</span>"


def guarded(status: Status):
    """Decorator: run a widget callback, showing any exception in ``status`` instead of raising.

    The formatted traceback is also kept in :func:`recorded_errors` (the notebook tests check
    it is empty after a run).
    """

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a widget callback must never die
                _errors.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
                status.error(exc)
                return None

        return wrapper

    return deco


def recorded_errors() -> list[str]:
    """Tracebacks of every exception caught by :func:`guarded` in this process."""
    return list(_errors)


def clear_recorded_errors() -> None:
    _errors.clear()


def exercise_all() -> int:
    """Call ``exercise()`` on every live :class:`Panel`, :class:`RTExplorer` and :class:`DLAGrowth`.

    Used by the tests to move every control once (and back); returns the number of widgets
    exercised. Errors end up in :func:`recorded_errors`.
    """
    done = 0
    for obj in list(_instances):
        obj.exercise()
        done += 1
    return done


# ----------------------------------------------------------------------------- images


def css() -> widgets.HTML:
    """The dashboard's stylesheet as a widget (legends, maps and the fit panel use its classes)."""
    return widgets.HTML(CSS)


def _scale_for(pixels: int, target: int) -> int:
    return max(1, target // max(1, pixels))


def _legend_html(palette) -> str:
    chips = "".join(
        f"<span style='display:inline-block;margin-right:10px;white-space:nowrap'>"
        f"<span style='display:inline-block;width:12px;height:12px;background:{c};border:1px solid #999;"
        f"vertical-align:middle;margin-right:4px'></span>{html.escape(name)}</span>"
        for name, c in palette
    )
    return f"<div style='font-size:12px;line-height:1.6'>{chips}</div>"


class BondMap(widgets.VBox):
    """A picture of the lattice, one colour per bond category, with a legend and a caption.

    Parameters
    ----------
    palette : list of (name, "#rrggbb")
        Categories (code ``i`` is ``palette[i]``).
    size : int
        Target width of the picture in pixels.
    priority : list of int, optional
        Drawing priority of each code, see :func:`puddles.colours.code_raster`.
    fill : sequence of int
        Codes that fill the plaquettes they surround (e.g. :data:`KIND_FILL`: puddles).
    title : str
        Caption above the picture.
    """

    def __init__(self, palette, *, size: int = 380, priority=None, fill=(), title: str = ""):
        self.palette = list(palette)
        self.priority = priority
        self.fill = tuple(fill)
        self.size = size
        self.title = widgets.HTML(f"<b>{html.escape(title)}</b>" if title else "")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{size}px", height=f"{size}px"))
        self.image.add_class("pd-map")
        self.caption = widgets.HTML()
        self.legend = widgets.HTML(_legend_html(self.palette))
        self.rgb = None
        super().__init__([widgets.HTML(CSS), self.title, self.image, self.legend, self.caption],
                         layout=widgets.Layout(width=f"{size + 20}px"))

    def show(self, codes, n: int, caption: str = "") -> None:
        """Draw the bond ``codes`` of an ``n x n`` lattice."""
        self.show_rgb(bond_rgb(codes, n, self.palette, priority=self.priority, fill=self.fill, scale=_scale_for(2 * n - 1, self.size)), caption)

    def show_rgb(self, rgb: np.ndarray, caption: str = "") -> None:
        """Draw a ready RGB picture."""
        self.rgb = rgb
        h, w = rgb.shape[:2]
        self.image.layout.width, self.image.layout.height = f"{w}px", f"{h}px"
        self.image.value = encode_png(rgb)
        self.caption.value = f"<span style='font-size:12px'>{caption}</span>" if caption else ""


# ----------------------------------------------------------------------------- line plots


class Plot:
    """A bqplot figure whose marks are addressed by name (created on first use, then updated).

    Parameters
    ----------
    xlabel, ylabel : str
        Axis labels.
    x, y : (min, max), optional
        Fixed axis ranges (default: autoscale). A :meth:`vline` needs a fixed ``y`` range.
    title : str
    width, height : int
        Size in pixels.
    legend : str
        Legend position ("top-right", "top-left", "bottom-right", ...).
    x_ticks : int, optional
        Approximate number of ticks on the x axis (default: bqplot's choice).
    """

    def __init__(self, xlabel: str, ylabel: str, *, x=None, y=None, title: str = "", width: int = 430,
                 height: int = 320, legend: str = "top-left", x_ticks: int | None = None):
        self.sx = bq.LinearScale(**({} if x is None else dict(min=float(x[0]), max=float(x[1]))))
        self.sy = bq.LinearScale(**({} if y is None else dict(min=float(y[0]), max=float(y[1]))))
        self.y_range = y
        axes = [
            bq.Axis(scale=self.sx, label=xlabel, grid_lines="none", **({} if x_ticks is None else dict(num_ticks=x_ticks))),
            bq.Axis(scale=self.sy, label=ylabel, side="left", grid_lines="none", label_offset="45px"),
        ]
        self.figure = bq.Figure(
            marks=[], axes=axes, title=title, legend_location=legend, animation_duration=0,
            fig_margin=dict(top=40, bottom=45, left=60, right=15),
            layout=widgets.Layout(width=f"{width}px", height=f"{height}px"),
            legend_text={"font-size": "11px"},
        )
        self._marks: dict[str, bq.Mark] = {}

    @property
    def widget(self):
        return self.figure

    def _put(self, name: str, mark) -> None:
        self._marks[name] = mark
        self.figure.marks = list(self._marks.values())

    def line(self, name: str, x, y, *, color: str | None = None, label: str | None = None, style: str = "solid",
             width: float = 2.0, marker: str | None = None, opacity: float = 1.0):
        """Draw (or update) the line ``name``; ``y`` may be 2-D for several lines with ``color`` a list."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        colors = color if isinstance(color, list) else [color or COLORS[len(self._marks) % len(COLORS)]]
        labels = label if isinstance(label, list) else ([label] if label else [])
        mark = self._marks.get(name)
        if isinstance(mark, bq.Lines):
            with mark.hold_sync():
                mark.x, mark.y = x, y
                mark.colors, mark.labels, mark.display_legend = colors, labels, bool(labels)
                mark.line_style, mark.opacities = style, [opacity] * len(colors)
        else:
            kw = dict(marker=marker) if marker else {}
            mark = bq.Lines(x=x, y=y, scales={"x": self.sx, "y": self.sy}, colors=colors, labels=labels,
                            display_legend=bool(labels), line_style=style, stroke_width=width,
                            opacities=[opacity] * len(colors), **kw)
            self._put(name, mark)
        return mark

    def band(self, name: str, x, lo, hi, *, color: str = "#1f77b4", opacity: float = 0.25):
        """Shade the region between ``lo`` and ``hi`` (e.g. mean +- one standard deviation).

        Bands stay out of the legend (bqplot would list both edges); say what they are in the
        label of the line they go with.
        """
        x = np.asarray(x, dtype=float)
        y = np.vstack([np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)])
        mark = self._marks.get(name)
        if isinstance(mark, bq.Lines):
            with mark.hold_sync():
                mark.x, mark.y = x, y
        else:
            mark = bq.Lines(x=x, y=y, scales={"x": self.sx, "y": self.sy}, fill="between", fill_colors=[color],
                            fill_opacities=[opacity], colors=[color, color], stroke_width=0.5, opacities=[0.4, 0.4],
                            display_legend=False)
            self._put(name, mark)
        return mark

    def points(self, name: str, x, y, *, color: str = "#d62728", label: str | None = None, marker: str = "circle",
               size: int = 40):
        """Draw (or update) a scatter of points."""
        x = np.atleast_1d(np.asarray(x, dtype=float))
        y = np.atleast_1d(np.asarray(y, dtype=float))
        mark = self._marks.get(name)
        if isinstance(mark, bq.Scatter):
            with mark.hold_sync():
                mark.x, mark.y = x, y
                mark.colors = [color]
                mark.labels, mark.display_legend = ([label] if label else []), bool(label)
        else:
            mark = bq.Scatter(x=x, y=y, scales={"x": self.sx, "y": self.sy}, colors=[color], marker=marker,
                              default_size=size, labels=[label] if label else [], display_legend=bool(label))
            self._put(name, mark)
        return mark

    def vline(self, name: str, x: float, *, color: str = "#555555", style: str = "dashed", label: str | None = None):
        """Vertical line at ``x`` across the fixed ``y`` range (hidden when ``x`` is NaN)."""
        lo, hi = self.y_range if self.y_range is not None else (0.0, 1.0)
        return self.line(name, [x, x], [lo, hi], color=color, style=style, width=1.5, label=label)

    def hline(self, name: str, y: float, *, color: str = "#555555", style: str = "dotted", label: str | None = None):
        """Horizontal line at ``y`` across the current x scale range (fixed ``x`` range needed)."""
        lo, hi = self.sx.min, self.sx.max
        if lo is None or hi is None:
            raise ValueError("hline needs a fixed x range")
        return self.line(name, [lo, hi], [y, y], color=color, style=style, width=1.5, label=label)

    def names(self) -> list[str]:
        """Names of the marks drawn so far."""
        return list(self._marks)

    def remove(self, name: str) -> None:
        if self._marks.pop(name, None) is not None:
            self.figure.marks = list(self._marks.values())

    def clear(self) -> None:
        self._marks.clear()
        self.figure.marks = []


# ----------------------------------------------------------------------------- panels


def _view(obj):
    return obj.widget if hasattr(obj, "widget") and not isinstance(obj, widgets.Widget) else obj


def _other_value(control):
    """A valid value of ``control`` different from its current one (None if there is none)."""
    if isinstance(control, (widgets.Button, widgets.Play)):
        return None
    options = getattr(control, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        others = [v for v in values if v != control.value]
        return others[len(others) // 2] if others else None
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return not control.value
    lo, hi = getattr(control, "min", None), getattr(control, "max", None)
    if lo is None or hi is None or isinstance(control.value, (tuple, list)):
        return None
    mid = lo + (hi - lo) * 0.37
    if isinstance(control.value, int) and not isinstance(control.value, bool):
        mid = int(round(mid))
    elif getattr(control, "step", None):
        mid = lo + round((mid - lo) / control.step) * control.step
    return mid if mid != control.value else None


class Panel(widgets.VBox):
    """Controls + views + status, wired through one update function.

    ``update(**values)`` is called with the current value of every control (keyword = key in
    ``controls``) whenever one changes, or when the button is pressed if ``button`` is given
    (for expensive updates). It draws into the views and may return a status message. Any
    exception is shown in the status line (see :func:`guarded`).

    Parameters
    ----------
    controls : dict of str to widget
    update : callable
    views : list of widgets or objects with a ``.widget`` (e.g. :class:`Plot`)
    button : str, optional
        Label of a run button; then changes of the controls alone do not run ``update``.
    run : bool
        Run ``update`` once now (default True).
    """

    def __init__(self, controls: dict, update, views=(), *, button: str | None = None, run: bool = True):
        self.controls = dict(controls)
        self.status = Status()
        self._update = update
        self._refresh = guarded(self.status)(self._run)
        for c in self.controls.values():
            if hasattr(getattr(c, "style", None), "description_width"):
                c.style.description_width = "initial"
            if isinstance(c, (widgets.IntText, widgets.BoundedIntText, widgets.FloatText, widgets.BoundedFloatText,
                              widgets.Dropdown)) and not c.layout.width:
                c.layout.width = "220px"
        self.button = None
        if button:
            self.button = widgets.Button(description=button, button_style="primary")
            self.button.on_click(lambda _b: self._refresh())
        else:
            for c in self.controls.values():
                c.observe(lambda _change: self._refresh(), names="value")
        bar = list(self.controls.values()) + ([self.button] if self.button else [])
        super().__init__([
            widgets.HBox(bar, layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([_view(v) for v in views], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start")),
            self.status,
        ])
        _instances.add(self)
        if run:
            self._refresh()

    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items() if not isinstance(c, widgets.Button)}

    def _run(self):
        self.status.busy()
        msg = self._update(**self.values())
        self.status.ok(msg or "")

    def refresh(self) -> None:
        """Run the update now."""
        self._refresh()

    def exercise(self) -> None:
        """Move every control to another valid value, then back (used by the tests)."""
        for c in self.controls.values():
            new = _other_value(c)
            if new is None:
                continue
            old = c.value
            c.value = new
            if self.button:
                self._refresh()
            c.value = old
        self._refresh()


# ----------------------------------------------------------------------------- the R(T) explorer


class CurrentMap(widgets.VBox):
    """The dashboard's cluster map (:class:`puddles.app.cluster_map.ClusterMap`) for one network.

    :meth:`show` draws either the bond states (``mode="states"``) or ``|I|`` on the normal
    bonds (``mode="currents"``) at temperature ``T``.
    """

    def __init__(self, *, title: str = "", mode: str = "currents"):
        self.map = ClusterMap()
        self.mode = mode
        self._title = title
        super().__init__([widgets.HTML(CSS), self.map.widget])

    def show(self, net, T: float, tc_mean: float, sigma: float, *, mode: str | None = None) -> None:
        mode = mode or self.mode
        st = net.bond_states(T, tc_mean, sigma)
        title = html.escape(self._title or f"T = {T:.2f} K")
        if mode == "states":
            self.map.show(render_states(net.n, st.kind, st.superconducting, st.spanning), title=title, mode="states")
            return
        sol = net.solve(T, tc_mean, sigma, potentials=False, currents=True)
        note = "R = 0: the current flows without voltage through the spanning path" if st.percolating else ""
        self.map.show(render_currents(net.n, st.kind, st.superconducting, st.spanning, sol.bond_currents, sol.current),
                      title=title, mode="currents", note=note)


class RTExplorer(widgets.VBox):
    """R(T) of one puddle network with sliders for (w, w2, Tc_mean, sigma), and its cluster map at T.

    Changing ``w`` or ``w2`` keeps the seed (:ref:`model-common-random-numbers`): the same
    skeleton, puddle sequence and Tc draws, so the curve moves instead of being re-rolled.
    Changing ``Tc_mean`` or ``sigma`` needs no new network solve. The plot and the map are
    the dashboard's (:class:`puddles.app.plots.RTPlot`, :class:`puddles.app.cluster_map.ClusterMap`);
    "pin" keeps a copy of the current curve for comparison.

    Parameters
    ----------
    n : int
        Lattice size (keep it <= 100 in a notebook).
    seed : int
    w, w2, tc_mean, sigma : float
        Starting values (temperatures in K).
    puddle_diameter : float or "random"
    """

    def __init__(self, n: int = 50, *, seed: int = 1, w: float = 0.45, w2: float = 0.1, tc_mean: float = 10.0,
                 sigma: float = 1.5, puddle_diameter=10.0):
        from .. import Network  # deferred: keep "import teaching" light

        self._Network = Network
        self.n, self.puddle_diameter = int(n), puddle_diameter
        self.T = np.linspace(0.0, T_MAX, 251)
        self.status = Status()
        self.net = None
        self._msg = ""
        style = {"description_width": "initial"}
        slider = dict(continuous_update=False, style=style, layout=widgets.Layout(width="300px"))
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=10_000, description="seed", style=style,
                                           layout=widgets.Layout(width="150px"))
        self.w = widgets.FloatSlider(value=w, min=0.0, max=0.9, step=0.01, description="w (weight)", **slider)
        self.w2 = widgets.FloatSlider(value=w2, min=0.0, max=1.0, step=0.01, description="w2 (broken)", **slider)
        self.tc = widgets.FloatSlider(value=tc_mean, min=1.0, max=20.0, step=0.1, description="Tc_mean (K)", **slider)
        self.sigma = widgets.FloatSlider(value=sigma, min=0.1, max=5.0, step=0.05, description="sigma (K)", **slider)
        self.t_cursor = widgets.FloatSlider(value=tc_mean, min=0.0, max=T_MAX, step=0.05, description="map at T (K)",
                                            style=style, layout=widgets.Layout(width="300px"))
        self.map_mode = widgets.ToggleButtons(options=[("states", "states"), ("currents", "currents")],
                                              value="states", style={"button_width": "80px"})
        self.pin = widgets.Button(description="pin curve", layout=widgets.Layout(width="100px"))
        self.unpin = widgets.Button(description="clear pins", layout=widgets.Layout(width="100px"))
        self.plot = RTPlot(self.T, width=470, height=400)
        self.map = CurrentMap(mode="states")
        self._network = guarded(self.status)(self._new_network)
        self._curve = guarded(self.status)(self._draw_curve)
        self._cursor = guarded(self.status)(self._draw_cursor)
        self._floor_change = False
        self.seed.observe(lambda _c: self._network(), names="value")
        for c in (self.w, self.w2):
            c.observe(lambda _c: None if self._floor_change else self._network(), names="value")
        for c in (self.tc, self.sigma):
            c.observe(lambda _c: self._curve(), names="value")
        for c in (self.t_cursor, self.map_mode):
            c.observe(lambda _c: self._cursor(), names="value")
        self.pin.on_click(guarded(self.status)(lambda _b: self.plot.pin(self._label())))
        self.unpin.on_click(guarded(self.status)(lambda _b: self.plot.clear_pins()))
        controls = widgets.VBox([
            widgets.HBox([self.w, self.w2, self.seed], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.tc, self.sigma], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.t_cursor, self.map_mode, self.pin, self.unpin], layout=widgets.Layout(flex_flow="row wrap")),
        ])
        super().__init__([controls, widgets.HBox([self.plot.figure, self.map],
                                                 layout=widgets.Layout(flex_flow="row wrap")), self.status])
        _instances.add(self)
        self._network()

    def _label(self) -> str:
        return (f"w={self.w.value:.2f} w2={self.w2.value:.2f} Tc={self.tc.value:.1f} "
                f"σ={self.sigma.value:.2f} seed={self.seed.value}")

    def _new_network(self) -> None:
        from ..skeleton import skeleton_mask

        self.status.busy("solving the network ...")
        seed = int(self.seed.value)
        # The smallest allowed w is the skeleton fraction of this seed: the w slider starts there.
        w_skel = float(np.asarray(skeleton_mask(self.n, seed=seed)).mean())
        floor = float(np.ceil(w_skel * 100) / 100)
        if self.w.min != floor:
            self._floor_change = True
            try:
                if self.w.value < floor:
                    self.w.value = floor
                self.w.min = floor
            finally:
                self._floor_change = False
        self.net = self._Network.generate(self.n, w=max(self.w.value, w_skel), w2=self.w2.value, seed=seed,
                                          puddle_diameter=self.puddle_diameter)
        self._draw_curve()

    def _draw_curve(self) -> None:
        if self.net is None:
            return
        tc, sigma = self.tc.value, self.sigma.value
        self.plot.set_curve(self.net.rt_curve(self.T, tc, sigma))
        tp = self.net.percolation_temperature(tc, sigma)
        plateau = self.net.plateau(tc, sigma)
        self.plot.set_markers(tp, plateau)
        s = self.net.summary()
        tp_txt = f"Tp = {tp:.2f} K" if np.isfinite(tp) else "no zero-resistance path at T >= 0"
        self._msg = (f"N = {s['n']}, w_skel = {s['w_skeleton']:.3f}, w = {s['w_actual']:.3f} "
                     f"({s['n_puddles']} puddles), {s['n_broken']} broken filament bonds; {tp_txt}; "
                     f"R(T→0)/R_N = {plateau:.3f}")
        self._draw_cursor()

    def _draw_cursor(self) -> None:
        if self.net is None:
            return
        T, tc, sigma = self.t_cursor.value, self.tc.value, self.sigma.value
        self.plot.set_cursor(T)
        r = float(self.net.rt_curve([T], tc, sigma)[0])
        self.map._title = f"T = {T:.2f} K, R/R_N = {r:.3f}"
        self.map.show(self.net, T, tc, sigma, mode=self.map_mode.value)
        self.status.ok(self._msg)

    def exercise(self) -> None:
        for c in (self.w, self.w2, self.tc, self.sigma, self.t_cursor, self.map_mode):
            old = c.value
            new = _other_value(c)
            if new is not None:
                c.value = new
                c.value = old
        self.pin.click()
        self.unpin.click()
        old = self.seed.value
        self.seed.value = old + 1
        self.seed.value = old


# ----------------------------------------------------------------------------- DLA growth


class DLAGrowth(widgets.VBox):
    """Snapshots of the directed-DLA skeleton on a small ``m x m`` lattice versus the number of particles.

    One growth with the default particle number (:func:`puddles.skeleton.dla_arrival`); frame ``f``
    shows the aggregate after the first ``P(f)`` particles of it. The window that becomes the sample
    (``n x n`` in the middle) is outlined.
    """

    def __init__(self, m: int = 60, *, seed: int = 0, frames: int = 24, size: int = 360):
        self.status = Status()
        self.size = size
        style = {"description_width": "initial"}
        self.m = widgets.Dropdown(options=[40, 60, 100], value=m, description="growth lattice M", style=style,
                                  layout=widgets.Layout(width="200px"))
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=10_000, description="seed", style=style,
                                           layout=widgets.Layout(width="150px"))
        self.frame = widgets.IntSlider(value=frames, min=0, max=frames, description="frame", style=style,
                                       layout=widgets.Layout(width="320px"))
        self.play = widgets.Play(value=frames, min=0, max=frames, interval=400, description="play")
        widgets.jslink((self.play, "value"), (self.frame, "value"))
        self.frames = frames
        self.map = BondMap([("empty", "#ffffff"), ("occupied bond", KIND_PALETTE[1][1]), ("sample window", "#d62728")],
                           size=size, title="directed DLA (growth left to right)")
        self.plot = Plot("particles released P", "occupied bonds", title="occupied bonds vs particles",
                         width=380, height=300, legend="top-left", x_ticks=5)
        self._draw = guarded(self.status)(self._draw_frame)
        self._all = guarded(self.status)(self._draw_all)
        self.frame.observe(lambda _c: self._draw(), names="value")
        for c in (self.m, self.seed):
            c.observe(lambda _c: self._all(), names="value")
        super().__init__([widgets.HBox([self.play, self.frame, self.m, self.seed]),
                          widgets.HBox([self.map, self.plot.widget]), self.status])
        _instances.add(self)
        self._all()

    def particles(self, frame: int | None = None) -> int:
        from ..skeleton import default_particles

        frame = self.frame.value if frame is None else frame
        return int(round(default_particles(self.m.value) * frame / self.frames))

    def _draw_all(self) -> None:
        from ..skeleton import dla_arrival

        m, seed = self.m.value, int(self.seed.value)
        arrival = dla_arrival(m, self.particles(self.frames), seed)
        self._growth = (m, arrival)
        ps = np.arange(self.particles(self.frames) + 1)
        # Occupied bonds after every particle of the growth: a cumulative count of arrivals.
        counts = np.concatenate([[0], np.cumsum(np.bincount(arrival[arrival >= 0], minlength=ps[-1]))])
        self.plot.line("count", ps, counts[: ps.size], color=COLORS[2], label="occupied bonds")
        self.plot.line("ideal", [0, ps[-1]], [0, ps[-1]], color="#999999", style="dashed", label="one bond per particle")
        self._draw_frame()

    def _draw_frame(self) -> None:
        from ..skeleton import default_growth

        m, arrival = self._growth  # the last growth drawn (kept if a new one failed)
        p = self.particles()
        mask = (arrival >= 0) & (arrival < p)
        n = max(2, int(np.floor(2 * m / 5)))  # the sample size whose default growth lattice is about m
        off = default_growth(n)[2] if default_growth(n)[0] == m else (m - n) // 2
        scale = _scale_for(2 * m - 1, self.size)
        rgb = bond_rgb(mask.astype(int), m, self.map.palette[:2], scale=scale)
        # Outline the sample window (rows/cols off .. off + n - 1 of the growth lattice).
        red = np.array(hex_to_rgb(self.map.palette[2][1]), dtype=np.uint8)
        lo, hi = 2 * off * scale, (2 * (off + n - 1) + 1) * scale - 1
        rgb[lo:hi + 1, [lo, hi]] = red
        rgb[[lo, hi], lo:hi + 1] = red
        self.map.show_rgb(rgb, f"M = {m}, P = {p} particles, {int(mask.sum())} occupied bonds; "
                               f"red square: the {n} x {n} sample window")
        self.plot.points("now", [p], [int(mask.sum())], color=COLORS[1])
        self.status.ok(f"frame {self.frame.value}/{self.frames}: {p} particles released, "
                       f"{int(mask.sum())} bonds occupied ({mask.mean():.1%} of the M x M lattice)")

    def exercise(self) -> None:
        old = self.frame.value
        self.frame.value = self.frames // 3
        self.frame.value = old
        oldm = self.m.value
        self.m.value = _other_value(self.m)
        self.m.value = oldm
