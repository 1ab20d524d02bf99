"""The package as a new user gets it: build the wheel, install it with the ``[app]`` extra at
its lower bounds into a fresh venv, outside the repository, and serve the dashboard from the
console command.

The dev venv runs the upper end of the ``[app]`` ranges (the newest releases, as pinned for
Binder), so this one install checks the other end. About 60-90 s on the 2-core CI machine
with pip's cache warm (venv, install of numpy/scipy/voila wheels, one Voilà page).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def app_lower_bounds() -> list[str]:
    """``name==lower`` for every ``[app]`` requirement with a ``>=`` bound (pip constraints)."""
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = []
    for req in meta["optional-dependencies"]["app"]:
        m = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", req)
        assert m, f"[app] requirement without a lower bound: {req!r}"
        pins.append(f"{m[1]}=={m[2]}")
    return pins


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict:
    """The environment of a new user: no PYTHONPATH, no virtualenv of ours, a private cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", **extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel from the unpacked sdist: proves the sdist is complete and
    # keeps stale build/ directories of the checkout out of the wheel.
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, text=True, env=clean_env())
    (whl,) = out.glob("superpuddles-*.whl")
    return whl


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("puddles/py.typed", "puddles/cli.py", "puddles/__main__.py",
                 "puddles/notebooks/dashboard.ipynb", "puddles/notebooks/voila.json"):
        assert path in names, path
    course = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert {f"puddles/notebooks/{n}" for n in course} <= names
    # The jupytext sources ship too (`superpuddles notebooks DIR` copies them), and the served template.
    assert {f"puddles/notebooks/{n[:-6]}.py" for n in course} <= names
    template = {"conf.json", "index.html.j2", "landing.html"}
    assert {f"puddles/app/voila_template/{n}" for n in template} <= names
    assert any(n.startswith("puddles/data/") and n.endswith(".csv") for n in names)
    assert any(n.startswith("puddles/data/samples/") for n in names)  # instrument sample files
    assert any(n.endswith((".dist-info/licenses/LICENSE", ".dist-info/LICENSE")) for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Name: superpuddles" in meta
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "superpuddles = puddles.cli:main" in entry


def test_installed_wheel_serves_the_dashboard(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_ = venv / "bin"
    constraints = tmp_path / "lower-bounds.txt"
    constraints.write_text("\n".join(app_lower_bounds()) + "\n")
    home = tmp_path / "home"  # no user-level Jupyter config or kernelspecs of the developer
    home.mkdir()
    env = clean_env(HOME=str(home), PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR",
                                                                   str(Path.home() / ".cache" / "pip")))
    # The README's install line, with the built wheel in place of the index name.
    extras = re.search(r'pip install "superpuddles\[([a-z,]+)\]"', (REPO / "README.md").read_text())
    assert extras and extras[1] == "app", "the README's install line changed: update this test"
    subprocess.run([str(bin_ / "python"), "-m", "pip", "install", "-q", f"{wheel}[{extras[1]}]", "-c", str(constraints)],
                   check=True, cwd=tmp_path, env=env)

    # Imported from the venv, not from the repository.
    out = subprocess.run(
        [str(bin_ / "python"), "-c", "import puddles, ipywidgets, voila; "
         "print(puddles.__file__); print(ipywidgets.__version__, voila.__version__)"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout.splitlines()
    assert out[0].startswith(str(venv)), out
    versions = dict(pin.split("==") for pin in app_lower_bounds())
    assert out[1].split()[0].startswith(versions["ipywidgets"]), out
    assert out[1].split()[1].startswith(versions["voila"]), out

    version = subprocess.run([str(bin_ / "python"), "-m", "puddles", "--version"], check=True,
                             capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert version.startswith("superpuddles ")

    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen([str(bin_ / "superpuddles"), "dashboard", "--port", str(port)], cwd=tmp_path,
                                env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            landing = _get_page(f"http://127.0.0.1:{port}/", proc)
            page = _get_page(f"http://127.0.0.1:{port}/voila/render/dashboard.ipynb", proc)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    log = log_path.read_text()
    assert landing is not None and page is not None, f"the server did not answer:\n{log[-3000:]}"
    # The landing page (the template shipped in the wheel) links the dashboard and the course.
    for name in sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")):
        assert f"/voila/render/{name}" in landing, name
    # The notebook ran in the kernel and its last expression is the dashboard widget.
    assert "application/vnd.jupyter.widget-view+json" in page, log[-3000:]
    assert "Traceback" not in page and "ModuleNotFoundError" not in page
    assert f"http://127.0.0.1:{port}/" in log


def _get_page(url: str, proc: subprocess.Popen, timeout: float = 180.0) -> str | None:
    """The page at ``url`` once the server answers (None if it exits or never answers)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with opener.open(url, timeout=timeout) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            time.sleep(0.5)
    return None
