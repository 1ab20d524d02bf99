"""Export for slides: ``save_figure`` bytes, the ``ExportButtons`` widget without a browser, and
(marked ``browser``) the real downloads of an R(T) PNG and SVG from a page served by Voila (about 15 s)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("ipywidgets")

from puddles.app import serve
from puddles.app.export import PNG_DPI, ExportButtons, save_figure
from puddles.plot import plot_rt

T = np.linspace(0.0, 20.0, 81)
R = np.clip((T - 8.0) / 6.0, 0.0, 1.0)


def test_save_figure_png_and_svg():
    fig = plot_rt(T, R, tp=8.0)
    png = save_figure(fig, "png")
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == round(fig.get_figwidth() * PNG_DPI)  # slide resolution, whatever the figure's dpi
    svg = save_figure(fig, "SVG")
    assert b"<svg" in svg and b'id="rt"' in svg
    with pytest.raises(ValueError, match="fmt must be one of png, svg"):
        save_figure(fig, "gif")
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        save_figure("not a figure", "png")


def test_buttons_build_the_figure_and_start_a_download():
    messages = []
    calls = []

    def make():
        calls.append(1)
        return plot_rt(T, R)

    bar = ExportButtons(make, "puddles-rt", status=lambda msg, level: messages.append((level, msg)), what="R(T)")
    png_button, svg_button = bar.buttons["png"], bar.buttons["svg"]
    assert (png_button.description, png_button.tooltip) == ("PNG", "Save R(T) as PNG")
    assert (svg_button.description, svg_button.tooltip) == ("SVG", "Save R(T) as SVG")
    svg_button.click()
    name, content = bar.last
    assert name == "puddles-rt.svg" and b"<svg" in content and calls == [1]
    (out,) = bar.output.outputs
    script = out["data"]["application/javascript"]
    assert 'a.download="puddles-rt.svg"' in script and "data:image/svg+xml;base64," in script and "a.click()" in script
    assert 'download="puddles-rt.svg"' in bar.link.value
    assert messages[-1][0] == "info" and "saved puddles-rt.svg" in messages[-1][1]
    png_button.click()
    assert bar.last[0] == "puddles-rt.png" and bar.last[1].startswith(b"\x89PNG") and len(bar.output.outputs) == 1


def test_a_failing_figure_is_reported_and_the_buttons_stay_alive():
    messages = []

    def broken():
        raise ValueError("T must be finite")

    bar = ExportButtons(broken, "rt", status=lambda msg, level: messages.append((level, msg)))
    bar.buttons["png"].click()
    assert messages == [("error", "could not save rt.png: T must be finite")] and bar.last is None
    quiet = ExportButtons(broken, "rt")  # no status line: the message shows beside the buttons
    quiet.buttons["svg"].click()
    assert "could not save rt.svg" in quiet.link.value
    with pytest.raises(ValueError, match="stem must be"):
        ExportButtons(broken, "../rt")
    with pytest.raises(ValueError, match="make_figure must be callable"):
        ExportButtons(None, "rt")


NOTEBOOK_CODE = """\
import numpy as np
from puddles.app.export import ExportButtons
from puddles.plot import plot_rt
T = np.linspace(0.0, 20.0, 81)
ExportButtons(lambda: plot_rt(T, np.clip((T - 8.0) / 6.0, 0.0, 1.0), tp=8.0), "puddles-rt", what="R(T)").widget
"""


@pytest.mark.browser
def test_downloads_in_a_served_page(tmp_path, browser):
    import nbformat
    from browser_support import ARTIFACTS, loopback_only, voila_server

    notebook = tmp_path / "export.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK_CODE)]), notebook)
    with voila_server(notebook, tmp_path, directory=tmp_path) as (port, _proc):
        page = browser.new_page(viewport={"width": 800, "height": 400}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.route("**/*", loopback_only)
        page.goto(f"http://127.0.0.1:{port}/{serve.render_path(notebook.name)}", timeout=60_000)
        for fmt, head in (("png", b"\x89PNG"), ("svg", b"<?xml")):
            button = page.get_by_role("button", name=fmt.upper())
            button.wait_for(timeout=60_000)
            assert button.get_attribute("title") == f"Save R(T) as {fmt.upper()}"
            with page.expect_download(timeout=30_000) as info:
                button.click()
            download = info.value
            assert download.suggested_filename == f"puddles-rt.{fmt}"
            content = open(download.path(), "rb").read()
            assert content.startswith(head) and len(content) > 5000
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"export-rt.{fmt}").write_bytes(content)
        page.screenshot(path=str(ARTIFACTS / "export-buttons.png"))
        assert not errors, errors
        page.close()
