"""Which column is the temperature and which the resistance, and in what units.

Names decide only when they are unambiguous: one column named like a temperature
(``T``, ``Temperature (K)``, ``Sample Temp``) and one like the sample's resistance
(``R``, ``Resistance Ch1 (Ohms)``, ``Bridge 1 Resistance (Ohms)``, ``R/R_N``). Columns
that merely carry a resistance unit but say they are something else (a thermometer's
``Sensor`` resistance, a ``Std. Dev.``, an excitation) are never candidates; empty
columns (unused instrument channels) neither. When two columns could play one role, or
a file without names has more than two numeric columns, the reader refuses with a
message listing the candidates, and ``columns=(t, r)`` (names or indices) settles it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .source import DataError
from .table import Table
from .units import unit_kind

__all__ = ["choose_columns", "has_role", "t_factor", "r_factor"]


class ArgumentError(ValueError):
    """A problem with the caller's ``columns`` argument (not the file)."""


_NORM_NAME_RE = re.compile(
    r"(?:r/r_?\{?n\}?|r_?over_?r_?n|r_?norm(?:ali[sz]ed)?|norm(?:ali[sz]ed)?(?:_?r(?:es(?:istance)?)?)?"
    r"|normali[sz]ed_?r(?:es(?:istance)?)?)\.?"
)
_T_NAME_RE = re.compile(
    r"^(?:t|temp\.?|temperature|t_?(?:sample|probe|mxc|mc|mix|s)|sample_?(?:t|temp|temperature))$"
    r"|(?:^|_)temp(?:erature)?(?:_|$)"
)
_R_NAME_RE = re.compile(
    r"^(?:r|res\.?|resistance|resistivity|rho|rho_?xx|r_?xx|r_?sq|r_?s|r_?sheet|r_?4pt?|r_?2pt?"
    r"|r_?sample|sample_?r(?:es(?:istance)?)?|r_?data|r_?meas(?:ured)?)(?:_?\d+)?$"
    r"|(?:^|_)(?:sheet_)?resistance(?:_|$)"
)
# Words that make a column something other than the sample's T or R, whatever its unit.
_NOT_SAMPLE_WORDS = frozenset(
    "sensor thermometer cernox ruox std stdev stddev dev deviation err error sigma uncertainty noise "
    "excitation phase current voltage power heater setpoint set target status rate stability sweep "
    "time timestamp elapsed date field position pressure frequency index".split()
)
# No bracket opens inside a bracket: a line of "(((" is matched in linear time.
_BRACKET_RE = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
# Separators between a name and a trailing unit ("T in mK", "T/K", "R, kOhm", "R_kohm", "T K").
# The look-behind starts a whitespace run only at its first character (linear time).
_UNIT_SEPARATORS = (r"(?<!\s)\s+in\s+", "/", r",\s*", "_", r"\s+")


@dataclass(frozen=True)
class _Name:
    base: str  # lower case, spaces as underscores, unit removed
    unit: str | None  # unit text found in the name, as written
    normalized: bool  # the name itself says R/R_N


def _compact(s: str) -> str:
    return re.sub(r"\s+", "_", s.strip().lower()).strip("_:.,")


def _is_norm(compact: str) -> bool:
    return bool(_NORM_NAME_RE.fullmatch(compact.replace("_/_", "/")))


def _parse_name(raw: str) -> _Name:
    """Split a header name into a base name and a unit ("T [mK]", "R_kohm", "T/K", ...)."""
    s = raw.strip().strip("\"'").strip()
    if _is_norm(_compact(s)):
        return _Name(_compact(s), None, True)
    base, unit = s, None
    m = _BRACKET_RE.search(s)
    if m:
        unit = m.group(1).strip()
        base = (s[: m.start()] + s[m.end() :]).strip()
    else:
        for pattern in _UNIT_SEPARATORS:
            parts = re.split(pattern, s)
            # Only recognised T/R units split a name: "R_s" is a name, not R in seconds.
            kind = unit_kind(parts[-1]) if len(parts) >= 2 else None
            if kind is not None and kind[0] in ("T", "R", "R?", "norm"):
                head = s[: len(s) - len(parts[-1])]
                base, unit = re.sub(f"(?:{pattern})$", "", head).strip(), parts[-1].strip()
                break
    cbase = _compact(base)
    return _Name(cbase, unit, _is_norm(cbase))


def _role(raw: str) -> str | None:
    """"T", "R", "X" (named as something else) or None (unknown), judged from the name."""
    name = _parse_name(raw)
    unit = unit_kind(name.unit) if name.unit else None
    kind = unit[0] if unit else None
    if name.normalized:
        return "R"
    if not _NOT_SAMPLE_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", name.base)):
        return "X"
    if _T_NAME_RE.search(name.base):
        # A bare "t" with a time (or any non-temperature) unit is a time axis.
        return "X" if name.base == "t" and kind is not None and kind != "T" else "T"
    if _R_NAME_RE.search(name.base):
        return "R"
    if kind == "T":
        return "T"
    if kind in ("R", "norm"):
        return "R"
    return "X" if kind == "other" else None


def has_role(raw: str) -> bool:
    """Whether a header name clearly names a temperature or resistance column."""
    return _role(raw) in ("T", "R")


# --------------------------------------------------------------------------------------
# Choosing
# --------------------------------------------------------------------------------------


def _column_index(table: Table, spec, what: str) -> int:
    if isinstance(spec, (bool, np.bool_)):
        raise ArgumentError(f"columns: {what} column must be an index or a name, got {spec!r}")
    if isinstance(spec, (int, np.integer)):
        j = int(spec)
        if not 0 <= j < table.n_columns:
            raise DataError(
                f"columns: {what} column index {j} is out of range; the file has "
                f"{table.n_columns} columns (indices 0 to {table.n_columns - 1})"
            )
        return j
    if isinstance(spec, str):
        if not table.header:
            raise DataError(
                f"columns: the file has no header line, so the {what} column cannot be chosen by name {spec!r}"
            )
        want = spec.strip().lower()
        exact = [j for j, n in enumerate(table.header) if n.strip().strip("\"'").lower() == want]
        if not exact:
            # "T" also finds "T (K)", but only if exactly one column has that base name.
            exact = [j for j, n in enumerate(table.header) if _parse_name(n).base == _compact(spec)]
        if len(exact) == 1 and exact[0] < table.n_columns:
            return exact[0]
        names = ", ".join(repr(n) for n in table.header)
        if not exact:
            raise DataError(f"columns: no column named {spec!r}; the columns are {names}")
        raise DataError(f"columns: several columns match {spec!r} ({names}); use an index")
    raise ArgumentError(f"columns: {what} column must be an index or a name, got {type(spec).__name__}")


def _describe(table: Table, cols: list[int]) -> str:
    if table.header:
        return ", ".join(table.label(j) for j in cols)
    # Without names, the first values are what tells the columns apart.
    out = []
    for j in cols:
        first = [cells[j] for _, cells in table.rows[:3] if j < len(cells)]
        out.append(f"{table.label(j)} (first values {', '.join(first)})")
    return ", ".join(out)


def _refuse(table: Table, what: str, cols: list[int], reason: str, pair: tuple[int, int]) -> DataError:
    """The message for an ambiguous choice; ``pair`` (T, R) makes the example concrete."""
    if table.header:
        example = f"columns=({table.header[pair[0]].strip()!r}, {table.header[pair[1]].strip()!r})"
    else:
        example = f"columns=({pair[0]}, {pair[1]})"
    return DataError(
        f"{reason}; the candidates for the {what} are {_describe(table, cols)}. Choose with "
        f"columns=(temperature, resistance), names or 0-based indices, e.g. {example}"
    )


def choose_columns(table: Table, columns=None) -> tuple[int, int]:
    """Indices of the temperature and resistance columns.

    Raises
    ------
    ValueError
        (a ``DataError``) naming the candidate columns when the choice is ambiguous.
    """
    if columns is not None:
        if isinstance(columns, (str, bytes)) or not isinstance(columns, Sequence) or len(columns) != 2:
            raise ArgumentError("columns must be a pair (temperature, resistance) of indices or names")
        t_col = _column_index(table, columns[0], "temperature")
        r_col = _column_index(table, columns[1], "resistance")
        if t_col == r_col:
            raise DataError("columns: temperature and resistance must be different columns")
        return t_col, r_col
    numeric = table.numeric_columns
    roles = {j: (_role(table.header[j]) if table.header and j < len(table.header) else None) for j in numeric}
    found: dict[str, int | None] = {}
    for role, what in (("T", "temperature"), ("R", "resistance")):
        cands = [j for j in numeric if roles[j] == role]
        if len(cands) > 1:
            other = next((j for j in numeric if j not in cands), cands[1])
            pair = (cands[0], other) if role == "T" else (other, cands[0])
            raise _refuse(table, what, cands, f"more than one column could be the {what}", pair)
        found[role] = cands[0] if cands else None
    unnamed = [j for j in numeric if roles[j] is None]
    tj, rj = found["T"], found["R"]
    if tj is None and rj is None:
        if len(numeric) < 2:
            raise DataError("found only one column of numbers; need temperature and resistance")
        if len(unnamed) == 2:
            return unnamed[0], unnamed[1]  # two unnamed columns: temperature first
        cands = unnamed if len(unnamed) >= 2 else numeric
        reason = (
            f"{len(cands)} columns of numbers and no header naming them"
            if not table.header
            else "no column is named as temperature or resistance"
        )
        raise _refuse(table, "temperature and resistance", cands, reason, (cands[0], cands[1]))
    for role, what in (("T", "temperature"), ("R", "resistance")):
        if found[role] is not None:
            continue
        if len(unnamed) == 1:
            found[role] = unnamed[0]
            continue
        cands = unnamed or [j for j in numeric if j not in (tj, rj)]
        if not cands:
            raise DataError(f"found no {what} column; the numeric columns are {_describe(table, numeric)}")
        known = tj if role == "R" else rj
        assert known is not None  # both missing was refused above
        pair = (known, cands[0]) if role == "R" else (cands[0], known)
        raise _refuse(table, what, cands, f"no column is named as the {what}", pair)
    t_found, r_found = found["T"], found["R"]
    assert t_found is not None and r_found is not None  # each was found or the loop above raised
    return t_found, r_found


# --------------------------------------------------------------------------------------
# Units of the chosen columns
# --------------------------------------------------------------------------------------


def _unit_of(table: Table, j: int) -> tuple[_Name | None, str | None]:
    """The column's parsed name and its unit, from the name or from a units row."""
    name = _parse_name(table.header[j]) if table.header and j < len(table.header) else None
    if name is not None and name.unit:
        return name, name.unit
    for row in table.units_rows:
        if j < len(row):
            cell = row[j].strip()
            m = _BRACKET_RE.fullmatch(cell)
            cell = m.group(1).strip() if m else cell
            # Such rows also hold free text (comments, sample names): use recognised units only.
            kind = unit_kind(cell) if cell else None
            if kind is not None and kind[0] in ("T", "R", "norm"):
                return name, cell
    return name, None


def t_factor(table: Table, j: int, t_arg: float | None) -> float:
    """Factor to kelvin of column ``j`` (the ``t_unit`` argument wins over the file)."""
    if t_arg is not None:
        return t_arg
    _, unit = _unit_of(table, j)
    if unit is None:
        return 1.0
    kind = unit_kind(unit)
    if kind is not None and kind[0] == "T":
        return kind[1]
    raise DataError(
        f"{table.label(j)} is used as temperature but its unit '{unit}' is not "
        "K or mK; convert it, or pass t_unit='K' or 'mK' to say what the numbers are"
    )


def r_factor(table: Table, j: int, r_arg: tuple[float, str] | None) -> tuple[float, str]:
    """``(factor to ohm, "ohm" | "normalized")`` of column ``j``."""
    if r_arg is not None:
        return r_arg
    name, unit = _unit_of(table, j)
    if name is not None and name.normalized:
        return 1.0, "normalized"
    if unit is None:
        return 1.0, "ohm"
    kind = unit_kind(unit)
    if kind is not None and kind[0] == "R":
        return kind[1], "ohm"
    if kind is not None and kind[0] == "norm":
        return 1.0, "normalized"
    hint = " ('mohm' is ambiguous: write 'mOhm' for milliohm or 'MOhm' for megaohm)" if kind and kind[0] == "R?" else ""
    raise DataError(
        f"{table.label(j)} is used as resistance but its unit '{unit}' is not "
        f"ohm (with a prefix from micro to giga, per square or not) or normalised{hint}; "
        "pass r_unit=... to say what the numbers are"
    )

