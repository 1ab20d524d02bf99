"""Interactive dashboard of the puddles model (ipywidgets + bqplot, served with Voilà).

``from puddles.app import build_dashboard; build_dashboard()`` as the last expression of
a notebook shows it; ``python -m puddles.app.serve`` serves ``notebooks/dashboard.ipynb``
with Voilà on 127.0.0.1. The widget-free logic lives in :mod:`puddles.app.model`,
:mod:`puddles.app.runner` and :mod:`puddles.app.presets`; the engine (``puddles``
outside this subpackage) never imports widgets.

The names below are imported lazily so that ``import puddles.app.serve`` (which only
starts a server) does not pay for importing ipywidgets and bqplot.
"""

from __future__ import annotations

__all__ = ["Dashboard", "build_dashboard"]


def __getattr__(name: str):
    if name in __all__:
        from . import dashboard

        return getattr(dashboard, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
