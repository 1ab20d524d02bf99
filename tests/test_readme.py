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
