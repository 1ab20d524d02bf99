"""Reading researchers' R(T) measurements and writing fit results.

Input
-----
:func:`load_rt` reads a resistance-versus-temperature curve from the text files that
cryostat software, lab scripts and spreadsheets produce, and returns an :class:`RTData`
with temperature in kelvin and resistance in ohm (or dimensionless, if the file holds
``R/R_N``). It accepts

* comma-, tab-, semicolon- or whitespace-separated columns, with or without a header
  line (a second header line holding only units, as Origin writes, is understood too);
* ``#`` comment lines anywhere; ``# key: value`` and ``# key = value`` comments are kept
  as string metadata;
* UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and latin-1
  as the fall-back for anything that is not valid UTF-8;
* a decimal comma (``1,5``) when the column separator is not a comma;
* ``\\n``, ``\\r\\n`` and ``\\r`` line endings.

Every problem with the file is reported as a :class:`ValueError` whose message names the
file, the line (1-based, counted in the file as a text editor shows it) and the column, so
that an application can show it to the user as is. Rows with missing values are dropped
with a :class:`UserWarning` instead, because gaps are normal in logged data.

Output
------
:meth:`RTData.to_csv` writes a file that :func:`load_rt` reads back exactly.
:func:`export_fit_csv`, :func:`export_fit_json`, :func:`fit_to_csv_str` and
:func:`fit_to_json_str` write the result of a fit (parameters with standard errors, data,
model and residual) in a form that needs nothing but a CSV or JSON reader.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "MIN_POINTS",
    "RTData",
    "load_rt",
    "export_fit_csv",
    "export_fit_json",
    "fit_to_csv_str",
    "fit_to_json_str",
]

#: Fewest distinct temperatures :func:`load_rt` accepts; below this no model with a
#: handful of parameters can be fitted meaningfully.
MIN_POINTS = 5

# Canonical unit names of the public API and the factor that converts to K / ohm.
_T_UNIT_ARGS = {"k": ("K", 1.0), "kelvin": ("K", 1.0), "mk": ("mK", 1e-3), "millikelvin": ("mK", 1e-3)}
_R_UNITS = ("ohm", "kohm", "Mohm", "normalized")


class _DataError(ValueError):
    """A problem with the user's file; re-raised by :func:`load_rt` with the file name."""


class _ArgumentError(ValueError):
    """A problem with the caller's arguments (not the file); passed on unchanged."""


# --------------------------------------------------------------------------------------
# The container
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class RTData:
    """One measured R(T) curve, in SI-like units.

    Parameters
    ----------
    T : array_like of float
        Temperatures in kelvin.
    R : array_like of float
        Resistances in ohm, or ``R / R_N`` (dimensionless) if ``r_unit`` is
        ``"normalized"``. Same length as ``T``.
    r_unit : {"ohm", "normalized"}
        What ``R`` holds.
    metadata : dict of str to str
        Free-form information, e.g. parsed from ``# key: value`` comments. Keys and
        values are converted to ``str`` so that the object round-trips through
        :meth:`to_csv`.
    source_name : str
        Where the data came from (file name, ``"<bytes>"``, ...), for messages.
    n_merged : int
        How many rows were folded into others because they repeated a temperature.
    n_dropped : int
        How many rows were dropped because of missing values.

    Notes
    -----
    ``T`` and ``R`` are stored as read-only float64 copies, so a frozen ``RTData`` really
    cannot change under a fit that holds it. :func:`load_rt` returns ``T`` sorted and
    without repeats; constructing ``RTData`` directly does not enforce that.
    Two ``RTData`` compare equal when all fields are equal (arrays element-wise, NaN
    equal to NaN).
    """

    T: np.ndarray
    R: np.ndarray
    r_unit: str = "ohm"
    metadata: dict = field(default_factory=dict)
    source_name: str = ""
    n_merged: int = 0
    n_dropped: int = 0

    def __post_init__(self) -> None:
        T = np.array(self.T, dtype=float, copy=True)
        R = np.array(self.R, dtype=float, copy=True)
        if T.ndim != 1 or R.ndim != 1:
            raise ValueError(f"T and R must be one-dimensional, got shapes {T.shape} and {R.shape}")
        if T.shape != R.shape:
            raise ValueError(f"T and R must have the same length, got {T.size} and {R.size}")
        if self.r_unit not in ("ohm", "normalized"):
            raise ValueError(f"r_unit must be 'ohm' or 'normalized', got {self.r_unit!r}")
        for name in ("n_merged", "n_dropped"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
            object.__setattr__(self, name, int(value))
        T.setflags(write=False)
        R.setflags(write=False)
        # object.__setattr__ is the documented way to normalise fields of a frozen dataclass.
        object.__setattr__(self, "T", T)
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "metadata", {str(k): str(v) for k, v in dict(self.metadata).items()})
        object.__setattr__(self, "source_name", str(self.source_name))

    def __len__(self) -> int:
        return int(self.T.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RTData):
            return NotImplemented
        return (
            np.array_equal(self.T, other.T, equal_nan=True)
            and np.array_equal(self.R, other.R, equal_nan=True)
            and self.r_unit == other.r_unit
            and self.metadata == other.metadata
            and self.source_name == other.source_name
            and self.n_merged == other.n_merged
            and self.n_dropped == other.n_dropped
        )

    # Defining __eq__ makes the class unhashable, which is right: it holds a dict.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # The default repr would print every point; a summary is what a REPL user wants.
        if len(self):
            span = f"T={self.T.min():.6g}..{self.T.max():.6g} K"
        else:
            span = "empty"
        return (
            f"RTData(n={len(self)}, {span}, r_unit={self.r_unit!r}, "
            f"source_name={self.source_name!r}, n_merged={self.n_merged}, "
            f"n_dropped={self.n_dropped}, metadata={len(self.metadata)} entries)"
        )

    def normalized(self, r_n: float) -> np.ndarray:
        """Return ``R / r_n``.

        Parameters
        ----------
        r_n : float
            Normal-state resistance, in the same unit as ``R`` (ohm, or dimensionless
            if the data are already normalised, for a re-normalisation). Must be finite
            and positive.

        Returns
        -------
        ndarray of float
            A new (writable) array; ``self`` is unchanged.
        """
        r_n = float(r_n)
        if not math.isfinite(r_n) or r_n <= 0:
            raise ValueError(f"r_n must be a finite positive number, got {r_n!r}")
        return self.R / r_n

    def to_csv(self, path_or_buffer) -> None:
        """Write the data as CSV that :func:`load_rt` reads back exactly.

        The file starts with one ``# key: value`` line per metadata entry, then the
        header ``T_K,R_ohm`` (or ``T_K,R_over_RN`` for normalised data), then one row per
        point with every float written in ``repr`` precision (shortest exact form).

        Parameters
        ----------
        path_or_buffer : str, os.PathLike or file-like
            A path (written as UTF-8) or an object with ``write`` accepting ``str``
            or, for binary streams, ``bytes``.

        Raises
        ------
        ValueError
            If a metadata key could not be read back as one (empty, with surrounding
            spaces, starting with ``#``, or containing ``:``, ``=`` or a line break).

        Notes
        -----
        Line breaks inside metadata values are replaced by spaces and surrounding
        whitespace is removed, since a comment line cannot hold them; every other
        value round-trips unchanged. ``source_name``, ``n_merged`` and ``n_dropped``
        describe how the object was made and are not written.
        """
        r_col = "R_over_RN" if self.r_unit == "normalized" else "R_ohm"
        parts = [_comment_lines(self.metadata), f"T_K,{r_col}\n"]
        parts.extend(f"{t!r},{r!r}\n" for t, r in zip(self.T.tolist(), self.R.tolist()))
        _write_text(path_or_buffer, "".join(parts))


# --------------------------------------------------------------------------------------
# Reading the source
# --------------------------------------------------------------------------------------


def _read_source(source) -> tuple[str, bytes | str]:
    """Return ``(source_name, raw content)`` for any accepted kind of source."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>", memoryview(source).tobytes()
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        # A str is a path; one with line breaks is almost surely file content passed by
        # mistake, and "file not found" would be a confusing answer.
        raise ValueError(
            "load_rt() got a string with line breaks; pass a file path, the content as "
            "bytes, or wrap text in io.StringIO"
        )
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        name = os.path.basename(os.fsdecode(path)) or os.fsdecode(path)
        try:
            with open(path, "rb") as fh:
                return name, fh.read()
        except FileNotFoundError:
            raise ValueError(f"{name}: file not found ({os.fsdecode(path)})") from None
        except IsADirectoryError:
            raise ValueError(f"{name}: is a folder, not a file") from None
        except OSError as exc:
            raise ValueError(f"{name}: could not be read ({exc.strerror or exc})") from None
    read = getattr(source, "read", None)
    if callable(read):
        raw_name = getattr(source, "name", None)
        name = os.path.basename(raw_name) if isinstance(raw_name, str) and raw_name else "<stream>"
        try:
            content = read()
        except UnicodeDecodeError:
            raise ValueError(f"{name}: not a text file (could not be decoded)") from None
        except OSError as exc:
            raise ValueError(f"{name}: could not be read ({exc})") from None
        if isinstance(content, (bytes, bytearray, memoryview)):
            return name, memoryview(content).tobytes()
        if isinstance(content, str):
            return name, content
        raise TypeError(f"{type(source).__name__}.read() returned {type(content).__name__}, expected str or bytes")
    raise TypeError(
        "source must be a path, bytes/bytearray/memoryview, or a file-like object with "
        f".read(); got {type(source).__name__}"
    )


# Control characters that never occur in text files (tab, line feeds, form feed and the
# DOS end-of-file mark excepted). More than a few percent of them means binary data.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def _decode(content: bytes | str) -> str:
    """Decode to text, rejecting binary files with a clear message."""
    if isinstance(content, bytes):
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            # Excel's "Unicode text" export; its NUL bytes are not a sign of binary data.
            try:
                text = content.decode("utf-16")
            except UnicodeDecodeError:
                raise _DataError("not a text file (broken UTF-16)") from None
        elif b"\x00" in content:
            raise _DataError(_binary_message(content))
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                # latin-1 maps every byte, so old Windows/instrument files still load.
                text = content.decode("latin-1")
    else:
        text = content.removeprefix("\ufeff")
    sample = text[:8192]
    if "\x00" in text or (sample and len(_CONTROL_RE.findall(sample)) > 0.05 * len(sample)):
        raise _DataError(_binary_message(content if isinstance(content, bytes) else b""))
    return text


def _binary_message(content: bytes) -> str:
    if content.startswith(b"PK\x03\x04"):
        return "this looks like a binary file (an Excel workbook or a zip archive); save it as CSV or text"
    return "this looks like a binary file, not text; export the data as CSV or text"


# --------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
# `# key: value` (the colon must be followed by a space or the line end, so that a
# comment like "# measured 10:30" is not taken apart) or `# key = value`.
_META_RE = re.compile(r"^#+\s*([^:=\s#][^:=]*?)\s*(?::(?=\s|$)|=)\s*(.*?)\s*$")
_MISSING = frozenset({"", "nan", "-nan", "+nan", "na", "n/a", "null", "none", "-", "--"})
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$")
# Whitespace-separated headers like "T (K)  R (ohm)": keep a bracketed unit with its name.
_WS_HEADER_RE = re.compile(r"[^\s(\[{]+(?:\s*[(\[{][^)\]}]*[)\]}])?|[(\[{][^)\]}]*[)\]}]")
_DELIMITERS = ("\t", ";", ",", None)  # None = runs of whitespace; order breaks ties


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [c.strip("\"'") for c in line.split()]
    # csv handles quoted cells such as "R, 4-probe (ohm)".
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]


def _to_float(cell: str, decimal_comma: bool) -> float | None:
    """Parse one cell: a float, NaN for a missing value, None if not a number."""
    s = cell.strip().strip("\"'").strip()
    if s.lower() in _MISSING:
        return math.nan
    try:
        return float(s)
    except ValueError:
        pass
    if decimal_comma and _DECIMAL_COMMA_RE.match(s):
        return float(s.replace(",", "."))
    return None


@dataclass
class _Table:
    header: list[str] | None  # column names, None without a header
    units_rows: list[list[str]]  # extra header lines (e.g. a units row)
    rows: list[tuple[int, list[str]]]  # (1-based line number, cells)
    n_columns: int
    decimal_comma: bool
    metadata: dict[str, str]
    notes: list[str] = field(default_factory=list)  # warnings for the user


def _choose_delimiter(lines: list[str]) -> str | None:
    """Pick the separator under which most lines split into >= 2 numeric cells.

    Ranking: lines made only of numbers, then lines with the most common cell count,
    then the order of ``_DELIMITERS`` (so "1.5, 2" is comma- not space-separated and
    "1,5;2" semicolon-separated with a decimal comma).
    """
    sample = lines[:200]
    best_key, best = None, None
    for pref, delim in enumerate(_DELIMITERS):
        split = [_split(line, delim) for line in sample]
        counts = Counter(len(cells) for cells in split)
        mode = max(counts, key=lambda k: (counts[k], k))
        if mode < 2:
            continue
        dc = delim != ","
        numeric = sum(
            1
            for cells in split
            if len(cells) >= 2 and all(_to_float(c, dc) is not None for c in cells if c.strip())
        )
        key = (numeric, counts[mode], -pref)
        if best_key is None or key > best_key:
            best_key, best = key, delim
    if best_key is None:
        raise _DataError(
            "found only one column; need at least two (temperature and resistance) "
            "separated by commas, tabs, semicolons or spaces"
        )
    return best


def _tokenise(text: str) -> _Table:
    metadata: dict[str, str] = {}
    comments: list[tuple[int, str]] = []
    content: list[tuple[int, str]] = []
    saw_anything = False
    # Old DOS tools end text files with Ctrl-Z (\x1a); it is not data.
    text = text.rstrip("\x1a")
    for lineno, line in enumerate(_LINE_SPLIT.split(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        saw_anything = True
        if stripped.startswith("#"):
            comments.append((lineno, stripped))
            m = _META_RE.match(stripped)
            if m:
                metadata[m.group(1)] = m.group(2)
            continue
        content.append((lineno, stripped))
    if not saw_anything:
        raise _DataError("the file is empty")
    if not content:
        raise _DataError("the file contains only comments, no data")

    delimiter = _choose_delimiter([line for _, line in content])
    decimal_comma = delimiter != ","

    # Leading lines without a single number are header lines: the first holds the
    # names, any further ones (e.g. a units row) are kept for unit detection.
    header_rows: list[tuple[int, str]] = []
    first_data = 0
    for lineno, line in content:
        cells = _split(line, delimiter)
        nonempty = [c for c in cells if c.strip()]
        if nonempty and all(_to_float(c, decimal_comma) is None for c in nonempty):
            header_rows.append((lineno, line))
            first_data += 1
        else:
            break
    rows = [(lineno, _split(line, delimiter)) for lineno, line in content[first_data:]]
    if not rows:
        raise _DataError("the file has a header but no data rows")
    counts = Counter(len(cells) for _, cells in rows)
    n_columns = max(counts, key=lambda k: (counts[k], k))
    if n_columns < 2:
        raise _DataError("found only one column; need at least two (temperature and resistance)")

    header: list[str] | None = None
    units_rows: list[list[str]] = []
    notes: list[str] = []
    if header_rows:
        # The names are on the first line with two or more cells (a title line may come
        # first); lines after it can hold units ("K", "Ohm").
        split = [_split_header(line, delimiter, n_columns) for _, line in header_rows]
        at = next((i for i, names in enumerate(split) if names and sum(1 for n in names if n.strip()) >= 2), None)
        if at is not None:
            header = split[at]
            units_rows = [names for names in split[at + 1 :] if names]
        else:
            unmatched = [
                lineno for (lineno, line), names in zip(header_rows, split) if names is None and len(line.split()) >= 2
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
        first_lineno = rows[0][0]
        before = [c for c in comments if c[0] < first_lineno]
        if before and not _META_RE.match(before[-1][1]):
            candidate = _split_header(before[-1][1].lstrip("#").strip(), delimiter, n_columns)
            if candidate and len(candidate) == n_columns and any(_column_role(_parse_name(n)) for n in candidate):
                header = candidate
    return _Table(header, units_rows, rows, n_columns, decimal_comma, metadata, notes)


def _split_header(line: str, delimiter: str | None, n_columns: int) -> list[str] | None:
    """Split a header line into names; None if it cannot be matched to the columns."""
    if delimiter is not None:
        names = _split(line, delimiter)
    else:
        names = [n.strip("\"'") for n in _WS_HEADER_RE.findall(line)]
        if len(names) != n_columns:
            alt = [n.strip("\"'") for n in re.split(r"\t|\s{2,}", line.strip()) if n]
            if len(alt) == n_columns:
                names = alt
        if len(names) != n_columns:
            return None
    return names


# --------------------------------------------------------------------------------------
# Column names and units
# --------------------------------------------------------------------------------------

_NORM_NAME_RE = re.compile(
    r"^(?:r/r_?\{?n\}?|r_?over_?r_?n|r_?norm(?:ali[sz]ed)?|norm(?:ali[sz]ed)?(?:_?r(?:es(?:istance)?)?)?"
    r"|normali[sz]ed_?r(?:es(?:istance)?)?)\.?$"
)
_T_NAME_RE = re.compile(
    r"^(?:t|temp\.?|temperature|t_?(?:sample|probe|mxc|mc|mix|s)|sample_?(?:t|temp|temperature))$"
    r"|(?:^|_)temp(?:erature)?(?:_|$)"
)
_R_NAME_RE = re.compile(
    r"^(?:r|res\.?|resistance|resistivity|rho|rho_?xx|r_?xx|r_?sq|r_?s|r_?sheet|r_?4pt?|r_?2pt?"
    r"|r_?sample|sample_?r(?:es(?:istance)?)?)(?:_?\d+)?$"
    r"|(?:^|_)(?:sheet_)?resistance(?:_|$)"
)
_BRACKET_RE = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")


@dataclass(frozen=True)
class _Name:
    raw: str
    base: str  # lower case, spaces as underscores, unit removed
    unit: str | None  # unit text found in the name, as written
    normalized: bool  # the name itself says R/R_N


def _compact(s: str) -> str:
    return re.sub(r"\s+", "_", s.strip().lower()).strip("_:.,")


def _parse_name(raw: str) -> _Name:
    """Split a header name into a base name and a unit ("T [mK]", "R_kohm", "T/K", ...)."""
    s = raw.strip().strip("\"'").strip()
    if _NORM_NAME_RE.match(_compact(s).replace("_/_", "/")):
        return _Name(raw, _compact(s), None, True)
    base, unit = s, None
    m = _BRACKET_RE.search(s)
    if m:
        unit = m.group(1).strip()
        base = (s[: m.start()] + s[m.end() :]).strip()
    else:
        for pattern in (r"\s+in\s+", "/", r",\s*", "_", r"\s+"):
            parts = re.split(pattern, s)
            # Only recognised T/R units split a name: "R_s" is a name, not R in seconds.
            kind = _unit_kind(parts[-1]) if len(parts) >= 2 else None
            if kind is not None and kind[0] in ("T", "R", "R?", "norm"):
                head = s[: len(s) - len(parts[-1])]
                base, unit = re.sub(pattern + r"$", "", head).strip(), parts[-1].strip()
                break
    cbase = _compact(base)
    return _Name(raw, cbase, unit, bool(_NORM_NAME_RE.match(cbase.replace("_/_", "/"))))


def _unit_kind(unit: str) -> tuple[str, float] | None:
    """Classify a unit string: ("T", factor to K), ("R", factor to ohm), ("norm", 1),
    ("other", nan) for units we know are not T or R, or None if unknown."""
    u = unit.strip().strip(".")
    low = u.lower()
    if low in ("k", "kelvin"):
        return ("T", 1.0)
    if low in ("mk", "millikelvin"):
        return ("T", 1e-3)
    if low in ("norm", "normalized", "normalised", "r/rn", "r/r_n", "rn", "r_n", "r_{n}", "r/r_{n}"):
        return ("norm", 1.0)
    # Sheet resistance (ohm per square) is the natural quantity for 2D samples.
    r = re.sub(r"\s+", "", u.replace("\u03a9", "ohm").replace("\u2126", "ohm"))
    r = re.sub(r"(?i)(/sq\.?|/\u25a1|/square|persquare|persq|_sq)$", "", r)
    rlow = r.lower().removesuffix("s")  # "ohms"
    if rlow == "ohm":
        return ("R", 1.0)
    if rlow in ("kohm", "kiloohm", "kilohm"):
        return ("R", 1e3)
    if rlow in ("megaohm", "megohm"):
        return ("R", 1e6)
    if rlow == "mohm":
        # SI prefixes are case-sensitive: "Mohm" is mega, "mohm" would be milli. Only mega
        # is supported; milli is reported rather than silently read 10^9 times too big.
        return ("R", 1e6) if r[0] == "M" else ("R?", math.nan)
    if low in ("s", "sec", "min", "h", "ms", "v", "mv", "uv", "a", "na", "ua", "hz", "t", "mt", "oe", "deg", "°"):
        return ("other", math.nan)
    return None


def _column_role(name: _Name) -> str | None:
    """"T", "R" or None, judged from the name (and, for a bare "t", its unit)."""
    unit_kind = _unit_kind(name.unit) if name.unit else None
    kind = unit_kind[0] if unit_kind else None
    if name.normalized:
        return "R"
    if _T_NAME_RE.search(name.base):
        # A bare "t" with a time (or any non-temperature) unit is a time axis.
        if name.base == "t" and kind is not None and kind != "T":
            return None
        return "T"
    if _R_NAME_RE.search(name.base):
        return "R"
    if kind == "T":
        return "T"
    if kind in ("R", "norm"):
        return "R"
    return None


def _check_t_unit(t_unit) -> float | None:
    if t_unit is None:
        return None
    key = t_unit.strip().lower() if isinstance(t_unit, str) else None
    if key not in _T_UNIT_ARGS:
        raise ValueError(f"unknown temperature unit {t_unit!r}; use 'K' or 'mK'")
    return _T_UNIT_ARGS[key][1]


def _check_r_unit(r_unit) -> tuple[float, str] | None:
    """Return (factor, "ohm" | "normalized") for an r_unit argument."""
    if r_unit is None:
        return None
    aliases = {
        "ohm": (1.0, "ohm"), "Ohm": (1.0, "ohm"), "\u03a9": (1.0, "ohm"), "\u2126": (1.0, "ohm"),
        "kohm": (1e3, "ohm"), "kOhm": (1e3, "ohm"), "k\u03a9": (1e3, "ohm"), "KOhm": (1e3, "ohm"),
        "Kohm": (1e3, "ohm"), "Mohm": (1e6, "ohm"), "MOhm": (1e6, "ohm"), "M\u03a9": (1e6, "ohm"),
        "normalized": (1.0, "normalized"), "normalised": (1.0, "normalized"),
    }  # fmt: skip
    if not isinstance(r_unit, str) or r_unit.strip() not in aliases:
        raise ValueError(f"unknown resistance unit {r_unit!r}; use one of {', '.join(map(repr, _R_UNITS))}")
    return aliases[r_unit.strip()]


def _describe_column(table: _Table, j: int) -> str:
    if table.header and j < len(table.header) and table.header[j].strip():
        return f"column {j + 1} ('{table.header[j].strip()}')"
    return f"column {j + 1}"


def _extra_unit(table: _Table, j: int) -> str | None:
    """A recognised unit for column j from a units row under the header, if any."""
    for row in table.units_rows:
        if j < len(row):
            cell = row[j].strip()
            m = _BRACKET_RE.fullmatch(cell)
            cell = m.group(1).strip() if m else cell
            # Such rows also hold free text (comments, sample names): use recognised units only.
            if cell and _unit_kind(cell) is not None and _unit_kind(cell)[0] in ("T", "R", "norm"):
                return cell
    return None


def _resolve_t_factor(table: _Table, j: int, t_arg: float | None) -> float:
    if t_arg is not None:
        return t_arg
    name = _parse_name(table.header[j]) if table.header and j < len(table.header) else None
    unit = (name.unit if name else None) or _extra_unit(table, j)
    if unit is None:
        return 1.0
    kind = _unit_kind(unit)
    if kind is not None and kind[0] == "T":
        return kind[1]
    raise _DataError(
        f"{_describe_column(table, j)} is used as temperature but its unit '{unit}' is not "
        "K or mK; convert it, or pass t_unit='K' or 'mK' to say what the numbers are"
    )


def _resolve_r_unit(table: _Table, j: int, r_arg: tuple[float, str] | None) -> tuple[float, str]:
    if r_arg is not None:
        return r_arg
    name = _parse_name(table.header[j]) if table.header and j < len(table.header) else None
    if name is not None and name.normalized:
        return 1.0, "normalized"
    unit = (name.unit if name else None) or _extra_unit(table, j)
    if unit is None:
        return 1.0, "ohm"
    kind = _unit_kind(unit)
    if kind is not None and kind[0] == "R":
        return kind[1], "ohm"
    if kind is not None and kind[0] == "norm":
        return 1.0, "normalized"
    hint = " ('mohm' is ambiguous: write 'Mohm' for megaohm)" if kind is not None and kind[0] == "R?" else ""
    raise _DataError(
        f"{_describe_column(table, j)} is used as resistance but its unit '{unit}' is not "
        f"ohm, kohm, Mohm or normalised{hint}; pass r_unit=... to say what the numbers are"
    )


# --------------------------------------------------------------------------------------
# Choosing columns
# --------------------------------------------------------------------------------------


def _numeric_columns(table: _Table) -> list[int]:
    """Columns in which most non-empty cells are numbers (skips e.g. timestamp columns)."""
    result = []
    for j in range(table.n_columns):
        good = bad = 0
        for _, cells in table.rows[:500]:
            if j < len(cells) and cells[j].strip():
                if _to_float(cells[j], table.decimal_comma) is None:
                    bad += 1
                else:
                    good += 1
        if good > bad:
            result.append(j)
    return result


def _column_index(table: _Table, spec, what: str) -> int:
    if isinstance(spec, bool):
        raise _ArgumentError(f"columns: {what} column must be an index or a name, got {spec!r}")
    if isinstance(spec, (int, np.integer)):
        j = int(spec)
        if not 0 <= j < table.n_columns:
            raise _DataError(
                f"columns: {what} column index {j} is out of range; the file has "
                f"{table.n_columns} columns (indices 0 to {table.n_columns - 1})"
            )
        return j
    if isinstance(spec, str):
        if not table.header:
            raise _DataError(
                f"columns: the file has no header line, so the {what} column cannot be chosen by name {spec!r}"
            )
        want = spec.strip().lower()
        exact = [j for j, n in enumerate(table.header) if n.strip().strip("\"'").lower() == want]
        if not exact:
            # "T" also finds "T (K)", but only if exactly one column has that base name.
            exact = [j for j, n in enumerate(table.header) if _parse_name(n).base == _compact(spec)]
        if len(exact) == 1:
            return exact[0]
        names = ", ".join(repr(n) for n in table.header)
        if not exact:
            raise _DataError(f"columns: no column named {spec!r}; the columns are {names}")
        raise _DataError(f"columns: several columns match {spec!r} ({names}); use an index")
    raise _ArgumentError(f"columns: {what} column must be an index or a name, got {type(spec).__name__}")


def _select_columns(table: _Table, columns) -> tuple[int, int]:
    if columns is not None:
        if isinstance(columns, (str, bytes)) or not isinstance(columns, Sequence) or len(columns) != 2:
            raise _ArgumentError("columns must be a pair (temperature, resistance) of indices or names")
        tj = _column_index(table, columns[0], "temperature")
        rj = _column_index(table, columns[1], "resistance")
        if tj == rj:
            raise _DataError("columns: temperature and resistance must be different columns")
        return tj, rj
    numeric = _numeric_columns(table)
    tj = rj = None
    if table.header:
        roles = [_column_role(_parse_name(n)) for n in table.header]
        tj = next((j for j, role in enumerate(roles) if role == "T" and j < table.n_columns), None)
        rj = next((j for j, role in enumerate(roles) if role == "R" and j < table.n_columns), None)
    if tj is None:
        tj = next((j for j in numeric if j != rj), None)
    if rj is None:
        rj = next((j for j in numeric if j != tj), None)
    if tj is None or rj is None:
        raise _DataError("found only one column of numbers; need temperature and resistance")
    return tj, rj


# --------------------------------------------------------------------------------------
# load_rt
# --------------------------------------------------------------------------------------


def _format_lines(lines: list[int], limit: int = 10) -> str:
    shown = ", ".join(map(str, lines[:limit]))
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def _extract(table: _Table, tj: int, rj: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Parse the two chosen columns; returns T, R (file units) and the dropped lines.

    The first problem in file order is reported, so the user can fix the file top-down.
    """
    T, R, dropped = [], [], []
    for lineno, cells in table.rows:
        values = []
        for j, what in ((tj, "temperature"), (rj, "resistance")):
            cell = cells[j].strip() if j < len(cells) else ""
            v = _to_float(cell, table.decimal_comma)
            where = f"line {lineno}, {_describe_column(table, j)}"
            if v is None:
                raise _DataError(f"{where}: {cell!r} is not a number")
            if math.isinf(v):
                raise _DataError(f"{where}: infinite {what} ({cell})")
            if v < 0:
                raise _DataError(f"{where}: negative {what} ({cell}); {what} must be zero or positive")
            values.append(v)
        t, r = values
        if math.isnan(t) or math.isnan(r):
            dropped.append(lineno)
        else:
            T.append(t)
            R.append(r)
    return np.asarray(T, dtype=float), np.asarray(R, dtype=float), dropped


def load_rt(source, *, t_unit: str | None = None, r_unit: str | None = None, columns=None) -> RTData:
    """Read a measured R(T) curve from a text file or an upload.

    Parameters
    ----------
    source : str, os.PathLike, bytes, bytearray, memoryview or file-like
        A path to the file; the file's content as bytes (e.g. a browser upload); or an
        object whose ``read()`` returns ``str`` or ``bytes``. A ``str`` is always a
        path, never content.
    t_unit : {"K", "mK"}, optional
        Unit of the temperature column. Overrides the header; default: the header's
        unit, else kelvin.
    r_unit : {"ohm", "kohm", "Mohm", "normalized"}, optional
        Unit of the resistance column (``"normalized"`` for ``R / R_N``). Overrides the
        header; default: the header's unit, else ohm.
    columns : pair of int or str, optional
        ``(temperature, resistance)`` columns as 0-based indices or header names (case
        does not matter; ``"T"`` also finds ``"T (K)"``). Default: columns whose header
        names say temperature and resistance, else the first two numeric columns.

    Returns
    -------
    RTData
        ``T`` in kelvin, sorted ascending and without repeats (rows repeating a
        temperature are averaged, their number is ``n_merged``); ``R`` in ohm, or
        dimensionless with ``r_unit="normalized"``; ``metadata`` from ``# key: value``
        and ``# key = value`` comments; ``n_dropped`` rows with missing values left out.

    Raises
    ------
    ValueError
        With a message for the user naming the line (1-based, as in the file) and the
        column where applicable: empty or binary file; a single column; a cell that is
        not a number; infinite, negative temperature or resistance; fewer than
        :data:`MIN_POINTS` distinct temperatures; an unknown unit argument or header
        unit; a file that cannot be read.
    TypeError
        If ``source`` is none of the accepted kinds.

    Warns
    -----
    UserWarning
        When rows with missing values (empty cells, ``nan``, ``NA``, ...) are dropped;
        the message says how many and on which lines.

    Notes
    -----
    Separator detection tries tab, semicolon, comma and whitespace and keeps the one
    under which most lines split into numbers; with a separator other than comma a
    decimal comma (``1,5``) is read as ``1.5``. A header is any leading line without a
    single number. Temperatures are merged only when exactly equal.
    """
    t_arg = _check_t_unit(t_unit)
    r_arg = _check_r_unit(r_unit)
    name, content = _read_source(source)
    try:
        text = _decode(content)
        table = _tokenise(text)
        tj, rj = _select_columns(table, columns)
        t_factor = _resolve_t_factor(table, tj, t_arg)
        r_factor, r_kind = _resolve_r_unit(table, rj, r_arg)
        T, R, dropped = _extract(table, tj, rj)
    except _DataError as exc:
        raise ValueError(f"{name}: {exc}") from None
    except _ArgumentError:
        raise  # a bad `columns` argument is the caller's mistake, not the file's
    except Exception as exc:  # noqa: BLE001 - the user gets a message, the cause stays chained
        raise ValueError(f"{name}: could not be read ({type(exc).__name__}: {exc})") from exc

    for note in table.notes:
        warnings.warn(f"{name}: {note}", UserWarning, stacklevel=2)
    if dropped:
        warnings.warn(
            f"{name}: dropped {len(dropped)} row{'s' if len(dropped) != 1 else ''} with missing "
            f"values (line{'s' if len(dropped) != 1 else ''} {_format_lines(dropped)})",
            UserWarning,
            stacklevel=2,
        )
    # Division by 1000 is exactly rounded, multiplication by 0.001 is not (1e-3 is inexact).
    if t_factor != 1.0:
        T = T / round(1.0 / t_factor)
    if r_factor != 1.0:
        R = R * r_factor
    T = T + 0.0  # turns -0.0 into 0.0
    R = R + 0.0

    order = np.argsort(T, kind="stable")
    T, R = T[order], R[order]
    T_unique, first, counts = np.unique(T, return_index=True, return_counts=True)
    n_merged = int(T.size - T_unique.size)
    if n_merged:
        R = np.add.reduceat(R, first) / counts
    if T_unique.size < MIN_POINTS:
        detail = []
        if dropped:
            detail.append(f"{len(dropped)} dropped for missing values")
        if n_merged:
            detail.append(f"{n_merged} merged as repeated temperatures")
        extra = f" ({'; '.join(detail)})" if detail else ""
        raise ValueError(
            f"{name}: only {T_unique.size} valid data point{'s' if T_unique.size != 1 else ''}"
            f"{extra}; at least {MIN_POINTS} are needed"
        )
    return RTData(
        T=T_unique,
        R=R,
        r_unit=r_kind,
        metadata=table.metadata,
        source_name=name,
        n_merged=n_merged,
        n_dropped=len(dropped),
    )


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _check_key(key: str, what: str) -> str:
    key = str(key)
    if not key or key != key.strip() or key.startswith("#") or any(c in key for c in ":=\r\n"):
        raise ValueError(
            f"{what} {key!r} cannot be written as a '# key: value' comment: it must be "
            "non-empty, without surrounding spaces, not start with '#' and not contain ':', '=' or line breaks"
        )
    return key


def _one_line(value) -> str:
    return re.sub(r"[\r\n]+", " ", str(value)).strip()


def _comment_lines(metadata: Mapping | None) -> str:
    if not metadata:
        return ""
    return "".join(f"# {_check_key(k, 'metadata key')}: {_one_line(v)}\n" for k, v in metadata.items())


def _is_binary_stream(target) -> bool:
    if isinstance(target, (io.RawIOBase, io.BufferedIOBase)):
        return True
    mode = getattr(target, "mode", None)
    return isinstance(mode, str) and "b" in mode


def _write_text(target, text: str) -> None:
    """Write ``text`` to a path (UTF-8, ``\\n`` line ends) or to a text/binary stream."""
    if isinstance(target, (str, bytes, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    write = getattr(target, "write", None)
    if not callable(write):
        raise TypeError(f"expected a path or a writable file-like object, got {type(target).__name__}")
    if _is_binary_stream(target):
        write(text.encode("utf-8"))
        return
    try:
        write(text)
    except TypeError:
        # A binary stream that does not advertise itself (no mode, no io base class).
        write(text.encode("utf-8"))


def _fit_arrays(T, R_data, R_fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = [np.asarray(a, dtype=float) for a in (T, R_data, R_fit)]
    if any(a.ndim != 1 for a in arrays):
        raise ValueError("T, R_data and R_fit must be one-dimensional")
    if not arrays[0].size == arrays[1].size == arrays[2].size:
        raise ValueError(
            f"T, R_data and R_fit must have the same length, got {arrays[0].size}, {arrays[1].size}, {arrays[2].size}"
        )
    return arrays[0], arrays[1], arrays[2]


def _fit_params(params: Mapping) -> list[tuple[str, float, float]]:
    """Normalise ``{name: (value, stderr)}``; a bare value or a None stderr means 'unknown'."""
    out = []
    for name, entry in params.items():
        if isinstance(entry, (tuple, list)) and len(entry) == 2:
            value, stderr = entry
        elif isinstance(entry, (tuple, list)):
            raise ValueError(f"parameter {name!r}: expected (value, stderr), got {len(entry)} items")
        else:
            value, stderr = entry, None
        out.append((str(name), float(value), math.nan if stderr is None else float(stderr)))
    return out


def fit_to_csv_str(*, params: Mapping, T, R_data, R_fit, metadata: Mapping | None = None) -> str:
    """Return a fit result as CSV text.

    Layout: ``# key: value`` lines for ``metadata``, one ``# name: value +- stderr``
    line per parameter, then the header ``T_K,R_data,R_fit,residual`` and one row per
    point, with ``residual = R_data - R_fit``. Floats are written in ``repr``
    precision; NaN and infinity as ``nan`` and ``inf``.

    Parameters
    ----------
    params : mapping of str to (float, float)
        Best-fit value and standard error per parameter. A bare number, or ``None`` as
        the error, is accepted for a parameter without an error estimate (written as
        ``nan``).
    T, R_data, R_fit : array_like of float
        Temperatures (K), measured and fitted resistance; same length, 1-D.
    metadata : mapping, optional
        Written as comment lines before the parameters (values via ``str``).

    Returns
    -------
    str
    """
    plist = _fit_params(params)
    T, R_data, R_fit = _fit_arrays(T, R_data, R_fit)
    parts = [_comment_lines(metadata)]
    parts.extend(f"# {_check_key(n, 'parameter name')}: {v!r} +- {e!r}\n" for n, v, e in plist)
    parts.append("T_K,R_data,R_fit,residual\n")
    residual = R_data - R_fit
    rows = zip(T.tolist(), R_data.tolist(), R_fit.tolist(), residual.tolist())
    parts.extend(f"{t!r},{d!r},{f!r},{r!r}\n" for t, d, f, r in rows)
    return "".join(parts)


def _json_number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _jsonable(obj: Any) -> Any:
    """Convert metadata to plain JSON types: numpy scalars/arrays unwrapped, NaN/inf to None."""
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float):
        return _json_number(obj)
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    return str(obj)


def fit_to_json_str(*, params: Mapping, T, R_data, R_fit, metadata: Mapping | None = None) -> str:
    """Return a fit result as a JSON document.

    The document is ``{"parameters": {name: {"value": v, "stderr": e}}, "data": {"T_K":
    [...], "R_data": [...], "R_fit": [...], "residual": [...]}, "metadata": {...}}``,
    with ``residual = R_data - R_fit``. NaN and infinities become ``null`` (strict JSON
    has no such numbers); finite floats are written exactly.

    Parameters
    ----------
    params, T, R_data, R_fit, metadata
        As for :func:`fit_to_csv_str`; metadata values may be any JSON-like structure
        (numpy scalars and arrays are converted, anything else via ``str``).

    Returns
    -------
    str
    """
    plist = _fit_params(params)
    T, R_data, R_fit = _fit_arrays(T, R_data, R_fit)

    def column(a: np.ndarray) -> list:
        return [_json_number(x) for x in a.tolist()]

    doc = {
        "parameters": {n: {"value": _json_number(v), "stderr": _json_number(e)} for n, v, e in plist},
        "data": {
            "T_K": column(T),
            "R_data": column(R_data),
            "R_fit": column(R_fit),
            "residual": column(R_data - R_fit),
        },
        "metadata": _jsonable(dict(metadata or {})),
    }
    return json.dumps(doc, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def export_fit_csv(path_or_buffer, *, params: Mapping, T, R_data, R_fit, metadata: Mapping | None = None) -> None:
    """Write :func:`fit_to_csv_str` output to a path or a text/binary stream."""
    _write_text(path_or_buffer, fit_to_csv_str(params=params, T=T, R_data=R_data, R_fit=R_fit, metadata=metadata))


def export_fit_json(path_or_buffer, *, params: Mapping, T, R_data, R_fit, metadata: Mapping | None = None) -> None:
    """Write :func:`fit_to_json_str` output to a path or a text/binary stream (UTF-8)."""
    _write_text(path_or_buffer, fit_to_json_str(params=params, T=T, R_data=R_data, R_fit=R_fit, metadata=metadata))
