"""Series fits: several R(T) curves labelled by a control value (gate voltage, density).

The paper's Fig. 1(b)-(e) plots ``tc_mean``, ``sigma``, ``w`` and ``w2`` against the gate
voltage. :func:`fit_series` fits every curve with the *same* realizations (common random
numbers: one :class:`~puddles.fit.curves.ModelCurves` shared by all fits), so a trend
across the series is a property of the data, not of seed noise, and ``(w, w2)`` points
visited by several fits are computed once. :class:`SeriesResult` holds one
:class:`~puddles.fit.result.FitResult` per curve, a table (one row per curve), the
four-panel figure and CSV/JSON export.

>>> from puddles.fit import fit_series, read_series
>>> curves, labels = read_series("gate_series.csv", label_column="Vg")   # doctest: +SKIP
>>> series = fit_series(curves, labels, control="gate voltage (V)")       # doctest: +SKIP
>>> series.plot("fig1.png"); series.to_csv("series.csv")                  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..ensemble import progress_callback
from ..io import RTData, load_rt
from .prepare import MAX_POINTS, check_start, prepare_curve
from .rt import FitSettings, fit_prepared

__all__ = ["SERIES_PARAMETERS", "SeriesResult", "fit_series", "read_series"]

#: The paper's Fig. 1(b)-(e) panels, in order.
SERIES_PARAMETERS = ("tc_mean", "sigma", "w", "w2")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")


def label_from_name(name: str) -> float:
    found = _NUMBER.findall(os.path.splitext(os.path.basename(str(name)))[0])
    if not found:
        raise ValueError(f"labels: no control value in the file name {name!r}; pass labels=[...] explicitly")
    return float(found[-1].replace(",", "."))


def _write(target, text: str) -> None:
    """Write text to a path or a text/binary stream."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return
    try:
        target.write(text)
    except TypeError:
        target.write(text.encode("utf-8"))


def _split_row(line: str) -> list[str]:
    for delim in ("\t", ";", ","):
        if delim in line:
            return [c.strip() for c in line.split(delim)]
    return line.split()


def read_series(sources, labels=None, *, label_column=None) -> tuple[list[RTData], list[float]]:
    """Read a series: several files, or one file with a label column.

    Parameters
    ----------
    sources : path, bytes, file-like, or a sequence of them
        Files as accepted by :func:`puddles.load_rt`.
    labels : sequence of float, optional
        Control value of each file. Default: the last number in each file name
        (``"Vg_-1.5V.csv"`` gives -1.5).
    label_column : int or str, optional
        With one source: the column (0-based index or header name) holding each row's
        control value; the rows are grouped by it and the other columns read by
        :func:`puddles.load_rt` (so its header units apply).

    Returns
    -------
    (list of RTData, list of float)
        Curves and labels, sorted by label.
    """
    if label_column is not None:
        return _read_label_column(sources, label_column)
    if isinstance(sources, (str, bytes, os.PathLike)) or hasattr(sources, "read"):
        sources = [sources]
    sources = list(sources)
    if labels is None:
        labels = [label_from_name(getattr(s, "name", s)) for s in sources]
    labels = [float(v) for v in labels]
    if len(labels) != len(sources):
        raise ValueError(f"labels: {len(labels)} labels for {len(sources)} files")
    curves = [load_rt(s) for s in sources]
    order = np.argsort(labels, kind="stable")
    return [curves[i] for i in order], [labels[i] for i in order]


def _read_label_column(source, label_column) -> tuple[list[RTData], list[float]]:
    if hasattr(source, "read"):
        content = source.read()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        content = bytes(source)
    else:
        with open(source, "rb") as fh:
            content = fh.read()
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, (bytes, bytearray)) else content
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise ValueError("label_column: the file holds no data rows")
    head = _split_row(lines[0])
    has_header = not all(_NUMBER.fullmatch(c) for c in head if c)
    if isinstance(label_column, str):
        if not has_header:
            raise ValueError(f"label_column {label_column!r}: the file has no header; give the column index")
        names = [c.lower() for c in head]
        if label_column.lower() not in names:
            raise ValueError(f"label_column {label_column!r} not in the header {head}")
        j = names.index(label_column.lower())
    else:
        j = int(label_column)
        if not 0 <= j < len(head):
            raise ValueError(f"label_column must be a column index in [0, {len(head) - 1}], got {label_column}")
    groups: dict[float, list[str]] = {}
    for ln in lines[1:] if has_header else lines:
        cells = _split_row(ln)
        if len(cells) <= j:
            continue
        try:
            key = float(cells[j].replace(",", "."))
        except ValueError:
            raise ValueError(f"label_column: {cells[j]!r} is not a number (line {ln!r})") from None
        groups.setdefault(key, []).append(",".join(c for i, c in enumerate(cells) if i != j))
    if not groups:
        raise ValueError("label_column: no rows with a label")
    header = ",".join(c for i, c in enumerate(head) if i != j) + "\n" if has_header else ""
    labels = sorted(groups)
    curves = []
    for key in labels:
        stream = io.BytesIO((header + "\n".join(groups[key]) + "\n").encode())
        stream.name = f"rows with {head[j] if has_header else 'label'} = {key:g}"
        curves.append(load_rt(stream))
    return curves, labels


@dataclass(frozen=True, eq=False)
class SeriesResult:
    """Fits of a series of curves sharing realizations.

    Attributes
    ----------
    labels : ndarray
        Control values, ascending.
    control : str
        What the labels are (axis label), e.g. "gate voltage (V)".
    results : tuple of FitResult
        One per label.
    elapsed : float
        Wall-clock time of the whole series (s).
    n_solves : int
        Network solves of the whole series (shared points counted once).
    """

    labels: np.ndarray
    control: str
    results: tuple
    elapsed: float
    n_solves: int

    def table(self) -> list[dict]:
        """One row per curve: label, parameters and stderr, Tp, plateau, skeleton broken fraction, fit quality."""
        rows = []
        for label, res in zip(self.labels, self.results):
            row: dict[str, object] = {"label": float(label)}
            for name, p in res.params.items():
                row[name] = p.value
                row[f"{name}_stderr"] = math.nan if p.stderr is None else p.stderr
            row.update(tp_K=res.tp, plateau=res.plateau, skeleton_broken_fraction=res.skeleton_broken_fraction,
                       percolates=res.percolates, redchi=res.redchi, misfit=res.misfit, success=res.success,
                       warnings=" | ".join(res.warnings))
            rows.append(row)
        return rows

    def column(self, name: str) -> np.ndarray:
        """One column of :meth:`table` as an array."""
        return np.array([row[name] for row in self.table()], dtype=float)

    def to_csv(self, path_or_buffer=None) -> str | None:
        """The table as CSV (``# key: value`` settings first); None: return the text."""
        rows = self.table()
        buf = io.StringIO()
        res = self.results[0]
        buf.write(f"# control: {self.control}\n# n: {res.n}\n# realizations: {res.realizations}\n"
                  f"# seed: {res.seed}\n# common random numbers: every curve fitted with the same realizations\n")
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = buf.getvalue()
        if path_or_buffer is None:
            return text
        _write(path_or_buffer, text)
        return None

    def to_json(self, path_or_buffer=None) -> str | None:
        """``{"control", "settings", "rows"}`` as JSON (NaN as null); None: return the text."""
        res = self.results[0]

        def clean(v):
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v

        doc = {
            "control": self.control,
            "settings": dict(n=res.n, realizations=res.realizations, seed=res.seed, seeds=list(res.seeds),
                             tol=res.tol, normal_state=res.normal_state, n_solves=self.n_solves),
            "rows": [{k: clean(v) for k, v in row.items()} for row in self.table()],
        }
        text = json.dumps(doc, indent=2, allow_nan=False) + "\n"
        if path_or_buffer is None:
            return text
        _write(path_or_buffer, text)
        return None

    def plot(self, path=None, *, axes=None):
        """The paper's Fig. 1(b)-(e) (:func:`puddles.plot.plot_series`): ``tc_mean``, ``sigma``, ``w``,
        ``w2`` against the control value.

        Error bars are the 1-sigma uncertainties; the ``w2`` panel also shows the broken
        fraction of the whole skeleton (open symbols), the paper's quantity.

        Parameters
        ----------
        path : str or os.PathLike, optional
            Save the figure there (format from the suffix).
        axes : sequence of 4 matplotlib Axes, optional

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ..plot import plot_series

        return plot_series(self, axes=axes, path=path)

    def __len__(self) -> int:
        return len(self.results)

    def __repr__(self) -> str:
        return f"SeriesResult({len(self)} curves, {self.control}: {self.labels.min():g}..{self.labels.max():g})"


def fit_series(
    curves: Sequence,
    labels=None,
    *,
    control: str = "gate voltage (V)",
    n: int = 100,
    realizations: int = 8,
    seed: int = 0,
    normal_state: str = "constant",
    tol: float = 0.1,
    puddle_diameter=10.0,
    max_evaluations: int = 30,
    sample_realizations: float = 1.0,
    max_points: int = MAX_POINTS,
    bounds: Mapping | None = None,
    fix: Mapping | None = None,
    start: Mapping | None = None,
    t_range=None,
    progress: Callable[[int, int, str], None] | str | None = None,
    executor="local",
) -> SeriesResult:
    """Fit a series of R(T) curves with shared realizations (common random numbers).

    Parameters
    ----------
    curves : sequence of RTData or of (T, R) pairs
        The curves (e.g. from :func:`read_series`), at least 1.
    labels : sequence of float, optional
        Control value of each curve (same length); default ``0, 1, 2...``.
    control : str
        Name and unit of the control value (axis label and CSV header).
    n, realizations, seed, normal_state, tol, puddle_diameter, max_evaluations, sample_realizations, max_points, bounds, fix, start, t_range, executor
        As for :func:`puddles.fit.fit_rt`, applied to every curve.
    progress : callable or "tqdm", optional
        ``progress(done, total, message)`` over the whole series.

    Returns
    -------
    SeriesResult
        Curves sorted by label.
    """
    t0 = time.perf_counter()
    curves = list(curves)
    if not curves:
        raise ValueError("curves: the series holds no curve")
    labels = list(range(len(curves))) if labels is None else [float(v) for v in labels]
    if len(labels) != len(curves):
        raise ValueError(f"labels: {len(labels)} labels for {len(curves)} curves")
    if not all(math.isfinite(v) for v in labels):
        raise ValueError("labels must be finite numbers")
    if not isinstance(control, str):
        raise ValueError(f"control must be a text (the control value's name and unit), got {control!r}")
    prepared = []
    for i, c in enumerate(curves):
        T, R = (c, None) if isinstance(c, RTData) else c
        try:
            prepared.append(prepare_curve(T, R, t_range=t_range, max_points=max_points))
        except ValueError as exc:
            raise ValueError(f"curves[{i}] (label {labels[i]:g}): {exc}") from None
    settings = FitSettings.check(n, realizations, seed, tol, puddle_diameter, normal_state, max_evaluations,
                                 sample_realizations)
    start = check_start(start)
    report, close = progress_callback(progress, "series fit")
    order = np.argsort(labels, kind="stable")
    results = []
    try:
        with settings.model_curves(executor) as model:
            model.report = report
            for i in order:
                results.append(fit_prepared(prepared[i], model, settings, bounds=bounds, fix=fix, start=start))
        if report is not None:
            report(max(model.total, model.done), max(model.total, model.done), "done")
    finally:
        close()
    return SeriesResult(np.array(labels, dtype=float)[order], control, tuple(results),
                        time.perf_counter() - t0, int(model.n_solves))

