"""The teaching notebooks (notebooks/0*.ipynb): structure, and a full top-to-bottom run.

The slow tests execute every notebook with nbclient in a kernel that runs *this*
interpreter (a private kernelspec, so a stray system-wide ``python3`` kernel can not
hijack the run on a CI machine), assert that no cell errored, then move every widget
control once through ``puddles.app.teaching.exercise_all`` and assert that no widget
callback caught an exception. The time of each notebook is printed and guarded.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("bqplot")

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
EXPECTED = [
    "01_percolation.ipynb",
    "02_puddles_and_filaments.ipynb",
    "03_negative_compressibility.ipynb",
    "04_fit_your_data.ipynb",
    "05_weak_links_and_stiffness.ipynb",
]
NOTEBOOKS = [name for name in EXPECTED if (NB_DIR / name).exists()]
#: Guard on the execution time of one notebook (the target is well under 60 s).
TIME_LIMIT = 120.0
#: Longest code cell (lines): reusable widget code belongs in puddles.app.teaching.
MAX_CELL_LINES = 45

CHECK_CELL = """
from puddles.app import teaching as _teaching
_errors = _teaching.recorded_errors()
assert not _errors, "widget callbacks failed:\\n" + "\\n".join(_errors)
"""
EXERCISE_CELL = """
_n = _teaching.exercise_all()
_errors = _teaching.recorded_errors()
assert not _errors, "widget callbacks failed while exercising the controls:\\n" + "\\n".join(_errors)
print("exercised", _n, "widgets")
"""


def _read(name: str):
    return nbformat.read(NB_DIR / name, as_version=4)


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _solution_code(nb) -> list[str]:
    """The python code blocks of the collapsed exercise solutions, in order."""
    blocks = []
    for details in re.findall(r"<details>(.*?)</details>", _markdown(nb), re.S):
        blocks += re.findall(r"```python\n(.*?)```", details, re.S)
    return blocks


# ------------------------------------------------------------------------------------ structure


def test_all_course_notebooks_exist():
    missing = [name for name in EXPECTED if not (NB_DIR / name).exists()]
    assert not missing, f"missing notebooks: {missing}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_structure(name):
    nb = _read(name)
    nbformat.validate(nb)
    cells = nb.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), "starts with a title"
    assert any(c.cell_type == "markdown" and re.search(r"^#+\s*Learning goals", c.source, re.M) for c in cells[:2])
    solutions = re.findall(r"<details>\s*<summary>\s*Solution", _markdown(nb))
    assert len(solutions) >= 2, f"{name}: needs at least two collapsible exercise solutions, has {len(solutions)}"
    assert _markdown(nb).count("<details>") == _markdown(nb).count("</details>")
    for c in cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"{name}: stored with outputs"
            assert len(c.source.splitlines()) <= MAX_CELL_LINES, f"{name}: cell too long:\n{c.source[:200]}"
            # Only the public API: no private names imported or called from the package.
            assert not re.search(r"from puddles[\w.]* import [^\n]*\b_\w", c.source), c.source
            assert not re.search(r"\bpuddles(\.\w+)*\._\w", c.source), c.source
    assert nb.metadata["kernelspec"]["name"] == "python3"
    # The landing page of the served course shows this line under the title.
    description = nb.metadata.get("description", "")
    assert 20 <= len(description) <= 160 and "\n" not in description and "$" not in description, description


#: The command that rebuilds the stored notebooks from their jupytext sources.
SYNC = "jupytext --sync notebooks/*.py"
#: Notebook metadata kept in the sources (the rest of the .ipynb metadata, e.g. language_info, is Jupyter's).
SOURCE_METADATA = ("kernelspec", "description")
SOURCES = sorted(p.name for p in NB_DIR.glob("*.py"))


def test_every_notebook_has_its_jupytext_source():
    stored = sorted(p.stem for p in NB_DIR.glob("*.ipynb"))
    assert sorted(p[:-3] for p in SOURCES) == stored, "each notebooks/NN_name.ipynb is paired with NN_name.py"


@pytest.mark.parametrize("source", SOURCES)
def test_stored_notebook_is_built_from_its_source(source):
    """The committed .ipynb is what jupytext builds from the percent-format .py (outputs stripped)."""
    jupytext = pytest.importorskip("jupytext")
    built = jupytext.read(NB_DIR / source)
    stored = nbformat.read(NB_DIR / source.replace(".py", ".ipynb"), as_version=4)
    hint = f"notebooks/{source} and its .ipynb differ: run `{SYNC}` (edit the .py, not the .ipynb)"
    assert built.metadata["jupytext"]["formats"] == "ipynb,py:percent", hint
    assert stored.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent", hint
    for key in SOURCE_METADATA:
        assert stored.metadata.get(key) == built.metadata.get(key), f"{hint} (metadata {key})"
    assert [c.cell_type for c in stored.cells] == [c.cell_type for c in built.cells], hint
    for i, (s, b) in enumerate(zip(stored.cells, built.cells)):
        assert s.source == b.source, f"{hint} (cell {i})"
        assert dict(s.metadata) == dict(b.metadata), f"{hint} (metadata of cell {i})"
        if s.cell_type == "code":
            assert s.outputs == [] and s.execution_count is None, f"{hint} (cell {i} stored with outputs)"


# ------------------------------------------------------------------------------------ execution


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory):
    """A kernelspec that runs this interpreter, found first on JUPYTER_PATH.

    Works on a clean CI machine (no kernelspec installed at all) and on a desktop whose
    user-level ``python3`` kernel points at another Python.
    """
    data = tmp_path_factory.mktemp("jupyter-data")
    spec = data / "kernels" / "puddles-notebook-tests"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "puddles notebook tests",
        "language": "python",
    }))
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(data), os.environ.get("JUPYTER_PATH")])))
    mp.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    yield spec.name
    mp.undo()


def _errors(nb) -> list[str]:
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                out.append(f"cell {i}: {o.ename}: {o.evalue}")
            elif o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text:
                out.append(f"cell {i} (stderr): {o.text[-500:]}")
    return out


TIMES: dict[str, float] = {}


@pytest.mark.slow
@pytest.mark.timeout(400)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, kernel_name):
    nb = _read(name)
    n_cells = len(nb.cells)
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=int(TIME_LIMIT),
                                     resources={"metadata": {"path": str(NB_DIR)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - start
        TIMES[name] = elapsed
        print(f"\n{name}: executed top to bottom in {elapsed:.1f} s")
        assert not _errors(nb), _errors(nb)
        # Widgets exist and were drawn: every notebook shows at least one live widget.
        views = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert views, f"{name}: no widget was displayed"
        # The solutions' code runs too, in the notebook's namespace, so they can not rot.
        solutions = _solution_code(nb)
        for src in solutions + [CHECK_CELL, EXERCISE_CELL]:
            nb.cells.append(nbformat.v4.new_code_cell(src))
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        print(f"{name}: {len(solutions)} solution snippets + widget exercise took "
              f"{time.perf_counter() - start - elapsed:.1f} s ({nb.cells[-1].outputs[-1].get('text', '').strip()})")
        assert not _errors(nb), _errors(nb)
    assert len(nb.cells) == n_cells + len(solutions) + 2
    assert elapsed < TIME_LIMIT, f"{name} took {elapsed:.0f} s (guard {TIME_LIMIT:.0f} s)"


# ------------------------------------------------------------------------------------ helpers


def test_panel_shows_errors_instead_of_raising():
    ipywidgets = pytest.importorskip("ipywidgets")
    from puddles.app import teaching

    teaching.clear_recorded_errors()
    slider = ipywidgets.FloatSlider(value=0.5, min=0, max=1)

    def update(x):
        if x > 0.9:
            raise ValueError("x too large for this demo")
        return f"x = {x}"

    panel = teaching.Panel(dict(x=slider), update)
    assert "x = 0.5" in panel.status.value
    slider.value = 0.95  # must not raise
    assert "Error" in panel.status.value and "x too large" in panel.status.value
    assert len(teaching.recorded_errors()) == 1
    slider.value = 0.2
    assert "x = 0.2" in panel.status.value
    teaching.clear_recorded_errors()


def test_bond_map_draws_every_category():
    from puddles import lattice
    from puddles.app import teaching

    n = 6
    codes = np.arange(lattice.n_bonds(n)) % 3
    palette = [("a", "#000000"), ("b", "#ff0000"), ("c", "#00ff00")]
    rgb = teaching.bond_rgb(codes, n, palette, scale=2)
    assert rgb.shape == (2 * (2 * n - 1), 2 * (2 * n - 1), 3)
    colours = {tuple(c) for c in rgb.reshape(-1, 3)}
    assert colours == {(0, 0, 0), (255, 0, 0), (0, 255, 0)}
    m = teaching.BondMap(palette)
    m.show(codes, n)
    assert bytes(m.image.value).startswith(b"\x89PNG")


np = pytest.importorskip("numpy")


def test_dla_growth_frames_are_snapshots_of_one_growth():
    pytest.importorskip("ipywidgets")
    from puddles import skeleton
    from puddles.app import teaching

    growth = teaching.DLAGrowth(m=40, seed=3, frames=6)
    m, arrival = growth._growth
    assert m == 40
    green = np.array(teaching.hex_to_rgb(growth.map.palette[1][1]), dtype=np.uint8)
    previous = None
    for frame in range(growth.frames + 1):
        growth.frame.value = frame
        p = growth.particles()
        assert f"P = {p} particles" in growth.map.caption.value
        occupied = np.all(growth.map.rgb == green, axis=-1)
        if previous is not None:
            assert np.all(occupied >= previous)  # a bond once occupied stays occupied
        previous = occupied
    # The last frame is the whole growth, the same as grow_dla with the full particle number.
    full = skeleton.grow_dla(40, growth.particles(growth.frames), 3)
    np.testing.assert_array_equal(arrival >= 0, full)
    assert f"{int(full.sum())} occupied bonds" in growth.map.caption.value
    assert "Error" not in growth.status.value
