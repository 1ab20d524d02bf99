"""MkDocs hooks: the course and the API reference come from the sources, never from copies.

* Course: every ``notebooks/0*.ipynb`` (the one stored copy, also shipped in the wheel and
  linked by Binder) is added as a page ``notebooks/<name>``, read in place from the
  repository root; mkdocs-jupyter renders it without executing it.
* API reference: one generated page per public module of the engine (``src/puddles`` minus
  the widget package ``app``), rendered by mkdocstrings from the numpydoc docstrings.
* Navigation: the fixed pages of ``mkdocs.yml``, then any other ``docs/*.md`` page, the
  course and the API, so that a new page, notebook or module needs no edit here.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = ROOT / "src" / "puddles"


def course_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("0*.ipynb"))


def engine_modules() -> list[str]:
    """``puddles`` and its public modules, without the widget package and entry points."""
    names = ["puddles"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="puddles."):
        parts = info.name.split(".")
        if parts[1] in ("app", "__main__") or any(p.startswith("_") for p in parts[1:]):
            continue
        names.append(info.name)
    return names


def _title(path: Path) -> str:
    number, _, words = path.stem.partition("_")
    return f"{int(number)}. {words.replace('_', ' ').capitalize()}"


def on_config(config, **kwargs):
    nav = list(config.nav or [])
    listed = {v for item in nav for v in (item.values() if isinstance(item, dict) else [item])}
    docs_dir = Path(config.docs_dir)
    extra = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.glob("*.md"))
    nav += [page for page in extra if page not in listed]
    nav.append({"Course": [{_title(p): f"notebooks/{p.name}"} for p in course_notebooks()]})
    nav.append({"API reference": [{m: f"api/{m}.md"} for m in engine_modules()]})
    config.nav = nav
    return config


@event_priority(100)  # before mkdocs-jupyter wraps the notebooks
def on_files(files, config, **kwargs):
    for path in course_notebooks():
        # A plain File rooted at the repository (not File.generated): mkdocs-jupyter's wrapper
        # reads abs_src_path through src_dir.
        files.append(File(f"notebooks/{path.name}", str(ROOT), config.site_dir, config.use_directory_urls))
    for module in engine_modules():
        files.append(File.generated(config, f"api/{module}.md", content=f"# `{module}`\n\n::: {module}\n"))
    return files
