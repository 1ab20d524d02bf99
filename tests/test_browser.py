"""End-to-end: the served dashboard in headless Chromium (Voilà + playwright).

A session fixture starts Voilà on a free loopback port exactly as ``python -m
puddles.app.serve`` does (same command line, ``voila.json`` next to the notebook, kernel
pinned to this interpreter) and stops it at the end. The browser is Debian's
``/usr/bin/chromium`` driven by the ``playwright`` package (``playwright install`` is
never run); every request that is not for 127.0.0.1/localhost is aborted, so the test
also proves the page needs no internet.

In CI (``CI`` set) these tests must run: a missing browser is a failure, not a skip.
Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from browser_support import ARTIFACTS, CHROMIUM, loopback_only, require_browser, voila_server

from puddles import thermo
from puddles.app import serve
from puddles.app.presets import SCENARIOS
from puddles.app.thermo_panel import FIG6_PRESETS

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}
#: Bounds on waits (ms): generous for a loaded 2-core CI machine, but never unbounded.
RENDER_MS = 60_000
UPDATE_MS = 30_000




@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    require_browser()
    with voila_server(serve.find_notebook(), tmp_path_factory.mktemp("voila")) as (port, proc):
        yield f"http://127.0.0.1:{port}/{serve.render_path()}", proc  # the dashboard's URL




def _open(browser, url: str):
    """A fresh page on ``url`` with page errors collected; returns (page, errors, seconds to render)."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", loopback_only)
    t0 = time.perf_counter()
    page.goto(url, timeout=RENDER_MS)
    page.wait_for_function(
        "() => { const f = document.querySelector('.pd-rt'); const img = document.querySelector('img.pd-map');"
        " return f && f.querySelectorAll('path.line').length > 0 && img && img.src && img.naturalWidth > 0; }",
        timeout=RENDER_MS,
    )
    return page, errors, time.perf_counter() - t0


LIVE_PATH_JS = """(sel) => {
  const fig = document.querySelector(sel);
  if (!fig) return null;
  return Array.from(fig.querySelectorAll('path.line'))
    .filter(p => getComputedStyle(p).stroke === 'rgb(8, 48, 107)')
    .map(p => p.getAttribute('d') || '').join(' | ');
}"""


def _path(page, sel: str) -> str:
    return page.evaluate(LIVE_PATH_JS, sel)


def _map_src(page) -> str:
    return page.evaluate("() => document.querySelector('img.pd-map').src")


def _wait_change(page, js: str, arg, before, timeout=UPDATE_MS):
    page.wait_for_function(f"([arg, before]) => ({js})(arg) !== before", arg=[arg, before], timeout=timeout)


def _set_slider(page, cls: str, value) -> None:
    """Type a value into a slider's editable readout (what a user does for an exact value)."""
    readout = page.locator(f".{cls} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def _show_tab(page, title: str, figure: str) -> None:
    """Click a tab and wait until its bqplot figure is laid out and visible.

    bqplot keeps a figure ``visibility: hidden`` until it has re-measured itself after
    being shown (~0.5 s for a figure born in a hidden tab).
    """
    page.locator(".lm-TabBar-tab", has_text=title).click()
    page.wait_for_function(
        "(sel) => { const f = document.querySelector(sel);"
        " return f && getComputedStyle(f).visibility === 'visible' && f.querySelectorAll('path.line').length > 0; }",
        arg=figure, timeout=UPDATE_MS,
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.fixture(scope="module")
def dashboard_page(browser, voila_url):
    url, _ = voila_url
    page, errors, seconds = _open(browser, url)
    yield page, errors, seconds
    page.close()


def test_page_renders_three_plots_without_errors(dashboard_page):
    page, errors, seconds = dashboard_page
    print(f"first render through Voilà: {seconds:.1f} s")
    assert seconds < 20  # includes kernel start; the benchmark reports the exact figure
    assert _path(page, ".pd-rt")
    assert page.locator(".pd-status").inner_text().strip()
    _show_tab(page, "Network", ".pd-rt")
    # One page, no scrolling at 1280 x 800: R(T), mu(n) and the map with its legend, down to the status line.
    for sel in (".pd-rt", ".pd-mu-compact", ".pd-map-box", ".pd-status"):
        box = page.locator(sel).bounding_box()
        assert box["x"] + box["width"] <= VIEWPORT["width"] and box["y"] + box["height"] <= VIEWPORT["height"], sel
    _shot(page, "dashboard-network.png")
    # The Ic / rho_s panel in place of mu(n) gets its curves from a background job; it fits the page too.
    page.get_by_role("button", name="Ic and ρs").click()
    page.wait_for_function(
        "() => { const r = document.querySelector('.pd-superfluid-box .pd-readouts');"
        " return r && r.innerText.includes('at T = 7.00 K'); }",
        timeout=UPDATE_MS,
    )
    box = page.locator(".pd-superfluid-box").bounding_box()
    assert box["y"] + box["height"] <= VIEWPORT["height"]
    _shot(page, "dashboard-network-superfluid.png")
    page.get_by_role("button", name="μ(n): density of w").click()
    # Map mode "weakest links" below Tp: the minimum cut is marked on the map and counted in its legend.
    before = _map_src(page)
    _set_slider(page, "pd-t", "5.00")
    page.locator(".pd-map-mode button", has_text="weakest links").click()
    page.wait_for_function("(before) => document.querySelector('img.pd-map').src !== before", arg=before,
                           timeout=UPDATE_MS)
    page.wait_for_function("() => document.querySelector('.pd-legend').innerText.includes('limit I_c')",
                           timeout=UPDATE_MS)
    _shot(page, "dashboard-weakest-links.png")
    page.locator(".pd-map-mode button", has_text="bond states").click()
    _set_slider(page, "pd-t", "7.00")
    _show_tab(page, "Thermodynamics", ".pd-mu")
    assert _path(page, ".pd-mu")
    _shot(page, "dashboard-thermo.png")
    _show_tab(page, "Network", ".pd-rt")
    assert not errors, errors


def test_sigma_slider_moves_rt_curve(dashboard_page):
    page, errors, _ = dashboard_page
    before = _path(page, ".pd-rt")
    _set_slider(page, "pd-sigma", "1.50")
    _wait_change(page, LIVE_PATH_JS, ".pd-rt", before)
    assert _path(page, ".pd-rt") != before
    assert not errors, errors


def test_w2_slider_changes_cluster_map(dashboard_page):
    page, errors, _ = dashboard_page
    before = _map_src(page)
    _set_slider(page, "pd-w2", "0.30")
    page.wait_for_function("(before) => document.querySelector('img.pd-map').src !== before", arg=before, timeout=UPDATE_MS)
    assert _map_src(page) != before
    # The rebuild finishes and says so.
    page.wait_for_function(
        "() => document.querySelector('.pd-status').innerText.includes('w2=0.30 ready')", timeout=UPDATE_MS
    )
    _shot(page, "dashboard-after-w2.png")
    assert not errors, errors


def test_fig6_preset_changes_mu_curve(dashboard_page):
    page, errors, _ = dashboard_page
    _show_tab(page, "Thermodynamics", ".pd-mu")
    before = _path(page, ".pd-mu")
    # ipywidgets renders option labels, not values: pick "Fig. 6 red" by its position.
    index = 1 + list(FIG6_PRESETS.values()).index("fig6-red")
    page.locator(".pd-thermo-preset select").select_option(index=index)
    _wait_change(page, LIVE_PATH_JS, ".pd-mu", before)
    assert _path(page, ".pd-mu") != before
    # The readouts arrive in the same burst of messages as the curve; wait for them too.
    a_red = thermo.ThermoParams.preset("fig6-red").a
    page.wait_for_function(
        "(text) => document.querySelector('.pd-thermo-readout').innerText.includes(text)",
        arg=f"= {a_red:.3f} eV", timeout=UPDATE_MS,
    )
    _shot(page, "dashboard-thermo-red.png")
    _show_tab(page, "Network", ".pd-rt")
    assert not errors, errors


def test_kernel_memory_at_n200(browser, voila_url):
    psutil = pytest.importorskip("psutil")  # a dependency of ipykernel
    url, proc = voila_url
    server = psutil.Process(proc.pid)

    def kernels():
        # Direct children only: the kernel's own solver workers are forked copies with the same command line.
        return {c.pid: c for c in server.children() if "ipykernel_launcher" in " ".join(c.cmdline())}

    known = set(kernels())
    page, errors, seconds = _open(browser, url + "?N=200")
    try:
        page.wait_for_function(
            "() => document.querySelector('.pd-status').innerText.includes('N=200')", timeout=RENDER_MS
        )
        new = [k for pid, k in kernels().items() if pid not in known]
        assert len(new) == 1
        rss_mb = new[0].memory_info().rss / 2**20
        workers = [c.memory_info().rss / 2**20 for c in new[0].children()]
        print(f"N=200 first render {seconds:.1f} s, kernel RSS {rss_mb:.0f} MB, solver workers {workers} MB")
        assert rss_mb < 400
        _show_tab(page, "Network", ".pd-rt")
        _shot(page, "dashboard-n200.png")
        assert not errors, errors
    finally:
        page.close()


def test_no_browser_install_needed():
    """Guard against a CI script that tries to download browsers: we use the system Chromium."""
    require_browser()
    assert shutil.which("chromium") or CHROMIUM.exists()


# -- issue 10: labels, plateau, URL parameters, fit in the background, dead kernel ----------
TICKS_JS = """(sel) => Array.from(document.querySelectorAll(sel + ' g.tick')).map(t => {
  const text = t.querySelector('text');
  return [text ? text.textContent.replace('\\u2212', '-') : '', t.__data__];
})"""


ALL_PATHS_JS = """(sel) => Array.from(document.querySelectorAll(sel + ' path.line'))
  .map(p => p.getAttribute('d') || '').join(' | ')"""


def test_thermo_tick_labels_follow_the_data(dashboard_page):
    page, errors, _ = dashboard_page
    _show_tab(page, "Thermodynamics", ".pd-kappa")
    for gamma in ("0.00", "1.75", "0.60"):  # the default is 1.75: 0 -> 1.75 is the reported case
        before = page.evaluate(ALL_PATHS_JS, ".pd-kappa")
        _set_slider(page, "pd-thermo-gamma", gamma)
        _wait_change(page, ALL_PATHS_JS, ".pd-kappa", before)
        page.wait_for_timeout(500)  # let every axis message arrive (the bug was a late format)
        for fig in (".pd-kappa", ".pd-mu"):
            ticks = page.evaluate(TICKS_JS, fig)
            assert len(ticks) >= 6, (fig, ticks)
            for text, value in ticks:
                assert float(text) == pytest.approx(value, rel=1e-9, abs=1e-12), (fig, gamma, ticks)
    _shot(page, "dashboard-thermo-gamma.png")
    _show_tab(page, "Network", ".pd-rt")
    assert not errors, errors


PLATEAU_VISIBLE_JS = """() => Array.from(document.querySelectorAll('.pd-rt text'))
  .filter(t => t.textContent.startsWith('plateau') && t.getClientRects().length > 0
    && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0').length"""


def _choose_scenario(page, name: str) -> None:
    select = page.locator(".pd-scenario select")
    labels = [t.replace("\xa0", " ") for t in select.locator("option").all_inner_texts()]  # ipywidgets: nbsp
    # Choosing the scenario already shown changes nothing: no build, so no new status to wait for.
    already = select.evaluate("(s, i) => s.selectedIndex === i", labels.index(name))
    select.select_option(index=labels.index(name))
    w2 = "" if already else f"w2={SCENARIOS[name].w2:.2f} ready: R(T) to"  # the scenario's network is built and refined
    page.wait_for_function(
        "(w2) => document.querySelector('.pd-status').innerText.includes(w2)"
        " && document.querySelector('.pd-scenario-note').innerText.length > 0", arg=w2, timeout=UPDATE_MS,
    )


def test_plateau_line_only_where_there_is_one_and_scenario_note(dashboard_page):
    page, errors, _ = dashboard_page
    _choose_scenario(page, "geometry-driven loss (ZrNCl-like)")
    page.wait_for_function(PLATEAU_VISIBLE_JS, timeout=UPDATE_MS)
    assert "few connections" in page.locator(".pd-scenario-note").inner_text()
    _assert_label_clear(page, ".pd-rt", "plateau")
    _shot(page, "dashboard-zrncl-plateau.png")
    _choose_scenario(page, "Tc-driven loss (MoS2/TiSe2-like)")
    page.wait_for_function(f"() => !({PLATEAU_VISIBLE_JS})()", timeout=UPDATE_MS)
    assert "no plateau" in page.locator(".pd-scenario-note").inner_text()
    _shot(page, "dashboard-tc-driven.png")
    assert not errors, errors


@contextlib.contextmanager
def _page_and_kernel(browser, voila_url, query: str = ""):
    """A fresh page, its page errors and the kernel process Voilà started for it; closed at the end."""
    psutil = pytest.importorskip("psutil")
    url, proc = voila_url
    server = psutil.Process(proc.pid)

    def kernels():
        return {c.pid: c for c in server.children() if "ipykernel_launcher" in " ".join(c.cmdline())}

    known = set(kernels())
    page, errors, _ = _open(browser, url + query)
    try:
        new = [k for pid, k in kernels().items() if pid not in known]
        assert len(new) == 1, new
        yield page, errors, new[0]
    finally:
        page.close()


def test_invalid_url_parameters_are_named_and_the_page_works(browser, voila_url):
    url, _ = voila_url
    page, errors, _ = _open(browser, url + "?N=-5&seed=abc&tab=-1")
    try:
        page.wait_for_function("() => document.querySelector('.pd-status-note')", timeout=UPDATE_MS)
        note = page.locator(".pd-status-note").inner_text()
        for name in ("N=-5", "seed='abc'", "tab=-1"):
            assert name in note, note
        assert _path(page, ".pd-rt")  # the page works: default N, seed and tab
        _shot(page, "dashboard-bad-url.png")
        assert not errors, errors
    finally:
        page.close()


def test_fit_runs_in_the_background_and_cancel_ends_it(browser, voila_url):
    psutil = pytest.importorskip("psutil")
    with _page_and_kernel(browser, voila_url, "?tab=2") as (page, errors, kernel):
        page.wait_for_selector(".pd-fit-example select", timeout=RENDER_MS)
        select = page.locator(".pd-fit-example select")
        select.select_option(index=1)  # the first shipped example
        page.wait_for_function("() => !document.querySelector('.pd-fit-button').disabled", timeout=UPDATE_MS)
        page.locator(".pd-fit-button").click()
        page.wait_for_function("() => document.querySelector('.pd-status').innerText.includes('fitting')",
                               timeout=UPDATE_MS)

        def fit_processes():  # the fit runs in a multiprocessing "spawn" child of the kernel
            return [c for c in kernel.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]

        deadline = time.monotonic() + 30
        while not fit_processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        fits = fit_processes()
        assert fits, "no fit process"
        # While it runs, sigma on the first tab redraws R(T) as fast as without a fit.
        _show_tab(page, "Network", ".pd-rt")
        timings = []
        for sigma in ("1.80", "2.20", "1.60"):
            before = _path(page, ".pd-rt")
            t0 = time.perf_counter()
            _set_slider(page, "pd-sigma", sigma)
            _wait_change(page, LIVE_PATH_JS, ".pd-rt", before, timeout=5_000)
            timings.append(time.perf_counter() - t0)
        print(f"sigma redraw during a fit: {[f'{t:.2f}' for t in timings]} s")
        assert all(p.is_running() for p in fits)  # the fit was running all along
        assert sorted(timings)[1] < 1.0
        page.locator(".lm-TabBar-tab", has_text="Fit your data").click()
        page.locator(".pd-fit-cancel").wait_for(state="visible", timeout=UPDATE_MS)
        page.wait_for_timeout(1000)  # bqplot re-measures a figure shown again
        _shot(page, "dashboard-fit-running.png")
        t0 = time.perf_counter()
        page.locator(".pd-fit-cancel").click()
        page.wait_for_function("() => document.querySelector('.pd-fit-message').innerText.includes('cancelled')",
                               timeout=UPDATE_MS)
        gone = psutil.wait_procs(fits, timeout=2)[1] == []
        print(f"cancel: message after {time.perf_counter() - t0:.2f} s")
        assert gone and not fit_processes()
        assert not page.locator(".pd-fit-button").is_disabled()
        _shot(page, "dashboard-fit-cancelled.png")
        assert not errors, errors


def test_a_dead_kernel_is_visible_on_the_page(browser, voila_url):
    with _page_and_kernel(browser, voila_url) as (page, _errors, kernel):
        dead = "() => { const d = document.querySelector('.pd-dead'); return d && getComputedStyle(d).visibility === 'visible'; }"
        page.wait_for_timeout(12_000)
        assert not page.evaluate(dead)  # alive: the banner stays hidden however long the page is open
        kernel.kill()
        page.wait_for_function(dead, timeout=30_000)
        assert "kernel behind this page has stopped" in page.locator(".pd-dead").inner_text()
        _shot(page, "dashboard-dead-kernel.png")


def test_fit_tab_states_the_upload_limit_answers_oversize_and_offers_columns(dashboard_page, tmp_path):
    from puddles.io import sample_path

    page, errors, _ = dashboard_page
    page.locator(".lm-TabBar-tab", has_text="Fit your data").click()
    page.wait_for_selector(".pd-fit-upload", timeout=UPDATE_MS)
    assert "files up to 8 MB" in page.locator(".pd-fit").inner_text()
    # 8.8 MB: over the panel's limit but under the server's default 10 MiB websocket
    # message, so it reaches the kernel and must get an answer, not silence.
    big = tmp_path / "big.csv"
    big.write_bytes(b"1,2\n" * 2_200_000)
    for path, answer in ((big, "the limit is 8 MB"), (sample_path("ppms_eto.dat"), "loaded file ppms_eto.dat")):
        with page.expect_file_chooser() as chooser:
            page.click(".pd-fit-upload")
        chooser.value.set_files(str(path))
        page.wait_for_function(
            "(text) => document.querySelector('.pd-status').innerText.includes(text)", arg=answer, timeout=UPDATE_MS
        )
    # More than two numeric columns: the picker shows what was chosen.
    page.wait_for_function(
        "() => { const c = document.querySelector('.pd-fit-columns'); return c && c.offsetParent !== null; }",
        timeout=UPDATE_MS,
    )
    chosen = page.evaluate(
        "() => Array.from(document.querySelectorAll('.pd-fit-columns select'))"
        ".map(s => s.options[s.selectedIndex].text.replace(/\\u00a0/g, ' '))"
    )
    assert chosen == ["Temperature (K) (col. 3)", "Resistance Ch1 (Ohms) (col. 7)"]
    _shot(page, "dashboard-fit-columns.png")
    assert not errors, errors


def test_closing_the_page_shuts_its_kernel_down(browser, voila_url):
    """The page's unload beacon (POST /voila/api/shutdown/<id> with the _xsrf cookie) frees the kernel."""
    psutil = pytest.importorskip("psutil")
    url, proc = voila_url
    server = psutil.Process(proc.pid)
    # An explicit context: a page from browser.new_page() owns its context, and closing it
    # tears the context down before the beacon leaves (a real browser keeps running).
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.route("**/*", loopback_only)
        page.goto(url, timeout=RENDER_MS)
        page.wait_for_selector("img.pd-map", timeout=RENDER_MS)
        kernel_id = page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
        kernel = next(c for c in server.children() if f"kernel-{kernel_id}.json" in " ".join(c.cmdline()))
        page.close(run_before_unload=True)
        _, alive = psutil.wait_procs([kernel], timeout=20)
        assert not alive, "the closed page's kernel is still running"
    finally:
        context.close()


def test_a_series_fits_in_the_background_and_shows_four_panels(dashboard_page, tmp_path):
    page, errors, _ = dashboard_page
    page.locator(".lm-TabBar-tab", has_text="Fit your data").click()
    page.wait_for_selector(".pd-fit-upload", timeout=UPDATE_MS)
    T = np.linspace(2.0, 18.0, 30)
    files = []
    for v, tc in ((-1.0, 8.0), (0.5, 9.0), (2.0, 10.0)):
        path = tmp_path / f"film_Vg_{v}V.csv"
        path.write_text("T (K),R (ohm)\n" + "".join(f"{t},{100 / (1 + np.exp(-(t - tc) / 1.2))}\n" for t in T))
        files.append(str(path))
    with page.expect_file_chooser() as chooser:
        page.click(".pd-fit-upload")
    chooser.value.set_files(files)
    page.wait_for_function("() => document.querySelector('.pd-fit').innerText.includes('series of 3 curves')",
                           timeout=UPDATE_MS)
    _set_slider(page, "pd-fit-n", 20)
    _set_slider(page, "pd-fit-realizations", 2)
    page.click(".pd-fit-button")
    page.wait_for_function(
        "() => document.querySelector('.pd-status').innerText.includes('series fitted')", timeout=180_000
    )
    # Four parameter panels, each with one point per curve.
    panels = page.locator(".pd-fit .bqplot.figure")
    assert panels.count() >= 4
    _shot(page, "dashboard-fit-series.png")
    assert not errors, errors


# -- issue 16: explain itself, readable from the back row, any screen ---------------------------
#: Viewports of the layout test: the lecture-hall projector, a laptop, a large screen, a phone.
SCREENS = {"1280x800": (1280, 800), "1024x768": (1024, 768), "1920x1080": (1920, 1080), "phone": (390, 844)}
TABS = (("Network and transport", ".pd-rt", "network"), ("Thermodynamics", ".pd-mu", "thermo"),
        ("Fit your data", ".pd-fit", "fit"))

OVERFLOW_JS = """() => {
  const vw = window.innerWidth, cut = [], scrolling = [];
  for (const f of document.querySelectorAll('.bqplot.figure, img.pd-map')) {
    if (f.offsetParent === null) continue;  // in a hidden tab
    const r = f.getBoundingClientRect(), svg = f.querySelector('svg'), s = svg ? svg.getBoundingClientRect() : r;
    if (r.left < -1 || r.right > vw + 1 || s.left < -1 || s.right > vw + 1)
      cut.push([(f.className.baseVal ?? f.className).toString().slice(-30), Math.round(r.left), Math.round(r.right)]);
  }
  for (const e of document.querySelectorAll('.pd-root *')) {
    const cs = getComputedStyle(e);
    if (e.offsetParent !== null && ['auto', 'scroll'].includes(cs.overflowX) && e.scrollWidth > e.clientWidth + 1)
      scrolling.push([(e.className.baseVal ?? e.className).toString().slice(-50), e.scrollWidth, e.clientWidth]);
  }
  return {cut, scrolling, scrollWidth: document.documentElement.scrollWidth, vw};
}"""


def _show_tab_at(page, title: str, figure: str) -> None:
    """Show a tab and let its figures take the page's width (bqplot re-measures after a resize)."""
    page.locator(".lm-TabBar-tab", has_text=title).click()
    page.wait_for_function(
        "(sel) => { const f = document.querySelector(sel); return f && getComputedStyle(f).visibility === 'visible'; }",
        arg=figure, timeout=UPDATE_MS,
    )
    page.evaluate("() => document.querySelectorAll('.bqplot.figure').forEach(f => f.offsetParent && f.scrollIntoView())")
    page.evaluate("() => document.querySelector('.pd-root').scrollIntoView()")
    page.wait_for_timeout(1200)


def test_every_screen_from_a_phone_to_1920_without_horizontal_scrolling(browser, voila_url):
    """One page resized through the screens: at each, every tab's figures lie inside the viewport and
    nothing scrolls sideways (the columns wrap, the plots narrow); screenshots of every tab."""
    url, _ = voila_url
    page, errors, _ = _open(browser, url)
    try:
        for screen, (width, height) in SCREENS.items():
            page.set_viewport_size({"width": width, "height": height})
            for title, figure, name in TABS:
                _show_tab_at(page, title, figure)
                found = page.evaluate(OVERFLOW_JS)
                assert found["scrollWidth"] <= width and not found["cut"] and not found["scrolling"], (screen, name, found)
                _shot(page, f"screen-{screen}-{name}.png")
            _show_tab(page, "Network", ".pd-rt")
        # On a phone the controls and R(T) stay usable: R(T) at least 300 px wide, the sigma slider
        # still redraws it.
        page.set_viewport_size({"width": 390, "height": 844})
        _show_tab_at(page, "Network", ".pd-rt")
        assert page.evaluate("() => document.querySelector('.pd-rt').getBoundingClientRect().width") >= 300
        before = _path(page, ".pd-rt")
        _set_slider(page, "pd-sigma", "1.70")
        _wait_change(page, LIVE_PATH_JS, ".pd-rt", before)
        page.locator(".pd-rt").scroll_into_view_if_needed()
        _shot(page, "screen-phone-network-rt.png")
        assert not errors, errors
    finally:
        page.close()


AX_ROLES = {"slider", "button", "textbox", "combobox", "checkbox", "spinbutton", "togglebutton", "radio", "tab",
            "listbox", "menulistpopup"}


def _unnamed_controls(page) -> tuple[list, dict]:
    """Interactive nodes of the accessibility tree (as a screen reader gets it) without a name, and
    how many of each role were checked."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    out, checked = [], {}
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in AX_ROLES:
            continue
        checked[role] = checked.get(role, 0) + 1
        if not str(node.get("name", {}).get("value", "")).strip():
            out.append((role, node.get("backendDOMNodeId")))
    return out, checked


TICK_STYLE_JS = """() => Array.from(document.querySelectorAll('.bqplot.figure')).filter(f => f.offsetParent !== null)
  .flatMap(f => Array.from(f.querySelectorAll('.tick text')).filter(t => t.textContent.trim())
  .map(t => { const cs = getComputedStyle(t); return [parseFloat(cs.fontSize), cs.fill, cs.opacity]; }))"""

#: SVG text of the figures: what bqplot typesets itself (must hold no "R_N" or "R / R").
SVG_TEXT_JS = """() => Array.from(document.querySelectorAll('.bqplot.figure text')).map(t => t.textContent)"""

LABEL_CLEAR_JS = """([sel, start]) => {
  const fig = document.querySelector(sel);
  const label = Array.from(fig.querySelectorAll('text')).find(t => t.textContent.startsWith(start)
    && t.getClientRects().length && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0');
  if (!label) return null;
  const L = label.getBoundingClientRect(), S = fig.querySelector('svg').getBoundingClientRect();
  const inside = L.left >= S.left && L.right <= S.right && L.top >= S.top && L.bottom <= S.bottom;
  let hits = 0;
  for (const p of fig.querySelectorAll('path.line')) {
    if (getComputedStyle(p).stroke !== 'rgb(8, 48, 107)') continue;  // the curves: live R(T), mu(n)
    const m = p.getScreenCTM(), n = p.getTotalLength();
    for (let i = 0; i <= 800; i++) {
      const q = p.getPointAtLength(n * i / 800), x = m.a * q.x + m.c * q.y + m.e, y = m.b * q.x + m.d * q.y + m.f;
      if (x > L.left && x < L.right && y > L.top && y < L.bottom) hits++;
    }
  }
  return [inside, hits];
}"""


def _assert_label_clear(page, figure: str, start: str) -> None:
    """The label starting with ``start`` is shown whole inside the figure and on no curve."""
    found = page.evaluate(LABEL_CLEAR_JS, [figure, start])
    assert found == [True, 0], (figure, start, found)


def test_help_texts_names_and_readable_plots(dashboard_page):
    page, errors, _ = dashboard_page
    page.set_viewport_size(VIEWPORT)
    _show_tab(page, "Network", ".pd-rt")
    _choose_scenario(page, "percolating, long tail")  # Tp at 6.1 K: its label shows
    # Hover help on every control: the slider labels carry it (and the handles, for screen readers).
    for cls in ("pd-sigma", "pd-tc_mean", "pd-t", "pd-w", "pd-w2", "pd-diameter"):
        assert len(page.locator(f".{cls} .widget-label").get_attribute("title") or "") > 20, cls
        assert page.locator(f".{cls} [role=slider]").get_attribute("aria-label"), cls
    assert "broken filament" in page.locator(".pd-w2 .widget-label").get_attribute("title")
    for text in ("Tp", "R(T→0)", "spanning"):
        assert page.locator(f".pd-rt-readouts span[title*='{text}']").count() >= 1, text
    # Accessible names and no "null" tooltip, on every tab.
    for title, figure, _name in TABS:
        _show_tab_at(page, title, figure)
        assert page.locator('[title="null"]').count() == 0, title
        unnamed, checked = _unnamed_controls(page)
        assert not unnamed and checked.get("slider", 0) >= 3 and sum(checked.values()) >= 10, (title, unnamed, checked)
    _show_tab_at(page, "Network", ".pd-rt")
    page.get_by_role("slider", name="σ (K)").focus()
    page.get_by_role("button", name="pin curve").wait_for()
    # The "?" glossary.
    page.get_by_role("button", name="? help").click()
    page.wait_for_function("() => getComputedStyle(document.querySelector('.pd-glossary')).display !== 'none'")
    glossary = page.locator(".pd-glossary").inner_text()
    for term in ("σ", "w2", "fraction of broken filament", "seed", "spanning", "R(T→0)/RN", "map modes", "pins"):
        assert term in glossary, term
    _shot(page, "help-glossary-1280x800.png")
    page.get_by_role("button", name="? help").click()
    # The map: leads V (left) and 0 (right), the current's direction, alt text that says what it shows.
    img = page.locator("img.pd-map").bounding_box()
    v, ground = page.locator(".pd-lead", has_text="V").bounding_box(), page.locator(".pd-lead", has_text="0").bounding_box()
    assert v["x"] + v["width"] <= img["x"] + 1 and ground["x"] >= img["x"] + img["width"] - 1
    assert "⟶" in page.locator(".pd-current").inner_text()
    page.wait_for_function("() => document.querySelector('img.pd-map').alt.includes('T = ')")
    alt = page.locator("img.pd-map").get_attribute("alt")
    assert "100 x 100" in alt and "bond states" in alt, alt
    page.locator(".pd-map-box").screenshot(path=str(ARTIFACTS / "map-leads-legend.png"))
    # Back row: 14 px ticks in black; axis labels typeset in HTML (R/R_N with a subscript), none in SVG.
    for title, figure, _name in TABS[:2]:
        _show_tab_at(page, title, figure)
        ticks = page.evaluate(TICK_STYLE_JS)
        assert ticks and all(size >= 14 and fill == "rgb(0, 0, 0)" and opacity == "1" for size, fill, opacity in ticks)
    _show_tab_at(page, "Network", ".pd-rt")
    # Under R(T): the Ic / rho_s panel instead of mu(n), on the same T axis, same rules.
    page.get_by_role("button", name="Ic and ρs").click()
    _show_tab_at(page, "Network", ".pd-superfluid")
    ticks = page.evaluate(TICK_STYLE_JS)
    assert ticks and all(size >= 14 for size, _fill, _opacity in ticks)
    assert page.evaluate(OVERFLOW_JS)["cut"] == []
    _shot(page, "screen-1280x800-network-superfluid.png")
    page.get_by_role("button", name="μ(n): density of w").click()
    _show_tab_at(page, "Network", ".pd-mu-compact")
    assert not [t for t in page.evaluate(SVG_TEXT_JS) if "R_N" in t or "R / R" in t]
    assert page.locator(".pd-rt-box .pd-ylabel sub", has_text="N").count() >= 1
    # In-plot labels whole and off the curves: Tp on R(T), n1 and n2 on mu(n).
    _assert_label_clear(page, ".pd-rt", "T\u209a")
    for label in ("n\u2081", "n\u2082"):
        _assert_label_clear(page, ".pd-mu-compact", label)
    assert not errors, errors


#: x (px) of the density marker (the black diamond) of a mu(n) figure.
MARKER_X_JS = """(sel) => { const m = Array.from(document.querySelectorAll(sel + ' .dot'))
  .find(d => getComputedStyle(d).fill === 'rgb(0, 0, 0)');
  return m ? m.getBoundingClientRect().x : null; }"""


def test_w_moves_the_density_marker_and_the_density_moves_w(dashboard_page):
    page, errors, _ = dashboard_page
    page.set_viewport_size(VIEWPORT)
    _show_tab(page, "Network", ".pd-rt")
    note = page.locator(".pd-weight-note")
    before = note.inner_text()
    x0 = page.evaluate(MARKER_X_JS, ".pd-mu-compact")
    _set_slider(page, "pd-w", "0.700")
    page.wait_for_function("(b) => document.querySelector('.pd-weight-note').innerText !== b", arg=before,
                           timeout=UPDATE_MS)
    assert "w = 0.700" in note.inner_text()
    page.wait_for_function(f"([sel, x0]) => ({MARKER_X_JS})(sel) > x0 + 20", arg=[".pd-mu-compact", x0],
                           timeout=UPDATE_MS)
    # "density sets w" on the Thermodynamics tab: the density slider moves w, and w moves it.
    _show_tab(page, "Thermodynamics", ".pd-mu")
    page.locator(".pd-thermo-preset select").select_option(index=1 + list(FIG6_PRESETS.values()).index("fig6-green"))
    page.locator(".pd-drive-w input").check()
    _set_slider(page, "pd-density", "0.080")  # x = 0.82 of the green window (0 ... 0.0976)
    _show_tab(page, "Network", ".pd-rt")
    page.wait_for_function("() => document.querySelector('.pd-w .widget-readout').innerText.trim() !== '0.700'",
                           timeout=UPDATE_MS)
    w = float(page.locator(".pd-w .widget-readout").inner_text())
    assert 0.75 < w <= 0.82
    page.wait_for_function("(w) => document.querySelector('.pd-weight-note').innerText.includes(w)",
                           arg=f"w = {w:.3f}", timeout=UPDATE_MS)
    _set_slider(page, "pd-w", "0.500")
    page.wait_for_function("() => document.querySelector('.pd-w-note').innerText.includes('follows w = 0.500')",
                           timeout=UPDATE_MS)
    _shot(page, "density-link-network-1280x800.png")
    _show_tab(page, "Thermodynamics", ".pd-mu")
    assert page.locator(".pd-density .widget-readout").inner_text().strip() == "0.049"
    page.locator(".pd-drive-w input").uncheck()
    _show_tab(page, "Network", ".pd-rt")
    assert not errors, errors


def test_each_view_downloads_as_png_and_svg(dashboard_page, browser):
    """R(T) with a pin, the map and mu(n) download as non-empty PNG and SVG files built from the
    state on screen; the R(T) SVG is rendered by the browser for a screenshot."""
    page, errors, _ = dashboard_page
    page.set_viewport_size(VIEWPORT)
    _show_tab(page, "Network", ".pd-rt")
    page.get_by_role("button", name="pin curve").click()
    for view, stem in (("rt", "puddles-rt"), ("map", "puddles-cluster-map"), ("mu", "puddles-mu")):
        for fmt, head in (("png", b"\x89PNG"), ("svg", b"<?xml")):
            button = page.locator(f".pd-export-{view}").get_by_role("button", name=fmt.upper())
            with page.expect_download(timeout=UPDATE_MS) as info:
                button.click()
            download = info.value
            assert download.suggested_filename == f"{stem}.{fmt}"
            content = Path(download.path()).read_bytes()
            assert content.startswith(head) and len(content) > 5000, (view, fmt, len(content))
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"dashboard-export-{stem}.{fmt}").write_bytes(content)
    page.get_by_role("button", name="clear pins").click()
    svg = browser.new_page(viewport={"width": 1000, "height": 760})
    try:
        svg.goto((ARTIFACTS / "dashboard-export-puddles-rt.svg").as_uri())
        svg.screenshot(path=str(ARTIFACTS / "dashboard-export-rt-svg-rendered.png"))
    finally:
        svg.close()
    assert not errors, errors
