"""Units of temperature and resistance as written in file headers and in arguments.

A closed, hand-written table: kelvin and millikelvin; ohm with the prefixes micro to
giga (``mOhm`` is milli, ``MOhm`` mega: SI prefixes are case-sensitive, so an all-lower
``mohm`` is refused as ambiguous rather than read 10^9 times wrong); sheet resistance
(``Ohm/sq``) as ohm; ``R/R_N`` as dimensionless.

pint was measured as the alternative (``benchmarks/bench_io.py``): of 19 unit strings
from real headers it does not know ``Ohm``, ``Ohms``, ``kOhm``, ``mOhm``, ``MOhm``,
``Ohm/sq`` or ``R/R_N`` (it wants ``ohm``, ``kiloohm``), reads ``mohm`` as milliohm
without a word, takes 0.9 s to import and 17x longer per string. So pint is not a
dependency; pint Quantities that users pass are converted with their own ``.to()``
(:func:`puddles.validation.check_quantity`).
"""

from __future__ import annotations

import re

__all__ = ["T_UNITS", "R_UNITS", "unit_kind", "t_unit_factor", "r_unit_factor"]

#: Temperature units understood in headers and by ``t_unit=``, with the factor to kelvin.
T_UNITS = {"k": 1.0, "kelvin": 1.0, "mk": 1e-3, "millikelvin": 1e-3}
#: Resistance units offered to the user (any SI prefix from micro to giga also works).
R_UNITS = ("ohm", "mOhm", "kohm", "Mohm", "Ohm/sq", "normalized")

_OHM_PREFIX = {"": 1.0, "u": 1e-6, "\u00b5": 1e-6, "\u03bc": 1e-6, "m": 1e-3, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
_OHM_RE = re.compile(r"(u|\u00b5|\u03bc|m|k|K|M|G|)((?i:ohm))")
_OHM_WORDS = {"kiloohm": 1e3, "kilohm": 1e3, "megaohm": 1e6, "megohm": 1e6, "milliohm": 1e-3}
_SHEET_RE = re.compile(r"(?i)(/sq\.?|/\u25a1|/square|persquare|persq|_sq)$")
_NORM = {"norm", "normalized", "normalised", "r/rn", "r/r_n", "rn", "r_n", "r_{n}", "r/r_{n}"}
_OTHER = {
    "s", "sec", "min", "h", "ms", "v", "mv", "uv", "a", "ma", "na", "ua", "hz", "t", "mt", "oe", "deg", "°",
    "code", "torr", "db", "emu", "ohm-m", "ohm-cm", "ohm m", "ohm cm", "ohm*m", "ohm*cm",
}  # fmt: skip


def unit_kind(unit: str) -> tuple[str, float] | None:
    """Classify a unit as written in a file or argument.

    Returns
    -------
    tuple or None
        ``("T", factor to K)``, ``("R", factor to ohm)``, ``("norm", 1.0)``,
        ``("R?", nan)`` for an ambiguous resistance unit (``mohm``), ``("other", nan)``
        for units known not to be a temperature or a resistance (s, V, Oe, ohm-m ...),
        or None if unknown.
    """
    u = unit.strip().strip(".")
    low = u.lower()
    if low in T_UNITS:
        return ("T", T_UNITS[low])
    if low in _NORM:
        return ("norm", 1.0)
    # The sign is a symbol, so "m\u03a9" is milli and "M\u03a9" mega, whatever the case around it.
    r = re.sub(r"\s+", "", u.replace("\u03a9", "Ohm").replace("\u2126", "Ohm"))
    r = _SHEET_RE.sub("", r)
    if r.lower().endswith("ohms"):
        r = r[:-1]
    if r.lower() in _OHM_WORDS:
        return ("R", _OHM_WORDS[r.lower()])
    m = _OHM_RE.fullmatch(r)
    if m:
        prefix, body = m.group(1), m.group(2)
        if (prefix, body) in (("m", "ohm"), ("M", "OHM")):
            # "mohm" / "MOHM": people who write every letter in one case mean either.
            return ("R?", float("nan"))
        return ("R", _OHM_PREFIX[prefix])
    if low in _OTHER or low.replace(" ", "") in _OTHER:
        return ("other", float("nan"))
    return None


def t_unit_factor(t_unit) -> float | None:
    """Factor to kelvin for a ``t_unit=`` argument (None: not given)."""
    if t_unit is None:
        return None
    kind = unit_kind(t_unit) if isinstance(t_unit, str) else None
    if kind is None or kind[0] != "T":
        raise ValueError(f"t_unit: unknown temperature unit {t_unit!r}; use 'K' or 'mK'")
    return kind[1]


def r_unit_factor(r_unit) -> tuple[float, str] | None:
    """``(factor, "ohm" | "normalized")`` for an ``r_unit=`` argument (None: not given)."""
    if r_unit is None:
        return None
    kind = unit_kind(r_unit) if isinstance(r_unit, str) else None
    if kind is not None and kind[0] == "R":
        return kind[1], "ohm"
    if kind is not None and kind[0] == "norm":
        return 1.0, "normalized"
    hint = " ('mohm' is ambiguous: write 'mOhm' for milliohm or 'MOhm' for megaohm)" if kind and kind[0] == "R?" else ""
    raise ValueError(f"r_unit: unknown resistance unit {r_unit!r}{hint}; use one of {', '.join(map(repr, R_UNITS))}")
