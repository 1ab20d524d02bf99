"""End-to-end: the landing page and the course notebooks in headless Chromium (Voilà + playwright).

One Voilà server, started as ``python -m puddles.app.serve`` starts it (same command line,
template and ``voila.json``, kernel pinned to this interpreter). The landing page at the server
root must list the dashboard and every course notebook; each course notebook must render at its
own URL (title visible, no error output, its widgets alive). The notebooks open one after another
and each page is closed before the next opens (its unload beacon shuts its kernel down), so at
most one notebook kernel runs at a time: about 30-50 s in all on the 2-core CI machine.

Printed per notebook: seconds until the title is visible (first content) and until the page is
finished. Screenshots: ``test-artifacts/course-landing.png`` and ``course-NN-....png`` (the first
screen of each notebook once finished, and of the slowest while its cells still execute).
"""

from __future__ import annotations

import time

import pytest
from browser_support import ARTIFACTS, loopback_only, voila_server

from puddles.app import serve

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}
#: Bound on one notebook's page (ms), kernel start included, on a loaded 2-core machine.
RENDER_MS = 120_000
COURSE = [p for p in serve.pages() if p.name != serve.NOTEBOOK]


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """(server root URL, browser) for this module."""
    with voila_server(serve.notebooks_dir(), tmp_path_factory.mktemp("voila")) as (port, _proc):
        yield f"http://127.0.0.1:{port}/", browser


def _new_page(browser):
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The course needs no internet: fonts and CDN links are refused.
    page.route("**/*", loopback_only)
    return page, errors


def _shot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_landing_page_links_the_dashboard_and_every_course_notebook(site):
    root, browser = site
    page, errors = _new_page(browser)
    try:
        page.goto(root, timeout=RENDER_MS)
        links = page.eval_on_selector_all("main a", "as => as.map(a => [a.getAttribute('href'), a.innerText])")
        hrefs = [href for href, _ in links]
        assert hrefs == [f"/{serve.render_path(p.name)}" for p in serve.pages()]
        assert hrefs[0] == f"/{serve.render_path()}"  # the dashboard first, at its stable URL
        for (_, text), entry in zip(links, serve.pages()):
            assert entry.title in text and entry.description in text
        assert len(COURSE) == 5
        # Nothing on the page can browse, open or edit files.
        assert page.locator("input, textarea, button, [contenteditable]").count() == 0
        _shot(page, "course-landing.png", full_page=True)
        # A click opens the notebook in Voilà.
        page.locator("main a", has_text=COURSE[0].title).click()
        page.wait_for_url(f"**/{serve.render_path(COURSE[0].name)}", timeout=RENDER_MS, wait_until="commit")
        assert not errors, errors
    finally:
        page.close()


FIRST_CONTENT_JS = """(title) => {
  const h = Array.from(document.querySelectorAll('#rendered_cells h1')).find(e => e.innerText.includes(title));
  return !!h && h.getBoundingClientRect().height > 0 && getComputedStyle(document.getElementById('rendered_cells')).display !== 'none';
}"""


def test_each_course_notebook_renders_at_its_url_and_shows_its_title_first(site):
    root, browser = site
    times = {}
    for entry in COURSE:
        page, errors = _new_page(browser)
        try:
            t0 = time.perf_counter()
            page.goto(root + serve.render_path(entry.name), timeout=RENDER_MS, wait_until="commit")
            # The title's start: LaTeX in it reads "$R(T)$" until MathJax typesets it.
            page.wait_for_function(FIRST_CONTENT_JS, arg=entry.title[:14], timeout=RENDER_MS, polling=100)
            first = time.perf_counter() - t0
            running = page.locator("#loading").count() > 0
            if running and entry.name.startswith("04"):
                _shot(page, f"course-{entry.name[:2]}-while-running.png")
            page.wait_for_function("() => !document.getElementById('loading')", timeout=RENDER_MS, polling=100)
            # Widgets come alive once the page has finished.
            page.wait_for_selector(".jupyter-widgets", timeout=RENDER_MS)
            done = time.perf_counter() - t0
            times[entry.name] = (first, done, running)
            text = page.inner_text("#rendered_cells")
            assert "There was an error when executing cell" not in text and "Traceback" not in text, entry.name
            assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0, entry.name
            assert not errors, (entry.name, errors)
            _shot(page, f"course-{entry.name[:2]}-first-screen.png")
        finally:
            page.close()  # the unload beacon shuts the kernel down before the next notebook starts
    for name, (first, done, running) in times.items():
        print(f"{name}: title visible after {first:.1f} s, page finished after {done:.1f} s"
              + ("" if running else " (finished before the title was checked)"))
    # The slow notebooks show their first screen while cells still execute.
    assert any(running for _, _, running in times.values()), times
