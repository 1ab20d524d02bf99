"""Telling the user's widget moves from the app's own: slider echoes and a quiet flag."""

from __future__ import annotations

__all__ = ["Quiet", "is_slider_echo"]


def is_slider_echo(change) -> bool:
    """True for a float round-off echo of a browser slider (it snaps ``0.1 + 48 * 0.05``), not a user move."""
    old, new = change.get("old"), change.get("new")
    if isinstance(old, float) and isinstance(new, float):
        return abs(new - old) <= 1e-9 * max(1.0, abs(old))
    return False


class Quiet:
    """A flag that is true while code (not the user) moves widgets.

    ``with quiet:`` sets it for the block (nesting allowed); observers return early when
    ``bool(quiet)`` so that moving several sliders at once triggers one update, not one each.
    """

    def __init__(self) -> None:
        self._depth = 0

    def __bool__(self) -> bool:
        return self._depth > 0

    def __enter__(self) -> Quiet:
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
