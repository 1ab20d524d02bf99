"""Reading R(T) files: the hand-written puddles.io against pandas and pint, in one run.

Run: ``.venv/bin/python benchmarks/bench_io.py [--quick]``

The question (issue 12, item 4): would a well-kept library make the reader smaller with
messages no worse? Three measurements, each against a baseline timed in the same run:

1. **Speed on a big file** - ``load_rt`` on a 20 MB two-column CSV (the default size
   limit) and on a 40-column PPMS-style ``.dat`` file, against ``pandas.read_csv`` with
   the separator given (C engine: the fastest possible, a lower bound), with the
   separator sniffed (``sep=None``, Python engine: what a sniffing reader would use) and
   ``numpy.loadtxt``.
2. **Coverage and messages** - a 25-line pandas-based loader (below, the smallest that
   skips instrument header blocks and picks columns by name) run over the shipped
   instrument samples and a few everyday problems; what each says.
3. **Units** - ``puddles.io.units.unit_kind`` against pint's ``parse_units`` on the unit
   strings found in real headers: which are understood, time per string, and pint's
   import + registry cost.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_time

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from puddles.io import load_rt, sample_names, sample_path  # noqa: E402
from puddles.io.units import unit_kind  # noqa: E402


def pandas_load(raw: bytes):
    """The pandas alternative: skip header blocks, sniff, pick columns by name."""
    import pandas as pd

    lines = raw.decode("utf-8-sig", errors="replace").splitlines()
    if lines and lines[0].strip() == "[Header]":
        lines = lines[[s.strip() for s in lines].index("[Data]") + 1 :]
    elif lines and lines[0].startswith("LabVIEW Measurement"):
        lines = lines[max(i for i, s in enumerate(lines) if s.startswith("***End_of_Header***")) + 1 :]
    df = pd.read_csv(io.StringIO("\n".join(lines)), sep=None, engine="python", comment="#")
    names = [str(c) for c in df.columns]
    t = [c for c in names if re.search(r"(?i)\btemp|^t\b", c)]
    r = [c for c in names if re.search(r"(?i)resist|^r\b", c) and not re.search(r"(?i)sensor|std|ivity", c)]
    if len(t) != 1 or len(r) != 1:
        raise ValueError(f"ambiguous columns: T {t}, R {r}")
    T = df[t[0]].astype(float).to_numpy()
    R = df[r[0]].astype(float).to_numpy()
    keep = np.isfinite(T) & np.isfinite(R)
    order = np.argsort(T[keep])
    return T[keep][order], R[keep][order]


def _code_lines(paths) -> int:
    n = 0
    for p in paths:
        n += sum(1 for line in Path(p).read_text().splitlines() if line.strip() and not line.strip().startswith("#"))
    return n


def big_files(tmp: Path, quick: bool) -> tuple[Path, Path]:
    rng = np.random.default_rng(5)
    n = 200_000 if quick else 900_000  # 19 MB: just under the default limit
    T = np.linspace(0.05, 300.0, n)
    R = 100.0 / (1 + np.exp(-(T - 10.0))) + 0.01 * rng.standard_normal(n)
    two = tmp / "big_two_columns.csv"
    with open(two, "w") as fh:
        fh.write("T (K),R (Ohm)\n")
        fh.writelines(f"{t:.6f},{r:.6f}\n" for t, r in zip(T, R))
    m = n // 10
    head = sample_path("ppms_eto.dat").read_text().splitlines()
    at = next(i for i, line in enumerate(head) if line.startswith("Comment,"))
    cols = head[at].split(",")
    row = head[at + 1].split(",")
    wide = tmp / "big_ppms.dat"
    with open(wide, "w") as fh:
        fh.write("\n".join(head[: at + 1]) + "\n")
        for t, r in zip(T[:: n // m], R[:: n // m]):
            row[2], row[6] = f"{t:.4f}", f"{r:.4f}"
            fh.write(",".join(row) + "\n")
    assert len(cols) == len(row)
    return two, wide


def speed(tmp: Path, quick: bool) -> None:
    import pandas as pd

    two, wide = big_files(tmp, quick)
    repeats = 1 if quick else 3
    print(f"\n### 1. Speed on a big file (median of {repeats})\n")
    print("| file | size (MB) | pandas C engine, sep given (baseline) | pandas sep=None (sniffing) "
          "| numpy.loadtxt | puddles load_rt | load_rt / baseline |")
    print("|---|---|---|---|---|---|---|")
    for path in (two, wide):
        size = os.path.getsize(path) / 1e6
        skip = 0 if path is two else next(i for i, s in enumerate(path.read_text().splitlines()) if s == "[Data]") + 1
        t_c, _ = median_time(lambda: pd.read_csv(path, skiprows=skip), repeats)
        t_py, _ = median_time(lambda: pd.read_csv(path, sep=None, engine="python", skiprows=skip), repeats)
        if path is two:
            t_np, _ = median_time(lambda: np.loadtxt(path, delimiter=",", skiprows=1), repeats)
            np_txt = f"{t_np:.2f} s"
        else:
            np_txt = "n/a (empty fields)"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_ours, d = median_time(lambda: load_rt(path), repeats)
        print(f"| {path.name} ({len(d)} rows) | {size:.1f} | {t_c:.2f} s | {t_py:.2f} s | {np_txt} "
              f"| {t_ours:.2f} s | {t_ours / t_c:.1f}x |")


def coverage() -> None:
    print("\n### 2. Coverage and messages\n")
    cases = {name: sample_path(name).read_bytes() for name in sample_names()}
    cases.update({
        "bad cell on line 4": b"T,R\n1,1\n2,2\n3,abc\n4,4\n5,5\n",
        "decimal comma, semicolons": b"T;R\n1,5;10\n2,5;20\n3,5;30\n4,5;40\n5,5;50\n",
        "units mK / kOhm in header": b"T (mK),R (kOhm)\n1000,1\n2000,2\n3000,3\n4000,4\n5000,5\n",
        "headerless time, T, R": b"0,1,10\n60,2,20\n120,3,30\n180,4,40\n240,5,50\n",
        "Latin-1 comment": "# operator: J\u00fcrgen\nT,R\n1,1\n2,2\n3,3\n4,4\n5,5\n".encode("latin-1"),
    })  # fmt: skip
    print("| input | pandas-based loader | puddles load_rt |")
    print("|---|---|---|")

    def outcome(fn, raw):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = fn(raw)
            T = out.T if hasattr(out, "T") and not isinstance(out, tuple) else out[0]
            R = out.R if hasattr(out, "R") and not isinstance(out, tuple) else out[1]
            return f"{len(T)} points, T {T.min():.4g}..{T.max():.4g}, R max {R.max():.4g}"
        except Exception as exc:  # noqa: BLE001 - what the user would see is the point
            return f"{type(exc).__name__}: {str(exc)[:150]}".replace("|", "/").replace("\n", " ")

    for name, raw in cases.items():
        print(f"| {name} | {outcome(pandas_load, raw)} | {outcome(load_rt, raw)} |")
    io_dir = REPO / "src" / "puddles" / "io"
    reading = [io_dir / f for f in ("source.py", "table.py", "columns.py", "units.py", "reader.py")]
    print(f"\nCode (non-blank, non-comment lines incl. docstrings): puddles.io reading "
          f"{_code_lines(reading)}; the pandas loader above 25, plus what it lacks (line numbers in "
          "messages, units, decimal comma, encodings, ambiguity listing, size limit).")


UNITS = ["K", "mK", "Ohm", "Ohms", "ohm", "kOhm", "KOhm", "mOhm", "MOhm", "mohm", "\u03a9", "k\u03a9",
         "Ohm/sq", "kOhm/sq", "R/R_N", "Ohm-m", "sec", "Oe", "code"]  # fmt: skip


def units(quick: bool) -> None:
    print("\n### 3. Units\n")
    code = "import time; t=time.perf_counter(); import pint; u=pint.UnitRegistry(); print(time.perf_counter()-t)"
    pint_start = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
    import pint

    ureg = pint.UnitRegistry()

    def pint_kind(u):
        try:
            q = ureg.parse_units(u)
        except Exception as exc:  # noqa: BLE001
            return f"error ({type(exc).__name__})"
        return str(q)

    print("| unit in header | puddles unit_kind | pint parse_units |")
    print("|---|---|---|")
    for u in UNITS:
        kind = unit_kind(u)
        print(f"| {u} | {kind[0] + (f' x{kind[1]:g}' if kind[1] == kind[1] else '') if kind else 'unknown'} "
              f"| {pint_kind(u)} |")
    reps = 3 if quick else 7
    t_ours, _ = median_time(lambda: [unit_kind(u) for u in UNITS * 100], reps)
    t_pint, _ = median_time(lambda: [pint_kind(u) for u in UNITS * 100], reps)
    n = len(UNITS) * 100
    print(f"\nper unit string: puddles {t_ours / n * 1e6:.1f} us, pint {t_pint / n * 1e6:.1f} us "
          f"({t_pint / t_ours:.0f}x); pint import + UnitRegistry() in a fresh process: {pint_start:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a 4 MB file and fewer repeats")
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores)")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        speed(Path(tmp), args.quick)
    coverage()
    units(args.quick)
    print(f"\n(speed section {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
