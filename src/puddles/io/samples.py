"""Small hand-made, anonymised instrument files, one per layout :func:`~puddles.io.load_rt` reads.

They are shipped so that users can see (and tests can check) what each layout looks
like; none is a real measurement.
"""

from __future__ import annotations

import pathlib
from importlib import resources

__all__ = ["sample_names", "sample_path"]


def _folder():
    return resources.files("puddles") / "data" / "samples"  # joinpath(a, b) needs Python 3.11


def sample_names() -> list[str]:
    """File names of the shipped instrument samples, sorted."""
    return sorted(entry.name for entry in _folder().iterdir() if not entry.name.startswith("."))


def sample_path(name: str) -> pathlib.Path:
    """Path of one sample file (installed packages are plain folders, so this is a real file)."""
    if name not in sample_names():
        raise ValueError(f"no sample file {name!r}; the samples are {', '.join(sample_names())}")
    return pathlib.Path(str(_folder().joinpath(name)))
