"""The dashboard: sliders that rebuild the network and redraw R(T), the cluster map and mu(n).

Layout (one page, no scrolling at 1280 x 800; the columns wrap on narrower screens, down to
a 390 px phone): three tabs - *Network* (controls, R(T) with, under it, either mu(n) marking
the density that w implies or the Ic / rho_s panel on the same T axis, and the cluster map
between its leads), *Thermodynamics* (mu(n), kappa^-1(n), lever rule; a small R(T) of the
current network) and, when :mod:`puddles.app.fit_panel` exists, *Fit your data* - and a
status line under them. Every control has its help text (:mod:`puddles.app.help`) on hover
and in the "? help" glossary.

Two update paths, because the costs differ by four orders of magnitude:

* **cheap** - ``sigma``, ``Tc_mean``, ``T``, the map colouring. With common random
  numbers R(T) = R_N F((T - Tc_mean)/sigma) for one universal curve F per network, so
  these only re-read the network's sampled F (``net.rt_curve``) and recolour the map
  from a per-``k`` cache (``k`` = number of superconducting bonds at T). They run in the
  kernel's main thread, in a few milliseconds, and never solve. What they ask for that
  does need a solve goes to two latest-wins background jobs of its own, submitted after
  R(T) is drawn: the Ic(T) / rho_s(T) curves of a new (network, Tc_mean, sigma)
  (:class:`~puddles.app.superfluid_panel.SuperfluidPanel`, 0.3-1 s at N = 100), and the
  cursor job (weakest links and rho_s at T; the currents map at a ``k`` not seen before).
* **expensive** - ``w``, ``w2``, ``N``, ``D``, the seed. They need a new network and new
  solves. Those sliders report only on release (``continuous_update=False``) and go to
  a one-slot background worker (:class:`puddles.app.runner.LatestRunner`): a newer
  request supersedes an older one, so there is never a backlog and the last value always
  wins. The worker first samples F coarsely (tol 0.05 at N <= 100, ~0.3 s; 0.06 at N = 200) and draws, then
  refines to the engine's default tolerance (0.01) and redraws.

State: every control change replaces one immutable :class:`~puddles.app.model.AppState`
(model parameters as :class:`~puddles.params.ModelParams`, seed, T cursor), on the kernel's
main thread. A build job captures the :class:`~puddles.app.model.NetworkRequest` when it is
submitted and never reads a widget; every widget write after a build happens in
:meth:`Dashboard._show_entry`.

Every callback is guarded: an exception becomes a message in the status line (in words;
tracebacks only with ``PUDDLES_DEBUG=1``) and the plots keep their last good state,
because new data are computed completely before any mark is touched.

``Dashboard(sync=True)`` runs every job inline (no thread), for tests and benchmarks;
``superfluid=False`` leaves the Ic / rho_s panel out.
"""

from __future__ import annotations

import functools
import html
import importlib
import importlib.util
import math
import os
import sys
import threading
import time
from urllib.parse import parse_qs

import ipywidgets as widgets
import numpy as np

from puddles import parallel
from puddles.params import ModelParams
from puddles.transport import TableCancelled

from .cluster_map import ClusterMap, render_currents, render_states, render_weakest_links
from .events import Quiet, is_slider_echo
from .export import ExportButtons
from .help import HELP, MAP_MODE_HELP, glossary_html, no_null_tooltips
from .model import AppState, NetworkRequest, TransportModel, tolerances_for
from .plots import RTPlot, format_readouts
from .presets import DEFAULT_SCENARIO, N_CHOICES, RANGES, SCENARIOS, T_MAX
from .runner import LatestRunner
from .status import StatusLine, describe_error
from .style import CSS, accessibility_script, float_slider
from .superfluid_panel import SuperfluidPanel
from .thermo_panel import CUSTOM, ThermoPanel, lever_to_w

__all__ = ["Dashboard", "build_dashboard", "w_floor"]

_W_STEP = RANGES["w"][2]
#: Largest width (px) of the middle column's plots (R(T), mu(n), Ic / rho_s): with the controls
#: (336) and the map (428) it fills a 1280 px page; on a narrower one the plots narrow or wrap.
_MIDDLE_PX = 440
#: Temperatures of the Ic(T) / rho_s(T) curves (0.25 K apart on the R(T) axis): each one below
#: Tp costs a max-flow and a linear solve, so the panel uses a coarser grid than R(T)'s 501.
SUPERFLUID_POINTS = 101


def w_floor(w_skeleton: float) -> float:
    """Smallest w the slider offers for a realization: w_skeleton rounded up to the slider step.

    Rounding to a multiple of the step keeps every preset value on the slider's grid (a
    browser slider snaps off-grid values and sends them back, which would silently change
    a preset's w). The job that builds a network and the slider's minimum use the same
    value, so a clamped slider reports exactly the w that was built.
    """
    return round(math.ceil(float(w_skeleton) / _W_STEP - 1e-9) * _W_STEP, 6)


def w_range(w_skeleton: float, w_max: float) -> tuple[float, float]:
    """``(floor, ceiling)`` of w on the slider grid for a realization: [w_floor, w_max rounded down]."""
    floor = w_floor(w_skeleton)
    return floor, max(floor, round(math.floor(float(w_max) / _W_STEP + 1e-9) * _W_STEP, 6))


def _slider(key: str, value: float, description: str, fmt: str, *, continuous: bool) -> widgets.FloatSlider:
    return float_slider(key, RANGES, value, description, fmt, continuous=continuous, label_px=78, width_px=326)


def _guard(context: str):
    """Decorator: report any exception of a callback in the status line instead of raising."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a callback must never kill the app silently
                self.status.error(exc, f"{context} failed, last good plots kept")
                self.last_error = exc
                return None

        return inner

    return wrap


class Controls:
    """The Network tab's controls, by the name of what they set (``controls.w2``, ``controls.sigma``).

    Widgets only: what the user has chosen lives in :attr:`Dashboard.state`, captured from
    these on the kernel's main thread.
    """


class Dashboard:
    """The interactive dashboard (widgets plus the logic that feeds them).

    Parameters
    ----------
    n : int
        Initial lattice size (50, 100 or 200).
    seed : int
        Initial realization seed.
    scenario : str or None
        Name of a :data:`puddles.app.presets.SCENARIOS` entry to start from.
    sync : bool
        Rebuild networks inline instead of in the background worker (tests, benchmarks).
    debug : bool, optional
        Show tracebacks in the status line (default: env ``PUDDLES_DEBUG``).
    fit_panel : bool
        Add the "Fit your data" tab when :mod:`puddles.app.fit_panel` exists. The module is
        imported, and its ``FitPanel(status=...)`` built, when the tab is first opened.
    superfluid : bool
        Show the Ic(T) / rho_s(T) panel under R(T) (computed in its own background job).
    tab : int
        Tab selected at start.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app; displaying the Dashboard displays it.
    controls : Controls
        The Network tab's widgets: ``sigma, tc_mean, T, w, w2, diameter`` (FloatSlider),
        ``n`` and ``map_mode`` (ToggleButtons), ``seed`` (BoundedIntText), ``scenario``
        (Dropdown), the buttons and the notes beside them.
    state : puddles.app.model.AppState
        What the user has chosen (model parameters, seed, T cursor, map mode).
    rt : puddles.app.plots.RTPlot
    cluster_map : puddles.app.cluster_map.ClusterMap
    thermo : puddles.app.thermo_panel.ThermoPanel
    superfluid : puddles.app.superfluid_panel.SuperfluidPanel or None
        The Ic(T) / rho_s(T) panel (None with ``superfluid=False``).
    lower : ipywidgets.ToggleButtons or None
        Chooses the panel under R(T): "mu" (``thermo.compact``, mu(n) with the density of w) or
        "superfluid"; None without the Ic / rho_s panel (mu(n) is then always shown).
    help_button, glossary : ipywidgets.ToggleButton, ipywidgets.HTML
        "? help" and the glossary it shows (:mod:`puddles.app.help`).
    runner, superfluid_runner, cursor_runner : puddles.app.runner.LatestRunner
        Background jobs, each latest-wins: network builds; the Ic / rho_s curves of a
        (network, Tc_mean, sigma); what a cursor position needs beyond cached views (the
        currents solve of a new ``k``, the weakest links and rho_s at T).
    status : puddles.app.status.StatusLine
    model : puddles.app.model.TransportModel
    entry : puddles.app.model.NetworkEntry or None
        The network on screen (``entry.net`` is a :class:`puddles.Network`).
    timings : dict
        Seconds of the last update of each kind ("fast", "coarse", "refined").
    """

    def __init__(
        self,
        *,
        n: int = 100,
        seed: int = 1,
        scenario: str | None = DEFAULT_SCENARIO,
        sync: bool = False,
        debug: bool | None = None,
        fit_panel: bool = True,
        tab: int = 0,
        superfluid: bool = True,
    ):
        t_start = time.perf_counter()
        self.model = TransportModel()
        self.status = StatusLine(debug)
        self.runner = LatestRunner(sync=sync)
        self.runner.on_error = lambda exc: self.status.error(exc, "network update failed (last good plots kept)")
        self.superfluid_runner = LatestRunner(sync=sync, name="puddles-superfluid")
        self.superfluid_runner.on_error = lambda exc: self.status.error(exc, "Ic / rho_s failed (last good curves kept)")
        self.cursor_runner = LatestRunner(sync=sync, name="puddles-cursor")
        self.cursor_runner.on_error = lambda exc: self.status.error(exc, "map update failed (last good map kept)")
        self._superfluid_key = None  # (id(entry), tc_mean, sigma) of the curves last asked for
        if not sync:
            self.status.start_heartbeat()  # a dead kernel becomes visible on the page
        self._lock = threading.RLock()
        self._quiet = Quiet()  # true while code (not the user) moves several sliders at once
        self._density_follows = False  # "density sets w": True when w moved last (the density follows it)
        self.entry = None
        self.shown_readouts = None  # Tp, plateau, ... of the R(T) curve on screen (for its export)
        self.last_error: BaseException | None = None
        self.timings: dict[str, float] = {}
        if int(n) not in N_CHOICES:
            raise ValueError(f"n (lattice size) must be one of {N_CHOICES}, got {n!r}")

        self._build_widgets(int(n), int(seed), bool(superfluid))
        self.fit_panel = None  # the FitPanel instance once its tab was opened (False if it failed)
        self._fit_box = widgets.VBox() if fit_panel and self.fit_panel_available() else None
        self._build_layout(tab)
        self._capture()
        if scenario is not None:
            self._set_sliders({**SCENARIOS[scenario].values(), "scenario": scenario})
            self._show_scenario_note(scenario)
        # The first network is built before the page shows (coarse curve); refinement follows in the
        # background. In-process: starting solver workers (~2 s) would cost more than they save here,
        # and a page that is opened and closed at once never starts them.
        with parallel.in_process():
            self._build_job(self.state.network(), never_cancelled, refine=False)
        self.timings["first_render"] = time.perf_counter() - t_start
        if self.entry is not None:
            self.runner.submit(functools.partial(self._refine_job, self.entry))
        if self.tabs.selected_index == self._fit_index:
            self._load_fit_panel()

    # -- construction ----------------------------------------------------------------
    def _build_widgets(self, n: int, seed: int, superfluid: bool) -> None:
        c = self.controls = Controls()
        self.controls.scenario = widgets.Dropdown(
            options=[("custom", CUSTOM)] + [(name, name) for name in SCENARIOS], value=CUSTOM, description="scenario",
            style={"description_width": "78px"}, layout=widgets.Layout(width="326px"),
        )
        self.controls.scenario.add_class("pd-scenario")
        self.controls.scenario_note = widgets.HTML(layout=widgets.Layout(width="326px"))
        self.controls.scenario_note.add_class("pd-scenario-note")
        self.controls.sigma = _slider("sigma", 2.5, "σ (K)", ".2f", continuous=True)
        self.controls.tc_mean = _slider("tc_mean", 10.0, "T̄c (K)", ".1f", continuous=True)
        self.controls.T = _slider("T", 7.0, "T cursor (K)", ".2f", continuous=True)
        self.controls.w = _slider("w", 0.45, "w", ".3f", continuous=False)
        self.controls.w2 = _slider("w2", 0.0, "w2", ".2f", continuous=False)
        self.controls.diameter = _slider("diameter", 10.0, "D (bonds)", ".0f", continuous=False)
        self.controls.n = widgets.ToggleButtons(
            options=list(N_CHOICES), value=n, description="N", style={"description_width": "78px", "button_width": "68px"},
            layout=widgets.Layout(width="326px"),
        )
        self.controls.n.add_class("pd-n")
        self.controls.seed = widgets.BoundedIntText(
            value=seed, min=0, max=2**31 - 1, description="seed", continuous_update=False,
            style={"description_width": "78px"}, layout=widgets.Layout(width="170px"),
        )
        self.controls.seed.add_class("pd-seed")
        self.controls.new_button = widgets.Button(description="new realization", layout=widgets.Layout(width="148px"))
        self.controls.new_button.add_class("pd-new")
        self.controls.pin_button = widgets.Button(description="pin curve", layout=widgets.Layout(width="160px"))
        self.controls.pin_button.add_class("pd-pin")
        self.controls.clear_button = widgets.Button(description="clear pins", layout=widgets.Layout(width="160px"))
        self.controls.clear_button.add_class("pd-clear")
        self.controls.map_mode = widgets.ToggleButtons(
            options=[("bond states", "states"), ("currents |I|", "currents"), ("weakest links", "weakest links")],
            value="states", tooltips=list(MAP_MODE_HELP), style={"button_width": "128px"},
        )
        self.controls.map_mode.add_class("pd-map-mode")
        self.controls.w_note = widgets.HTML(layout=widgets.Layout(width="326px"))
        self.controls.w_note.add_class("pd-w-note")
        self.controls.summary = widgets.HTML(layout=widgets.Layout(width="326px"))
        self.controls.summary.add_class("pd-summary")
        self.readouts = widgets.HTML()
        self.readouts.add_class("pd-rt-readouts")

        self.rt = RTPlot(self.model.T, width=_MIDDLE_PX, height=245)
        self.rt.legend.layout.width = "326px"  # the pins' legend sits under the pin buttons
        self.superfluid = None
        if superfluid:
            self.superfluid = SuperfluidPanel(
                np.linspace(0.0, T_MAX, SUPERFLUID_POINTS), width=_MIDDLE_PX, height=190, status=self.status.set
            )
        self.rt_mini = RTPlot(self.model.T, width=360, height=250, compact=True)
        self.mini_readouts = widgets.HTML(layout=widgets.Layout(max_width="360px"))
        self.cluster_map = ClusterMap()
        side = widgets.VBox(
            [widgets.HTML('<div class="pd-panel-title">R(T) of the current network</div>'), self.rt_mini.widget,
             self.mini_readouts],
            layout=widgets.Layout(width="370px", max_width="100%"),
        )
        self.thermo = ThermoPanel(status=self.status.set, on_change=self._on_thermo, side=side)
        # Under R(T): mu(n) of the film (the density w implies) or the Ic / rho_s panel, one at a time
        # (both with R(T) and the map would not fit a 1280 x 800 page at a readable size).
        self.lower = None
        if superfluid:
            self.lower = widgets.ToggleButtons(
                options=[("μ(n): density of w", "mu"), ("Ic and ρs", "superfluid")], value="mu",
                tooltips=["mu(n) of the film, with the mean density that w implies",
                          "critical current and superfluid stiffness against T"],
                style={"button_width": "150px"}, tooltip=HELP["lower"],
            )
            self.lower.add_class("pd-lower")
        self.help_button = widgets.ToggleButton(value=False, description="? help", tooltip=HELP["help"],
                                                layout=widgets.Layout(width="84px"))
        self.help_button.add_class("pd-help-button")
        self.glossary = widgets.HTML(glossary_html(), layout=widgets.Layout(display="none"))
        self.glossary.add_class("pd-glossary")
        self.help_button.observe(self._on_help, names="value")
        for key in ("scenario", "sigma", "tc_mean", "T", "w", "w2", "diameter", "n", "seed", "new_button", "pin_button",
                    "clear_button", "map_mode", "summary"):
            getattr(c, key).tooltip = HELP[key]
        self.rt.legend.tooltip = HELP["pins"]
        # PNG / SVG of each view, drawn by matplotlib from what is on screen (no new solve).
        self.exports = {
            "rt": ExportButtons(self._rt_figure, "puddles-rt", self.status.set, what="R(T) with its pins"),
            "map": ExportButtons(self._map_figure, "puddles-cluster-map", self.status.set,
                                 what="the cluster map (bond states, leads, legend)"),
            "mu": ExportButtons(self._mu_figure, "puddles-mu", self.status.set, what="μ(n) and κ⁻¹(n)"),
        }
        for key, export in self.exports.items():
            export.widget.add_class(f"pd-export-{key}")

        for s in (self.controls.sigma, self.controls.tc_mean):
            s.observe(self._on_tc_change, names="value")
        self.controls.T.observe(self._on_T_change, names="value")
        self.controls.map_mode.observe(self._on_map_mode, names="value")
        for s in (c.w, c.w2, c.diameter, c.n, c.seed):
            s.observe(self._on_network_change, names="value")
        self.controls.scenario.observe(self._on_scenario, names="value")
        self.controls.new_button.on_click(self._on_new_realization)
        self.controls.pin_button.on_click(self._on_pin)
        self.controls.clear_button.on_click(self._on_clear)
        if self.lower is not None:
            self.lower.observe(self._on_lower, names="value")

    def _build_layout(self, tab: int) -> None:
        c = self.controls
        controls = widgets.VBox(
            [
                c.scenario, c.scenario_note, c.sigma, c.tc_mean, c.T, c.w, c.w_note, c.w2, c.diameter, c.n,
                widgets.HBox([c.seed, c.new_button]),
                widgets.HBox([c.pin_button, c.clear_button]),
                c.summary, self.rt.legend,
            ],
            layout=widgets.Layout(width="336px"),
        )
        controls.add_class("pd-controls")
        mu_box = widgets.VBox([self.thermo.compact.widget, self.thermo.weight_note, self.exports["mu"].widget])
        mu_box.add_class("pd-mu-box")
        if self.lower is not None:
            self.lower_stack = widgets.Stack([mu_box, self.superfluid.widget], selected_index=0)
            lower = [self.lower, self.lower_stack]
        else:
            self.lower_stack = None
            lower = [widgets.HTML('<div class="pd-panel-title">μ(n) of the film: the density that w implies</div>'),
                     mu_box]
        rt_box = widgets.VBox(
            [widgets.HBox([widgets.HTML('<div class="pd-panel-title">Resistance R(T)/R<sub>N</sub></div>'),
                           self.exports["rt"].widget], layout=widgets.Layout(justify_content="space-between")),
             self.rt.widget, self.readouts] + lower,
            layout=widgets.Layout(width=f"{_MIDDLE_PX + 10}px", max_width="100%"),
        )
        rt_box.add_class("pd-rt-box")
        map_box = widgets.VBox([c.map_mode, self.cluster_map.widget, self.exports["map"].widget])
        map_box.add_class("pd-map-column")
        network_tab = widgets.HBox([controls, rt_box, map_box], layout=widgets.Layout(width="100%"))
        network_tab.add_class("pd-network")
        children = [network_tab, self.thermo.widget]
        titles = ["Network and transport", "Thermodynamics"]
        self._fit_index = None
        if self._fit_box is not None:
            self._fit_index = len(children)
            children.append(self._fit_box)
            titles.append("Fit your data")
        tab = min(max(int(tab), 0), len(children) - 1)
        self.tabs = widgets.Tab(children=children, titles=titles, selected_index=tab)
        self.tabs.add_class("pd-tabs")
        self.tabs.observe(self._on_tab, names="selected_index")
        header = widgets.HBox([widgets.HTML(
            '<div class="pd-header"><b>puddles</b> — superconducting puddles in a metallic matrix: '
            "an exact random-resistor network (Dezi, Scopigno, Caprara, Grilli, PRB)</div>",
            layout=widgets.Layout(flex="1 1 auto", min_width="0"),
        ), self.help_button])
        header.add_class("pd-header-row")
        status = widgets.Box([self.status.widget, self.status.heartbeat], layout=widgets.Layout(width="100%"))
        status.add_class("pd-status-wrap")
        self.widget = widgets.VBox([widgets.HTML(CSS), accessibility_script(), header, self.glossary, self.tabs, status])
        self.widget.add_class("pd-root")
        no_null_tooltips(self.widget)

    @staticmethod
    def fit_panel_available() -> bool:
        """True when :mod:`puddles.app.fit_panel` exists (checked without importing it)."""
        name = f"{__package__}.fit_panel"
        if name in sys.modules:
            return True
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False

    def _on_tab(self, change) -> None:
        if change["new"] == self._fit_index:
            self._load_fit_panel()

    def _on_help(self, change) -> None:
        self.glossary.layout.display = "block" if change["new"] else "none"

    def _on_lower(self, change) -> None:
        self.lower_stack.selected_index = 0 if change["new"] == "mu" else 1

    @_guard("loading the fit panel")
    def _load_fit_panel(self) -> None:
        """Import and build the fit panel the first time its tab is shown.

        Deferred so that the first render of the dashboard does not wait for it; errors
        are reported in the status line and in the tab (the dashboard itself keeps working).
        """
        if self.fit_panel is not None or self._fit_box is None:
            return
        self.status.set("loading the fit panel …", "busy")
        try:
            module = importlib.import_module(f"{__package__}.fit_panel")
            self.fit_panel = module.FitPanel(status=self.status.set, background=not self.runner.sync)
            widget = self.fit_panel.widget
        except Exception as exc:  # noqa: BLE001 - a broken fit panel must not take the dashboard down
            self.fit_panel = False
            self.status.error(exc, "the fit panel could not be started")
            widget = widgets.HTML(f"<p>The fit panel could not be started: {html.escape(describe_error(exc))}</p>")
        no_null_tooltips(widget)
        self._fit_box.children = [widget]
        if self.status.level == "busy":
            self.status.set("fit panel ready", "info")

    # -- display ---------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def wait(self, timeout: float = 120.0) -> bool:
        """Block until every background job is done (all requested updates drawn)."""
        deadline = time.monotonic() + timeout
        # A build submits the other jobs when it draws: wait for it first.
        return all(
            r.wait(max(0.0, deadline - time.monotonic()))
            for r in (self.runner, self.superfluid_runner, self.cursor_runner)
        )

    # -- state -----------------------------------------------------------------------
    def _state_from_controls(self) -> AppState:
        """The state the controls show (main thread only: jobs get a captured request)."""
        c = self.controls
        params = ModelParams(
            n=int(c.n.value), w=round(float(c.w.value), 6), w2=round(float(c.w2.value), 6),
            tc_mean=float(c.tc_mean.value), sigma=float(c.sigma.value), puddle_diameter=float(c.diameter.value),
        )
        return AppState(params, int(c.seed.value), float(c.T.value), c.map_mode.value)

    def _set_sliders(self, values: dict) -> None:
        """Move several controls without triggering an update per control; the state follows."""
        with self._quiet:
            for key, value in values.items():
                getattr(self.controls, key).value = value
        self._capture()

    def _capture(self) -> None:
        """Replace the state by what the controls show (never while a build moves them)."""
        with self._lock:
            self.state = self._state_from_controls()

    def _mark_custom(self) -> None:
        if self.controls.scenario.value != CUSTOM:
            with self._quiet:
                self.controls.scenario.value = CUSTOM
            self._show_scenario_note(CUSTOM)

    def _show_scenario_note(self, name: str) -> None:
        note = SCENARIOS[name].note if name in SCENARIOS else ""
        self.controls.scenario_note.value = f'<div class="pd-note">{html.escape(note)}</div>' if note else ""

    # -- callbacks -------------------------------------------------------------------
    @_guard("scenario")
    def _on_scenario(self, change) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        self.apply_scenario(change["new"])

    def apply_scenario(self, name: str) -> None:
        """Set the sliders to a scenario preset and redraw (one rebuild, not one per slider)."""
        values = SCENARIOS[name].values()
        if values["w"] < self.controls.w.min:  # never below the current realization's skeleton
            values["w"] = self.controls.w.min
        self._set_sliders(values)
        with self._quiet:
            self.controls.scenario.value = name
        self._show_scenario_note(name)
        self._w_moved()
        self._redraw(curve=True, picture=True, what="scenario")
        self._request_build()

    @_guard("redrawing R(T)")
    def _on_tc_change(self, change) -> None:
        if self._quiet or is_slider_echo(change):
            return
        self._capture()
        self._mark_custom()
        self._redraw(curve=True, picture=True, what=change["owner"].description)

    @_guard("moving the temperature cursor")
    def _on_T_change(self, change) -> None:
        if self._quiet or is_slider_echo(change):
            return
        self._capture()
        self._redraw(curve=False, picture=True, what="T")

    @_guard("recolouring the map")
    def _on_map_mode(self, change) -> None:
        self._capture()
        self._redraw(curve=False, picture=True, what="map")

    @_guard("network update")
    def _on_network_change(self, change) -> None:
        if self._quiet or is_slider_echo(change):
            return
        self._capture()
        if change["owner"] is not self.controls.seed and change["owner"] is not self.controls.n:
            self._mark_custom()
        if change["owner"] is self.controls.w:
            self._w_moved()
        self._request_build()

    @_guard("new realization")
    def _on_new_realization(self, _button) -> None:
        self.controls.seed.value = int(self.controls.seed.value) + 1  # the seed observer requests the rebuild

    @_guard("pinning")
    def _on_pin(self, _button) -> None:
        with self._lock:
            if self.entry is None:
                return
            p, seed = self.entry.request.params, self.entry.request.seed
            label = (
                f"σ={self.state.params.sigma:g} T̄c={self.state.params.tc_mean:g} w={p.w:g} w2={p.w2:g} "
                f"N={p.n} D={p.puddle_diameter:g} seed={seed}"
            )
            self.rt.pin(label)
        self.status.set(f"pinned: {label}", "info")

    @_guard("clearing pins")
    def _on_clear(self, _button) -> None:
        self.rt.clear_pins()
        self.status.set("pins cleared", "info")

    def _w_range(self) -> tuple[float, float]:
        """``(floor, ceiling)`` of w on the slider grid for the network on screen."""
        with self._lock:
            wsk = self.entry.net.w_skeleton if self.entry is not None else self.controls.w.min
            wmax = self.entry.net.w_max if self.entry is not None else 1.0
        return w_range(wsk, wmax)

    @_guard("density → w")
    def _on_thermo(self, panel: ThermoPanel) -> None:
        """The density → w direction of "density sets w": the density's phase fraction sets w and
        requests the build (none when w does not change). (The panel itself redraws the Network
        tab's mu(n), whose marker is the density of the w on screen.)"""
        if not panel.drive_w.value:
            panel.set_w_note("")
            self.controls.w_note.value = ""
            return
        self._density_follows = False
        w = self._show_density_note(panel)
        if not math.isclose(float(self.controls.w.value), w, abs_tol=5e-5):
            self._set_sliders({"w": w})
            self._mark_custom()
            self._show_weight()
            self._request_build()

    def _show_weight(self) -> float | None:
        """Mark the density the w slider implies on the Network tab's mu(n); returns it (None
        when the thermodynamic parameters give no coexistence)."""
        floor, ceiling = self._w_range()
        return self.thermo.show_weight(float(self.controls.w.value), floor, ceiling)

    def _w_moved(self) -> None:
        """The w → density direction: the mu(n) marker follows w and, while "density sets w" is
        on, so does the Thermodynamics tab's density slider (quietly: it must not set w back)."""
        n = self._show_weight()
        panel = self.thermo
        if not panel.drive_w.value:
            return
        self._density_follows = True
        w = float(self.controls.w.value)
        if n is None:
            text = "no phase coexistence for these parameters: the density cannot follow w"
            panel.set_w_note(text, clamped=True)
        else:
            panel.follow_weight(n)
            text = f"n = {panel.density.value:.3f} follows w = {w:.3f} (n = n<sub>1</sub> + w (n<sub>2</sub> − n<sub>1</sub>))"
            panel.set_w_note(text)
        self.controls.w_note.value = f'<div class="pd-note">linked to the density: {text}</div>'

    def _show_density_note(self, panel: ThermoPanel) -> float:
        """Write the "set by the density" notes; returns the w the density asks for."""
        floor, ceiling = self._w_range()
        w, clamped = lever_to_w(panel.fraction, floor, ceiling)
        w = round(w, 4)
        x = panel.fraction
        if clamped and x > w:
            text = (
                f"x = {x:.3f} is above w<sub>max</sub> = {ceiling:.4f} (puddles centred on the skeleton reach no "
                f"further): w clamped to {w:.3f}"
            )
        elif clamped:
            text = (
                f"x = {x:.3f} is below w<sub>skeleton</sub> = {floor:.3f} (the filaments alone cover that much): "
                f"w clamped to {w:.3f}"
            )
        else:
            text = f"w = x = {w:.3f}"
        panel.set_w_note(text, clamped)
        self.controls.w_note.value = f'<div class="pd-note{" pd-warn" if clamped else ""}">set by the density: {text}</div>'
        return w

    # -- exports (matplotlib figures of what is on screen) ----------------------------------
    def _on_screen(self):
        """``(entry, state, readouts)`` of the views on screen; ValueError before the first network."""
        with self._lock:
            if self.entry is None or self.shown_readouts is None:
                raise ValueError("no network on screen yet")
            return self.entry, self.state, self.shown_readouts

    def _rt_figure(self):
        """R(T) as drawn: the live curve, the pins, the cursor, Tp or the plateau."""
        from puddles import plot

        entry, state, ro = self._on_screen()
        T = self.model.T
        pins = [(p.label, T, p.R, p.colour) for p in self.rt.pins]
        p = entry.request.params
        label = f"σ = {state.params.sigma:g} K, T̄c = {state.params.tc_mean:g} K, w = {p.w:g}, w2 = {p.w2:g}, N = {p.n}"
        return plot.plot_rt(T, np.asarray(self.rt.line.y, dtype=float), pins=pins, cursor=state.T, tp=ro.tp,
                            plateau=ro.plateau if ro.plateau_visible else None, label=label)

    def _map_figure(self):
        """The cluster map at the cursor, as bond states (the currents and weakest-links colourings
        need solves the export does not repeat), with leads and legend."""
        from puddles import plot

        entry, state, _ro = self._on_screen()
        states = entry.net.bond_states(state.T, state.params.tc_mean, state.params.sigma)
        fig = plot.plot_cluster(states, mode="states")
        if state.map_mode != "states":  # say which picture this is
            ax = fig.axes[0]
            ax.set_title(f"{ax.get_title(loc='left')}: bond states (the map showed {state.map_mode})", loc="left")
        return fig

    def _mu_figure(self):
        """mu(n) and kappa^-1(n) of the Thermodynamics tab's film, marked at the density of w."""
        from puddles import plot

        marker = self.thermo.compact.marker
        n_w = float(marker.x[0]) if marker.visible else None
        return plot.plot_mu(self.thermo.params, n_mean=n_w)

    # -- the cheap path ----------------------------------------------------------------
    def _map_png(self, entry, k: int, mode: str, *, solve: bool):
        """``(rgb, png, view, note)`` of the "states" or "currents" map at ``k`` superconducting bonds,
        cached on the entry; None when it needs a currents solve and ``solve`` is False."""
        key = (k, mode)
        if mode == "currents" and not solve:
            return entry.cached_picture(key)

        def make():
            net = entry.net
            view = self.model.view(entry, k)
            note = ""
            if mode == "states":
                rgb = render_states(net.n, net.cluster.kind, view.superconducting, view.spanning)
            else:
                currents, total = self.model.currents(entry, k)
                if not math.isfinite(total):
                    note = "R = 0: the whole current flows through the spanning superconducting path"
                rgb = render_currents(net.n, net.cluster.kind, view.superconducting, view.spanning, currents, total)
            return rgb, ClusterMap.encode(rgb), view, note

        return entry.picture(key, make)

    def _weakest_links_png(self, entry, k: int, links):
        """``(rgb, png, view, note)`` of the map with the weakest links at the cursor (not cached:
        the cut moves with T, Tc_mean and sigma, not only with ``k``)."""
        net = entry.net
        view = self.model.view(entry, k)
        rgb = render_weakest_links(net.n, net.cluster.kind, view.superconducting, view.spanning, links.cut)
        n_cut = int(links.cut.size)
        note = (
            f"{n_cut} bond{'s' if n_cut != 1 else ''} limit I_c = {links.value:.3g} I_c0" if n_cut
            else "no superconducting path joins the leads: I_c = 0"
        )
        return rgb, ClusterMap.encode(rgb), view, note

    def _redraw(self, *, curve: bool, picture: bool, what: str = "") -> None:
        """Redraw from the current network without a solve.

        All data are computed first; marks are touched only when everything succeeded.
        What needs a solve or a max-flow (Ic / rho_s curves, a currents map at a new ``k``,
        the weakest links) is submitted to a background job with the state captured now.
        """
        with self._lock:
            entry = self.entry
            if entry is None:
                return
            t0 = time.perf_counter()
            state = self.state
            tc, sigma, T = state.params.tc_mean, state.params.sigma, state.T
            if curve:
                R = self.model.curve(entry, tc, sigma)
                ro = self.model.readouts(entry, tc, sigma, R)
            k = self.model.k_at(entry, T, tc, sigma)
            shown = None
            if picture and state.map_mode != "weakest links":
                shown = self._map_png(entry, k, state.map_mode, solve=False)
            new_curves = curve and self.superfluid is not None and self._superfluid_key != (id(entry), tc, sigma)
            # -- draw --
            if curve:
                with self.rt.line.hold_sync():
                    self.rt.set_curve(R)
                self.rt.set_markers(ro.tp, ro.plateau, plateau_visible=ro.plateau_visible)
                self.rt_mini.set_curve(R)
                self.rt_mini.set_markers(ro.tp, ro.plateau, plateau_visible=ro.plateau_visible)
                self.readouts.value = format_readouts(ro, entry.net.percolates)
                self.shown_readouts = ro
                self.mini_readouts.value = self._mini_html(entry, ro)
            self.rt.set_cursor(T)
            self.rt_mini.set_cursor(T)
            if self.superfluid is not None:
                self.superfluid.move_cursor(T)
                if new_curves:
                    self.superfluid.show_note(f"computing Ic and ρs for T̄c = {tc:g} K, σ = {sigma:g} K …")
            if shown is not None:
                self._show_map(k, T, state.map_mode, *shown)
            elapsed = time.perf_counter() - t0
            self.timings["fast"] = elapsed
            # While a network is being built the status line keeps saying so.
            if what and not self.runner.busy:
                extra = "; computing Ic(T) and ρs(T) …" if new_curves else ""
                self.status.set(
                    f"{what}: redrawn in {elapsed * 1e3:.0f} ms from the cached network{extra}",
                    "busy" if new_curves else "info",
                )
            # Last: in synchronous mode (no threads) these jobs run here, after R(T) is drawn.
            if picture and (shown is None or self.superfluid is not None):
                self.cursor_runner.submit(functools.partial(self._cursor_job, entry, state, k, shown is None))
            if new_curves:
                self._superfluid_key = (id(entry), tc, sigma)
                self.superfluid_runner.submit(functools.partial(self._superfluid_job, entry, tc, sigma))

    def _show_map(self, k: int, T: float, mode: str, rgb, png, view, note) -> None:
        frac = k / max(1, view.superconducting.size)
        path = "superconducting path joins the leads" if view.percolating else "no spanning path"
        subtitle = f"{frac:.1%} of bonds superconducting; {path}"
        what = {"states": "bond states", "currents": "current |I| through the normal bonds",
                "weakest links": "weakest links (minimum cut of Ic) on the bond states"}[mode]
        n = self.entry.net.n if self.entry is not None else ""
        self.cluster_map.show(
            rgb, png=png, title=f"Cluster map at T = {T:.2f} K", subtitle=subtitle, mode=mode, note=note,
            alt=f"Cluster map of the {n} x {n} lattice at T = {T:.2f} K, {what}: {subtitle}. "
                "Current flows from the left lead (V) to the right lead (0).",
        )

    # -- background jobs of the cheap sliders -------------------------------------------
    def _cursor_job(self, entry, state: AppState, k: int, need_map: bool, cancelled) -> None:
        """What the cursor at ``state.T`` needs beyond cached views: the weakest links and
        rho_s there (panel readouts, "weakest links" map) and a currents solve at a new ``k``."""
        tc, sigma, T, mode = state.params.tc_mean, state.params.sigma, state.T, state.map_mode
        try:
            links = rho_T = None
            if self.superfluid is not None or mode == "weakest links":
                links, rho_T = SuperfluidPanel.at_cursor(entry.net, T, tc, sigma)
            if cancelled():
                return
            picture = None
            if need_map:
                if mode == "weakest links":
                    picture = self._weakest_links_png(entry, k, links)
                else:
                    picture = self._map_png(entry, k, mode, solve=True)
        except Exception as exc:  # noqa: BLE001
            self.last_error = exc
            self.status.error(exc, f"map at T = {T:.2f} K not drawn (last good map kept)")
            return
        with self._lock:
            if cancelled() or self.entry is not entry:
                return  # a newer cursor or network took over
            self._show_cursor(k, state, picture, links, rho_T)

    def _show_cursor(self, k: int, state: AppState, picture, links, rho_T) -> None:
        """The one place the cursor job writes widgets: the map it drew and the panel's values at T."""
        if picture is not None:
            self._show_map(k, state.T, state.map_mode, *picture)
        if links is not None and self.superfluid is not None:
            self.superfluid.show_cursor(state.T, links, rho_T)

    def _superfluid_job(self, entry, tc: float, sigma: float, cancelled) -> None:
        """Ic(T) and rho_s(T) of the entry's network at (tc, sigma), then draw them if still wanted."""
        t0 = time.perf_counter()
        try:
            ic, rho = self.superfluid.curves(entry.net, tc, sigma)
        except Exception as exc:  # noqa: BLE001 - reported; the last good curves stay
            self.last_error = exc
            with self._lock:
                self._superfluid_key = None  # let the next redraw try again
                self.superfluid.show_error(exc)
            return
        elapsed = time.perf_counter() - t0
        with self._lock:
            if cancelled() or self.entry is not entry or self._superfluid_key != (id(entry), tc, sigma):
                return  # superseded (the result stays in the panel's cache)
            self._show_superfluid(entry, tc, sigma, ic, rho, elapsed)

    def _show_superfluid(self, entry, tc: float, sigma: float, ic, rho, elapsed: float) -> None:
        """The one place the superfluid job writes widgets: the curves and the status line."""
        self.superfluid.show_curves(entry.net, tc, sigma, ic, rho)
        self.timings["superfluid"] = elapsed
        if self.status.level == "busy" and not self.runner.busy:
            self.status.set(f"Ic(T) and ρs(T) for T̄c = {tc:g} K, σ = {sigma:g} K ready in {elapsed:.2f} s", "info")

    def _mini_html(self, entry, ro) -> str:
        p = entry.request.params
        tp = f"{ro.tp:.2f} K" if math.isfinite(ro.tp) else "none"
        return (
            f'<div class="pd-small">network: w = {p.w:.3f}, w2 = {p.w2:.2f}, '
            f"N = {p.n} → T<sub>p</sub> = {tp}, R(T→0)/R<sub>N</sub> = {ro.plateau:.3f}</div>"
        )

    # -- the expensive path -----------------------------------------------------------
    def request(self, **params) -> None:
        """Ask for a network with these parameters (n, seed, diameter, w, w2) exactly.

        Unlike the sliders, nothing is clamped: an invalid value (say ``w`` below the
        skeleton fraction) is reported in the status line with the engine's message and
        the plots keep showing the last good network. On success the sliders follow.
        """
        unknown = set(params) - {"n", "seed", "diameter", "w", "w2"}
        if unknown:
            raise TypeError(f"unknown network parameter(s): {', '.join(sorted(unknown))}")
        seed = params.pop("seed", self.state.seed)
        if "diameter" in params:
            params["puddle_diameter"] = params.pop("diameter")
        target = NetworkRequest.of(self.state.params.replace(**params), seed)
        self.status.set(f"building network {target.label()} …", "busy")
        self.runner.submit(functools.partial(self._build_job, target, strict=True))

    def _request_build(self) -> None:
        """Submit the build job for the network the state asks for (captured now)."""
        target = self.state.network()
        with self._lock:
            if self.entry is not None and self.entry.request == target and not self.runner.busy:
                # Already on screen (e.g. a slider clamped to what was just built, or moved back
                # after a failed build): nothing to compute, but say so.
                self.status.set(f"network {target.label()} is on screen", "info")
                return
        self.status.set(f"building network {target.label()} …", "busy")
        self.runner.submit(functools.partial(self._build_job, target))

    def _build_job(self, target: NetworkRequest, cancelled, *, strict: bool = False, refine: bool = True) -> None:
        """Build (or fetch) the requested network, draw a coarse curve, then refine it.

        Parameters
        ----------
        target : NetworkRequest
            Captured when the job was submitted (the job never reads a widget).
        cancelled : callable
            Returns True once a newer request exists; checked between stages so that a
            superseded build stops early and never reaches the screen.
        strict : bool
            Build exactly ``target``. Otherwise ``w`` is moved into the realization's range
            ``[w_skeleton, w_max]`` (on the slider grid), with a note saying so.
        refine : bool
            Also refine the curve to the final tolerance.
        """
        t0 = time.perf_counter()
        self.status.set(f"building network {target.label()} …", "busy")
        try:
            wsk, wmax = self.model.weight_limits(target)
            note = ""
            if not strict:
                floor, ceiling = w_range(wsk, wmax)
                w = target.params.w
                if w < floor:
                    note = f"w raised to w_skeleton = {floor:.3f} of this realization"
                elif w > ceiling:
                    note = f"w lowered to w_max = {ceiling:.3f} of this realization"
                if note:
                    target = NetworkRequest.of(target.params.replace(w=min(max(w, floor), ceiling)), target.seed)
            if cancelled():
                return
            entry = self.model.entry(target)
            if cancelled():
                return
            entry.net.sample(tolerances_for(target.params.n)[0], cancelled=cancelled)
            if cancelled():
                return
        except TableCancelled:
            return  # a newer request took over
        except Exception as exc:  # noqa: BLE001
            self.last_error = exc
            self.status.error(exc, f"network {target.label()} not built (last good plots kept)")
            return
        t_coarse = time.perf_counter() - t0
        with self._lock:
            previous = self.entry
            self.entry = entry
            try:
                self._show_entry(entry, wsk, note)
            except Exception as exc:  # noqa: BLE001 - put the last good network back
                self.entry = previous
                self.last_error = exc
                self.status.error(exc, "drawing the new network failed (last good plots kept)")
                return
            if previous is not None and previous is not entry:
                # Bound the kernel's memory: pictures of networks off screen are cheap to redo.
                previous.drop_views()
            self.timings["coarse"] = t_coarse
            self.timings["first_draw"] = time.perf_counter() - t0  # build + coarse table + drawing
        self.status.set(
            f"network {target.label()}: first curve in {t_coarse:.2f} s; refining R(T) …" if refine
            else f"network {target.label()} ready in {t_coarse:.2f} s",
            "busy" if refine else "info",
        )
        if refine:
            self._refine_job(entry, cancelled, t0=t0, note=note)

    def _refine_job(self, entry, cancelled, *, t0: float | None = None, note: str = "") -> None:
        """Refine the entry's curve to the engine's tolerance and redraw it if still on screen."""
        t0 = time.perf_counter() if t0 is None else t0
        self.status.set(f"network {entry.request.label()} shown; refining R(T) …", "busy")
        try:
            for tol in tolerances_for(entry.request.params.n)[1:]:
                if cancelled():
                    return
                entry.net.sample(tol, cancelled=cancelled)
        except TableCancelled:
            return  # a newer request took over
        except Exception as exc:  # noqa: BLE001
            self.status.error(exc, "refining R(T) failed (coarse curve kept)")
            return
        with self._lock:
            if self.entry is not entry:
                return
            self._redraw(curve=True, picture=False)
        total = time.perf_counter() - t0
        self.timings["refined"] = total
        extra = f" — {note}" if note else ""
        self.status.set(
            f"network {entry.request.label()} ready: R(T) to ±{entry.tol:g} R_N in {total:.2f} s "
            f"({entry.net.n_solves} exact solves){extra}",
            "info",
        )

    def _show_entry(self, entry, wsk: float, note: str) -> None:
        """The one place a build writes widgets: controls follow the network shown, notes, summary, plots."""
        p, seed = entry.request.params, entry.request.seed
        with self._quiet:
            lo = w_floor(wsk)
            if self.controls.w.min != lo:
                if self.controls.w.value < lo:
                    self.controls.w.value = lo
                self.controls.w.min = lo
            for key, value in (("n", p.n), ("seed", seed), ("diameter", p.puddle_diameter), ("w", p.w), ("w2", p.w2)):
                widget = getattr(self.controls, key)
                if widget.value != value:
                    widget.value = value
        network_part = {k: getattr(p, k) for k in ("n", "w", "w2", "puddle_diameter")}
        self.state = AppState(self.state.params.replace(**network_part), seed, self.state.T, self.state.map_mode)
        if not self.thermo.drive_w.value:
            self.controls.w_note.value = f'<div class="pd-note pd-warn">{note}</div>' if note else ""
        elif not self._density_follows:  # (when w led, its note stays)
            self._show_density_note(self.thermo)
        self._show_weight()
        s = entry.net.summary()
        n_bonds = s["n_filament"] + s["n_puddle_bonds"] + s["n_broken"] + s["n_matrix"]
        broken = s["n_broken"] / max(1, round(s["w_skeleton"] * n_bonds))  # over all skeleton bonds
        self.controls.summary.value = (
            f"w<sub>skeleton</sub> = {s['w_skeleton']:.3f} (w minimum) · {s['n_puddles']} "
            f"puddle{'' if s['n_puddles'] == 1 else 's'} · "
            f"{s['n_filament']} filament, {s['n_puddle_bonds']} puddle, {s['n_broken']} broken bonds "
            f"({broken:.1%} of the skeleton: the paper's broken-filament fraction) · "
            f"{'percolating' if s['percolates'] else 'non-percolating'} geometry"
        )
        self._redraw(curve=True, picture=True)


def never_cancelled() -> bool:
    """``cancelled`` callable for synchronous builds."""
    return False


def _query() -> dict:
    """URL query parameters of a Voilà page (Voilà passes them to the kernel as QUERY_STRING)."""
    return {k: v[-1] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items()}


def _url_int(q: dict, key: str, lo: int, hi: int, allowed=None):
    """``(value, problem)`` of an integer URL parameter: exactly one of them is None."""
    raw = q[key]
    try:
        value = int(raw)
    except ValueError:
        return None, f"{key}={raw!r} (not an integer)"
    if allowed is not None and value not in allowed:
        return None, f"{key}={raw} (must be one of {', '.join(map(str, allowed))})"
    if not lo <= value <= hi:
        return None, f"{key}={raw} (must lie in {lo}..{hi})"
    return value, None


def build_dashboard(**kwargs) -> Dashboard:
    """Build the dashboard; the notebook's last expression displays it.

    Keyword arguments go to :class:`Dashboard`. In Voilà, URL query parameters set the
    start: ``?N=200&seed=3&scenario=geometry-driven%20loss%20(ZrNCl-like)&tab=1``.
    Invalid values never break the page: each is ignored and named in a note under the
    status line that stays while the page is open.
    """
    q = _query()
    problems = []
    checks = {
        "n": ("N", 0, 10**6, N_CHOICES),
        "seed": ("seed", 0, 2**31 - 1, None),
        "tab": ("tab", 0, 2, None),  # Network, Thermodynamics, Fit (clamped if there is no fit tab)
    }
    if "n" in q and "N" not in q:
        q["N"] = q.pop("n")
    for arg, (key, lo, hi, allowed) in checks.items():
        if key in q:
            value, problem = _url_int(q, key, lo, hi, allowed)
            if problem:
                problems.append(problem)
            else:
                kwargs.setdefault(arg, value)
    if "scenario" in q:
        if q["scenario"] in SCENARIOS:
            kwargs.setdefault("scenario", q["scenario"])
        else:
            problems.append(f"scenario={q['scenario']!r} (unknown)")
    dash = Dashboard(**kwargs)
    if problems:
        dash.status.set_note("URL parameters ignored: " + "; ".join(problems))
    return dash
