"""Dashboard tests without a browser: widgets driven from Python, marks checked against the engine.

The dashboard runs in synchronous mode (``Dashboard(sync=True)``): network rebuilds run
inline instead of in the background worker, so every assertion sees the finished update.
One test exercises the threaded worker itself.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
import time
import types
import zlib
from pathlib import Path

import numpy as np
import pytest

from puddles import Network, thermo
from puddles.app import Dashboard, build_dashboard
from puddles.app.dashboard import w_floor
from puddles.app.model import TOLERANCES, NetworkRequest, TransportModel
from puddles.app.png import encode_png
from puddles.app.presets import SCENARIOS
from puddles.app.runner import LatestRunner
from puddles.app.thermo_panel import lever_to_w

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dash():
    """One N = 100 dashboard shared by the tests that only read it or restore what they change
    (without the Ic / rho_s panel, whose curves would cost ~0.7 s per sigma move inline:
    the tests of the panel's wiring use :func:`sdash`)."""
    return Dashboard(sync=True, fit_panel=False, superfluid=False)


def _params(d: Dashboard):
    """Model parameters of the network on screen."""
    return d.entry.request.params


# -- R(T) ------------------------------------------------------------------------------
def test_first_render_shows_the_engine_curve(dash):
    p = _params(dash)
    assert (p.n, dash.entry.request.seed) == (100, 1)
    assert dash.entry.tol == TOLERANCES[-1]  # refined to the engine's default tolerance
    R = dash.entry.net.rt_curve(dash.model.T, dash.controls.tc_mean.value, dash.controls.sigma.value)
    np.testing.assert_array_equal(dash.rt.line.y, R)
    assert dash.status.level == "info"


def test_a_superseded_refinement_stops_quietly(dash):
    """A refine whose request was replaced stops between table rounds, without an error."""
    p = _params(dash)
    model = TransportModel()
    entry = model.entry(NetworkRequest.of(p.replace(n=50), dash.entry.request.seed + 1))
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 1  # the newer request arrives after the first check

    dash._refine_job(entry, cancelled)
    assert entry.tol > TOLERANCES[-1]  # never reached the final tolerance
    assert dash.status.level != "error"


def test_sigma_and_tc_redraw_the_engine_curve_without_solving(dash):
    solves = dash.entry.net.n_solves
    entry = dash.entry
    dash.controls.sigma.value = 1.75
    dash.controls.tc_mean.value = 8.5
    assert dash.entry is entry and dash.entry.net.n_solves == solves  # no new solve
    np.testing.assert_array_equal(dash.rt.line.y, entry.net.rt_curve(dash.model.T, 8.5, 1.75))
    # An independently built network with the same parameters gives the same physics
    # (its table is sampled independently, so agreement is within the table tolerance).
    p = _params(dash)
    fresh = Network.from_params(p, seed=dash.entry.request.seed)
    T = dash.model.T[::25]
    exact = fresh.rt_curve(T, 8.5, 1.75, tol=None)
    np.testing.assert_allclose(dash.rt.line.y[::25], exact, atol=TOLERANCES[-1] + 1e-12)
    ro = dash.model.readouts(entry, 8.5, 1.75)
    assert ro.plateau == pytest.approx(fresh.plateau(8.5, 1.75), abs=TOLERANCES[-1])  # from the table
    tp = fresh.percolation_temperature(8.5, 1.75)
    assert (np.isnan(tp) and np.isnan(ro.tp)) or ro.tp == pytest.approx(tp)
    assert dash.status.level == "info" and "ms" in dash.status.message
    dash.apply_scenario("percolating, long tail")


def test_fast_update_is_fast(dash):
    # The 100 ms budget is for the kernel side; allow a loaded CI machine a factor 3.
    for name, values in (("sigma", (2.0, 2.6)), ("tc_mean", (9.0, 10.5)), ("T", (4.0, 8.0))):
        slider = getattr(dash.controls, name)
        slider.value = values[0]  # warm the per-k caches
        t0 = time.perf_counter()
        slider.value = values[1]
        assert time.perf_counter() - t0 < 0.3, name
    dash.apply_scenario("percolating, long tail")


def test_readouts_and_markers(dash):
    dash.apply_scenario("percolating, long tail")
    ro = dash.model.readouts(dash.entry, dash.controls.tc_mean.value, dash.controls.sigma.value)
    assert np.isfinite(ro.tp) and dash.rt.tp_mark.visible and not dash.rt.plateau_mark.visible
    assert dash.rt.tp_mark.x[0] == pytest.approx(ro.tp)
    assert 0 < ro.tp < ro.t_half < 25
    assert "T<sub>p</sub></b> = " in dash.readouts.value
    dash.apply_scenario("non-percolating, metallic plateau")
    ro = dash.model.readouts(dash.entry, dash.controls.tc_mean.value, dash.controls.sigma.value)
    assert np.isnan(ro.tp) and ro.plateau > 0
    assert dash.rt.plateau_mark.visible and not dash.rt.tp_mark.visible
    assert dash.rt.plateau_mark.y[0] == pytest.approx(ro.plateau)
    assert dash.rt.line.y[0] == pytest.approx(ro.plateau, abs=TOLERANCES[-1])
    dash.apply_scenario("percolating, long tail")


def test_axes_have_fixed_limits(dash):
    xs, ys = dash.rt.scales["x"], dash.rt.scales["y"]
    assert (xs.min, xs.max, ys.min, ys.max) == (0.0, 25.0, 0.0, 1.05)
    dash.controls.tc_mean.value = 15.0  # R = 0 over a large part of the range
    dash.controls.sigma.value = 0.3
    assert (xs.min, xs.max, ys.min, ys.max) == (0.0, 25.0, 0.0, 1.05)
    dash.apply_scenario("percolating, long tail")


# -- cluster map ---------------------------------------------------------------------
def test_map_changes_with_T_and_never_resolves_cached_k(dash):
    entry = dash.entry
    dash.controls.T.value = 4.0
    low = bytes(dash.cluster_map.image.value)
    dash.controls.T.value = 12.0
    high = bytes(dash.cluster_map.image.value)
    assert low != high and low[:8] == b"\x89PNG\r\n\x1a\n"
    assert "T = 12.00 K" in dash.cluster_map.title.value
    views = len(entry.views)
    dash.controls.T.value = 4.0
    assert bytes(dash.cluster_map.image.value) == low and len(entry.views) == views  # served from cache
    # Currents: one solve per new k, none when the same k comes back.
    dash.controls.map_mode.value = "currents"
    cur = bytes(dash.cluster_map.image.value)
    assert cur != low and len(entry.currents) == 1
    dash.controls.T.value = 12.0
    dash.controls.T.value = 4.0
    assert len(entry.currents) == 2 and bytes(dash.cluster_map.image.value) == cur
    dash.controls.map_mode.value = "states"
    dash.apply_scenario("percolating, long tail")


def test_map_colours_kinds_and_spanning_path(dash):
    from puddles.app.cluster_map import C_SPAN, STATE_COLOURS
    from puddles.colours import hex_to_rgb

    dash.apply_scenario("percolating, long tail")
    ro = dash.model.readouts(dash.entry, dash.controls.tc_mean.value, dash.controls.sigma.value)
    dash.controls.T.value = round(ro.tp - 1.0, 2)  # below Tp: a spanning path exists
    rgb = dash.cluster_map.rgb
    n = _params(dash).n
    assert rgb.shape == (2 * n - 1, 2 * n - 1, 3)
    span = np.all(rgb == np.array(hex_to_rgb(STATE_COLOURS[C_SPAN]), dtype=np.uint8), axis=-1)
    assert span.any()
    assert "superconducting path joins the leads" in dash.cluster_map.legend.value
    dash.controls.T.value = round(ro.tp + 1.0, 2)
    rgb = dash.cluster_map.rgb
    span = np.all(rgb == np.array(hex_to_rgb(STATE_COLOURS[C_SPAN]), dtype=np.uint8), axis=-1)
    assert not span.any()
    dash.apply_scenario("percolating, long tail")


# -- presets ---------------------------------------------------------------------------
def test_presets_set_the_sliders(dash):
    for name, sc in SCENARIOS.items():
        dash.controls.scenario.value = name
        for key, value in sc.values().items():
            assert getattr(dash.controls, key).value == pytest.approx(value), (name, key)
        p = _params(dash)
        assert (p.w, p.w2, p.puddle_diameter) == (pytest.approx(sc.w), pytest.approx(sc.w2), sc.diameter)
        np.testing.assert_array_equal(dash.rt.line.y, dash.entry.net.rt_curve(dash.model.T, sc.tc_mean, sc.sigma))
    # Moving a slider by hand leaves the preset.
    dash.controls.sigma.value = 1.05
    assert dash.controls.scenario.value == "custom"
    dash.apply_scenario("percolating, long tail")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_presets_show_their_behaviour(seed):
    """The scenarios really do what their names say (engine only, exact values, N = 100)."""
    T = np.array([0.0, 1.0, 2.0])

    def net_of(name):
        sc = SCENARIOS[name]
        return sc, Network.generate(100, w=sc.w, w2=sc.w2, seed=seed, puddle_diameter=sc.diameter)

    sc, net = net_of("percolating, long tail")
    tp = net.percolation_temperature(sc.tc_mean, sc.sigma)
    assert net.percolates and 0 < tp < sc.tc_mean - sc.sigma  # zero resistance, well below Tc_mean: a long tail

    sc, net = net_of("non-percolating, metallic plateau")
    assert not net.percolates and net.plateau(sc.tc_mean, sc.sigma) > 0.03

    sc, net = net_of("Tc-driven loss (MoS2/TiSe2-like)")
    R = net.rt_curve(T, sc.tc_mean, sc.sigma, tol=None)
    # Geometry would percolate, yet R(T -> 0) > 0 and still falling: the Tc's are too low.
    assert net.percolates and np.isnan(net.percolation_temperature(sc.tc_mean, sc.sigma))
    assert net.plateau(sc.tc_mean, sc.sigma) > 0 and R[1] - net.plateau(sc.tc_mean, sc.sigma) > 0.02

    sc, net = net_of("geometry-driven loss (ZrNCl-like)")
    R = net.rt_curve(T, sc.tc_mean, sc.sigma, tol=None)
    # High Tc, no spanning cluster: a large plateau that is flat well above T = 0.
    assert not net.percolates and R[0] > 0.25 and R[2] == pytest.approx(R[0], abs=2e-3)

    sc, net = net_of("dense puddles, sharp transition")
    assert net.percolation_temperature(sc.tc_mean, sc.sigma) > sc.tc_mean - 2 * sc.sigma


# -- errors ----------------------------------------------------------------------------
def test_w_below_skeleton_reports_engine_message_and_keeps_plots(dash):
    entry, y, img = dash.entry, np.array(dash.rt.line.y), bytes(dash.cluster_map.image.value)
    dash.request(w=0.1)
    assert dash.status.level == "error"
    assert "w_skeleton" in dash.status.message and "0.1" in dash.status.message
    assert dash.entry is entry
    np.testing.assert_array_equal(dash.rt.line.y, y)
    assert bytes(dash.cluster_map.image.value) == img
    assert dash.controls.w.value == pytest.approx(entry.request.params.w)  # the sliders did not move
    dash.controls.sigma.value = 2.4  # the app is alive afterwards
    assert dash.status.level == "info"
    dash.apply_scenario("percolating, long tail")


def test_forced_engine_failure_is_reported_and_plots_kept(dash, monkeypatch):
    y, ro = np.array(dash.rt.line.y), dash.readouts.value

    def boom(self, *args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(Network, "rt_curve", boom)
    dash.controls.sigma.value = 1.3
    assert dash.status.level == "error"
    assert "solver exploded" in dash.status.message and "last good plots kept" in dash.status.message
    assert "Traceback" not in dash.status.widget.value  # no tracebacks for visitors
    np.testing.assert_array_equal(dash.rt.line.y, y)
    assert dash.readouts.value == ro
    monkeypatch.undo()
    dash.controls.sigma.value = 1.35
    assert dash.status.level == "info"
    np.testing.assert_array_equal(dash.rt.line.y, dash.entry.net.rt_curve(dash.model.T, dash.controls.tc_mean.value, 1.35))
    dash.apply_scenario("percolating, long tail")


def test_failing_network_build_keeps_previous_network(dash, monkeypatch):
    entry = dash.entry

    def boom(self, request):
        raise MemoryError("no memory left")

    monkeypatch.setattr(TransportModel, "entry", boom)
    dash.controls.w2.value = 0.07
    assert dash.status.level == "error" and "MemoryError" in dash.status.message
    assert dash.entry is entry
    monkeypatch.undo()
    dash.controls.w2.value = 0.0
    assert dash.status.level == "info"


def test_debug_mode_shows_traceback(monkeypatch):
    from puddles.app.status import StatusLine

    s = StatusLine(debug=True)
    try:
        raise ValueError("bad value")
    except ValueError as exc:
        s.error(exc, "context")
    assert "Traceback" in s.widget.value and "bad value" in s.widget.value
    monkeypatch.setenv("PUDDLES_DEBUG", "1")
    assert StatusLine().debug


# -- network sliders -------------------------------------------------------------------
def test_w_and_w2_rebuild_and_w_min_follows_skeleton():
    d = Dashboard(n=50, sync=True, fit_panel=False)
    wsk = d.entry.net.w_skeleton
    assert d.controls.w.min == w_floor(wsk) >= wsk and d.controls.w.min - wsk < 0.005 + 1e-12
    d.controls.w2.value = 0.4
    assert _params(d).w2 == 0.4 and d.entry.net.w2 == 0.4
    np.testing.assert_array_equal(d.rt.line.y, d.entry.net.rt_curve(d.model.T, d.controls.tc_mean.value, d.controls.sigma.value))
    d.controls.w.value = 0.6
    assert d.entry.net.w == 0.6
    d.controls.seed.value = 7
    assert d.entry.net.seed == 7
    assert d.controls.w.min == w_floor(d.entry.net.w_skeleton)
    d.controls.new_button.click()
    assert d.entry.net.seed == 8
    d.controls.diameter.value = 20
    assert _params(d).puddle_diameter == 20
    d.controls.n.value = 100
    assert d.entry.net.n == 100 and d.controls.w.min == w_floor(d.entry.net.w_skeleton)
    assert d.model.T.size == d.rt.line.y.size


def test_pins(dash):
    dash.controls.pin_button.click()
    dash.controls.sigma.value = 1.5
    dash.controls.pin_button.click()
    assert dash.rt.pins_mark.visible and np.asarray(dash.rt.pins_mark.y).shape == (2, dash.model.T.size)
    assert "σ=1.5 " in dash.rt.pins_mark.labels[1] and "w=" in dash.rt.pins_mark.labels[1]
    assert len(set(dash.rt.pins_mark.colors)) == 2
    for _ in range(10):
        dash.controls.pin_button.click()
    assert len(dash.rt.pins) == 6  # oldest dropped
    assert dash.rt.legend.value.count("pd-pin-row") == 7  # current + 6 pins
    dash.controls.clear_button.click()
    assert not dash.rt.pins_mark.visible and not dash.rt.pins and dash.rt.legend.value == ""
    dash.apply_scenario("percolating, long tail")


# -- thermodynamics ----------------------------------------------------------------------
def _mu_from_marks(plot):
    stable = np.asarray(plot.stable.y, dtype=float)
    unstable = np.asarray(plot.unstable.y, dtype=float)
    return np.where(np.isnan(stable), unstable, stable)


@pytest.mark.parametrize("preset", ["fig6-green", "fig6-blue", "fig6-red"])
def test_thermo_marks_equal_engine(dash, preset):
    panel = dash.thermo
    panel.preset.value = preset
    p = thermo.ThermoParams.preset(preset)
    assert panel.params == p
    res = thermo.maxwell_construction(p)
    kappa = None
    for plot in (panel.mu_plot, panel.compact):  # the Thermodynamics tab's and the Network tab's mu(n)
        n = np.asarray(plot.stable.x)
        np.testing.assert_array_equal(_mu_from_marks(plot), thermo.chemical_potential(n, p))
        kappa = thermo.inverse_compressibility(n, p)
        assert np.isnan(np.asarray(plot.stable.y)[kappa < 0]).all()  # unstable part only dashed
        assert list(plot.maxwell.x) == [res.n1, res.n2] and list(plot.maxwell.y) == [res.mu_star] * 2
        assert plot.shade.visible and max(plot.shade.x) == pytest.approx(res.spinodal.max())
    np.testing.assert_array_equal(panel.kappa_line.y, kappa)
    assert panel.fraction == pytest.approx(thermo.high_density_fraction(panel.density.value, p))
    panel.preset.value = "fig6-green"


def test_thermo_preset_changes_mu_and_bad_params_keep_plots(dash):
    panel = dash.thermo
    panel.preset.value = "fig6-green"
    green = _mu_from_marks(panel.mu_plot)
    panel.preset.value = "fig6-red"
    assert not np.array_equal(green, _mu_from_marks(panel.mu_plot))
    red = _mu_from_marks(panel.mu_plot)
    panel.B.value = 0.0  # nothing stops the collapse: the Maxwell construction must fail
    assert dash.status.level == "error" and "thermodynamics" in dash.status.message
    np.testing.assert_array_equal(_mu_from_marks(panel.mu_plot), red)
    np.testing.assert_array_equal(_mu_from_marks(panel.compact), red)
    dash.controls.w.value = 0.5  # the network side keeps working; the mu(n) marker says why it is gone
    assert _params(dash).w == 0.5 and dash.status.level == "info"
    assert not panel.compact.marker.visible and "pd-warn" in panel.weight_note.value
    assert panel.preset.value == "custom"
    panel.preset.value = "fig6-green"
    assert panel.compact.marker.visible
    dash.apply_scenario("percolating, long tail")


def test_density_sets_w_with_clamp_note(dash):
    panel = dash.thermo
    panel.preset.value = "fig6-green"
    res = thermo.maxwell_construction(panel.params)
    panel.drive_w.value = True
    try:
        # Inside the window, above w_skeleton: w = x.
        n_mid = res.n1 + 0.6 * (res.n2 - res.n1)
        panel.density.value = round(n_mid, 3)
        x = thermo.high_density_fraction(panel.density.value, panel.params)
        assert dash.controls.w.value == pytest.approx(round(x, 4)) and _params(dash).w == pytest.approx(round(x, 4))
        assert "pd-warn" not in panel.w_note.value
        # Low density: x < w_skeleton, w is clamped and the note says so.
        panel.density.value = round(res.n1 + 0.1 * (res.n2 - res.n1), 3)
        wsk = dash.entry.net.w_skeleton
        assert dash.controls.w.value == pytest.approx(w_floor(wsk))
        assert "clamped" in panel.w_note.value and "pd-warn" in panel.w_note.value
        assert "clamped" in dash.controls.w_note.value
    finally:
        panel.drive_w.value = False
    assert dash.controls.w_note.value == ""
    dash.apply_scenario("percolating, long tail")


def _compact_marker(d):
    m = d.thermo.compact.marker
    return float(m.x[0]) if m.visible else None


def test_w_moves_the_density_marker_of_the_network_tab(dash):
    """The compact mu(n) marks the density w implies (inverse lever rule), on the Maxwell line."""
    panel = dash.thermo
    panel.preset.value = "fig6-green"
    res = thermo.maxwell_construction(panel.params)
    density_before = panel.density.value
    for w in (0.45, 0.6, 0.8):
        dash.controls.w.value = w
        n = _compact_marker(dash)
        assert n == pytest.approx(res.n1 + w * (res.n2 - res.n1), rel=1e-12)
        assert list(panel.compact.marker.y) == [res.mu_star]
        assert thermo.high_density_fraction(n, panel.params) == pytest.approx(w, abs=1e-12)
        assert f"w = {w:.3f}" in panel.weight_note.value
    assert panel.density.value == density_before  # without the link the Thermodynamics tab keeps its density
    # New thermodynamic parameters move the marker with the window.
    panel.preset.value = "fig6-red"
    red = thermo.maxwell_construction(panel.params)
    assert _compact_marker(dash) == pytest.approx(red.n1 + 0.8 * (red.n2 - red.n1), rel=1e-12)
    # Without coexistence no density sets w: the marker hides and the note says so.
    panel.gamma.value = 0.0
    assert not thermo.maxwell_construction(panel.params).coexists
    assert _compact_marker(dash) is None and "no phase coexistence" in panel.weight_note.value
    panel.preset.value = "fig6-green"
    dash.apply_scenario("percolating, long tail")
    assert _compact_marker(dash) == pytest.approx(res.n1 + 0.45 * (res.n2 - res.n1), rel=1e-12)


def _count_builds(d, monkeypatch):
    calls = []
    original = d._build_job

    def counting(target, *args, **kwargs):
        calls.append(target)
        return original(target, *args, **kwargs)

    monkeypatch.setattr(d, "_build_job", counting)
    return calls


def test_density_sets_w_both_ways_without_loops_or_extra_builds(dash, monkeypatch):
    panel = dash.thermo
    panel.preset.value = "fig6-green"
    res = thermo.maxwell_construction(panel.params)
    builds = _count_builds(dash, monkeypatch)
    panel.drive_w.value = True
    try:
        builds.clear()
        # density -> w: one build, w = x, the compact marker follows the new w.
        panel.density.value = round(res.n1 + 0.7 * (res.n2 - res.n1), 3)
        x = thermo.high_density_fraction(panel.density.value, panel.params)
        assert dash.controls.w.value == pytest.approx(round(x, 4)) and len(builds) == 1
        assert _compact_marker(dash) == pytest.approx(res.n1 + dash.controls.w.value * (res.n2 - res.n1))
        # A density move that leaves w where it is builds nothing: two densities whose fraction is
        # below w_skeleton both give w = w_skeleton (clamped).
        panel.density.value = round(res.n1 + 0.05 * (res.n2 - res.n1), 3)
        assert dash.controls.w.value == w_floor(dash.entry.net.w_skeleton)
        builds.clear()
        panel.density.value = round(res.n1 + 0.15 * (res.n2 - res.n1), 3)
        assert builds == [] and dash.controls.w.value == w_floor(dash.entry.net.w_skeleton)
        # w -> density: the density slider (and both markers) follow, with exactly one build and no echo.
        builds.clear()
        dash.controls.w.value = 0.55
        n_w = res.n1 + 0.55 * (res.n2 - res.n1)
        assert len(builds) == 1 and _params(dash).w == 0.55 and dash.controls.w.value == 0.55
        assert panel.density.value == pytest.approx(n_w, abs=0.0005)  # on the density slider's 0.001 grid
        assert list(panel.mu_plot.marker.x) == [panel.density.value]
        assert _compact_marker(dash) == pytest.approx(n_w, rel=1e-12)
        assert "follows w = 0.550" in panel.w_note.value and "linked to the density" in dash.controls.w_note.value
    finally:
        panel.drive_w.value = False
    dash.apply_scenario("percolating, long tail")


def test_every_control_and_readout_explains_itself(dash):
    from puddles.app.help import GLOSSARY, HELP

    c = dash.controls
    described = [c.scenario, c.sigma, c.tc_mean, c.T, c.w, c.w2, c.diameter, c.n, c.seed, c.new_button, c.pin_button,
                 c.clear_button, c.map_mode, dash.help_button, dash.thermo.preset, dash.thermo.gamma, dash.thermo.B,
                 dash.thermo.W, dash.thermo.A, dash.thermo.nu0, dash.thermo.density, dash.thermo.drive_w]
    for widget in described:
        assert widget.tooltip and len(widget.tooltip) > 20, widget
    assert len(c.map_mode.tooltips) == len(c.map_mode.options) and all(c.map_mode.tooltips)
    # No widget is left with tooltip None (ipywidgets would show "null").
    stack, seen = [dash.widget], 0
    while stack:
        w = stack.pop()
        seen += 1
        assert getattr(w, "tooltip", "") is not None, w
        stack.extend(getattr(w, "children", ()))
    assert seen > 50
    # Readouts carry their help on hover; w2's help says how it relates to the paper's broken fraction.
    for key in ("tp", "t_half", "plateau", "spanning"):
        assert f'title="{html.escape(HELP[key])}"' in dash.readouts.value
    assert "skeleton_broken_fraction" in HELP["w2"] and "of the skeleton" in c.summary.value
    # The glossary covers every term the issue names.
    terms = [t for t, _ in GLOSSARY]
    for term in ("σ", "T̄<sub>c</sub>", "w", "w2", "D", "N", "seed", "T<sub>p</sub>", "spanning",
                 "R(T→0)/R<sub>N</sub>", "map modes", "pins"):
        assert term in terms
    dash.help_button.value = True
    assert dash.glossary.layout.display == "block" and "broken" in dash.glossary.value
    dash.help_button.value = False
    assert dash.glossary.layout.display == "none"
    # A scenario shows its note; the map says where the current goes and what it shows.
    dash.controls.scenario.value = "geometry-driven loss (ZrNCl-like)"
    assert "few connections" in c.scenario_note.value
    assert "T = " in dash.cluster_map.alt and "100 x 100" in dash.cluster_map.alt and "bond states" in dash.cluster_map.alt
    assert "left lead (V)" in dash.cluster_map.alt and html.escape(dash.cluster_map.alt) in dash.cluster_map.legend.value
    dash.apply_scenario("percolating, long tail")


def test_nice_ticks():
    from puddles.app.thermo_panel import TICK_FORMAT, nice_ticks

    ticks = nice_ticks(0.0, 0.132, 6)
    np.testing.assert_allclose(ticks, [0.0, 0.025, 0.05, 0.075, 0.1, 0.125])
    assert [repr(float(t)) for t in ticks] == ["0.0", "0.025", "0.05", "0.075", "0.1", "0.125"]  # exact round values
    ticks = nice_ticks(-0.16, 0.09, 6)
    np.testing.assert_allclose(ticks, [-0.15, -0.1, -0.05, 0.0, 0.05])
    assert TICK_FORMAT == ".6~g"  # never changed at run time (see test_browser: labels equal the values)


def test_lever_to_w():
    assert lever_to_w(0.5, 0.28) == (0.5, False)
    assert lever_to_w(0.1, 0.28) == (0.28, True)
    assert lever_to_w(1.0, 0.28) == (1.0, False)


# -- fit panel tab ---------------------------------------------------------------------
def test_fit_tab_appears_only_when_module_exists(monkeypatch):
    import ipywidgets as widgets

    monkeypatch.setattr(Dashboard, "fit_panel_available", staticmethod(lambda: False))
    d = Dashboard(n=50, sync=True)
    assert d.tabs.titles == ("Network and transport", "Thermodynamics")  # no placeholder tab
    monkeypatch.undo()

    calls = []

    class FitPanel:
        def __init__(self, status=None, background=False):
            self.widget = widgets.HTML("fit")
            status("fit panel ready", "info")
            calls.append(status)

    fake = types.ModuleType("puddles.app.fit_panel")
    fake.FitPanel = FitPanel
    monkeypatch.setitem(sys.modules, "puddles.app.fit_panel", fake)
    d = Dashboard(n=50, sync=True)
    assert d.tabs.titles[-1] == "Fit your data" and not calls  # built only when opened
    d.tabs.selected_index = 2
    assert d.tabs.children[-1].children[0].value == "fit" and isinstance(d.fit_panel, FitPanel)
    calls[0]("bad data file", "error")
    assert d.status.level == "error" and d.status.message == "bad data file"


def test_broken_fit_panel_is_reported_not_fatal(monkeypatch):
    class FitPanel:
        def __init__(self, status=None, background=False):
            raise OSError("data directory missing")

    fake = types.ModuleType("puddles.app.fit_panel")
    fake.FitPanel = FitPanel
    monkeypatch.setitem(sys.modules, "puddles.app.fit_panel", fake)
    d = Dashboard(n=50, sync=True, tab=2)
    assert "data directory missing" in d.tabs.children[-1].children[0].value
    assert d.status.level == "error" and "fit panel" in d.status.message
    d.controls.sigma.value = 2.0  # the rest of the app works
    assert d.status.level == "info"


def test_real_fit_panel_tab_when_module_exists():
    if not Dashboard.fit_panel_available():
        pytest.skip("puddles.app.fit_panel is not written yet")
    d = Dashboard(n=50, sync=True)
    assert d.tabs.titles[-1] == "Fit your data"


# -- threaded worker ----------------------------------------------------------------------
def test_runner_drops_superseded_jobs_and_finishes_on_latest():
    runner = LatestRunner()
    started, finished = [], []
    gate = threading.Event()

    def job(i):
        def run(cancelled):
            started.append(i)
            if i == 0:
                gate.wait(5)
            for _ in range(20):
                if cancelled():
                    return
                time.sleep(0.005)
            finished.append(i)

        return run

    runner.submit(job(0))
    time.sleep(0.05)
    for i in range(1, 6):
        runner.submit(job(i))
    gate.set()
    assert runner.wait(10)
    assert started == [0, 5] and finished == [5]


def test_async_dashboard_ends_on_latest_value():
    d = Dashboard(n=50, fit_panel=False)  # threaded worker
    assert d.wait(60)
    built = []
    real = d.model.entry

    def counting(params):
        built.append(params.params.w)
        return real(params)

    d.model.entry = counting
    for w in (0.5, 0.55, 0.6, 0.65, 0.7):
        d.controls.w.value = w
    assert d.wait(60)
    assert d.entry.request.params.w == 0.7 and d.status.level == "info"
    assert built[-1] == 0.7 and len(built) < 5  # superseded requests were dropped
    np.testing.assert_array_equal(d.rt.line.y, d.entry.net.rt_curve(d.model.T, d.controls.tc_mean.value, d.controls.sigma.value))


# -- plumbing --------------------------------------------------------------------------
def test_png_encoder_roundtrip():
    rgb = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    png = encode_png(rgb)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    idat = png.index(b"IDAT")
    length = int.from_bytes(png[idat - 4 : idat], "big")
    raw = np.frombuffer(zlib.decompress(png[idat + 4 : idat + 4 + length]), dtype=np.uint8).reshape(5, 1 + 21)
    assert (raw[:, 0] == 0).all()
    np.testing.assert_array_equal(raw[:, 1:].reshape(5, 7, 3), rgb)


def test_query_string_sets_the_start(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "N=50&seed=3&scenario=dense%20puddles,%20sharp%20transition&tab=1")
    d = build_dashboard(sync=True, fit_panel=False)
    assert (d.entry.request.params.n, d.entry.request.seed) == (50, 3)
    assert d.controls.scenario.value == "dense puddles, sharp transition" and d.tabs.selected_index == 1
    monkeypatch.setenv("QUERY_STRING", "N=77")
    d = build_dashboard(sync=True, fit_panel=False)
    assert d.entry.request.params.n == 100 and "URL parameters ignored: N=77" in d.status.note


@pytest.mark.parametrize(
    "query, named",
    [
        ("N=-5&seed=abc", ["N=-5", "seed='abc'"]),
        ("tab=-1", ["tab=-1"]),
        ("tab=7&seed=-3&scenario=nope", ["tab=7", "seed=-3", "scenario='nope'"]),
    ],
)
def test_invalid_url_parameters_are_named_and_never_break_the_page(monkeypatch, query, named):
    monkeypatch.setenv("QUERY_STRING", query)
    d = build_dashboard(sync=True, fit_panel=False)
    assert d.entry is not None and d.tabs.selected_index == 0 and d.entry.request.seed == 1
    for text in named:
        assert text in d.status.note, text
    assert html.escape(d.status.note) in d.status.widget.value
    d.controls.sigma.value = 2.2  # later messages keep the note
    assert "URL parameters ignored" in d.status.widget.value


def test_display_delegates_to_widget(dash):
    bundle = dash._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_engine_never_imports_widgets():
    code = (
        "import sys, puddles, puddles.network, puddles.thermo, puddles.cluster, puddles.transport;"
        "bad = [m for m in ('ipywidgets', 'bqplot', 'voila') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_serve_helpers(tmp_path):
    from puddles.app import serve

    nb = serve.find_notebook()
    assert nb == REPO / "notebooks" / "dashboard.ipynb"
    cmd = serve.voila_command(nb, 8899)
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=8899" in cmd and "--no-browser" in cmd
    assert "--show_tracebacks=False" in cmd
    assert "--show_tracebacks=True" in serve.voila_command(nb, 8899, debug=True)
    spec = json.loads((serve.kernelspec_dir(tmp_path) / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    env = serve.server_env(debug=True, jupyter_path=tmp_path)
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path) and env["PUDDLES_DEBUG"] == "1"


def test_voila_config_next_to_notebook():
    cfg = json.loads((REPO / "notebooks" / "voila.json").read_text())
    assert cfg["VoilaConfiguration"]["strip_sources"] is True
    assert cfg["VoilaConfiguration"]["show_tracebacks"] is False
    assert cfg["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert cfg["MappingKernelManager"]["cull_interval"] > 0


def test_binder_files_pin_the_widget_stack():
    import bqplot
    import ipywidgets
    import voila

    req = (REPO / "binder" / "requirements.txt").read_text()
    for name, version in (("ipywidgets", ipywidgets.__version__), ("bqplot", bqplot.__version__), ("voila", voila.__version__)):
        assert f"{name}=={version}" in req
    assert (REPO / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "pip install" in (REPO / "binder" / "postBuild").read_text()


# -- issue 10: behaviours of the app core -----------------------------------------------
@pytest.mark.parametrize("scenario", ["non-percolating, metallic plateau", "Tc-driven loss (MoS2/TiSe2-like)"])
def test_sigma_tc_and_T_never_solve_even_for_the_plateau(dash, scenario):
    dash.apply_scenario(scenario)
    net = dash.entry.net
    solves = net.n_solves
    for i in range(5):
        dash.controls.sigma.value = 1.0 + 0.37 * i
        dash.controls.tc_mean.value = 2.0 + 0.5 * i
        dash.controls.T.value = 0.5 + i
    assert net.n_solves == solves and dash.status.level == "info"
    dash.apply_scenario("percolating, long tail")


def test_plateau_is_marked_only_where_R_has_levelled_off(dash):
    dash.controls.scenario.value = "Tc-driven loss (MoS2/TiSe2-like)"
    assert html.escape(SCENARIOS["Tc-driven loss (MoS2/TiSe2-like)"].note) in dash.controls.scenario_note.value
    R = dash.rt.line.y
    assert R[0] > 0 and R[10] - R[0] > 0.02  # still falling at T = 0 ...
    assert not dash.rt.plateau_mark.visible and not dash.rt_mini.plateau_mark.visible  # ... so no plateau line
    dash.controls.scenario.value = "geometry-driven loss (ZrNCl-like)"
    assert html.escape(SCENARIOS["geometry-driven loss (ZrNCl-like)"].note) in dash.controls.scenario_note.value
    assert dash.rt.plateau_mark.visible and dash.rt.plateau_mark.y[0] == pytest.approx(dash.rt.line.y[0])
    dash.controls.sigma.value = 2.05
    assert dash.controls.scenario.value == "custom" and dash.controls.scenario_note.value == ""
    dash.apply_scenario("percolating, long tail")


def test_skeleton_fraction_and_network_share_one_realization():
    from puddles.network import _realization, realization

    before = _realization.cache_info()
    request = NetworkRequest.of(_params_of(n=50), seed=123)
    TransportModel.weight_limits(request)
    TransportModel().entry(request)
    after = _realization.cache_info()
    assert after.misses - before.misses == 1  # grown once, found by the second caller
    assert realization(50, 123) is realization(50, 123, 10, "skeleton", None)


def _params_of(**kw):
    from puddles.params import ModelParams

    return ModelParams(**{**dict(w=0.45, w2=0.0), **kw})


def test_without_threads_the_app_updates_synchronously(monkeypatch):
    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    d = Dashboard(n=50, fit_panel=False)  # the threaded runner, where no thread can start
    assert d.runner.sync and d.entry.tol == TOLERANCES[-1]
    d.controls.w2.value = 0.2
    assert _params(d).w2 == 0.2 and d.status.level == "info"  # updated inline, at once
    np.testing.assert_array_equal(d.rt.line.y, d.entry.net.rt_curve(d.model.T, d.controls.tc_mean.value, d.controls.sigma.value))
    assert d.superfluid_runner.sync and d.cursor_runner.sync  # the panel's jobs run inline too
    ic = d.entry.net.critical_current_curve(d.superfluid.T, d.controls.tc_mean.value, d.controls.sigma.value)
    assert d.superfluid.net is d.entry.net
    np.testing.assert_array_equal(d.superfluid.ic, ic)
    assert ic[0] == 0 and "no superconducting path joins the leads" in d.superfluid.note.value  # w2 broke it


def test_heartbeat_keeps_the_dead_kernel_banner_hidden_while_the_kernel_lives():
    from puddles.app.status import StatusLine

    line = StatusLine()
    assert line.heartbeat.value == ""  # no heartbeat, no banner
    assert line.start_heartbeat(interval=0.05, dead_after=10)
    deadline = time.monotonic() + 10
    beats = set()
    while len(beats) < 3 and time.monotonic() < deadline:
        beats.add(line.heartbeat.value)
        time.sleep(0.02)
    assert len(beats) >= 3  # every beat re-renders the banner: its CSS clock restarts
    assert "kernel behind this page has stopped" in line.heartbeat.value and "animation-delay: 10s" in line.heartbeat.value
    line.heartbeat.close()  # a closed widget stops the thread


def test_no_heartbeat_without_threads(monkeypatch):
    from puddles.app.status import StatusLine

    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    line = StatusLine()
    assert not line.start_heartbeat() and line.heartbeat.value == ""


# -- Ic / rho_s panel and the "weakest links" map (issue 13 wired in) ---------------------
@pytest.fixture(scope="module")
def sdash():
    """An N = 50 dashboard with the Ic / rho_s panel, jobs inline (``sync=True``)."""
    return Dashboard(n=50, sync=True, fit_panel=False)


def _blocking(monkeypatch, obj, name: str):
    """Make ``obj.name`` wait for the returned event before running (a slow job, held open)."""
    gate, entered = threading.Event(), threading.Event()
    real = getattr(obj, name)

    def held(*args, **kwargs):
        entered.set()
        assert gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(obj, name, held)
    return gate, entered


def test_superfluid_panel_follows_the_dashboard(sdash):
    d = sdash
    net, tc, sg = d.entry.net, d.controls.tc_mean.value, d.controls.sigma.value
    panel = d.superfluid
    ic = net.critical_current_curve(panel.T, tc, sg)
    np.testing.assert_array_equal(panel.ic_line.y, ic / ic[0])
    assert panel.T[0] == 0.0 and panel.T[-1] == d.model.T[-1]  # the R(T) axis
    d.controls.sigma.value = 1.5
    ic = net.critical_current_curve(panel.T, tc, 1.5)
    np.testing.assert_array_equal(panel.ic_line.y, ic / ic[0])
    np.testing.assert_array_equal(panel.rho_line.y, (rho := net.stiffness_curve(panel.T, tc, 1.5)) / rho[0])
    assert d.status.level == "info" and "Ic(T) and ρs(T)" in d.status.message and "ready" in d.status.message
    d.controls.T.value = 3.0
    np.testing.assert_array_equal(panel.cursor.x, [3.0, 3.0])
    np.testing.assert_array_equal(panel.weakest_links(), net.weakest_links(3.0, tc, 1.5).cut)
    assert "at T = 3.00 K" in panel.readouts.value and panel.note.value == ""
    d.apply_scenario("percolating, long tail")


def test_weakest_links_map_mode(sdash):
    from puddles.app.cluster_map import WEAK_LINK_COLOUR
    from puddles.colours import hex_to_rgb

    d = sdash
    net, tc, sg = d.entry.net, d.controls.tc_mean.value, d.controls.sigma.value
    tp = net.percolation_temperature(tc, sg)
    d.controls.T.value = round(0.9 * tp, 2)
    d.controls.map_mode.value = "weakest links"
    links = net.weakest_links(d.controls.T.value, tc, sg)
    assert links.cut.size > 0
    yellow = np.all(d.cluster_map.rgb == np.array(hex_to_rgb(WEAK_LINK_COLOUR), dtype=np.uint8), axis=-1)
    rows, cols = __import__("puddles").lattice.bond_raster_index(net.n)
    assert yellow[rows[links.cut], cols[links.cut]].all()
    legend = d.cluster_map.legend.value
    assert "weakest links" in legend and f"limit I_c = {links.value:.3g} I_c0" in legend
    d.controls.T.value = round(tp + 1.0, 2)  # above Tp: no cut, no yellow
    assert not np.all(d.cluster_map.rgb == np.array(hex_to_rgb(WEAK_LINK_COLOUR), dtype=np.uint8), axis=-1).any()
    assert "I_c = 0" in d.cluster_map.legend.value
    d.controls.map_mode.value = "states"
    d.apply_scenario("percolating, long tail")


def test_sigma_redraws_rt_with_no_solve_while_the_panel_computes(monkeypatch):
    d = Dashboard(n=50, fit_panel=False)  # threaded jobs, panel visible
    assert d.wait(60)
    net, panel = d.entry.net, d.superfluid
    before_ic = np.array(panel.ic_line.y)
    gate, entered = _blocking(monkeypatch, panel, "curves")
    solves = net.n_solves
    d.controls.sigma.value = 1.3  # returns while the Ic / rho_s job is held open
    tc = d.controls.tc_mean.value
    np.testing.assert_array_equal(d.rt.line.y, net.rt_curve(d.model.T, tc, 1.3))  # R(T) already redrawn
    assert net.n_solves == solves and "computing Ic" in panel.note.value and d.status.level == "busy"
    assert entered.wait(10)
    for sigma in (1.4, 1.5, 1.6):  # moves during the job: R(T) follows at once, the panel computes the last
        d.controls.sigma.value = sigma
        np.testing.assert_array_equal(d.rt.line.y, net.rt_curve(d.model.T, tc, sigma))
    np.testing.assert_array_equal(panel.ic_line.y, before_ic)  # nothing drawn yet
    gate.set()
    assert d.wait(60)
    ic = net.critical_current_curve(panel.T, tc, 1.6)
    np.testing.assert_array_equal(panel.ic_line.y, ic / ic[0])
    assert net.n_solves == solves and panel.note.value == "" and d.status.level == "info"


def test_panel_failure_is_reported_and_last_good_curves_stay(sdash, monkeypatch):
    d = sdash
    before = np.array(d.superfluid.ic_line.y)

    def fail(*_a):
        raise ValueError("tc_mean (sets the units of Ic and rho_s) must be > 0")

    monkeypatch.setattr(d.superfluid, "curves", fail)
    d.controls.sigma.value = 1.85
    assert d.status.level == "error" and "tc_mean" in d.status.message and "tc_mean" in d.superfluid.note.value
    np.testing.assert_array_equal(d.superfluid.ic_line.y, before)
    np.testing.assert_array_equal(d.rt.line.y, d.entry.net.rt_curve(d.model.T, d.controls.tc_mean.value, 1.85))
    monkeypatch.undo()
    d.controls.sigma.value = 1.9  # works again
    assert d.superfluid.note.value == "" and d.status.level == "info"
    d.apply_scenario("percolating, long tail")


def test_currents_map_solves_in_the_background_and_T_never_blocks(monkeypatch):
    d = Dashboard(n=50, fit_panel=False, superfluid=False)  # threaded jobs
    assert d.wait(60)
    d.controls.map_mode.value = "currents"
    assert d.wait(60)
    entry = d.entry
    first = bytes(d.cluster_map.image.value)
    gate, entered = _blocking(monkeypatch, d.model, "currents")
    d.controls.T.value = 3.0  # a new k: its solve is held open in the background ...
    assert entered.wait(10)
    assert bytes(d.cluster_map.image.value) == first  # ... and the kernel's main thread is free
    for T in (3.5, 4.0, 4.5):
        d.controls.T.value = T
    gate.set()
    assert d.wait(60)
    k = d.model.k_at(entry, 4.5, d.controls.tc_mean.value, d.controls.sigma.value)
    assert entry.cached_picture((k, "currents"))[1] == bytes(d.cluster_map.image.value)  # the last T wins
    assert "T = 4.50 K" in d.cluster_map.title.value
    solved = set(entry.currents)
    assert len(solved) <= 3  # the first k, the held one and the last: superseded moves never solved


def test_one_bond_colour_rule_for_the_dashboard_and_the_teaching_widgets():
    """The teaching kind map is the dashboard's state map with every bond superconducting."""
    from puddles.app import teaching
    from puddles.app.cluster_map import render_states
    from puddles.cluster import BROKEN, FILAMENT, PUDDLE

    net = Network.generate(30, w=0.5, w2=0.3, seed=7)
    kind = net.cluster.kind
    assert {FILAMENT, PUDDLE, BROKEN} <= set(np.unique(kind))
    sc = (kind == FILAMENT) | (kind == PUDDLE)
    states = render_states(30, kind, sc, np.zeros_like(sc))
    kinds = teaching.bond_rgb(kind, 30, teaching.KIND_PALETTE, priority=teaching.KIND_PRIORITY, fill=teaching.KIND_FILL)
    np.testing.assert_array_equal(kinds, states)


def test_export_buttons_draw_the_views_on_screen_without_a_solve(dash):
    pytest.importorskip("matplotlib")
    dash.controls.pin_button.click()
    solves = dash.entry.net.n_solves
    for key, head in (("rt", b"\x89PNG"), ("map", b"\x89PNG"), ("mu", b"\x89PNG")):
        content = dash.exports[key].export("png")
        assert content is not None and content.startswith(head) and len(content) > 5000, key
        assert dash.status.level == "info" and "saved puddles-" in dash.status.message
    assert dash.exports["rt"].export("svg").startswith(b"<?xml")
    assert dash.entry.net.n_solves == solves  # built from the state on screen
    fig = dash._rt_figure()
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert any("seed=1" in t for t in labels) and any("T = 7.00" in t.replace("$", "") for t in labels)
    dash.controls.clear_button.click()
    dash.controls.map_mode.value = "currents"  # exported as bond states, and the file says so
    assert "the map showed currents" in dash._map_figure().axes[0].get_title(loc="left")
    dash.controls.map_mode.value = "states"
