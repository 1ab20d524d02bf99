"""The README's engine example runs as printed (documentation that rots is worse than none)."""

import pathlib
import re
import subprocess
import sys

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs():
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    out = subprocess.run([sys.executable, "-c", blocks[0]], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "R/R_N" in out.stdout and len(out.stdout.splitlines()) > 10


def test_readme_has_the_two_commands():
    text = README.read_text()
    assert "make dashboard" in text and "make test" in text


def test_readme_links_every_course_notebook_in_voila_and_jupyterlab():
    """The teaching table's Binder column opens each notebook read-only in Voilà or editable in JupyterLab."""
    text = README.read_text()
    course = sorted(p.name for p in README.parent.joinpath("notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(course) >= 5
    binder = "https://mybinder.org/v2/gh/puddles-dev/puddles/HEAD?urlpath="
    for name in course:
        row = next(line for line in text.splitlines() if line.startswith("|") and f"(notebooks/{name})" in line)
        assert f"{binder}voila/render/notebooks/{name}" in row and f"{binder}lab/tree/notebooks/{name}" in row, name
