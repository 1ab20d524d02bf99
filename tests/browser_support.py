"""What every browser test shares: the Chromium binary, its flags, the loopback-only route and free ports.

One Playwright instance serves the whole test session (the ``browser`` fixture in
``conftest.py``): Playwright's sync API refuses to start a second instance while one is
running in the same process, so no test module starts its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def require_browser() -> None:
    """Skip without Chromium, except in CI (``CI`` set), where a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} not installed (the browser tests run in CI)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_only(route) -> None:
    """Playwright route handler: loopback, ``data:`` and ``blob:`` requests pass, everything else is aborted."""
    host = urlparse(route.request.url).hostname
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@contextlib.contextmanager
def voila_server(target: Path, tmp_dir: Path, **env_options):
    """Voilà serving ``target`` (a notebook or a directory) as ``python -m puddles.app.serve`` does.

    Same command line, template and ``voila.json``, kernel pinned to this interpreter, on a free
    loopback port; yields ``(port, proc)`` once the server answers and stops it (its own process
    group, so the kernels go with it) afterwards. ``env_options`` go to
    :func:`puddles.app.serve.server_env` (e.g. ``directory=``). The log is ``tmp_dir/voila.log``.
    """
    from puddles.app import serve

    directory = serve.server_dir(target)
    port = free_port()
    env = serve.server_env(jupyter_path=serve.kernelspec_dir(tmp_dir / "jupyter"), **env_options)
    log_path = tmp_dir / "voila.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(serve.voila_command(target, port), cwd=directory, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if not serve.wait_for_port(port, timeout=90, proc=proc):
            pytest.fail(f"Voilà did not start; log:\n{log_path.read_text()[-3000:]}")
        yield port, proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
