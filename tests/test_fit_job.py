"""A fit from the panel runs in its own process: progress, result, Cancel within 2 s, no orphans."""

import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("ipywidgets")
psutil = pytest.importorskip("psutil")

from puddles.app.fit_panel import FitPanel  # noqa: E402

EXAMPLE = "mos2_like_tc_10.0"


def _panel(n, realizations):
    statuses = []
    panel = FitPanel(status=lambda message, level: statuses.append((message, level)), background=True)
    panel.example.value = EXAMPLE
    panel.n.value, panel.realizations.value = n, realizations
    return panel, statuses


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.timeout(180)
def test_background_fit_reports_progress_and_shows_the_result():
    panel, statuses = _panel(20, 2)
    assert panel.run_fit() is None  # returns at once
    assert panel.fit_job.running and not panel.cancel_button.disabled and panel.fit_button.disabled
    assert panel.wait_fit(150)
    res = panel.result
    assert res is not None and res.n == 20 and res.realizations == 2
    assert list(panel.fit_mark.y) == list(res.R_curve) and panel.progress.value == panel.progress.max > 1
    assert statuses[-1][1] == "info" and "reduced chi" in statuses[-1][0]
    assert panel.cancel_button.disabled and not panel.fit_button.disabled
    assert not panel.fit_job.process.is_alive()


@pytest.mark.timeout(120)
def test_cancel_ends_the_fit_process_within_two_seconds():
    panel, statuses = _panel(100, 8)
    panel.run_fit()
    proc = panel.fit_job.process
    assert _wait_for(lambda: panel.progress.value > 0 or panel.progress.max > 1, 60)  # the fit is computing
    t0 = time.monotonic()
    panel.cancel_button.click()
    assert time.monotonic() - t0 < 2.5 and not psutil.pid_exists(proc.pid)
    assert panel.result is None and "cancelled" in panel.message.value and statuses[-1] == ("fit cancelled", "info")
    assert panel.cancel_button.disabled and not panel.fit_button.disabled  # usable again


@pytest.mark.timeout(120)
def test_fit_process_ends_when_its_kernel_dies():
    code = (
        "import sys, time\n"
        "from puddles.app.fit_panel import FitPanel\n"
        f"p = FitPanel(background=True); p.example.value = {EXAMPLE!r}; p.n.value = 100; p.realizations.value = 8\n"
        "p.run_fit(); print(p.fit_job.process.pid, flush=True); time.sleep(600)\n"
    )
    kernel = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        pid = int(kernel.stdout.readline())
        assert psutil.pid_exists(pid)
        kernel.send_signal(signal.SIGKILL)  # no atexit: only the fit's watchdog can notice
        kernel.wait(10)
        assert _wait_for(lambda: not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, 5)
    finally:
        kernel.kill()


@pytest.mark.timeout(240)
def test_a_series_fits_in_the_background_and_cancel_ends_it():
    """A series fit from the dashboard never blocks the kernel either: its own process, Cancel in 2 s."""
    from test_fit_panel import _series_files, _upload_many

    statuses = []
    panel = FitPanel(status=lambda message, level: statuses.append((message, level)), background=True)
    _upload_many(panel, _series_files())
    panel.n.value, panel.realizations.value = 20, 2
    assert panel.run_fit() is None and panel.fit_job.running and not panel.cancel_button.disabled
    assert panel.wait_fit(200)
    assert panel.series is not None and len(panel.series) == 3 and panel.results_stack.selected_index == 1
    assert statuses[-1][1] == "info" and "series fitted" in statuses[-1][0]
    assert not panel.fit_job.process.is_alive() and panel.cancel_button.disabled

    panel.n.value, panel.realizations.value = 100, 8
    panel.run_fit()
    proc = panel.fit_job.process
    assert _wait_for(lambda: proc.is_alive(), 30)
    t0 = time.monotonic()
    panel.cancel_button.click()
    assert time.monotonic() - t0 < 2.5 and not psutil.pid_exists(proc.pid)
    assert statuses[-1] == ("fit cancelled", "info") and not panel.fit_button.disabled
