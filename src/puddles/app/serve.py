"""Serve the dashboard with Voilà on this machine: ``python -m puddles.app.serve``.

What it does, and why:

* finds ``dashboard.ipynb`` with :mod:`importlib.resources`: the wheel installs the
  repository's ``notebooks/`` as package data ``puddles/notebooks``; a source checkout
  (``PYTHONPATH=src`` or an editable install) uses ``notebooks/`` at the repository root;
* starts ``voila`` **from the notebook's directory**, because Voilà reads ``voila.json``
  from its working directory: that file strips the sources, hides tracebacks, culls
  kernels of closed pages and installs the guards of :mod:`puddles.app.server_guards`
  (v1-only kernel websockets, a kernel cap with a "busy" page, the cookie that lets a
  closing page shut its kernel down);
* runs each kernel's solves in-process (``PUDDLES_WORKERS=1`` unless set): on a server
  every page has its own kernel, so per-kernel solver pools would triple each page's
  memory (measured 54 MB kernel + 97 MB for two workers) without adding cores, and the
  first render is as fast without them;
* binds to 127.0.0.1 only (a lecturer's laptop on a conference network should not serve
  the world), never opens a browser, fails instead of silently moving to another port
  (so the printed URL is right), and prints the URL once the server answers;
* pins the notebook's ``python3`` kernel to this interpreter (a private kernelspec on
  ``JUPYTER_PATH``), so a user-level kernelspec of some other Python can not hijack it;
* ``--debug`` shows tracebacks, in Voilà's error pages and in the dashboard's status
  line (``PUDDLES_DEBUG=1`` for the kernel).

Ctrl-C stops the server.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

__all__ = ["notebooks_dir", "find_notebook", "kernelspec_dir", "voila_command", "wait_for_port", "main"]

NOTEBOOK = "dashboard.ipynb"
HOST = "127.0.0.1"


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

    ``notebook`` is one notebook, or a directory whose notebooks Voilà lists (tree view).
    ``max_kernels`` overrides the cap on open pages set in ``voila.json``.
    """
    cmd = [
        sys.executable, "-m", "voila", *([] if notebook.is_dir() else [notebook.name]),
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


def server_env(*, debug: bool = False, jupyter_path: Path | None = None) -> dict:
    """Environment of the Voilà process (inherited by its kernels)."""
    env = dict(os.environ)
    jp = str(kernelspec_dir() if jupyter_path is None else jupyter_path)
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
    parser = argparse.ArgumentParser(prog=prog, description="Serve the puddles dashboard with Voilà on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8866, help="TCP port (default 8866)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks in the page and the status line")
    parser.add_argument(
        "--notebook", type=Path, default=None,
        help="notebook, or a directory of notebooks to list (default: the installed dashboard)",
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

    with tempfile.TemporaryDirectory(prefix="puddles-jupyter-") as tmp:
        env = server_env(debug=args.debug, jupyter_path=kernelspec_dir(Path(tmp)))
        cmd = voila_command(notebook, args.port, debug=args.debug, max_kernels=args.max_kernels)
        return _run(cmd, server_dir(notebook), env, args.port)


def _run(cmd: list[str], cwd: Path, env: dict, port: int) -> int:
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)

    def stop(*_):
        if proc.poll() is None:
            proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        if wait_for_port(port, timeout=120, proc=proc):
            print(f"\n  puddles dashboard: http://{HOST}:{port}/\n  (Ctrl-C to stop)\n", flush=True)
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
