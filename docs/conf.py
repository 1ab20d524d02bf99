"""Sphinx configuration of the documentation site (``make docs``; CI builds it with -W).

The source directory is the repository root, restricted by ``include_patterns`` to
``docs/`` and the course notebooks ``notebooks/0*.ipynb``: the notebooks are rendered
from their one stored copy (myst-nb, not executed), and a new notebook or docs page
needs no edit here. The API pages (``docs/api/``, not versioned) are written at the
start of every build, one per public module of the engine, so new modules appear by
themselves.
"""

from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import puddles  # noqa: E402

project = "superpuddles"
author = "the puddles developers"
copyright = "2026, the puddles developers (MIT licence)"
release = version = puddles.__version__

root_doc = "docs/index"
include_patterns = ["docs/**.md", "notebooks/0*.ipynb"]
exclude_patterns = ["build", "**/.ipynb_checkpoints"]

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
]
nb_execution_mode = "off"  # the course is rendered from its stored sources
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "attrs_inline"]
myst_heading_anchors = 3

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "furo"
html_title = f"superpuddles {release}"
# "ref.python": a short name such as ``T`` in a numpydoc type is an attribute of several
# classes; Sphinx then links none of them, which is right, and must not fail the build.
suppress_warnings = ["myst.header", "ref.python"]


def engine_modules() -> dict[str, bool]:
    """Public modules of the engine (name -> is a package): ``src/puddles`` minus the widgets and private ones."""
    names = {"puddles": True}
    for info in pkgutil.walk_packages([str(ROOT / "src" / "puddles")], prefix="puddles."):
        parts = info.name.split(".")
        if parts[1] in ("app", "__main__") or any(p.startswith("_") for p in parts[1:]):
            continue
        names[info.name] = info.ispkg
    return names


def write_api_pages(app) -> None:
    out = ROOT / "docs" / "api"
    out.mkdir(exist_ok=True)
    modules = engine_modules()
    for old in out.glob("*.md"):
        if old.stem not in modules and old.stem != "index":
            old.unlink()
    for module, package in modules.items():
        # A package's __all__ re-exports what its modules define: document each object once,
        # on the page of the module that defines it.
        options = "\n   :ignore-module-all:" if package else ""
        text = f"# `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}{options}\n```\n"
        page = out / f"{module}.md"
        if not page.exists() or page.read_text() != text:  # unchanged pages keep Sphinx's cache
            page.write_text(text)
    index = "# API reference\n\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join(modules) + "\n```\n"
    if not (out / "index.md").exists() or (out / "index.md").read_text() != index:
        (out / "index.md").write_text(index)


def setup(app):
    app.connect("builder-inited", write_api_pages)
