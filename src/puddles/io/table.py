"""Sniffing a text file into a table: instrument header blocks, separator, header lines.

:func:`parse_table` turns decoded text into a :class:`Table` (column names, units rows,
data rows with their line numbers, metadata). It understands

* plain CSV/TSV/semicolon/whitespace tables with optional header and units lines and
  ``#`` comments (``# key: value`` and ``# key = value`` kept as metadata);
* Quantum Design PPMS/MPMS/DynaCool ``.dat`` files and other MultiVu-style files: a
  ``[Header]`` block (``TITLE``, ``INFO``, ``BYAPP`` ... lines, ``;`` comments) up to a
  ``[Data]`` line, then a comma-separated table;
* LabVIEW measurement files (``.lvm``): header blocks closed by ``***End_of_Header***``.

Every step is linear in the input (no regular expression here can backtrack
quadratically), so a crafted line of a megabyte costs milliseconds, not hours.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from .source import DataError

__all__ = ["Table", "parse_table", "to_float"]

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_MISSING = frozenset({"", "nan", "-nan", "+nan", "na", "n/a", "null", "none", "-", "--"})
_DECIMAL_COMMA_RE = re.compile(r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?")
# Whitespace-separated headers like "T (K)  R (ohm)": keep a bracketed unit with its name.
# No bracket may open inside a bracket, so a failed match stops at the next bracket and
# a line of a million "(" costs linear time.
_WS_HEADER_RE = re.compile(r"[^\s()\[\]{}]+(?:\s*[(\[{][^()\[\]{}]*[)\]}])?|[(\[{][^()\[\]{}]*[)\]}]")
_WS_RUN_RE = re.compile(r"\t|\s{2,}")
_DELIMITERS = ("\t", ";", ",", None)  # None = runs of whitespace; order breaks ties
_QD_LAYOUT = "Quantum Design .dat"
_LVM_LAYOUT = "LabVIEW .lvm"


@dataclass
class Table:
    """A data file split into cells, before any column is chosen.

    Attributes
    ----------
    name : str
        Where it came from, for messages.
    header : list of str or None
        Column names (None without a header line).
    units_rows : list of list of str
        Further header lines (e.g. a units row).
    rows : list of (int, list of str)
        Data rows: 1-based line number in the file and the cells.
    n_columns : int
        The most common number of cells per row.
    decimal_comma : bool
        Whether ``1,5`` means 1.5 (never with a comma separator).
    metadata : dict of str to str
        From ``# key: value`` comments or an instrument's header block.
    notes : list of str
        Warnings for the user.
    layout : str
        "text table", "Quantum Design .dat" or "LabVIEW .lvm".
    """

    name: str
    header: list[str] | None
    units_rows: list[list[str]]
    rows: list[tuple[int, list[str]]]
    n_columns: int
    decimal_comma: bool
    metadata: dict[str, str]
    notes: list[str] = field(default_factory=list)
    layout: str = "text table"

    def label(self, j: int) -> str:
        """How column ``j`` is named in messages and pickers: "column 3 ('R (ohm)')"."""
        if self.header and j < len(self.header) and self.header[j].strip():
            return f"column {j + 1} ('{self.header[j].strip()}')"
        return f"column {j + 1}"

    @cached_property
    def numeric_columns(self) -> list[int]:
        """Columns in which most non-empty cells (of the first 500 rows) are numbers.

        Skips text columns (timestamps, comments) and empty ones (unused instrument
        channels).
        """
        good = [0] * self.n_columns
        bad = [0] * self.n_columns
        for _, cells in self.rows[:500]:
            for j, cell in enumerate(cells[: self.n_columns]):
                if cell.strip():
                    if to_float(cell, self.decimal_comma) is None:
                        bad[j] += 1
                    else:
                        good[j] += 1
        return [j for j in range(self.n_columns) if good[j] > bad[j]]


def _split(line: str, delimiter: str | None) -> list[str]:
    """Cells of one line, stripped of spaces (and of quotes when split at whitespace)."""
    if delimiter is None:
        return [c.strip("\"'") for c in line.split()]
    # csv handles quoted cells such as "R, 4-probe (ohm)"; one line at a time, so that an
    # unclosed quote cannot swallow the lines after it.
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]


def _split_rows(lines: list[str], delimiter: str | None) -> list[list[str]]:
    """Cells of many data lines; cells keep surrounding spaces (every reader strips them).

    ``str.split`` where no quote can hide a separator: 10x faster than ``csv`` per line.
    """
    if delimiter is None:
        return [line.split() if "\"" not in line and "'" not in line else _split(line, None) for line in lines]
    return [line.split(delimiter) if '"' not in line else _split(line, delimiter) for line in lines]


def to_float(cell: str, decimal_comma: bool) -> float | None:
    """Parse one cell: a float, NaN for a missing value, None if not a number."""
    try:
        return float(cell)  # the common case first; float() ignores surrounding spaces
    except ValueError:
        pass
    s = cell.strip().strip("\"'").strip()
    if s.lower() in _MISSING:
        return float("nan")
    try:
        return float(s)
    except ValueError:
        pass
    if decimal_comma and _DECIMAL_COMMA_RE.fullmatch(s):
        return float(s.replace(",", "."))
    return None


def _clean_key(key: str) -> str | None:
    # Keys must survive the trip through RTData.to_csv's "# key: value" lines.
    key = re.sub(r"[:=\r\n]+", " ", key).strip().lstrip("#").strip()
    return key or None


def _comment_meta(line: str) -> tuple[str, str] | None:
    """``# key: value`` or ``# key = value`` (the colon followed by a space or the end, so
    that "# measured 10:30" is not taken apart). Plain string search: linear time."""
    s = line.lstrip("#").strip()
    hits = [i for i in (s.find(":"), s.find("=")) if i >= 0]
    if not hits:
        return None
    j = min(hits)
    if s[j] == ":" and j + 1 < len(s) and not s[j + 1].isspace():
        return None
    key = s[:j].strip()
    if not key or key[0] == "#":
        return None
    return key, s[j + 1 :].strip()


def _preamble(lines: list[tuple[int, str]]) -> tuple[int, dict[str, str], str]:
    """Skip an instrument's header block: (index of the first table line, metadata, layout)."""
    first = lines[0][1]
    if first.lower() == "[header]":
        end = next((i for i, (_, s) in enumerate(lines) if s.lower() == "[data]"), None)
        if end is None:
            raise DataError("the file starts with [Header] (Quantum Design / MultiVu) but has no [Data] line")
        meta: dict[str, str] = {}
        for _, s in lines[1:end]:
            if s.startswith(";"):
                continue
            cells = [c.strip() for c in next(csv.reader([s]))]
            if len(cells) >= 3 and cells[0].upper() == "INFO" and cells[-1]:
                key, value = _clean_key(cells[-1]), ", ".join(cells[1:-1])  # INFO,value,NAME
            else:
                key, value = _clean_key(cells[0]), ", ".join(c for c in cells[1:] if c)
            if key and key not in meta:
                meta[key] = value
        return end + 1, meta, _QD_LAYOUT
    if first.startswith("LabVIEW Measurement"):
        ends = [i for i, (_, s) in enumerate(lines) if s.startswith("***End_of_Header***")]
        if not ends:
            raise DataError("the file starts like a LabVIEW .lvm file but has no ***End_of_Header*** line")
        meta = {}
        for _, s in lines[1 : ends[0]]:
            key, _, value = s.partition("\t")
            key = _clean_key(key)
            if key and key not in meta:
                meta[key] = value.strip()
        return ends[-1] + 1, meta, _LVM_LAYOUT
    return 0, {}, "text table"


def _choose_delimiter(lines: list[str]) -> str | None:
    """Pick the separator under which most lines split into >= 2 numeric cells.

    Ranking: lines made only of numbers, then lines with the most common cell count,
    then the order of ``_DELIMITERS`` (so "1.5, 2" is comma- not space-separated and
    "1,5;2" semicolon-separated with a decimal comma).
    """
    sample = lines[:200]
    best_key, best = None, None
    for pref, delim in enumerate(_DELIMITERS):
        cells_of = [_split(line, delim) for line in sample]
        counts = Counter(len(cells) for cells in cells_of)
        mode = max(counts, key=lambda k: (counts[k], k))
        if mode < 2:
            continue
        dc = delim != ","
        numeric = sum(
            1
            for cells in cells_of
            if len(cells) >= 2 and all(to_float(c, dc) is not None for c in cells if c.strip())
        )
        key = (numeric, counts[mode], -pref)
        if best_key is None or key > best_key:
            best_key, best = key, delim
    if best_key is None:
        raise DataError(
            "found only one column; need at least two (temperature and resistance) "
            "separated by commas, tabs, semicolons or spaces"
        )
    return best


def _split_header(line: str, delimiter: str | None, n_columns: int) -> list[str] | None:
    """Split a header line into names; None if it cannot be matched to the columns."""
    if delimiter is not None:
        return _split(line, delimiter)
    names = [n.strip("\"'") for n in _WS_HEADER_RE.findall(line)]
    if len(names) != n_columns:
        alt = [n.strip("\"'") for n in _WS_RUN_RE.split(line.strip()) if n]
        if len(alt) == n_columns:
            names = alt
    return names if len(names) == n_columns else None


def parse_table(text: str, name: str, has_role) -> Table:
    """Split decoded text into a :class:`Table`.

    ``has_role(header_name) -> bool`` says whether a name clearly names a temperature or
    resistance column; it decides whether a comment right above the data (as written by
    ``np.savetxt(header=...)``) is taken as the header.
    """
    # Old DOS tools end text files with Ctrl-Z (\x1a); it is not data.
    lines = [(n, s.strip()) for n, s in enumerate(_LINE_SPLIT.split(text.rstrip("\x1a")), start=1)]
    lines = [(n, s) for n, s in lines if s]
    if not lines:
        raise DataError("the file is empty")
    start, metadata, layout = _preamble(lines)
    comments: list[tuple[int, str]] = []
    content: list[tuple[int, str]] = []
    for lineno, line in lines[start:]:
        if line.startswith("#"):
            comments.append((lineno, line))
            kv = _comment_meta(line)
            if kv:
                key = _clean_key(kv[0])
                if key:
                    metadata[key] = kv[1]
        else:
            content.append((lineno, line))
    if not content:
        raise DataError("the file contains only comments, no data")

    delimiter = _choose_delimiter([line for _, line in content])
    decimal_comma = delimiter != ","

    # Leading lines without a single number are header lines: the first holds the
    # names, any further ones (e.g. a units row) are kept for unit detection.
    header_rows: list[tuple[int, str]] = []
    for lineno, line in content:
        nonempty = [c for c in _split(line, delimiter) if c.strip()]
        if not (nonempty and all(to_float(c, decimal_comma) is None for c in nonempty)):
            break
        header_rows.append((lineno, line))
    body = content[len(header_rows) :]
    rows = list(zip((lineno for lineno, _ in body), _split_rows([line for _, line in body], delimiter)))
    if not rows:
        raise DataError("the file has a header but no data rows")
    counts = Counter(len(cells) for _, cells in rows)
    n_columns = max(counts, key=lambda k: (counts[k], k))
    if n_columns < 2:
        raise DataError("found only one column; need at least two (temperature and resistance)")

    header: list[str] | None = None
    units_rows: list[list[str]] = []
    notes: list[str] = []
    if header_rows:
        # The names are on the first line with two or more cells (a title line may come
        # first); lines after it can hold units ("K", "Ohm").
        names_of = [_split_header(line, delimiter, n_columns) for _, line in header_rows]
        at = next((i for i, names in enumerate(names_of) if names and sum(1 for n in names if n.strip()) >= 2), None)
        if at is not None:
            header = names_of[at]
            units_rows = [names for names in names_of[at + 1 :] if names]
        else:
            unmatched = [
                lineno for (lineno, line), names in zip(header_rows, names_of) if names is None and len(line.split()) >= 2
            ]
            if unmatched:
                # Otherwise units written there ("T mK R kOhm") would be ignored silently.
                notes.append(
                    f"could not match the header on line {unmatched[0]} to the {n_columns} data columns; "
                    "ignoring it (columns taken by position, units K and ohm unless t_unit/r_unit are given)"
                )
    else:
        # np.savetxt and many lab scripts put the column names in a comment right above
        # the data ("# T(K) R(ohm)"); use it if it clearly names a T or R column.
        before = [c for c in comments if c[0] < rows[0][0]]
        if before and not _comment_meta(before[-1][1]):
            candidate = _split_header(before[-1][1].lstrip("#").strip(), delimiter, n_columns)
            if candidate and len(candidate) == n_columns and any(has_role(n) for n in candidate):
                header = candidate
    return Table(name, header, units_rows, rows, n_columns, decimal_comma, metadata, notes, layout)
