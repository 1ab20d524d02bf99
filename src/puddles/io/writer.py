"""Writing R(T) data and fit results as CSV or JSON that need nothing but a standard reader.

:func:`write_rt_csv` writes a curve that :func:`~puddles.io.load_rt` reads back exactly;
:func:`export_fit_csv`, :func:`export_fit_json`, :func:`fit_to_csv_str` and
:func:`fit_to_json_str` write a fit's parameters with standard errors, data, model and
residual. Hand-written on purpose: each format is a few lines of f-strings that write
floats in ``repr`` precision (shortest exact form), which ``csv``/``json`` give too but
pandas' writers do not by default (``float_format``), and the engine stays free of pandas.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "write_rt_csv",
    "export_fit_csv",
    "export_fit_json",
    "fit_to_csv_str",
    "fit_to_json_str",
]


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


def write_rt_csv(path_or_buffer, T, R, *, normalized: bool = False, metadata: Mapping | None = None) -> None:
    """Write an R(T) curve as CSV that :func:`~puddles.io.load_rt` reads back exactly.

    One ``# key: value`` line per metadata entry, then the header ``T_K,R_ohm`` (or
    ``T_K,R_over_RN`` when ``normalized``), then one row per point in ``repr`` precision.

    Parameters
    ----------
    path_or_buffer : str, os.PathLike or file-like
        A path (written as UTF-8) or a text or binary stream.
    T, R : sequence of float
        Temperatures (K) and resistances (ohm, or R/R_N when ``normalized``).
    normalized : bool
        Whether ``R`` is R/R_N.
    metadata : mapping, optional
        Written as comment lines (values via ``str``).

    Raises
    ------
    ValueError
        If a metadata key could not be read back as one (empty, with surrounding spaces,
        starting with ``#``, or containing ``:``, ``=`` or a line break).
    """
    r_col = "R_over_RN" if normalized else "R_ohm"
    parts = [_comment_lines(metadata), f"T_K,{r_col}\n"]
    parts.extend(f"{t!r},{r!r}\n" for t, r in zip(np.asarray(T, float).tolist(), np.asarray(R, float).tolist()))
    _write_text(path_or_buffer, "".join(parts))
