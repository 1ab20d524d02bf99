"""The dashboard notebook executes top to bottom in a real kernel and displays the app.

The kernel is pinned to the interpreter running the tests (a private ``python3``
kernelspec on ``JUPYTER_PATH``, the same mechanism ``python -m puddles.app.serve`` uses),
so the test works on a clean CI machine whatever kernelspecs the user has installed.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from puddles.app.serve import kernelspec_dir

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "dashboard.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def test_notebook_is_two_lines():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1
    lines = [line for line in code[0].source.splitlines() if line.strip()]
    assert lines == ["from puddles.app import build_dashboard", "build_dashboard()"]
    assert all(not c.get("outputs") for c in code)  # committed without outputs
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.timeout(300)
def test_dashboard_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernelspec_dir(tmp_path / "jupyter")))
    monkeypatch.setenv("PUDDLES_WORKERS", "1")  # no process pool inside a short-lived test kernel
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", timeout=240, allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text]
    views = [o for o in outputs if o.output_type in ("display_data", "execute_result") and WIDGET_MIME in o.data]
    assert len(views) == 1
    # The widget state of the executed notebook holds the dashboard's marks and status line.
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    if state:
        names = {m["model_name"] for m in state.values()}
        assert {"FigureModel", "LinesModel", "ImageModel", "TabModel"} <= names
