"""Serve the dashboard and the course with Voilà on this machine: ``python -m puddles.app.serve``.

What it does, and why:

* finds the notebooks with :mod:`importlib.resources`: the wheel installs the repository's
  ``notebooks/`` as package data ``puddles/notebooks``; a source checkout (``PYTHONPATH=src``
  or an editable install) uses ``notebooks/`` at the repository root;
* starts ``voila`` on that directory (Voilà's tree mode) **from the directory**, because
  Voilà reads ``voila.json`` from its working directory: that file strips the sources, hides
  tracebacks, culls kernels of closed pages and installs the guards of
  :mod:`puddles.app.server_guards` (v1-only kernel websockets, a kernel cap with a "busy"
  page, the cookie that lets a closing page shut its kernel down);
* renders with the ``puddles`` Voilà template (:func:`write_template`): the server root is a
  landing page that links the dashboard and each course notebook (title and one line each,
  read from the notebooks) instead of Voilà's file browser; every notebook has its own URL,
  :func:`render_path` (the dashboard: ``/voila/render/dashboard.ipynb``); a course notebook
  shows its text while its cells execute instead of a blank page;
* runs each kernel's solves in-process (``PUDDLES_WORKERS=1`` unless set): on a server
  every page has its own kernel, so per-kernel solver pools would triple each page's
  memory (measured 54 MB kernel + 97 MB for two workers) without adding cores, and the
  first render is as fast without them;
* binds to 127.0.0.1 only (a lecturer's laptop on a conference network should not serve
  the world), never opens a browser, fails instead of silently moving to another port
  (so the printed URL is right), and prints the URLs once the server answers;
* pins the notebooks' ``python3`` kernel to this interpreter (a private kernelspec on
  ``JUPYTER_PATH``), so a user-level kernelspec of some other Python can not hijack it;
* ``--debug`` shows tracebacks, in Voilà's error pages and in the dashboard's status
  line (``PUDDLES_DEBUG=1`` for the kernel).

Ctrl-C stops the server.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

__all__ = ["notebooks_dir", "find_notebook", "render_path", "Page", "pages", "write_template", "kernelspec_dir",
           "voila_command", "wait_for_port", "main"]

NOTEBOOK = "dashboard.ipynb"
HOST = "127.0.0.1"
#: Name of the Voilà template written by :func:`write_template` (based on Voilà's ``lab``).
TEMPLATE = "puddles"


def notebooks_dir() -> Path:
    """Directory holding the dashboard and course notebooks (and ``voila.json``).

    An installed wheel has them as package data (``puddles/notebooks``, found with
    :mod:`importlib.resources`); a source checkout has them in ``notebooks/`` at the
    repository root.

    Raises
    ------
    FileNotFoundError
        With the places searched, when neither exists.
    """
    installed = resources.files("puddles") / "notebooks"
    checkout = Path(__file__).resolve().parents[3] / "notebooks"
    for place in (installed, checkout):
        if place.is_dir():
            return Path(str(place))
    raise FileNotFoundError(
        f"no notebooks directory (searched {installed} and {checkout}); reinstall superpuddles"
    )


def find_notebook() -> Path:
    """Path of the dashboard notebook, ``dashboard.ipynb`` in :func:`notebooks_dir`.

    Raises
    ------
    FileNotFoundError
        When it is missing.
    """
    path = notebooks_dir() / NOTEBOOK
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall superpuddles")
    return path


def render_path(name: str = NOTEBOOK) -> str:
    """URL path, relative to the server root, at which Voilà renders the notebook ``name``."""
    return "voila/render/" + quote(name)


@dataclass(frozen=True)
class Page:
    """A notebook as the landing page lists it."""

    #: File name, e.g. ``01_percolation.ipynb``.
    name: str
    #: The notebook's first heading (without LaTeX dollars), else its capitalised file stem.
    title: str
    #: One line: the ``description`` of the notebook's metadata (set in its jupytext header).
    description: str


def _page(path: Path) -> Page:
    nb = json.loads(path.read_text(encoding="utf-8"))
    title = path.stem.replace("_", " ").capitalize()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            heading = re.search(r"^#\s+(.+)$", source, re.M)
            if heading:
                title = heading.group(1).replace("$", "").strip()
            break
    return Page(path.name, title, str(nb.get("metadata", {}).get("description", "")))


def pages(directory: Path | None = None) -> list[Page]:
    """The dashboard (if present), then every other notebook by file name (``01_...``, ``02_...``).

    Parameters
    ----------
    directory : Path, optional
        Where the notebooks are (default :func:`notebooks_dir`).
    """
    directory = notebooks_dir() if directory is None else Path(directory)
    names = ([NOTEBOOK] if (directory / NOTEBOOK).is_file() else []) + sorted(
        p.name for p in directory.glob("*.ipynb") if p.name != NOTEBOOK
    )
    return [_page(directory / name) for name in names]


def _landing(entries: list[Page], prefix: str = "") -> str:
    """The landing page (a Jinja template for Voilà: links are made absolute with ``base_url``)."""

    def text(value: str) -> str:  # escaped for HTML, and for Jinja (no "{{", "{%" or "{#" survives)
        return html.escape(value).replace("{", "&#123;")

    def item(page: Page, css: str = "") -> str:
        line = f'<span class="line">{text(page.description)}</span>' if page.description else ""
        return (f'    <li{css}><a href="{{{{ base_url }}}}{render_path(prefix + page.name)}">'
                f'<span class="title">{text(page.title)}</span>{line}</a></li>')

    dashboard = [p for p in entries if p.name == NOTEBOOK]
    course = [p for p in entries if p.name != NOTEBOOK]
    skeleton = (resources.files("puddles.app") / "voila_template" / "landing.html").read_text(encoding="utf-8")
    return string.Template(skeleton).substitute(
        count=len(course),
        dashboard="\n".join(item(p, ' class="dashboard"') for p in dashboard),
        course="\n".join(item(p) for p in course),
    )


def write_template(root: Path, directory: Path | None = None, prefix: str = "") -> Path:
    """Write the ``puddles`` Voilà template into ``root/voila/templates/puddles``; return ``root``.

    ``root`` then belongs on ``JUPYTER_PATH`` (:func:`server_env` puts it there). The template
    extends Voilà's ``lab`` template: ``index.html.j2`` shows a course notebook's cells while
    they execute, and both tree pages (``tree.html``, ``tree-lab.html``: ``?classic-tree=``
    picks one) are the landing page listing :func:`pages` of ``directory`` - never a file
    browser. ``prefix`` is the directory's path below the server root in the page links
    (``"notebooks/"`` on Binder, which serves the repository root).
    """
    target = Path(root) / "voila" / "templates" / TEMPLATE
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("puddles.app") / "voila_template"
    for name in ("conf.json", "index.html.j2"):
        (target / name).write_bytes((source / name).read_bytes())
    landing = _landing(pages(directory), prefix)
    for name in ("tree.html", "tree-lab.html"):
        (target / name).write_text(landing, encoding="utf-8")
    return Path(root)


def kernelspec_dir(root: Path | None = None) -> Path:
    """Write a ``python3`` kernelspec that runs *this* interpreter; return its JUPYTER_PATH entry.

    Parameters
    ----------
    root : Path, optional
        Directory to write into (default: a fresh temporary directory).
    """
    root = Path(tempfile.mkdtemp(prefix="puddles-jupyter-")) if root is None else Path(root)
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (puddles)",
                "language": "python",
                "metadata": {"debugger": False},
            },
            indent=1,
        )
    )
    return root


def voila_command(notebook: Path, port: int, *, debug: bool = False, max_kernels: int | None = None) -> list[str]:
    """The ``voila`` command line (run it in :func:`server_dir` of ``notebook``).

    Voilà serves the whole directory (``notebook`` is one notebook in it, or the directory):
    the landing page at ``/`` and each notebook at :func:`render_path`, with the ``puddles``
    template (:func:`server_env` writes it). ``max_kernels`` overrides the cap on open pages
    set in ``voila.json``.
    """
    cmd = [
        sys.executable, "-m", "voila", f"--template={TEMPLATE}",
        f"--port={int(port)}", f"--Voila.ip={HOST}", "--no-browser", "--Voila.port_retries=0",
        f"--show_tracebacks={debug}",
    ]
    if max_kernels is not None:
        cmd.append(f"--CappedKernelManager.max_kernels={int(max_kernels)}")
    return cmd


def server_dir(notebook: Path) -> Path:
    """Working directory of Voilà for ``notebook`` (a file or a directory): where voila.json is."""
    return notebook if notebook.is_dir() else notebook.parent


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> bool:
    """Poll until something accepts TCP connections on 127.0.0.1:``port``.

    Returns False on timeout or when ``proc`` exits first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def server_env(*, debug: bool = False, jupyter_path: Path | None = None, directory: Path | None = None) -> dict:
    """Environment of the Voilà process (inherited by its kernels).

    ``jupyter_path`` is the private ``JUPYTER_PATH`` entry holding the kernelspec
    (:func:`kernelspec_dir`, a fresh one by default); the ``puddles`` template with the
    landing page of ``directory`` (default :func:`notebooks_dir`) is written there too.
    """
    env = dict(os.environ)
    root = kernelspec_dir() if jupyter_path is None else Path(jupyter_path)
    jp = str(write_template(root, directory))
    env["JUPYTER_PATH"] = os.pathsep.join([jp, env["JUPYTER_PATH"]]) if env.get("JUPYTER_PATH") else jp
    env["PUDDLES_DEBUG"] = "1" if debug else "0"
    env.setdefault("PUDDLES_WORKERS", "1")
    return env


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # Like Tornado: a port whose old connections linger in TIME_WAIT is free to listen on.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None, prog: str = "python -m puddles.app.serve") -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Serve the puddles dashboard and course with Voilà on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8866, help="TCP port (default 8866)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks in the page and the status line")
    parser.add_argument(
        "--notebook", type=Path, default=None,
        help="a notebook (its directory is served, and its URL printed) or a directory of notebooks "
             "(default: the installed dashboard and course)",
    )
    parser.add_argument(
        "--max-kernels", type=int, default=None,
        help="most pages open at once, one kernel each (default 32, from voila.json); later visitors see a busy page",
    )
    args = parser.parse_args(argv)

    try:
        notebook = args.notebook.resolve() if args.notebook else find_notebook()
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not notebook.exists():
        print(f"error: notebook {notebook} does not exist", file=sys.stderr)
        return 2
    if not _port_free(args.port):
        print(f"error: port {args.port} on {HOST} is in use; choose another with --port", file=sys.stderr)
        return 2

    directory = server_dir(notebook)
    with tempfile.TemporaryDirectory(prefix="puddles-jupyter-") as tmp:
        env = server_env(debug=args.debug, jupyter_path=kernelspec_dir(Path(tmp)), directory=directory)
        cmd = voila_command(notebook, args.port, debug=args.debug, max_kernels=args.max_kernels)
        return _run(cmd, directory, env, args.port, None if notebook.is_dir() else notebook.name)


def _run(cmd: list[str], cwd: Path, env: dict, port: int, notebook: str | None) -> int:
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)

    def stop(*_):
        if proc.poll() is None:
            proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        if wait_for_port(port, timeout=120, proc=proc):
            root = f"http://{HOST}:{port}/"
            lines = [f"  puddles (dashboard and course): {root}"]
            if notebook is not None:
                lines.append(f"  {notebook}: {root}{render_path(notebook)}")
            print("\n" + "\n".join(lines) + "\n  (Ctrl-C to stop)\n", flush=True)
        else:
            print("error: Voilà did not start; see the messages above", file=sys.stderr)
            stop()
        return proc.wait()
    except KeyboardInterrupt:
        stop()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return 130


if __name__ == "__main__":
    sys.exit(main())
