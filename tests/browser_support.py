"""What every browser test shares: the Chromium binary, its flags, the loopback-only route and free ports.

One Playwright instance serves the whole test session (the ``browser`` fixture in
``conftest.py``): Playwright's sync API refuses to start a second instance while one is
running in the same process, so no test module starts its own.
"""

from __future__ import annotations

import os
import socket
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
