"""Shared test settings: a private skeleton cache, deterministic hypothesis profiles, one browser."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "puddles", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("puddles")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the test run out of the user's skeleton cache."""
    old = os.environ.get("PUDDLES_CACHE_DIR")
    os.environ["PUDDLES_CACHE_DIR"] = str(tmp_path_factory.mktemp("puddles-cache"))
    yield
    if old is None:
        os.environ.pop("PUDDLES_CACHE_DIR", None)
    else:
        os.environ["PUDDLES_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def browser():
    """The session's headless Chromium (one Playwright instance for every browser test module)."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
