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

    w = clip(x, w_skeleton, 1),    x = (n - n1) / (n2 - n1)  (lever rule)

rather than an affine rescaling such as ``w_skeleton + x (1 - w_skeleton)``, which
would invent a second, unphysical scale. The clamp is the network's own limit: the
filamentary skeleton alone already covers w_skeleton of the bonds, so an x below it
cannot be represented, and w is held at w_skeleton with a visible note. Without phase
coexistence (a stable film) the engine's convention gives x = 0, hence w = w_skeleton.
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
from .style import float_slider

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
    return float_slider(name, THERMO_RANGES, value, description, fmt, continuous=True, label_px=70, width_px=320)


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
    mu_stable, mu_unstable : bqplot.Lines
        mu(n) where kappa^-1 >= 0 (solid) and where kappa^-1 < 0 (dashed); NaN elsewhere,
        so together they are exactly :func:`puddles.thermo.chemical_potential`.
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

        self._build_figures()
        for s in (self.gamma, self.B, self.W, self.A, self.nu0):
            s.observe(self._on_param, names="value")
        self.density.observe(self._on_density, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.drive_w.observe(lambda change: self._notify(), names="value")

        mapping = widgets.HTML(
            '<div class="pd-small">lever fraction x = (n − n<sub>1</sub>)/(n<sub>2</sub> − n<sub>1</sub>) '
            "of the sample is in the high-density (superconducting-puddle) phase; with "
            "“density sets w”, w = clip(x, w<sub>skeleton</sub>, 1).</div>",
            layout=widgets.Layout(width="320px"),
        )
        controls = widgets.VBox(
            [self.preset, self.gamma, self.B, self.W, self.A, self.nu0, self.density, self.readout, self.drive_w, mapping, self.w_note],
            layout=widgets.Layout(width="330px"),
        )
        plots = widgets.VBox([self.mu_fig, self.kappa_fig], layout=widgets.Layout(width="540px"))
        children = [controls, plots] + ([side] if side is not None else [])
        self.widget = widgets.HBox(children, layout=widgets.Layout(width="100%"))
        self.widget.add_class("pd-thermo")
        self.update()

    # -- figures ---------------------------------------------------------------------
    def _build_figures(self) -> None:
        xs = bq.LinearScale(min=0.0, max=0.2)
        ys_mu = bq.LinearScale()
        ys_k = bq.LinearScale()
        s_mu = {"x": xs, "y": ys_mu}
        s_k = {"x": xs, "y": ys_k}
        self.xscale, self.mu_scale, self.kappa_scale = xs, ys_mu, ys_k
        nan2 = [np.nan, np.nan]
        # Tick positions are set explicitly (see nice_ticks) whenever the ranges change:
        # bqplot's num_ticks spreads ticks evenly over the domain, giving labels like 0.052.
        # One fixed format that prints every round tick exactly (".6~g": 7.5 -> "7.5", 5 -> "5",
        # 0.05 -> "0.05"). The format never changes: when it was changed together with the tick
        # values, the browser could apply the new ticks with the old format ("-3 0 3 5 8" for
        # -2.5 ... 7.5), because bqplot redraws on each of the two changes separately.
        fmt = TICK_FORMAT
        self.ax_n_mu = bq.Axis(scale=xs, label="", grid_lines="dashed", tick_format=fmt)
        self.ax_mu = bq.Axis(scale=ys_mu, side="left", label="μ (eV)", grid_lines="dashed", tick_format=fmt)
        self.ax_n_k = bq.Axis(scale=xs, label="n (electrons per unit cell)", grid_lines="dashed", tick_format=fmt)
        self.ax_k = bq.Axis(scale=ys_k, side="left", label="κ⁻¹ = dμ/dn (eV)", grid_lines="dashed", tick_format=fmt)
        self.shade_mu = bq.Lines(
            x=[0, 0, 0, 0], y=[0, 0, 0, 0], scales=s_mu, fill="inside", colors=[_SHADE], fill_colors=[_SHADE],
            fill_opacities=[0.35], stroke_width=0, labels=["spinodal region"], visible=False,
        )
        self.mu_stable = bq.Lines(x=self.n, y=self.n * 0, scales=s_mu, colors=[_MU], stroke_width=2.5)
        self.mu_unstable = bq.Lines(
            x=self.n, y=self.n * np.nan, scales=s_mu, colors=[_MU], stroke_width=2.5, line_style="dashed",
        )
        self.maxwell = bq.Lines(x=[0, 0], y=nan2, scales=s_mu, colors=[_MAXWELL], stroke_width=2.5)
        self.coexist = bq.Scatter(
            x=[0, 0], y=[0, 0], scales=s_mu, colors=[_MAXWELL], default_size=60, marker="circle", visible=False,
        )
        self.coexist_labels = bq.Label(
            x=[0, 0], y=[0, 0], scales=s_mu, text=["n1", "n2"], colors=[_MAXWELL], y_offset=-10, x_offset=4,
            default_size=13, font_weight="bold", visible=False,
        )
        self.density_mark = bq.Scatter(x=[0.0], y=[0.0], scales=s_mu, colors=["#000000"], default_size=70, marker="diamond")
        self.density_line_mu = bq.Lines(x=[0, 0], y=[0, 0], scales=s_mu, colors=["#555555"], line_style="dotted")
        self.mu_fig = bq.Figure(
            marks=[self.shade_mu, self.maxwell, self.mu_stable, self.mu_unstable, self.density_line_mu, self.coexist,
                   self.coexist_labels, self.density_mark],
            axes=[self.ax_n_mu, self.ax_mu],
            fig_margin=dict(top=12, bottom=24, left=62, right=12), animation_duration=0, padding_x=0.0, padding_y=0.0,
            layout=widgets.Layout(width="530px", height="345px"),
        )
        self.mu_fig.add_class("pd-mu")
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
            fig_margin=dict(top=8, bottom=44, left=62, right=12), animation_duration=0, padding_x=0.0, padding_y=0.0,
            layout=widgets.Layout(width="530px", height="235px"),
        )
        self.kappa_fig.add_class("pd-kappa")

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

        # Everything computed: now draw (an exception above leaves the plots untouched).
        if not density_only:
            self._draw_curves(p, res, n_hi, n, mu, kappa)
        self.result = res
        self.fraction = x
        with self.density_mark.hold_sync():
            self.density_mark.x, self.density_mark.y = [nbar], [mu_eq]
        lo, hi = self.mu_scale.min, self.mu_scale.max
        self.density_line_mu.x, self.density_line_mu.y = [nbar, nbar], [lo, hi]
        self.density_line_k.x, self.density_line_k.y = [nbar, nbar], [self.kappa_scale.min, self.kappa_scale.max]
        self.readout.value = self._readout_html(p, res, nbar, x)

    def _draw_curves(self, p, res, n_hi, n, mu, kappa) -> None:
        unstable = kappa < 0
        # The dashed piece includes its two neighbours so it joins the solid pieces.
        touch = unstable | np.r_[unstable[1:], False] | np.r_[False, unstable[:-1]]
        pad_mu = 0.08 * (np.ptp(mu) or 1.0)
        lo_mu, hi_mu = float(mu.min() - pad_mu), float(mu.max() + pad_mu)
        k_lo, k_hi = float(min(kappa.min(), -0.2)), float(min(kappa.max(), max(3.0, 4 * abs(kappa.min()))))
        pad_k = 0.08 * (k_hi - k_lo)
        k_lo, k_hi = k_lo - pad_k, k_hi + pad_k
        self.n, self.n_hi = n, n_hi
        with self.density.hold_sync():
            with self._quiet:
                self.density.max = n_hi
        self.xscale.min, self.xscale.max = 0.0, float(n_hi)
        self.mu_scale.min, self.mu_scale.max = lo_mu, hi_mu
        self.kappa_scale.min, self.kappa_scale.max = k_lo, k_hi
        for axis, lo, hi, n_ticks in ((self.ax_n_mu, 0.0, n_hi, 6), (self.ax_n_k, 0.0, n_hi, 6),
                                      (self.ax_mu, lo_mu, hi_mu, 6), (self.ax_k, k_lo, k_hi, 5)):
            axis.tick_values = nice_ticks(lo, hi, n_ticks)
        with self.mu_stable.hold_sync():
            self.mu_stable.x, self.mu_stable.y = n, np.where(unstable, np.nan, mu)
        with self.mu_unstable.hold_sync():
            self.mu_unstable.x, self.mu_unstable.y = n, np.where(touch, mu, np.nan)
        with self.kappa_line.hold_sync():
            self.kappa_line.x, self.kappa_line.y = n, kappa
        self.kappa_zero.x = [0.0, float(n_hi)]
        if unstable.any():
            s_lo, s_hi = self._unstable_interval(p, res, n, unstable)
            box_x = [s_lo, s_hi, s_hi, s_lo]
            with self.shade_mu.hold_sync():
                self.shade_mu.x, self.shade_mu.y = box_x, [lo_mu, lo_mu, hi_mu, hi_mu]
                self.shade_mu.visible = True
            with self.shade_k.hold_sync():
                self.shade_k.x, self.shade_k.y = box_x, [k_lo, k_lo, k_hi, k_hi]
                self.shade_k.visible = True
        else:
            self.shade_mu.visible = self.shade_k.visible = False
        if res.coexists:
            with self.maxwell.hold_sync():
                self.maxwell.x, self.maxwell.y = [res.n1, res.n2], [res.mu_star, res.mu_star]
            with self.coexist.hold_sync():
                self.coexist.x, self.coexist.y = [res.n1, res.n2], [res.mu_star, res.mu_star]
                self.coexist.visible = True
            with self.coexist_labels.hold_sync():
                self.coexist_labels.x, self.coexist_labels.y = [res.n1, res.n2], [res.mu_star, res.mu_star]
                self.coexist_labels.visible = True
        else:
            self.maxwell.y = [np.nan, np.nan]
            self.coexist.visible = self.coexist_labels.visible = False

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
