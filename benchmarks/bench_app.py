"""Dashboard responsiveness: first render and per-slider update latency, as a markdown table.

Run: ``.venv/bin/python benchmarks/bench_app.py [--quick] [--no-browser]``

What is measured (kernel side, no browser, ``Dashboard(sync=True)`` so that a call returns
when the marks hold the new data):

* **first render** - building the :class:`puddles.app.Dashboard` object and its first
  plots (network, coarse R(T) table, map, thermodynamics), from cold in-process caches
  (the skeleton's on-disk cache is kept: the engine grows each skeleton once per machine);
* **Voilà first render** (unless ``--no-browser``) - a real Voilà server and headless
  Chromium: from ``page.goto`` to the R(T) path and the map image being on screen,
  kernel start included;
* **solves per cheap move** - network solves counted (``Network.n_solves``) while sigma,
  Tc_mean and T move, including on a plateau network and the Tc-driven scenario: must be 0;
* **kernel PSS** - proportional set size (MB) of a fresh Python process playing the
  kernel (and of its solver workers, if any started) after the first render and after 10
  network rebuilds (w2 moves, background runner as in a served page);
* **Ic / rho_s panel** - the background job of a sigma move (both curves, 101
  temperatures, cache missed) and of a T move (weakest links and rho_s at the cursor),
  medians; and the sigma redraw of R(T) while that job runs in its thread (threaded
  dashboard), against the same redraw without the panel;
* **per-slider latency** - from ``slider.value = x`` to the marks being updated. For
  the cheap sliders (sigma, Tc_mean, T) that is the whole update. For the expensive ones
  (w, w2, N) the dashboard first draws a coarse curve (tol 0.05; 0.06 at N = 200) and then
  refines it (tol 0.01): both times are reported; the 1 s target (N = 100) applies to the
  first redraw.

Baseline, measured in the same run for the same change: rebuilding everything from
scratch with exact solves - a fresh realization and network, ``rt_curve(T, tol=None)``
(one exact solve per distinct number of superconducting bonds on the dashboard's
501-point temperature grid) and the bond states for the map - which is what an app
without the universal curve and caches would do on every slider move.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


import puddles.network  # noqa: E402
from puddles import Network  # noqa: E402

TARGET_FAST = 0.100
TARGET_SLOW = 1.0


def _clear_memory_caches() -> None:
    """Forget realizations and in-memory skeletons (the on-disk skeleton cache stays)."""
    from puddles import skeleton

    puddles.network._realization.cache_clear()
    skeleton.clear_cache(memory=True, disk=False)


def baseline(d, change: dict) -> float:
    """Seconds to rebuild everything from scratch with exact solves after ``change``."""
    p = {"n": d.controls.n.value, "seed": d.controls.seed.value, "diameter": d.controls.diameter.value, "w": d.controls.w.value, "w2": d.controls.w2.value,
         "sigma": d.controls.sigma.value, "tc_mean": d.controls.tc_mean.value, "T": d.controls.T.value}
    p.update(change)
    _clear_memory_caches()
    t0 = time.perf_counter()
    net = Network.generate(int(p["n"]), w=p["w"], w2=p["w2"], seed=int(p["seed"]), puddle_diameter=float(p["diameter"]))
    net.rt_curve(d.model.T, p["tc_mean"], p["sigma"], tol=None)
    net.bond_states(p["T"], p["tc_mean"], p["sigma"])
    return time.perf_counter() - t0


def time_fast(d, name: str, values) -> tuple[float, int]:
    """Median seconds of one move, and the network solves all the moves caused (must be 0)."""
    slider = getattr(d.controls, name)
    times = []
    solves = d.entry.net.n_solves
    for v in values:
        t0 = time.perf_counter()
        slider.value = v
        times.append(time.perf_counter() - t0)
        assert d.status.level != "error", d.status.message
    return statistics.median(times), d.entry.net.n_solves - solves


def solves_on_scenarios(n: int) -> list[tuple[str, int]]:
    """Solves caused by 5 moves each of sigma, Tc_mean and T on the plateau and Tc-driven scenarios."""
    from puddles.app import Dashboard

    d = Dashboard(n=n, sync=True, fit_panel=False, superfluid=False)
    out = []
    for name in ("non-percolating, metallic plateau", "Tc-driven loss (MoS2/TiSe2-like)"):
        d.apply_scenario(name)
        net = d.entry.net
        before = net.n_solves
        for i in range(5):
            d.controls.sigma.value, d.controls.tc_mean.value, d.controls.T.value = 1.0 + 0.37 * i, 2.0 + 0.5 * i, 0.5 + i
        out.append((name, net.n_solves - before))
    return out


_PSS_CODE = """
import json, time, psutil
from puddles.app import Dashboard

def pss():
    me = psutil.Process()
    kids = me.children(recursive=True)
    return me.memory_full_info().pss / 2**20, sum(k.memory_full_info().pss for k in kids) / 2**20, len(kids)

d = Dashboard(n={n}, fit_panel=True)
assert d.wait(300)
out = {{"first": pss()}}
for i in range(10):
    d.controls.w2.value = round(0.02 * (i + 1), 2)
    assert d.wait(300)
out["rebuilds"] = pss()
print(json.dumps(out))
"""


def kernel_pss(n: int) -> dict:
    """PSS (MB) of a fresh process holding a dashboard: after first render and after 10 rebuilds."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", _PSS_CODE.format(n=n)], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_slow(d, name: str, values) -> tuple[float, float]:
    slider = getattr(d.controls, name)
    first, final = [], []
    for v in values:
        _clear_memory_caches() if name == "n" else None
        t0 = time.perf_counter()
        slider.value = v
        final.append(time.perf_counter() - t0)
        first.append(d.timings["first_draw"])
        assert d.status.level != "error", d.status.message
    return statistics.median(first), statistics.median(final)


def superfluid_panel(n: int, moves: int = 3) -> dict:
    """Medians (s): the panel's curves job, its cursor job, and sigma redraws with / without it running."""
    from puddles.app import Dashboard

    d = Dashboard(n=n, fit_panel=False)  # threaded jobs, as served
    assert d.wait(300)
    net, panel, tc = d.entry.net, d.superfluid, d.controls.tc_mean.value
    curves, cursor, busy, idle = [], [], [], []
    for i in range(moves):
        sigma = 2.0 + 0.13 * i  # new values: every job misses the panel's cache
        t0 = time.perf_counter()
        panel.curves(net, tc, sigma)
        curves.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        panel.at_cursor(net, 4.0 + 0.3 * i, tc, sigma)
        cursor.append(time.perf_counter() - t0)
    for i in range(moves):
        d.controls.sigma.value = 1.5 + 0.11 * i  # submits a curves job ...
        time.sleep(0.05)
        running = d.superfluid_runner.busy
        d.controls.sigma.value = 1.55 + 0.11 * i  # ... and redraws R(T) while it runs
        if running:
            busy.append(d.timings["fast"])
        assert d.wait(300)
    d2 = Dashboard(n=n, fit_panel=False, superfluid=False)
    assert d2.wait(300)
    for i in range(moves):
        d2.controls.sigma.value = 1.55 + 0.11 * i
        idle.append(d2.timings["fast"])
    med = statistics.median
    return {"curves": med(curves), "cursor": med(cursor), "busy": med(busy) if busy else float("nan"), "idle": med(idle)}


def first_render(n: int) -> float:
    from puddles.app import Dashboard

    _clear_memory_caches()
    t0 = time.perf_counter()
    Dashboard(n=n, sync=False, fit_panel=True)
    return time.perf_counter() - t0


def voila_first_render(n: int) -> float | None:
    """Seconds from page.goto to plots on screen through a real Voilà server (None: no browser)."""
    import signal
    import subprocess

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return None
    import socket

    from playwright.sync_api import sync_playwright

    from puddles.app import serve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nb = serve.find_notebook()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            serve.voila_command(nb, port), cwd=nb.parent, env=serve.server_env(jupyter_path=serve.kernelspec_dir(Path(tmp))),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            if not serve.wait_for_port(port, 90, proc):
                return None
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"])
                page = b.new_page(viewport={"width": 1280, "height": 800})
                page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url.split("/")[2] else r.abort())
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/{serve.render_path()}?N={n}", timeout=120_000)
                page.wait_for_function(
                    "() => document.querySelectorAll('.pd-rt path.line').length > 0 && "
                    "document.querySelector('img.pd-map') && document.querySelector('img.pd-map').naturalWidth > 0",
                    timeout=120_000,
                )
                seconds = time.perf_counter() - t0
                b.close()
            return seconds
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 100 only")
    parser.add_argument("--no-browser", action="store_true", help="skip the Voilà + Chromium measurement")
    args = parser.parse_args()

    from puddles.app import Dashboard

    sizes = (100,) if args.quick else (100, 200)
    rows = []
    solve_rows = []
    pss_rows = []
    panel_rows = []
    renders = []
    for n in sizes:
        renders.append((f"Dashboard object + first plots, N = {n} (kernel side)", first_render(n)))
        if not args.no_browser:
            v = voila_first_render(n)
            if v is not None:
                renders.append((f"Voilà page to plots on screen, N = {n} (kernel start included)", v))

        d = Dashboard(n=n, sync=True, fit_panel=False, superfluid=False)  # R(T) path alone; the panel below
        fast = {
            "sigma": ("σ", [2.0, 2.6, 1.8, 3.0, 2.2, 2.5] * 3),
            "tc_mean": ("T̄c", [9.0, 10.5, 8.0, 11.0, 9.5, 10.0] * 3),
            "T": ("T", [4.0, 8.0, 6.0, 9.0, 5.0, 7.0] * 3),
        }
        for key, (label, values) in fast.items():
            t, solves = time_fast(d, key, values)
            b = baseline(d, {key: values[-1] + 0.05})
            rows.append((label, n, t, None, TARGET_FAST, b))
            solve_rows.append((f"{label}: {len(values)} moves", n, solves))
        solve_rows += [(f"σ, T̄c, T: 5 moves each, {name}", n, k) for name, k in solves_on_scenarios(n)]
        pss_rows.append((n, kernel_pss(n)))
        panel_rows.append((n, superfluid_panel(n)))
        slow = {
            "w": ("w", [0.5, 0.55, 0.6]),
            "w2": ("w2", [0.05, 0.1, 0.15]),
        }
        for key, (label, values) in slow.items():
            first, final = time_slow(d, key, values)
            b = baseline(d, {key: values[-1] + 0.05})
            rows.append((label, n, first, final, TARGET_SLOW if n <= 100 else None, b))
        # N: switch into this size from another one (new realization, cold caches).
        other = 50 if n == 100 else 100
        d2 = Dashboard(n=other, sync=True, fit_panel=False, superfluid=False)
        first, final = time_slow(d2, "n", [n])
        b = baseline(d2, {})
        rows.append((f"N ({other} → {n})", n, first, final, TARGET_SLOW if n <= 100 else None, b))

    print("\n### Dashboard first render\n")
    print("| what | seconds | target |")
    print("| --- | ---: | ---: |")
    for what, seconds in renders:
        target = "≤ 8 s" if "Voilà" in what and "N = 100" in what else ""
        print(f"| {what} | {seconds:.2f} | {target} |")
    print("\n### Per-slider update latency (kernel side; value set → marks updated)\n")
    print("| slider | N | first redraw | final (refined) | target | within | baseline: exact rebuild | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: |")
    for label, n, first, final, target, base in rows:
        fmt = lambda s: f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"  # noqa: E731
        # The issue sets 1 s for w/w2/N at N = 100 only; N = 200 rows are reported without a target.
        ok = "—" if target is None else ("yes" if first <= target else "**no**")
        final_s = fmt(final) if final is not None else "—"
        target_s = fmt(target) if target is not None else "—"
        print(f"| {label} | {n} | {fmt(first)} | {final_s} | {target_s} | {ok} | {fmt(base)} | {base / first:,.0f}× |")
    print("\n### Network solves caused by the cheap controls (must be 0)\n")
    print("| moves | N | solves |")
    print("| --- | ---: | ---: |")
    for what, n, k in solve_rows:
        print(f"| {what} | {n} | {k}{'' if k == 0 else ' **(should be 0)**'} |")
    print("\n### Ic / rho_s panel (background jobs; medians)\n")
    print("| N | curves job (Ic + rho_s, 101 T) | cursor job (weakest links + rho_s at T) "
          "| σ redraw of R(T) while the curves job runs | σ redraw, no panel (baseline) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n, m in panel_rows:
        print(f"| {n} | {m['curves']:.2f} s | {m['cursor'] * 1e3:.0f} ms | {m['busy'] * 1e3:.1f} ms | {m['idle'] * 1e3:.1f} ms |")
    print("\n### Kernel memory (PSS, MB; a fresh process holding one dashboard)\n")
    print("| N | after first render: kernel | workers | after 10 w2 rebuilds: kernel | workers (count) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n, m in pss_rows:
        (k1, w1, _), (k2, w2, c2) = m["first"], m["rebuilds"]
        print(f"| {n} | {k1:.0f} | {w1:.0f} | {k2:.0f} | {w2:.0f} ({c2}) |")
    cpu = os.cpu_count()
    print(f"\n{cpu} CPU(s); load average {os.getloadavg()[0]:.1f} at the end of the run.")


# ---- served: simultaneous first loads (a class opening the link at once) ----


def _served_round(url: str, loads: int) -> tuple[float, int, int]:
    """``loads`` simultaneous first loads over HTTP (no JavaScript); returns
    (median seconds to the complete page, rendered count, busy-page count). The kernels are
    then shut down through the page's unload endpoint, so every round starts empty."""
    import concurrent.futures as cf
    import http.cookiejar
    import re
    import urllib.error
    import urllib.parse
    import urllib.request

    from puddles.app import serve

    def load(_):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        t0 = time.perf_counter()
        try:
            with opener.open(url + serve.render_path(), timeout=600) as r:
                html, status = r.read().decode(), r.status
        except urllib.error.HTTPError as e:
            html, status = e.read().decode(), e.code
        except OSError:
            html, status = "", 0
        seconds = time.perf_counter() - t0
        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html)
        if kernel:
            xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
            req = urllib.request.Request(f"{url}voila/api/shutdown/{kernel.group(1)}",
                                         data=urllib.parse.urlencode({"_xsrf": xsrf}).encode(), method="POST")
            try:
                opener.open(req, timeout=60).close()
            except OSError:
                pass
        rendered = status == 200 and "application/vnd.jupyter.widget-view+json" in html
        return seconds, rendered, status == 503

    with cf.ThreadPoolExecutor(loads) as pool:
        results = list(pool.map(load, range(loads)))
    ok = [s for s, rendered, _ in results if rendered]
    return (statistics.median(ok) if ok else float("nan")), len(ok), sum(busy for *_, busy in results)


def served_concurrency(counts=(1, 8, 30), stock: bool = True) -> None:
    """Print first-render time and success count for simultaneous loads of the served dashboard.

    Rows: the project's served configuration (``voila.json``: Voilà's output timeout 60 s,
    kernel cap, in-process solves); as the baseline timed in the same run, Voilà's stock
    settings (output timeout 4 s, no cap, a solver pool per kernel); and Voilà's preheated
    kernels (a pool of 8 pages rendered in advance). Preheating serves the first 8 loads at
    once but not the rest of a class, holds 8 idle kernels, and a pre-rendered page never
    sees its URL (``?N=200`` would be ignored), so the served configuration does not use it.
    """
    import signal
    import socket
    import subprocess

    from puddles.app import serve

    configs = [("puddles served config", [], {}, 0)]
    if stock:
        configs.append(("Voilà stock settings (baseline)",
                        ["--VoilaExecutor.iopub_timeout=4", "--CappedKernelManager.max_kernels=0"],
                        {"PUDDLES_WORKERS": str(min(4, os.cpu_count() or 1))}, 0))
        configs.append(("served config + preheat_kernel, pool of 8",
                        ["--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=8"],
                        {}, 60))
    nb = serve.find_notebook()
    rows = []
    for label, extra, env_extra, fill_seconds in configs:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with tempfile.TemporaryDirectory() as tmp:
            env = {**serve.server_env(jupyter_path=serve.kernelspec_dir(Path(tmp))), **env_extra}
            proc = subprocess.Popen(serve.voila_command(nb, port) + extra, cwd=nb.parent, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                if not serve.wait_for_port(port, 90, proc):
                    raise RuntimeError("Voilà did not start")
                time.sleep(fill_seconds)  # a preheated pool renders its pages first
                for loads in counts:
                    rows.append((label, loads, *_served_round(f"http://127.0.0.1:{port}/", loads)))
                    time.sleep(3 + fill_seconds / 2)  # shut-down kernels exit; a pool refills
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
    print("\n### Served: simultaneous first loads (HTTP, page complete with the dashboard's widgets)\n")
    print("| configuration | simultaneous loads | median first render | rendered | busy page | blank or failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, loads, seconds, ok, busy in rows:
        median = f"{seconds:.1f} s" if ok else "—"
        print(f"| {label} | {loads} | {median} | {ok}/{loads} | {busy} | {loads - ok - busy} |")
    print(f"\n{os.cpu_count()} CPU(s); load average {os.getloadavg()[0]:.1f} at the end of the run.")


if __name__ == "__main__":
    if "--served" not in sys.argv:  # --served: only the served-concurrency table
        main()
    served_concurrency()
