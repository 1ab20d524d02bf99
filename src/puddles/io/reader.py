"""Reading a researcher's R(T) measurement: :func:`load_rt` (and :func:`read_table`).

Every problem with a file is a :class:`ValueError` whose message names the file, the
line (1-based, as a text editor shows it) and the column, so that an application can
show it as is. Rows with missing values are dropped with a :class:`UserWarning`, because
gaps are normal in logged data; small negative resistances (noise around R = 0) are
data and kept.
"""

from __future__ import annotations

import contextlib
import gc
import math
import warnings

import numpy as np

from .columns import ArgumentError, choose_columns, has_role, r_factor, t_factor
from .rtdata import MIN_POINTS, RTData
from .source import MAX_BYTES, DataError, decode, read_source
from .table import Table, parse_table, to_float
from .units import r_unit_factor, t_unit_factor

__all__ = ["load_rt", "read_table"]


@contextlib.contextmanager
def _no_cyclic_gc():
    """Parsing makes millions of small lists and no reference cycles; the cyclic collector
    would traverse them again and again (measured: half the time of a 19 MB file)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_table(source, *, max_bytes: int | None = MAX_BYTES) -> Table:
    """Read and sniff a file into a :class:`~puddles.io.table.Table`, choosing no columns.

    For an application that wants to show the numeric columns (``table.numeric_columns``,
    ``table.label(j)``) before calling :func:`load_rt` on the table with ``columns=``.
    Parameters and errors as for :func:`load_rt`.
    """
    name, content = read_source(source, max_bytes)
    try:
        with _no_cyclic_gc():
            return parse_table(decode(content), name, has_role)
    except DataError as exc:
        raise ValueError(f"{name}: {exc}") from None
    except Exception as exc:
        raise ValueError(f"{name}: could not be read ({type(exc).__name__}: {exc})") from exc


def _format_lines(lines: list[int], limit: int = 10) -> str:
    shown = ", ".join(map(str, lines[:limit]))
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def _extract(table: Table, tj: int, rj: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Parse the two chosen columns; returns T, R (file units) and the dropped lines.

    numpy converts clean columns at C speed; anything else (missing values, a decimal
    comma, a bad cell) goes through the row loop, which reports the first problem in file
    order so that the user can fix the file top-down.
    """
    try:
        T = np.array([cells[tj] for _, cells in table.rows], dtype=float)
        R = np.array([cells[rj] for _, cells in table.rows], dtype=float)
    except (ValueError, IndexError):
        pass
    else:
        if np.isfinite(T).all() and np.isfinite(R).all() and (T >= 0).all():
            return T, R, []
    T_ok: list[float] = []
    R_ok: list[float] = []
    dropped = []
    dc = table.decimal_comma
    for lineno, cells in table.rows:
        t_cell = cells[tj].strip() if tj < len(cells) else ""
        r_cell = cells[rj].strip() if rj < len(cells) else ""
        t, r = to_float(t_cell, dc), to_float(r_cell, dc)
        for v, cell, j, what in ((t, t_cell, tj, "temperature"), (r, r_cell, rj, "resistance")):
            if v is None:
                raise DataError(f"line {lineno}, {table.label(j)}: {cell!r} is not a number")
            if math.isinf(v):
                raise DataError(f"line {lineno}, {table.label(j)}: infinite {what} ({cell})")
        assert t is not None and r is not None  # the loop above raised otherwise
        if t < 0:
            raise DataError(
                f"line {lineno}, {table.label(tj)}: negative temperature ({t_cell}); temperatures are >= 0 K"
            )
        if math.isnan(t) or math.isnan(r):
            dropped.append(lineno)
        else:
            T_ok.append(t)
            R_ok.append(r)
    return np.asarray(T_ok, dtype=float), np.asarray(R_ok, dtype=float), dropped


def _check_sign(name: str, table: Table, rj: int, R: np.ndarray) -> None:
    """Noise around R = 0 gives a few small negative values: keep them. A curve that is
    mostly negative is a wrong column or sign convention: refuse it, saying why."""
    negative = int(np.count_nonzero(R < 0))
    if negative > R.size / 2:
        raise ValueError(
            f"{name}: {negative} of {R.size} resistances in {table.label(rj)} are negative; a measured "
            "R(T) is positive apart from noise around zero: check the column (columns=...) or the "
            "sign convention of the voltage"
        )


def load_rt(
    source,
    *,
    t_unit: str | None = None,
    r_unit: str | None = None,
    columns=None,
    max_bytes: int | None = MAX_BYTES,
) -> RTData:
    """Read a measured R(T) curve from a text file or an upload.

    Parameters
    ----------
    source : str, os.PathLike, bytes, bytearray, memoryview, file-like or Table
        A path; the file's content as bytes (e.g. a browser upload); an object whose
        ``read()`` returns ``str`` or ``bytes`` (a ``str`` is always a path, never
        content); or a table already read by :func:`read_table`.
    t_unit : {"K", "mK"}, optional
        Unit of the temperature column. Overrides the header; default: the header's
        unit, else kelvin.
    r_unit : {"ohm", "mOhm", "kohm", "Mohm", "Ohm/sq", "normalized"}, optional
        Unit of the resistance column (``"normalized"`` for ``R / R_N``; any prefix
        from micro to giga). Overrides the header; default: the header's unit, else ohm.
    columns : pair of int or str, optional
        ``(temperature, resistance)`` columns as 0-based indices or header names (case
        does not matter; ``"T"`` also finds ``"T (K)"``). Default: the one column named
        as a temperature and the one named as the sample's resistance; two unnamed
        numeric columns are taken as T then R. Anything else is refused with a message
        listing the candidates.
    max_bytes : int or None
        Largest file read, in bytes (default :data:`~puddles.io.source.MAX_BYTES`,
        20 MB); None for no limit.

    Returns
    -------
    RTData
        ``T`` in kelvin, sorted ascending and without repeats (rows repeating a
        temperature are averaged, their number is ``n_merged``); ``R`` in ohm, or
        dimensionless with ``r_unit="normalized"``; ``metadata`` from ``# key: value``
        comments or the instrument's header block; ``n_dropped`` rows with missing
        values left out.

    Raises
    ------
    ValueError
        With a message for the user naming the line (1-based, as in the file) and the
        column where applicable: empty, binary or too large a file; a single column;
        ambiguous columns (the candidates are listed); a cell that is not a number;
        infinite values or a negative temperature; a mostly negative resistance; fewer
        than :data:`~puddles.io.rtdata.MIN_POINTS` distinct temperatures; an unknown
        unit argument or header unit; a file that cannot be read.
    TypeError
        If ``source`` is none of the accepted kinds.

    Warns
    -----
    UserWarning
        When rows with missing values (empty cells, ``nan``, ``NA``, ...) are dropped;
        the message says how many and on which lines.

    Notes
    -----
    Understands comma-, tab-, semicolon- or whitespace-separated tables (a decimal comma
    with separators other than comma), header and units lines, ``#`` comments, UTF-8/16
    and latin-1, Quantum Design PPMS/MPMS ``.dat`` files (``[Header]`` ... ``[Data]``),
    LabVIEW ``.lvm`` files and Lake Shore logs. Time is linear in the file size.
    """
    t_arg = t_unit_factor(t_unit)
    r_arg = r_unit_factor(r_unit)
    table = source if isinstance(source, Table) else read_table(source, max_bytes=max_bytes)
    name = table.name
    try:
        tj, rj = choose_columns(table, columns)
        t_fac = t_factor(table, tj, t_arg)
        r_fac, r_kind = r_factor(table, rj, r_arg)
        with _no_cyclic_gc():
            T, R, dropped = _extract(table, tj, rj)
    except DataError as exc:
        raise ValueError(f"{name}: {exc}") from None
    except ArgumentError:
        raise  # a bad `columns` argument is the caller's mistake, not the file's
    except Exception as exc:
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
    _check_sign(name, table, rj, R)
    # Division by 1000 is exactly rounded, multiplication by 0.001 is not (1e-3 is inexact).
    if t_fac != 1.0:
        T = T / round(1.0 / t_fac)
    if r_fac != 1.0:
        R = R / round(1.0 / r_fac) if r_fac < 1.0 else R * r_fac
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
