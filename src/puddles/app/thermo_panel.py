"""Thermodynamics panel: mu(n), kappa^-1(n), the Maxwell construction and the lever rule.

Shows the chemical potential of Eq. (5) of the paper (:mod:`puddles.thermo`) with its
unstable part (kappa^-1 < 0) dashed and shaded, the Maxwell line at mu* between the
coexisting densities n1 and n2, and the inverse compressibility below it. A mean-density
slider reads off the lever-rule fraction x of the sample in the high-density phase.

From density to the network's weight w
--------------------------------------
The high-density phase is where the superconducting puddles live (paper Sec. III), and
w is by definition the fraction of bonds in superconducting regions. So the dashboard
identifies the two fractions directly::

    w = clip(x, w_skeleton, w_max),    x = (n - n1) / (n2 - n1)  (lever rule)

rather than an affine rescaling such as ``w_skeleton + x (1 - w_skeleton)``, which
would invent a second, unphysical scale. The clamp is the network's own limit: the
filamentary skeleton alone already covers w_skeleton of the bonds, so an x below it
cannot be represented, and w is held at w_skeleton with a visible note. Without phase
coexistence (a stable film) the engine's convention gives x = 0, hence w = w_skeleton.

The other way, a weight w marks the density n = n1 + w (n2 - n1)
(:func:`puddles.thermo.density_from_weight`): the Network tab shows it on a compact copy of
mu(n) (:attr:`ThermoPanel.compact`), and with "density sets w" moving w moves the density.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from puddles import thermo
from puddles.thermo import weight_from_fraction

from .events import Quiet, is_slider_echo
from .help import HELP
from .style import float_slider, labelled

__all__ = ["ThermoPanel", "THERMO_RANGES", "FIG6_PRESETS", "lever_to_w", "nice_ticks", "CUSTOM"]

#: (min, max, step) of the thermodynamic sliders (energies in eV, densities per unit cell).
THERMO_RANGES = {
    "Gamma": (0.0, 4.0, 0.01),
    "B": (0.0, 500.0, 1.0),
    "W": (0.1, 4.0, 0.05),
    "A": (-3.0, 3.0, 0.05),
    "nu0": (0.0, 0.05, 0.001),
}
FIG6_PRESETS = {"Fig. 6 green": "fig6-green", "Fig. 6 blue": "fig6-blue", "Fig. 6 red": "fig6-red"}
N_POINTS = 600
#: Dropdown value meaning "the sliders show no preset" (None would render as an empty box).
CUSTOM = "custom"
_SHADE = "#f4a6a6"
_MU = "#08306b"
_MAXWELL = "#c51b7d"


#: d3 format of every thermodynamics axis: up to 6 significant digits, trailing zeros trimmed.
TICK_FORMAT = ".6~g"


def nice_ticks(lo: float, hi: float, target: int = 6) -> np.ndarray:
    """Round tick positions (multiples of 1, 2, 2.5 or 5 x 10^k) inside [lo, hi]."""
    span = float(hi) - float(lo)
    if not (np.isfinite(span) and span > 0):
        return np.array([float(lo)])
    raw = span / max(1, target - 1)
    mag = 10.0 ** math.floor(math.log10(raw))

    def count(step: float) -> int:
        return math.floor(hi / step + 1e-9) - math.ceil(lo / step - 1e-9) + 1

    # The round step whose tick count is closest to the target (fewer ticks on a tie).
    step = min((m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0)), key=lambda st: (abs(count(st) - target), -st))
    ticks = np.arange(math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9) + 1) * step
    # Rounded to well below the step, so that the printed text is the round value (no 0.30000000000000004).
    return np.round(ticks, max(0, 2 - math.floor(math.log10(step))))


#: Network weight for lever fraction ``x``: ``clip(x, w_skeleton, 1)`` and whether it was clamped.
lever_to_w = weight_from_fraction


def _slider(name: str, value: float, description: str, fmt: str) -> widgets.FloatSlider:
    # Own prefix: "W" would otherwise share the class of the network's "w".
    return float_slider(name, THERMO_RANGES, value, description, fmt, continuous=True, label_px=70, width_px=320,
                        prefix="pd-thermo-")


N_LABEL = "n (electrons per unit cell)"


class MuPlot:
    """mu(n): the unstable branch dashed, the spinodal region shaded, the Maxwell line with n1
    and n2, and a density marker on the equilibrium mu.

    The Thermodynamics tab shows one with the full controls; the Network tab shows a compact
    one whose marker is the mean density the network's w implies. Both draw the same arrays.

    Parameters
    ----------
    width, height : int
        Largest size in CSS pixels (the figure narrows with the page).
    x_label : str
        HTML label under the plot ("" for none).
    name : str
        CSS class of the figure (``pd-mu``, ``pd-mu-compact``).
    compact : bool
        Fewer ticks (a small panel beside R(T)).

    Attributes
    ----------
    stable, unstable : bqplot.Lines
        mu(n) where kappa^-1 >= 0 (solid) and where kappa^-1 < 0 (dashed); NaN elsewhere,
        so together they are exactly :func:`puddles.thermo.chemical_potential`.
    maxwell, shade : bqplot.Lines
        The Maxwell line (NaN without coexistence) and the shaded unstable region.
    marker : bqplot.Scatter
        The density marker at (n, equilibrium mu); ``marker.visible`` is False when there is none.
    widget : ipywidgets.Box
        Figure with its HTML axis labels.
    """

    def __init__(self, *, width: int, height: int, x_label: str, name: str, compact: bool = False):
        self.compact = compact
        self.xscale = bq.LinearScale(min=0.0, max=0.2)
        self.yscale = bq.LinearScale()
        sc = {"x": self.xscale, "y": self.yscale}
        # Tick positions are set explicitly (see nice_ticks) whenever the ranges change:
        # bqplot's num_ticks spreads ticks evenly over the domain, giving labels like 0.052.
        # One fixed format that prints every round tick exactly (".6~g": 7.5 -> "7.5", 5 -> "5",
        # 0.05 -> "0.05"). The format never changes: when it was changed together with the tick
        # values, the browser could apply the new ticks with the old format ("-3 0 3 5 8" for
        # -2.5 ... 7.5), because bqplot redraws on each of the two changes separately.
        self.ax_n = bq.Axis(scale=self.xscale, label="", grid_lines="dashed", tick_format=TICK_FORMAT)
        self.ax_mu = bq.Axis(scale=self.yscale, side="left", label="", grid_lines="dashed", tick_format=TICK_FORMAT)
        self.shade = bq.Lines(
            x=[0, 0, 0, 0], y=[0, 0, 0, 0], scales=sc, fill="inside", colors=[_SHADE], fill_colors=[_SHADE],
            fill_opacities=[0.35], stroke_width=0, labels=["spinodal region"], visible=False,
        )
        zeros = np.zeros(N_POINTS)
        self.stable = bq.Lines(x=zeros, y=zeros, scales=sc, colors=[_MU], stroke_width=2.5)
        self.unstable = bq.Lines(x=zeros, y=zeros * np.nan, scales=sc, colors=[_MU], stroke_width=2.5, line_style="dashed")
        self.maxwell = bq.Lines(x=[0, 0], y=[np.nan, np.nan], scales=sc, colors=[_MAXWELL], stroke_width=2.5)
        self.coexist = bq.Scatter(
            x=[0, 0], y=[0, 0], scales=sc, colors=[_MAXWELL], default_size=60, marker="circle", visible=False,
        )
        # Where mu crosses the Maxwell line it rises: left of n2 the curve lies below mu*, right of
        # n1 above it. So n2 is labelled above-left and n1 below-right, never on the curve (and n1 =
        # 0, the empty band, still has room).
        label = dict(scales=sc, colors=[_MAXWELL], default_size=15, font_weight="bold", visible=False)
        self.n1_label = bq.Label(x=[0], y=[0], text=["n\u2081"], x_offset=6, y_offset=18, align="start", **label)
        self.n2_label = bq.Label(x=[0], y=[0], text=["n\u2082"], x_offset=-6, y_offset=-8, align="end", **label)
        self.marker = bq.Scatter(x=[0.0], y=[0.0], scales=sc, colors=["#000000"], default_size=90, marker="diamond")
        self.marker_line = bq.Lines(x=[0, 0], y=[0, 0], scales=sc, colors=["#555555"], line_style="dotted")
        self.figure = bq.Figure(
            marks=[self.shade, self.maxwell, self.stable, self.unstable, self.marker_line, self.coexist,
                   self.n1_label, self.n2_label, self.marker],
            axes=[self.ax_n, self.ax_mu],
            fig_margin=dict(top=12, bottom=30, left=62, right=14), animation_duration=0, padding_x=0.0, padding_y=0.0,
        )
        self.figure.add_class(name)
        self.widget = labelled(self.figure, x_label=x_label, y_label="μ (eV)", width=width, height=height)

    def draw(self, n, mu, unstable, shade, res, n_hi: float, lo_mu: float, hi_mu: float) -> None:
        """Show mu on the grid ``n`` with the ``unstable`` mask, the shaded interval ``shade``
        (``(lo, hi)`` or None) and the Maxwell construction ``res``."""
        touch = unstable | np.r_[unstable[1:], False] | np.r_[False, unstable[:-1]]
        self.xscale.min, self.xscale.max = 0.0, float(n_hi)
        self.yscale.min, self.yscale.max = lo_mu, hi_mu
        n_ticks = 4 if self.compact else 6
        self.ax_n.tick_values = nice_ticks(0.0, n_hi, n_ticks + 1)
        self.ax_mu.tick_values = nice_ticks(lo_mu, hi_mu, n_ticks)
        with self.stable.hold_sync():
            self.stable.x, self.stable.y = n, np.where(unstable, np.nan, mu)
        with self.unstable.hold_sync():
            # The dashed piece includes its two neighbours so it joins the solid pieces.
            self.unstable.x, self.unstable.y = n, np.where(touch, mu, np.nan)
        if shade is not None:
            box_x = [shade[0], shade[1], shade[1], shade[0]]
            with self.shade.hold_sync():
                self.shade.x, self.shade.y = box_x, [lo_mu, lo_mu, hi_mu, hi_mu]
                self.shade.visible = True
        else:
            self.shade.visible = False
        if res.coexists:
            ends = [res.n1, res.n2]
            with self.maxwell.hold_sync():
                self.maxwell.x, self.maxwell.y = ends, [res.mu_star, res.mu_star]
            with self.coexist.hold_sync():
                self.coexist.x, self.coexist.y = ends, [res.mu_star, res.mu_star]
                self.coexist.visible = True
            for label, at in ((self.n1_label, res.n1), (self.n2_label, res.n2)):
                with label.hold_sync():
                    label.x, label.y = [at], [res.mu_star]
                    label.visible = True
        else:
            self.maxwell.y = [np.nan, np.nan]
            self.coexist.visible = self.n1_label.visible = self.n2_label.visible = False

    def set_density(self, n: float | None, mu_eq: float = float("nan")) -> None:
        """Put the marker at ``(n, mu_eq)`` with a dotted line through it; None hides it."""
        visible = n is not None
        with self.marker.hold_sync():
            if visible:
                self.marker.x, self.marker.y = [float(n)], [float(mu_eq)]
            self.marker.visible = visible
        with self.marker_line.hold_sync():
            if visible:
                self.marker_line.x, self.marker_line.y = [n, n], [self.yscale.min, self.yscale.max]
            self.marker_line.visible = visible


class ThermoPanel:
    """Widgets and plots of the thermodynamics tab.

    Parameters
    ----------
    status : callable, optional
        ``status(message, level)`` for errors and timings (level "info", "busy", "error").
    on_change : callable, optional
        Called with the panel after every successful update (the dashboard uses it to let
        the lever fraction drive w).
    side : ipywidgets.Widget, optional
        Extra widget shown in the right-hand column (the dashboard puts a small R(T) there).

    Attributes
    ----------
    mu_plot : MuPlot
        mu(n) of this tab, its marker at the mean-density slider.
    compact : MuPlot
        The same mu(n) for the Network tab; its marker is the density the network's w
        implies (:meth:`show_weight`).
    weight_note : ipywidgets.HTML
        One line under :attr:`compact`: w and the mean density it implies.
    n : ndarray
        Density grid of the curves.
    fraction : float
        Lever-rule fraction at the mean density.
    """

    def __init__(self, status: Callable[[str, str], None] | None = None, on_change=None, side=None):
        self._status = status or (lambda message, level="info": None)
        self.on_change = on_change
        self._quiet = Quiet()
        self.n = np.linspace(0.0, 0.2, N_POINTS)
        self.n_hi = 0.0  # no density range chosen yet
        self.fraction = 0.0
        self.result: thermo.MaxwellResult | None = None
        p = thermo.ThermoParams.preset("fig6-green")

        self.preset = widgets.Dropdown(
            options=[("custom", CUSTOM)] + list(FIG6_PRESETS.items()), value="fig6-green", description="preset",
            style={"description_width": "70px"}, layout=widgets.Layout(width="320px"),
        )
        self.preset.add_class("pd-thermo-preset")
        self.gamma = _slider("Gamma", p.Gamma, "Γ (eV)", ".2f")
        self.B = _slider("B", p.B, "B (eV)", ".0f")
        self.W = _slider("W", p.W, "W (eV)", ".2f")
        self.A = _slider("A", p.A, "A (eV)", ".2f")
        self.nu0 = _slider("nu0", p.nu0, "ν₀ (e/cell)", ".3f")
        self.density = widgets.FloatSlider(
            value=0.05, min=0.0, max=0.2, step=0.001, description="mean n", readout_format=".3f",
            continuous_update=True, style={"description_width": "70px"}, layout=widgets.Layout(width="320px"),
        )
        self.density.add_class("pd-density")
        self.drive_w = widgets.Checkbox(
            value=False, description="density sets w", indent=False, layout=widgets.Layout(width="320px"),
        )
        self.drive_w.add_class("pd-drive-w")
        self.readout = widgets.HTML(layout=widgets.Layout(width="320px"))
        self.readout.add_class("pd-thermo-readout")
        self.w_note = widgets.HTML(layout=widgets.Layout(width="320px"))
        self.w_note.add_class("pd-w-note")
        self.weight_note = widgets.HTML()
        self.weight_note.add_class("pd-weight-note")
        self._weight: tuple[float, float, float] | None = None  # (w, w_skeleton, w_max) on the compact view

        for key, widget in (("thermo_preset", self.preset), ("Gamma", self.gamma), ("B", self.B), ("W", self.W),
                            ("A", self.A), ("nu0", self.nu0), ("density", self.density), ("drive_w", self.drive_w)):
            widget.tooltip = HELP[key]

        self._build_figures()
        for s in (self.gamma, self.B, self.W, self.A, self.nu0):
            s.observe(self._on_param, names="value")
        self.density.observe(self._on_density, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.drive_w.observe(lambda change: self._notify(), names="value")

        mapping = widgets.HTML(
            '<div class="pd-small">lever fraction x = (n − n<sub>1</sub>)/(n<sub>2</sub> − n<sub>1</sub>) '
            "of the sample is in the high-density (superconducting-puddle) phase; with "
            "“density sets w”, w = clip(x, w<sub>skeleton</sub>, w<sub>max</sub>), and moving w on the first "
            "tab moves n to n<sub>1</sub> + w (n<sub>2</sub> − n<sub>1</sub>).</div>",
            layout=widgets.Layout(width="320px"),
        )
        controls = widgets.VBox(
            [self.preset, self.gamma, self.B, self.W, self.A, self.nu0, self.density, self.readout, self.drive_w, mapping, self.w_note],
            layout=widgets.Layout(width="330px"),
        )
        plots = widgets.VBox([self.mu_plot.widget, self.kappa_box], layout=widgets.Layout(width="510px", max_width="100%"))
        plots.add_class("pd-thermo-plots")
        children = [controls, plots] + ([side] if side is not None else [])
        self.widget = widgets.HBox(children, layout=widgets.Layout(width="100%"))
        self.widget.add_class("pd-thermo")
        self.update()

    # -- figures ---------------------------------------------------------------------
    def _build_figures(self) -> None:
        self.mu_plot = MuPlot(width=500, height=330, x_label="", name="pd-mu")
        self.compact = MuPlot(width=440, height=205, x_label=N_LABEL, name="pd-mu-compact", compact=True)
        xs = self.mu_plot.xscale
        ys_k = bq.LinearScale()
        s_k = {"x": xs, "y": ys_k}
        self.kappa_scale = ys_k
        self.ax_n_k = bq.Axis(scale=xs, label="", grid_lines="dashed", tick_format=TICK_FORMAT)
        self.ax_k = bq.Axis(scale=ys_k, side="left", label="", grid_lines="dashed", tick_format=TICK_FORMAT)
        self.shade_k = bq.Lines(
            x=[0, 0, 0, 0], y=[0, 0, 0, 0], scales=s_k, fill="inside", colors=[_SHADE], fill_colors=[_SHADE],
            fill_opacities=[0.35], stroke_width=0, visible=False,
        )
        self.kappa_line = bq.Lines(x=self.n, y=self.n * 0, scales=s_k, colors=["#238b45"], stroke_width=2.5)
        self.kappa_zero = bq.Lines(x=[0, 1], y=[0, 0], scales=s_k, colors=["#555555"], stroke_width=1)
        self.density_line_k = bq.Lines(x=[0, 0], y=[0, 0], scales=s_k, colors=["#555555"], line_style="dotted")
        self.kappa_fig = bq.Figure(
            marks=[self.shade_k, self.kappa_zero, self.kappa_line, self.density_line_k],
            axes=[self.ax_n_k, self.ax_k],
            fig_margin=dict(top=8, bottom=30, left=62, right=14), animation_duration=0, padding_x=0.0, padding_y=0.0,
        )
        self.kappa_fig.add_class("pd-kappa")
        self.kappa_box = labelled(self.kappa_fig, x_label=N_LABEL, y_label="κ<sup>−1</sup> = dμ/dn (eV)",
                                  width=500, height=225)

    # -- parameters ------------------------------------------------------------------
    @property
    def params(self) -> thermo.ThermoParams:
        """Current :class:`puddles.thermo.ThermoParams` from the sliders."""
        return thermo.ThermoParams(
            W=float(self.W.value), A=float(self.A.value), B=float(self.B.value),
            Gamma=float(self.gamma.value), nu0=float(self.nu0.value),
        )

    def apply_preset(self, name: str) -> None:
        """Set the sliders to one of the Fig. 6 presets ("fig6-green", "fig6-blue", "fig6-red")."""
        p = thermo.ThermoParams.preset(name)
        with self._quiet:
            self.gamma.value, self.B.value, self.W.value, self.A.value, self.nu0.value = p.Gamma, p.B, p.W, p.A, p.nu0
        self.update()

    def _on_preset(self, change) -> None:
        if change["new"] != CUSTOM:
            self.apply_preset(change["new"])

    def _on_param(self, change) -> None:
        if self._quiet or is_slider_echo(change):
            return
        if self.preset.value != CUSTOM:
            with self._quiet:
                self.preset.value = CUSTOM  # the sliders no longer show a preset
        self.update()

    def _on_density(self, change) -> None:
        if not self._quiet and not is_slider_echo(change):
            self.update(density_only=True)

    def set_w_note(self, text: str, clamped: bool = False) -> None:
        """Show how the lever fraction maps to w (highlighted when clamped)."""
        cls = "pd-note pd-warn" if clamped else "pd-note"
        self.w_note.value = f'<div class="{cls}">{text}</div>' if text else ""

    # -- computation -----------------------------------------------------------------
    def _range_for(self, res: thermo.MaxwellResult) -> float:
        ends = [0.05]
        if res.coexists:
            ends.append(res.n2)
        if res.spinodal.size:
            ends.append(float(res.spinodal.max()))
        # ~1.35 n2 shows the whole construction while mu (which grows like B n^3) stays on scale.
        want = 1.35 * max(ends)
        # Keep the axis while the window stays comfortably inside it, so the plot does
        # not jitter while a slider is dragged.
        if 0.45 * self.n_hi <= max(ends) <= 0.9 * self.n_hi:
            return self.n_hi
        return float(min(1.0, max(0.08, round(want, 2))))

    def update(self, density_only: bool = False) -> None:
        """Recompute and redraw; on error keep the last plots and report in the status line."""
        try:
            self._update(density_only)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, never raised into the kernel
            from .status import describe_error

            self._status(f"thermodynamics: {describe_error(exc)} (last good curves kept)", "error")
            return
        self._notify()

    def _notify(self) -> None:
        if self.on_change is not None:
            try:
                self.on_change(self)
            except Exception as exc:  # noqa: BLE001
                from .status import describe_error

                self._status(f"density → w: {describe_error(exc)}", "error")

    def _update(self, density_only: bool) -> None:
        p = self.params
        res = thermo.maxwell_construction(p)
        if not density_only:
            n_hi = self._range_for(res)
            n = np.linspace(0.0, n_hi, N_POINTS)
            mu = np.asarray(thermo.chemical_potential(n, p), dtype=float)
            kappa = np.asarray(thermo.inverse_compressibility(n, p), dtype=float)
        else:
            n_hi, n = self.n_hi, self.n
        nbar = min(float(self.density.value), n_hi)
        x = float(thermo.high_density_fraction(nbar, p))
        mu_eq = float(thermo.equilibrium_mu(nbar, p))
        weight = self._weight_density(p, res) if not density_only else None

        # Everything computed: now draw (an exception above leaves the plots untouched).
        if not density_only:
            self._draw_curves(p, res, n_hi, n, mu, kappa)
            self._show_weight_density(*weight)
        self.result = res
        self.fraction = x
        self.mu_plot.set_density(nbar, mu_eq)
        self.density_line_k.x, self.density_line_k.y = [nbar, nbar], [self.kappa_scale.min, self.kappa_scale.max]
        self.readout.value = self._readout_html(p, res, nbar, x)

    def _draw_curves(self, p, res, n_hi, n, mu, kappa) -> None:
        unstable = kappa < 0
        pad_mu = 0.08 * (np.ptp(mu) or 1.0)
        lo_mu, hi_mu = float(mu.min() - pad_mu), float(mu.max() + pad_mu)
        k_lo, k_hi = float(min(kappa.min(), -0.2)), float(min(kappa.max(), max(3.0, 4 * abs(kappa.min()))))
        pad_k = 0.08 * (k_hi - k_lo)
        k_lo, k_hi = k_lo - pad_k, k_hi + pad_k
        self.n, self.n_hi = n, n_hi
        with self.density.hold_sync():
            with self._quiet:
                self.density.max = n_hi
        shade = self._unstable_interval(p, res, n, unstable) if unstable.any() else None
        for plot in (self.mu_plot, self.compact):
            plot.draw(n, mu, unstable, shade, res, n_hi, lo_mu, hi_mu)
        self.kappa_scale.min, self.kappa_scale.max = k_lo, k_hi
        self.ax_n_k.tick_values = nice_ticks(0.0, n_hi, 7)
        self.ax_k.tick_values = nice_ticks(k_lo, k_hi, 5)
        with self.kappa_line.hold_sync():
            self.kappa_line.x, self.kappa_line.y = n, kappa
        self.kappa_zero.x = [0.0, float(n_hi)]
        if shade is not None:
            with self.shade_k.hold_sync():
                self.shade_k.x, self.shade_k.y = [shade[0], shade[1], shade[1], shade[0]], [k_lo, k_lo, k_hi, k_hi]
                self.shade_k.visible = True
        else:
            self.shade_k.visible = False

    # -- the network's w as a density (Network tab's compact view) ----------------------
    def show_weight(self, w: float, w_skeleton: float, w_max: float) -> float | None:
        """Mark the mean density that weight ``w`` implies (inverse lever rule) on :attr:`compact`.

        ``w`` is first brought into ``[w_skeleton, w_max]`` (what a build does). Returns that
        density, or None when these parameters give no coexistence (no density sets w; the
        marker is hidden and the note says so).
        """
        self._weight = (float(w), float(w_skeleton), float(w_max))
        try:
            p = self.params
            weight = self._weight_density(p, thermo.maxwell_construction(p))
        except ValueError as exc:  # parameters the Thermodynamics tab already reports as invalid
            self.compact.set_density(None)
            self.weight_note.value = f'<div class="pd-small pd-warn">{html.escape(str(exc))}</div>'
            return None
        return self._show_weight_density(*weight)

    def _weight_density(self, p, res):
        """``(w, n, mu*, res)`` of the compact marker (``n`` None without coexistence or weight)."""
        if self._weight is None:
            return None, None, float("nan"), res
        w, wsk, wmax = self._weight
        w = min(max(w, wsk), wmax)
        if not res.coexists:
            return w, None, float("nan"), res
        return w, thermo.density_from_weight(w, p, wsk, wmax), float(res.mu_star), res

    def _show_weight_density(self, w, n_w, mu_star, res) -> float | None:
        self.compact.set_density(n_w, mu_star)
        if w is None:
            self.weight_note.value = ""
        elif n_w is None:
            self.weight_note.value = (
                f'<div class="pd-small">w = {w:.3f}; no phase coexistence for these Γ, B, W, A, ν<sub>0</sub>: '
                "no density sets w</div>"
            )
        else:
            self.weight_note.value = (
                f'<div class="pd-small"><b>w = {w:.3f}</b> ↔ mean density <b>n = {n_w:.4f}</b> '
                f"= n<sub>1</sub> + w (n<sub>2</sub> − n<sub>1</sub>) with n<sub>1</sub> = {res.n1:.3f}, "
                f"n<sub>2</sub> = {res.n2:.3f}</div>"
            )
        return n_w

    def follow_weight(self, n: float) -> None:
        """Move the mean-density slider to ``n`` (rounded to its step) without notifying
        :attr:`on_change`: the w -> density direction of "density sets w"."""
        step = float(self.density.step)
        value = min(round(round(float(n) / step) * step, 6), float(self.density.max))
        with self._quiet:
            self.density.value = value
        self._update(density_only=True)

    @staticmethod
    def _unstable_interval(p, res, n, unstable) -> tuple[float, float]:
        """Ends of the kappa^-1 < 0 region: exact spinodal roots where they exist, grid ends otherwise."""
        roots = list(res.spinodal)
        lo = 0.0 if unstable[0] else (roots.pop(0) if roots else float(n[np.argmax(unstable)]))
        hi = float(n[-1]) if unstable[-1] else (roots[-1] if roots else float(n[len(n) - 1 - np.argmax(unstable[::-1])]))
        return float(lo), float(hi)

    @staticmethod
    def _readout_html(p, res, nbar, x) -> str:
        parts = [f"a = W/2 + A − 2Γ = {p.a:.3f} eV"]
        if res.spinodal.size:
            parts.append("spinodal n<sub>s</sub> = " + ", ".join(f"{s:.4f}" for s in res.spinodal))
        if res.coexists:
            parts.append(
                f"coexistence n<sub>1</sub> = {res.n1:.4f}, n<sub>2</sub> = {res.n2:.4f}, μ* = {res.mu_star:.4f} eV"
            )
        else:
            parts.append("no phase separation (stable film)")
        parts.append(f"<b>lever fraction x = {x:.3f}</b> at n = {nbar:.3f}")
        return '<div class="pd-small">' + "<br>".join(html.escape(s) if "<" not in s else s for s in parts) + "</div>"
