"""Interactive dashboard of the puddles model (ipywidgets + bqplot, served with Voilà).

``from puddles.app import build_dashboard; build_dashboard()`` as the last expression of
a notebook shows it; ``python -m puddles.app.serve`` serves it and the course
with Voilà on 127.0.0.1. The widget-free logic lives in :mod:`puddles.app.model`,
:mod:`puddles.app.runner` and :mod:`puddles.app.presets`; the engine (``puddles``
outside this subpackage) never imports widgets.

The names below are imported lazily so that ``import puddles.app.serve`` (which only
starts a server) does not pay for importing ipywidgets and bqplot.
"""

from __future__ import annotations

__all__ = ["Dashboard", "build_dashboard", "require_app"]

#: Import names of the ``[app]`` extra's packages that the dashboard and its server need.
APP_MODULES = ("ipywidgets", "bqplot", "voila", "ipykernel")
INSTALL_HINT = 'pip install "superpuddles[app]"'


def require_app() -> None:
    """Raise ``ModuleNotFoundError`` naming the ``[app]`` extra if a dashboard dependency is missing."""
    from importlib.util import find_spec

    missing = [m for m in APP_MODULES if find_spec(m) is None]
    if missing:
        raise ModuleNotFoundError(
            f"the puddles dashboard needs the optional app dependencies ({', '.join(missing)} missing): "
            f"install them with  {INSTALL_HINT}",
            name=missing[0],
        )


def __getattr__(name: str):
    if name in ("Dashboard", "build_dashboard"):
        require_app()
        from . import dashboard

        return getattr(dashboard, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
