"""Reading researchers' R(T) measurements and writing curves and fit results.

:func:`load_rt` reads instrument exports and hand-made tables into an :class:`RTData`
(T in kelvin, R in ohm or R/R_N); :func:`read_table` sniffs a file without choosing
columns; the ``export_fit_*`` / ``fit_to_*_str`` writers save a fit as CSV or JSON.
Modules: :mod:`.source` (bytes, size limit, decoding), :mod:`.table` (layouts and
separators), :mod:`.columns` (which column is T and R), :mod:`.units`, :mod:`.reader`,
:mod:`.writer`, :mod:`.rtdata` (the container), :mod:`.samples` (one small hand-made
file per supported instrument layout).

Hand-written rather than pandas/pint, by measurement (``benchmarks/bench_io.py``):
pandas' C reader is faster on a clean file (0.14 s vs 4 s for 19 MB; load_rt converts
clean columns with numpy) but its sniffing mode is slower than this reader on an
instrument file, it reports a bad cell without line or column ("could not convert
string to float: 'abc'"), needs the decimal comma and header blocks spelled out, and
would add a large dependency to the engine; pint does not know most unit spellings of
real headers (see :mod:`.units`).
"""

from .reader import load_rt, read_table
from .rtdata import MIN_POINTS, RTData
from .samples import sample_names, sample_path
from .source import MAX_BYTES
from .writer import export_fit_csv, export_fit_json, fit_to_csv_str, fit_to_json_str, write_rt_csv

__all__ = [
    "load_rt",
    "read_table",
    "RTData",
    "MIN_POINTS",
    "MAX_BYTES",
    "sample_names",
    "sample_path",
    "export_fit_csv",
    "export_fit_json",
    "fit_to_csv_str",
    "fit_to_json_str",
    "write_rt_csv",
]
