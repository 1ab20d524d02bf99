"""Tests for puddles.io: reading R(T) files and writing fit results."""

from __future__ import annotations

import csv
import io
import json
import math
import pathlib
import warnings
from dataclasses import replace as dataclass_replace

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from puddles.io import (
    MIN_POINTS,
    RTData,
    export_fit_csv,
    export_fit_json,
    fit_to_csv_str,
    fit_to_json_str,
    load_rt,
    read_table,
    sample_names,
    sample_path,
)

T5 = [1.0, 2.0, 3.0, 4.0, 5.0]
R5 = [10.0, 20.5, 30.0, 40.25, 50.0]


def table(rows, sep=",", header=None, comments=(), eol="\n") -> str:
    """Build file text from rows of cells."""
    lines = list(comments)
    if header is not None:
        lines.append(sep.join(header))
    lines += [sep.join(str(c) for c in row) for row in rows]
    return eol.join(lines) + eol


def load_text(text: str, **kw) -> RTData:
    return load_rt(text.encode("utf-8"), **kw)


def assert_default(d: RTData, T=T5, R=R5):
    np.testing.assert_array_equal(d.T, T)
    np.testing.assert_array_equal(d.R, R)


# --------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------

SEPARATORS = {"comma": ",", "comma-space": ", ", "tab": "\t", "semicolon": ";", "space": " ", "spaces": "   "}


@pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())
@pytest.mark.parametrize("header", [None, ["T", "R"], ["Temperature", "Resistance"]], ids=["nohdr", "TR", "long"])
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_formats(sep, header, eol):
    d = load_text(table(zip(T5, R5), sep=sep, header=header, eol=eol))
    assert_default(d)
    assert d.r_unit == "ohm" and d.n_merged == 0 and d.n_dropped == 0
    assert len(d) == 5


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""], ids=["bom", "nobom"])
@pytest.mark.parametrize("header", [True, False])
def test_utf8_bom(bom, header):
    text = table(zip(T5, R5), header=["T", "R"] if header else None)
    assert_default(load_rt(bom + text.encode("utf-8")))


def test_utf16_with_bom():
    text = table(zip(T5, R5), sep="\t", header=["T (K)", "R (Ω)"])
    assert_default(load_rt(text.encode("utf-16")))


def test_latin1_fallback_keeps_metadata():
    raw = "# operator: Jürgen\n# unit: µ\nT,R\n".encode("latin-1") + table(zip(T5, R5)).encode()
    d = load_rt(raw)
    assert d.metadata == {"operator": "Jürgen", "unit": "µ"}
    assert_default(d)


def test_comments_anywhere_and_metadata():
    text = (
        "# sample: NbN-17\n"
        "#gate=  -3.5 V \n"
        "# free text without separator\n"
        "# measured at 10:30 on 2024-01-01\n"
        "T,R\n"
        "1,10\n"
        "# half-way comment: yes\n"
        "2,20.5\n3,30\n\n   \n4,40.25\n5,50\n"
        "## trailing = done\n"
    )
    d = load_text(text)
    assert_default(d)
    assert d.metadata == {"sample": "NbN-17", "gate": "-3.5 V", "half-way comment": "yes", "trailing": "done"}


def test_metadata_value_may_contain_separators():
    d = load_text("# url: http://x.org/a=b\n# eq = a: b\n" + table(zip(T5, R5)))
    assert d.metadata == {"url": "http://x.org/a=b", "eq": "a: b"}


def test_header_from_comment_line_like_np_savetxt():
    # np.savetxt(header="T(mK) R(kOhm)") writes the names as a comment.
    text = "# T(mK) R(kOhm)\n" + table(zip([1000, 2000, 3000, 4000, 5000], [1, 2, 3, 4, 5]), sep=" ")
    d = load_text(text)
    assert_default(d, R=[1000.0, 2000.0, 3000.0, 4000.0, 5000.0])


def test_quoted_csv_cells():
    text = '"T (K)","R, 4-probe (ohm)"\n' + "".join(f'"{t}","{r}"\n' for t, r in zip(T5, R5))
    assert_default(load_text(text))


@pytest.mark.parametrize("sep", [";", "\t", " "], ids=["semicolon", "tab", "space"])
def test_decimal_comma(sep):
    rows = [(str(t).replace(".", ","), str(r).replace(".", ",")) for t, r in zip(T5, R5)]
    assert_default(load_text(table(rows, sep=sep, header=["T", "R"])))


def test_units_row_under_header():
    # Origin-style: names, then units, then a comment row.
    text = "Temperature,Resistance\nmK,kOhm\nsample A,sample A\n" + table(
        zip([1000, 2000, 3000, 4000, 5000], [0.01, 0.0205, 0.03, 0.04025, 0.05])
    )
    assert_default(load_text(text))


def test_title_line_before_header():
    text = "Run 12\nT [K],R [Ohm]\n" + table(zip(T5, R5))
    assert_default(load_text(text))


def test_whitespace_header_with_spaced_units():
    text = "Temperature (K)    R (kOhm)\n" + table(zip(T5, [0.01, 0.0205, 0.03, 0.04025, 0.05]), sep="  ")
    assert_default(load_text(text))


def test_unmatched_whitespace_header_warns():
    text = "T mK R kOhm\n" + table(zip(T5, R5), sep=" ")
    with pytest.warns(UserWarning, match="could not match the header on line 1"):
        assert_default(load_text(text))


def test_ragged_trailing_separator():
    assert_default(load_text("".join(f"{t},{r},\n" for t, r in zip(T5, R5))))


# --------------------------------------------------------------------------------------
# Column selection
# --------------------------------------------------------------------------------------

T_NAMES = [
    "T", "t", "temp", "Temperature", "T(K)", "T [K]", "T_K", "T/K", "Temp (K)", "T_sample", "Sample Temperature",
]  # fmt: skip
R_NAMES = [
    "R", "res", "Resistance", "rho", "R (ohm)", "R [Ohm]", "R_ohm", "Rxx", "R_xx", "R (Ω)", "R_sheet", "R (Ohm/sq)",
]  # fmt: skip


@pytest.mark.parametrize("tname", T_NAMES)
@pytest.mark.parametrize("rname", ["R", "Rxx", "R (ohm)"])
def test_recognises_temperature_names_among_extra_columns(tname, rname):
    # Header-named columns win over position, and extra columns are ignored.
    rows = [(i, 99 - i, t, 7.0, r) for i, (t, r) in enumerate(zip(T5, R5))]
    d = load_text(table(rows, header=["index", "V (V)", tname, "I", rname]))
    assert_default(d)


@pytest.mark.parametrize("rname", R_NAMES)
def test_recognises_resistance_names(rname):
    rows = [(r, "x", t) for t, r in zip(T5, R5)]
    assert_default(load_text(table(rows, header=[rname, "note", "T"])))


@pytest.mark.parametrize(
    "rname", ["R/R_N", "R/RN", "R/Rn", "R_over_RN", "norm", "normalized", "R (norm)", "R [R/R_N]", "R_norm"]
)
def test_normalized_from_header(rname):
    R = [0.0, 0.1, 0.5, 0.9, 1.0]
    d = load_text(table(zip(T5, R), header=["T", rname]))
    assert d.r_unit == "normalized"
    assert_default(d, R=R)


def test_time_column_is_not_temperature():
    rows = [(10 * i, t, r) for i, (t, r) in enumerate(zip(T5, R5))]
    assert_default(load_text(table(rows, header=["t (s)", "T (K)", "R"])))


def test_two_unrecognised_numeric_columns_are_t_then_r():
    rows = [("2024-01-01 10:00", t, r) for t, r in zip(T5, R5)]
    assert_default(load_text(table(rows, header=["date", "x", "y"])))
    assert_default(load_text(table(rows)))


def test_three_unrecognised_numeric_columns_are_refused_with_candidates():
    rows = [("2024-01-01 10:00", t, r, 0) for t, r in zip(T5, R5)]
    with pytest.raises(ValueError, match=r"candidates .* column 2 \('x'\), column 3 \('y'\), column 4 \('z'\)"):
        load_text(table(rows, header=["date", "x", "y", "z"]))
    with pytest.raises(ValueError, match=r"3 columns of numbers and no header.*column 2 \(first values 1.0, 2.0"):
        load_text(table(rows))
    assert_default(load_text(table(rows, header=["date", "x", "y", "z"]), columns=("x", "y")))


@pytest.mark.parametrize(
    "columns",
    [(2, 0), ("temp", "res"), ("TEMP", "RES"), (2, "res"), ("temp", 0), ("Temp", "Res")],
)
def test_columns_override(columns):
    rows = [(r, 0.5, t, 3.0) for t, r in zip(T5, R5)]
    assert_default(load_text(table(rows, header=["res", "other", "temp", "T"]), columns=columns))


def test_columns_name_matches_base_name():
    rows = [(t, r) for t, r in zip(T5, R5)]
    assert_default(load_text(table(rows, header=["T (mK)", "R (ohm)"]), columns=("T", "R"), t_unit="K"))


# --------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------

TMK = [1000, 2000, 3000, 4000, 5000]
RK = [0.01, 0.0205, 0.03, 0.04025, 0.05]


@pytest.mark.parametrize("tname", ["T (mK)", "T [mK]", "T_mK", "Temperature (millikelvin)", "T/mK", "T (mk)"])
def test_mk_from_header(tname):
    assert_default(load_text(table(zip(TMK, R5), header=[tname, "R"])))


@pytest.mark.parametrize(
    ("rname", "factor"),
    [
        ("R (kOhm)", 1e3), ("R [kΩ]", 1e3), ("R_kohm", 1e3), ("R (KOhm)", 1e3), ("R/kOhm", 1e3),
        ("R (MOhm)", 1e6), ("R [MΩ]", 1e6), ("R_Mohm", 1e6), ("R (ohm)", 1.0), ("R (Ohms)", 1.0),
        ("R (Ω)", 1.0), ("R (kOhm/sq)", 1e3),
    ],
)  # fmt: skip
def test_r_unit_from_header(rname, factor):
    d = load_text(table(zip(T5, [1, 2, 3, 4, 5]), header=["T", rname]))
    np.testing.assert_array_equal(d.R, np.array([1, 2, 3, 4, 5], dtype=float) * factor)
    assert d.r_unit == "ohm"


@pytest.mark.parametrize(
    ("t_unit", "T"), [("K", T5), ("mK", [0.001, 0.002, 0.003, 0.004, 0.005]), ("mk", [0.001, 0.002, 0.003, 0.004, 0.005])]
)
@pytest.mark.parametrize(
    ("r_unit", "scale", "kind"),
    [
        ("ohm", 1.0, "ohm"), ("kohm", 1e3, "ohm"), ("Mohm", 1e6, "ohm"),
        ("normalized", 1.0, "normalized"), ("kΩ", 1e3, "ohm"),
    ],  # fmt: skip
)
def test_units_from_arguments(t_unit, T, r_unit, scale, kind):
    d = load_text(table(zip([1, 2, 3, 4, 5], R5)), t_unit=t_unit, r_unit=r_unit)
    np.testing.assert_array_equal(d.T, T)
    np.testing.assert_array_equal(d.R, np.array(R5) * scale)
    assert d.r_unit == kind


def test_mk_conversion_is_exactly_rounded():
    # Division by 1000 (not multiplication by the inexact 0.001) gives the nearest double.
    d = load_text(table(zip([1500, 300, 10, 7, 123456], R5)), t_unit="mK")
    np.testing.assert_array_equal(d.T, np.sort([1.5, 0.3, 0.01, 0.007, 123.456]))


@pytest.mark.parametrize(
    ("header", "kw", "T", "R", "kind"),
    [
        (["T (mK)", "R (kOhm)"], {"t_unit": "K"}, T5, np.array(R5) * 1e3, "ohm"),
        (["T (mK)", "R (kOhm)"], {"r_unit": "ohm"}, np.array(T5) / 1000, R5, "ohm"),
        (["T (K)", "R (ohm)"], {"t_unit": "mK", "r_unit": "kohm"}, np.array(T5) / 1000, np.array(R5) * 1e3, "ohm"),
        (["T", "R/R_N"], {"r_unit": "ohm"}, T5, R5, "ohm"),
        (["T", "R (ohm)"], {"r_unit": "normalized"}, T5, R5, "normalized"),
        (["T (degC)", "R (a.u.)"], {"t_unit": "K", "r_unit": "ohm"}, T5, R5, "ohm"),
    ],
)
def test_arguments_win_over_header(header, kw, T, R, kind):
    d = load_text(table(zip(T5, R5), header=header), **kw)
    np.testing.assert_array_equal(d.T, T)
    np.testing.assert_array_equal(d.R, R)
    assert d.r_unit == kind


def test_default_units_without_header():
    d = load_text(table(zip(T5, R5)))
    assert d.r_unit == "ohm"
    assert_default(d)


# --------------------------------------------------------------------------------------
# Cleaning: sorting, merging, dropping
# --------------------------------------------------------------------------------------


def test_sorts_by_temperature():
    d = load_text(table([(5, 50), (1, 10), (3, 30), (2, 20.5), (4, 40.25)]))
    assert_default(d)


def test_merges_duplicate_temperatures():
    rows = [(3, 30), (1, 9), (2, 20.5), (1, 11), (4, 40.25), (5, 50), (1, 10), (5, 50)]
    d = load_text(table(rows))
    assert_default(d)
    assert d.n_merged == 3
    assert d.n_dropped == 0


@pytest.mark.parametrize("missing", ["", "nan", "NaN", "NA", "n/a", "-", "null"])
def test_drops_missing_with_warning(missing):
    rows = [(1, 10), (1.5, missing), (2, 20.5), (3, 30), (missing, 35), (4, 40.25), (5, 50)]
    text = table(rows, header=["T", "R"])
    with pytest.warns(UserWarning, match=r"dropped 2 rows .*lines 3, 6\b"):
        d = load_text(text)
    assert_default(d)
    assert d.n_dropped == 2


def test_drops_short_row_with_warning():
    text = "T,R\n1,10\n2,20.5\n2.5\n3,30\n4,40.25\n5,50\n"
    with pytest.warns(UserWarning, match=r"dropped 1 row with missing values \(line 4\)"):
        assert_default(load_text(text))


def test_many_dropped_lines_are_summarised():
    text = table(list(zip(T5, R5)) + [(6 + i, "") for i in range(15)])
    with pytest.warns(UserWarning, match="and 5 more"):
        load_text(text)


def test_no_warning_for_clean_file():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_text(table(zip(T5, R5)))


def test_zero_resistance_and_temperature_allowed():
    d = load_text(table([(0, 0), (1, 0), (2, -0.0), (3, 5), (4, 6)]))
    assert d.R[0] == 0.0 and not np.signbit(d.R).any()


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", "empty"),
        ("  \n\n \r\n", "empty"),
        ("# only: comments\n# here\n", "only comments"),
        ("T,R\n", "header but no data"),
        ("1\n2\n3\n4\n5\n6\n", "only one column"),
        ("T\n1\n2\n3\n4\n5\n", "only one column"),
        ("T,R\n1,2\n2,3\n3,4\n4,5\n", r"only 4 valid data points.*at least 5"),
        ("T,R\n1,2\n1,3\n2,4\n3,5\n4,6\n5,\n", r"only 4 valid .*1 dropped.*1 merged"),
        ("T,R\n1,1\n2,2\n3,abc\n4,4\n5,5\n", r"line 4, column 2 \('R'\): 'abc' is not a number"),
        ("# c\nT (K),R\n1,1\n2x,2\n3,3\n4,4\n5,5\n", r"line 4, column 1 \('T \(K\)'\): '2x' is not a number"),
        ("1 1\n2 2\n3 3\n4 4 \n5 five\n", r"line 5, column 2: 'five' is not a number"),
        ("T,R\n1,1\n2,2\n-3,3\n4,4\n5,5\n", r"line 4, column 1 \('T'\): negative temperature"),
        ("T,R\n1,-1\n2,-2\n3,-3\n4,0.001\n5,5\n", r"3 of 5 resistances in column 2 \('R'\) are negative"),
        ("T,R\n1,1\n2,inf\n3,3\n4,4\n5,5\n", r"line 3, column 2 \('R'\): infinite resistance"),
        ("T,R\n1,1\n2,2\n-inf,3\n4,4\n5,5\n", r"line 4, column 1 \('T'\): infinite temperature"),
        ("T,R\n1,1\n2,1e999\n3,3\n4,4\n5,5\n", r"line 3.*infinite"),
        ("T (degC),R\n1,1\n2,2\n3,3\n4,4\n5,5\n", r"unit 'degC' is not K or mK.*t_unit"),
        ("T,R (V)\n1,1\n2,2\n3,3\n4,4\n5,5\n", r"unit 'V' is not ohm.*r_unit"),
        ("T,R (mohm)\n1,1\n2,2\n3,3\n4,4\n5,5\n", r"'mohm' is ambiguous"),
    ],
)
def test_errors(text, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=pattern) as info:
            load_text(text)
    assert str(info.value).startswith("<bytes>: ")
    assert "Traceback" not in str(info.value)


def test_first_problem_in_file_order_is_reported():
    text = "T,R\n1,1\n2,-2\n3,x\n4,inf\n5,5\n"
    with pytest.raises(ValueError, match="line 4, column 2"):
        load_text(text)


@pytest.mark.parametrize(
    "raw",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),  # xlsx / zip
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(1, 32)) * 50,  # no NUL, but control characters throughout
        b"1,2\n3,4\x00\n",
    ],
    ids=["zip", "png", "controls", "nul"],
)
def test_binary_files_rejected(raw):
    with pytest.raises(ValueError, match="binary file"):
        load_rt(raw)


def test_binary_message_mentions_excel():
    with pytest.raises(ValueError, match="Excel"):
        load_rt(b"PK\x03\x04\x00\x00")


def test_binary_text_from_stream_rejected():
    with pytest.raises(ValueError, match="binary"):
        load_rt(io.StringIO("1,2\x00\n"))


@pytest.mark.parametrize(("kw", "pattern"), [
    ({"t_unit": "C"}, "unknown temperature unit 'C'"),
    ({"t_unit": 1}, "unknown temperature unit"),
    ({"r_unit": "mohm"}, "unknown resistance unit 'mohm'"),
    ({"r_unit": "V"}, "unknown resistance unit"),
])  # fmt: skip
def test_unknown_unit_arguments(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        load_text(table(zip(T5, R5)), **kw)


@pytest.mark.parametrize(
    ("columns", "pattern"),
    [
        ((0, 5), "index 5 is out of range.*2 columns"),
        ((0, 0), "different columns"),
        (("T", "X"), "no column named 'X'"),
        ((True, 1), "index or a name"),
        ((0,), "pair"),
        ("TR", "pair"),
        ((0.5, 1), "index or a name"),
    ],
)
def test_bad_columns(columns, pattern):
    with pytest.raises(ValueError, match=pattern):
        load_text(table(zip(T5, R5), header=["T", "R"]), columns=columns)


def test_column_name_without_header():
    with pytest.raises(ValueError, match="no header"):
        load_text(table(zip(T5, R5)), columns=("T", "R"))


def test_ambiguous_column_name():
    with pytest.raises(ValueError, match="several columns"):
        load_text(table(zip(T5, R5, R5), header=["T (K)", "T (mK)", "R"]), columns=("T", "R"))


# --------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda text, p: p,
        lambda text, p: str(p),
        lambda text, p: text.encode(),
        lambda text, p: bytearray(text.encode()),
        lambda text, p: memoryview(text.encode()),
        lambda text, p: io.BytesIO(text.encode()),
        lambda text, p: io.StringIO(text),
        lambda text, p: open(p, encoding="utf-8"),
        lambda text, p: open(p, "rb"),
    ],
    ids=["pathlib", "str", "bytes", "bytearray", "memoryview", "BytesIO", "StringIO", "textfile", "binfile"],
)
def test_sources(make, tmp_path):
    text = "# gate: 2 V\n" + table(zip(T5, R5), header=["T", "R"])
    p = tmp_path / "run 7.csv"
    p.write_text(text, encoding="utf-8")
    src = make(text, p)
    try:
        d = load_rt(src)
    finally:
        if hasattr(src, "close"):
            src.close()
    assert_default(d)
    assert d.metadata == {"gate": "2 V"}
    assert d.source_name in ("run 7.csv", "<bytes>", "<stream>")


def test_source_names(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text(table(zip(T5, R5)))
    assert load_rt(p).source_name == "a.csv"
    assert load_rt(p.read_bytes()).source_name == "<bytes>"
    assert load_rt(io.BytesIO(p.read_bytes())).source_name == "<stream>"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_rt(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="folder"):
        load_rt(tmp_path)


def test_text_content_as_str_is_refused_clearly():
    with pytest.raises(ValueError, match="line breaks"):
        load_rt(table(zip(T5, R5)))


@pytest.mark.parametrize("bad", [42, None, [1, 2]])
def test_wrong_source_type(bad):
    with pytest.raises(TypeError):
        load_rt(bad)


def test_reader_returning_wrong_type():
    class Weird:
        def read(self):
            return 3

    with pytest.raises(TypeError, match="read"):
        load_rt(Weird())


def test_warning_points_at_caller():
    with pytest.warns(UserWarning, match="dropped 1 row") as record:
        load_text(table(list(zip(T5, R5)) + [(6, "")]))
    assert record[0].filename == __file__


# --------------------------------------------------------------------------------------
# RTData
# --------------------------------------------------------------------------------------


def test_rtdata_basics():
    d = RTData(T=[1, 2, 3], R=[4, 5, 6], metadata={"a": 1})
    assert len(d) == 3
    assert d.T.dtype == float and d.metadata == {"a": "1"}
    with pytest.raises(ValueError):
        d.T[0] = 5.0  # read-only
    with pytest.raises(AttributeError):
        d.r_unit = "normalized"  # frozen
    np.testing.assert_array_equal(d.normalized(2.0), [2.0, 2.5, 3.0])
    assert d == RTData(T=[1, 2, 3], R=[4, 5, 6], metadata={"a": "1"})
    assert d != RTData(T=[1, 2, 3], R=[4, 5, 7], metadata={"a": "1"})
    assert "n=3" in repr(d)


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"T": [1, 2], "R": [1]}, "same length"),
        ({"T": [[1]], "R": [[1]]}, "one-dimensional"),
        ({"T": [1], "R": [1], "r_unit": "kohm"}, "r_unit"),
        ({"T": [1], "R": [1], "n_merged": -1}, "n_merged"),
    ],
)
def test_rtdata_validation(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        RTData(**kw)


@pytest.mark.parametrize("r_n", [0, -1, math.nan, math.inf])
def test_normalized_rejects_bad_rn(r_n):
    with pytest.raises(ValueError, match="r_n"):
        RTData(T=T5, R=R5).normalized(r_n)


@pytest.mark.parametrize("r_unit", ["ohm", "normalized"])
@pytest.mark.parametrize("target", ["path", "str", "text", "binary"])
def test_to_csv_round_trip_exact(r_unit, target, tmp_path):
    rng = np.random.default_rng(1)
    T = np.sort(rng.uniform(0.01, 20, 50))
    R = rng.uniform(0, 2e4, 50) * rng.choice([1e-6, 1, 1e6], 50)
    meta = {"sample": "NbN #3", "gate voltage": "-2.5 V", "url": "http://a.b/c=d", "empty": ""}
    d = RTData(T=T, R=R, r_unit=r_unit, metadata=meta)
    p = tmp_path / "out.csv"
    if target == "path":
        d.to_csv(p)
        back = load_rt(p)
    elif target == "str":
        d.to_csv(str(p))
        back = load_rt(str(p))
    elif target == "text":
        buf = io.StringIO()
        d.to_csv(buf)
        back = load_rt(io.StringIO(buf.getvalue()))
    else:
        buf = io.BytesIO()
        d.to_csv(buf)
        back = load_rt(buf.getvalue())
    np.testing.assert_array_equal(back.T, d.T)
    np.testing.assert_array_equal(back.R, d.R)
    assert back.r_unit == r_unit
    assert back.metadata == meta


def test_to_csv_layout():
    buf = io.StringIO()
    RTData(T=[0.1, 1 / 3], R=[2.0, 1e-300], metadata={"k": "v"}).to_csv(buf)
    assert buf.getvalue() == f"# k: v\nT_K,R_ohm\n0.1,2.0\n{1 / 3!r},1e-300\n"


@pytest.mark.parametrize("key", ["a:b", "a=b", "", " a", "#a", "a\nb"])
def test_to_csv_rejects_unreadable_keys(key):
    with pytest.raises(ValueError, match="metadata key"):
        RTData(T=T5, R=R5, metadata={key: "x"}).to_csv(io.StringIO())


def test_to_csv_flattens_multiline_values():
    buf = io.StringIO()
    RTData(T=T5, R=R5, metadata={"note": "line one\nline two "}).to_csv(buf)
    assert load_rt(io.StringIO(buf.getvalue())).metadata == {"note": "line one line two"}


positive = st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(positive, positive), min_size=MIN_POINTS, max_size=40).filter(
        lambda rows: len({t for t, _ in rows}) >= MIN_POINTS
    ),
    st.sampled_from(["ohm", "normalized"]),
)
def test_property_to_csv_then_load_gives_sorted_deduplicated(rows, r_unit):
    T = np.array([t for t, _ in rows])
    R = np.array([r for _, r in rows])
    buf = io.StringIO()
    RTData(T=T, R=R, r_unit=r_unit).to_csv(buf)
    back = load_rt(io.StringIO(buf.getvalue()))

    groups: dict[float, list[float]] = {}
    for t, r in zip(T.tolist(), R.tolist()):
        groups.setdefault(t + 0.0, []).append(r)
    want_T = sorted(groups)
    np.testing.assert_array_equal(back.T, want_T)
    np.testing.assert_allclose(back.R, [np.mean(groups[t]) for t in want_T], rtol=1e-12, atol=0)
    unique = [t for t in want_T if len(groups[t]) == 1]
    mask = np.isin(back.T, unique)
    np.testing.assert_array_equal(back.R[mask], [groups[t][0] for t in unique])
    assert back.n_merged == len(rows) - len(groups)
    assert back.r_unit == r_unit


# --------------------------------------------------------------------------------------
# Fit export
# --------------------------------------------------------------------------------------

FIT = {
    "params": {"Tc": (1.2345678901234567, 0.001), "R_N": (1234.5, math.nan), "alpha": (2.0, None), "beta": 3.0},
    "T": [0.5, 1.0, 1.5, 2.0],
    "R_data": [0.0, 10.0, 1000.0, 1234.0],
    "R_fit": [0.1, 9.5, math.nan, 1234.5],
    "metadata": {"sample": "A", "model": "BKT"},
}


def _parse_fit_csv(text: str):
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    return comments, rows[0], np.array(rows[1:], dtype=float)


def test_fit_csv_round_trip():
    text = fit_to_csv_str(**FIT)
    comments, header, data = _parse_fit_csv(text)
    assert comments[:2] == ["# sample: A", "# model: BKT"]
    params = {}
    for line in comments[2:]:
        name, rest = line[2:].split(": ", 1)
        value, stderr = rest.split(" +- ")
        params[name] = (float(value), float(stderr))
    assert params["Tc"] == FIT["params"]["Tc"]
    assert math.isnan(params["R_N"][1]) and math.isnan(params["alpha"][1]) and params["beta"][0] == 3.0
    assert header == ["T_K", "R_data", "R_fit", "residual"]
    np.testing.assert_array_equal(data[:, 0], FIT["T"])
    np.testing.assert_array_equal(data[:, 1], FIT["R_data"])
    np.testing.assert_array_equal(data[:, 2], FIT["R_fit"])
    np.testing.assert_array_equal(data[:, 3], np.subtract(FIT["R_data"], FIT["R_fit"]))


def test_fit_csv_is_readable_by_load_rt():
    kw = dict(FIT, T=T5, R_data=R5, R_fit=R5)
    d = load_rt(fit_to_csv_str(**kw).encode())
    assert_default(d)
    assert d.metadata["Tc"] == f"{FIT['params']['Tc'][0]!r} +- 0.001"


def test_fit_json_round_trip_and_nan_is_null():
    text = fit_to_json_str(**FIT)
    assert "NaN" not in text and "Infinity" not in text
    doc = json.loads(text)
    assert set(doc) == {"parameters", "data", "metadata"}
    assert doc["parameters"]["Tc"] == {"value": FIT["params"]["Tc"][0], "stderr": 0.001}
    assert doc["parameters"]["R_N"] == {"value": 1234.5, "stderr": None}
    assert doc["parameters"]["alpha"]["stderr"] is None
    assert doc["parameters"]["beta"] == {"value": 3.0, "stderr": None}
    assert doc["data"]["T_K"] == FIT["T"]
    assert doc["data"]["R_data"] == FIT["R_data"]
    assert doc["data"]["R_fit"] == [0.1, 9.5, None, 1234.5]
    assert doc["data"]["residual"] == [-0.1, 0.5, None, -0.5]
    assert doc["metadata"] == FIT["metadata"]


def test_fit_json_metadata_conversion():
    meta = {
        "n": np.int64(3),
        "x": np.float64(np.inf),
        "arr": np.array([1.0, np.nan]),
        "obj": pathlib.Path("a"),
        "nested": {"t": (1, 2)},
    }
    doc = json.loads(fit_to_json_str(params={}, T=[1], R_data=[1], R_fit=[1], metadata=meta))
    assert doc["metadata"] == {"n": 3, "x": None, "arr": [1.0, None], "obj": "a", "nested": {"t": [1, 2]}}


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("target", ["path", "str", "text", "binary"])
def test_export_file_variants_match_strings(fmt, target, tmp_path):
    export = {"csv": export_fit_csv, "json": export_fit_json}[fmt]
    expected = {"csv": fit_to_csv_str, "json": fit_to_json_str}[fmt](**FIT)
    p = tmp_path / f"fit.{fmt}"
    if target in ("path", "str"):
        export(p if target == "path" else str(p), **FIT)
        got = p.read_bytes().decode("utf-8")
    elif target == "text":
        buf = io.StringIO()
        export(buf, **FIT)
        got = buf.getvalue()
    else:
        buf = io.BytesIO()
        export(buf, **FIT)
        got = buf.getvalue().decode("utf-8")
    assert got == expected


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"R_fit": [1.0]}, "same length"),
        ({"T": [[1.0]]}, "one-dimensional"),
        ({"params": {"a": (1, 2, 3)}}, "expected \\(value, stderr\\)"),
    ],
)
@pytest.mark.parametrize("func", [fit_to_csv_str, fit_to_json_str])
def test_export_validation(kw, pattern, func):
    with pytest.raises(ValueError, match=pattern):
        func(**dict(FIT, **kw))


def test_export_csv_rejects_unreadable_param_name():
    with pytest.raises(ValueError, match="parameter name"):
        fit_to_csv_str(**dict(FIT, params={"a:b": (1.0, 0.1)}))


# --------------------------------------------------------------------------------------
# Instrument layouts: one shipped, hand-made sample file each
# --------------------------------------------------------------------------------------

# (file, line that starts the header, delimiter, T column, R column, factor to ohm, metadata expected)
SAMPLES = {
    "ppms_resistivity.dat": ("Comment,", ",", "Temperature (K)", "Bridge 1 Resistance (Ohms)", 1.0,
                             {"TITLE": "Sample A (anonymised)", "SAMPLE1_NAME": "Sample A"}),
    "ppms_eto.dat": ("Comment,", ",", "Temperature (K)", "Resistance Ch1 (Ohms)", 1.0,
                     {"BYAPP": "Electrical Transport Option, 1.1.7", "SAMPLE1_NAME": "Film B"}),
    "multivu_header.dat": ("Time Stamp", ",", "Temperature (K)", "Sample Resistance (mOhm)", 1e-3,
                           {"TITLE": "Crystal C (anonymised)"}),
    "lakeshore_372.csv": ("Date,", ",", "Ch1 Temperature (K)", "Ch2 Resistance (kOhm)", 1e3,
                          {"instrument": "Lake Shore Model 372 (log export)"}),
    "labview.lvm": ("X_Value", "\t", "Temperature (K)", "Resistance (Ohm)", 1.0, {"Operator": "anonymous"}),
}  # fmt: skip


def _independent_read(path, start, delimiter, t_col, r_col, factor):
    """The expected curve, read with the csv module from the known header line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(start))
    rows = list(csv.DictReader(lines[at:], delimiter=delimiter))
    pairs = sorted((float(r[t_col]), float(r[r_col])) for r in rows if r[t_col] and r[r_col])
    return np.array([t for t, _ in pairs]), np.array([r for _, r in pairs]) * factor


def test_every_shipped_sample_has_a_test():
    assert set(sample_names()) == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_file_loads_right_columns_and_units(name):
    start, delim, t_col, r_col, factor, meta = SAMPLES[name]
    path = sample_path(name)
    assert "SAMPLE FILE made by hand" in path.read_text(encoding="utf-8")
    T, R = _independent_read(path, start, delim, t_col, r_col, factor)
    d = load_rt(path)
    np.testing.assert_array_equal(d.T, T)
    np.testing.assert_allclose(d.R, R, rtol=1e-15)
    assert d.r_unit == "ohm" and d.source_name == name
    assert meta.items() <= d.metadata.items()
    table = read_table(path)
    assert table.header[next(i for i in table.numeric_columns if table.header[i] == t_col)] == t_col


def test_qd_file_read_as_bytes_with_crlf_and_empty_fields():
    raw = sample_path("ppms_resistivity.dat").read_bytes()
    assert b"\r\n" in raw and b",,,," in raw
    assert load_rt(raw) == dataclass_replace(load_rt(sample_path("ppms_resistivity.dat")), source_name="<bytes>")


def test_noise_around_zero_is_kept():
    d = load_rt(sample_path("ppms_eto.dat"))
    assert d.R.min() == -0.3 and (d.R < 0).sum() == 2


def test_qd_header_without_data_line():
    with pytest.raises(ValueError, match=r"\[Header\].*no \[Data\] line"):
        load_text("[Header]\nTITLE,x\nT,R\n1,2\n")


def test_lvm_without_end_of_header():
    with pytest.raises(ValueError, match="End_of_Header"):
        load_text("LabVIEW Measurement\nWriter_Version\t2\n")


# --------------------------------------------------------------------------------------
# Ambiguous columns: never a silent guess
# --------------------------------------------------------------------------------------


def test_thermometer_resistance_is_not_the_sample():
    rows = [(60 * i, t, 1000 + i, r) for i, (t, r) in enumerate(zip(T5, R5))]
    d = load_text(table(rows, header=["time (s)", "T (K)", "Sensor Resistance (Ohm)", "Sample R (Ohm)"]))
    assert_default(d)


def test_two_resistance_columns_are_refused_with_both_named():
    rows = [(t, r, 2 * r) for t, r in zip(T5, R5)]
    with pytest.raises(ValueError, match=r"more than one column could be the resistance.*"
                       r"column 2 \('R1 \(Ohm\)'\), column 3 \('R2 \(Ohm\)'\).*columns="):
        load_text(table(rows, header=["T (K)", "R1 (Ohm)", "R2 (Ohm)"]))
    assert_default(load_text(table(rows, header=["T (K)", "R1 (Ohm)", "R2 (Ohm)"]), columns=("T (K)", 1)))


def test_two_temperature_columns_are_refused():
    rows = [(t, t + 0.01, r) for t, r in zip(T5, R5)]
    with pytest.raises(ValueError, match=r"more than one column could be the temperature.*'T_sample'.*'T_probe'"):
        load_text(table(rows, header=["T_sample", "T_probe", "R"]))


def test_headerless_time_t_r_is_refused_not_read_as_t():
    rows = [(60 * i, t, r) for i, (t, r) in enumerate(zip(T5, R5))]
    with pytest.raises(ValueError, match=r"3 columns of numbers and no header.*column 1 \(first values 0, 60, 120\)"):
        load_text(table(rows))
    assert_default(load_text(table(rows), columns=(1, 2)))


def test_qd_eto_with_two_wired_channels_is_refused():
    text = sample_path("ppms_eto.dat").read_text()
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Comment,"))
    for i in range(at + 1, len(lines)):
        cells = lines[i].split(",")
        cells[15] = "12.5"  # Resistance Ch2 (Ohms) now holds data
        lines[i] = ",".join(cells)
    with pytest.raises(ValueError, match=r"'Resistance Ch1 \(Ohms\)'.*'Resistance Ch2 \(Ohms\)'"):
        load_text("\n".join(lines))
    d = load_text("\n".join(lines), columns=("Temperature (K)", "Resistance Ch2 (Ohms)"))
    assert set(d.R) == {12.5}


# --------------------------------------------------------------------------------------
# Units and quantities
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rname", "factor"),
    [("R (mOhm)", 1e-3), ("R [mΩ]", 1e-3), ("R (milliohm)", 1e-3), ("R (µOhm)", 1e-6), ("R (GOhm)", 1e9),
     ("R (Ohm/sq)", 1.0), ("R (mOhm/sq)", 1e-3), ("R_sheet (Ω/□)", 1.0)],
)  # fmt: skip
def test_more_resistance_units(rname, factor):
    d = load_text(table(zip(T5, [1000, 2000, 3000, 4000, 5000]), header=["T", rname]))
    np.testing.assert_allclose(d.R, np.array([1000, 2000, 3000, 4000, 5000]) * factor, rtol=1e-15)


def test_mohm_argument_and_ambiguity():
    d = load_text(table(zip(T5, [1000, 2000, 3000, 4000, 5000])), r_unit="mOhm")
    np.testing.assert_array_equal(d.R, [1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="ambiguous.*mOhm.*MOhm"):
        load_text(table(zip(T5, R5)), r_unit="mohm")


def test_resistivity_column_is_not_read_as_resistance():
    rows = [(t, r * 1e-8) for t, r in zip(T5, R5)]
    with pytest.raises(ValueError, match="Ohm-m"):
        load_text(table(rows, header=["T (K)", "Resistivity (Ohm-m)"]), columns=(0, 1))


pint = pytest.importorskip("pint")
unumpy = pytest.importorskip("uncertainties.unumpy")
UREG = pint.UnitRegistry()


def test_rtdata_converts_pint_quantities():
    d = RTData(T=UREG.Quantity([1000, 2000], "mK"), R=UREG.Quantity([1.5, 2.5], "kohm"))
    np.testing.assert_array_equal(d.T, [1.0, 2.0])
    np.testing.assert_array_equal(d.R, [1500.0, 2500.0])
    d = RTData(T=[1 * UREG.K, 2000 * UREG.mK], R=UREG.Quantity([0.1, 0.9], ""), r_unit="normalized")
    np.testing.assert_array_equal(d.T, [1.0, 2.0])


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"T": UREG.Quantity([1.0, 2.0], "m"), "R": [1, 2]}, r"T has the unit meter.*kelvin"),
        ({"T": [1, 2], "R": UREG.Quantity([1.0, 2.0], "V")}, r"R has the unit volt.*ohm"),
        ({"T": [1, 2], "R": UREG.Quantity([0.1, 0.9], "")}, "r_unit='normalized'"),
        ({"T": [1 * UREG.K, 2.0], "R": [1, 2]}, "mixes numbers with and without units"),
        ({"T": [1, 2], "R": unumpy.uarray([1.0, 2.0], [0.1, 0.1])}, r"uncertainties.*r_err"),
        ({"T": unumpy.uarray([1.0, 2.0], [0.1, 0.1]), "R": [1, 2]}, "nominal_values"),
    ],
)
def test_rtdata_refuses_what_it_cannot_convert(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        RTData(**kw)


def test_check_temperatures_converts_quantities():
    from puddles.validation import check_temperatures

    np.testing.assert_array_equal(check_temperatures(UREG.Quantity([500.0, 1500.0], "mK")), [0.5, 1.5])
    with pytest.raises(ValueError, match="T has the unit second"):
        check_temperatures(UREG.Quantity([1.0], "s"))


@pytest.mark.parametrize(
    ("T", "R", "pattern"),
    [
        (UREG.Quantity(np.arange(1.0, 11.0), "m"), np.arange(10.0), "T has the unit meter"),
        (np.arange(1.0, 11.0), unumpy.uarray(np.arange(10.0), 0.1), "r_err"),
    ],
)
def test_fit_rt_never_strips_units(T, R, pattern):
    from puddles import fit_rt

    with pytest.raises(ValueError, match=pattern):
        fit_rt(T, R)


# --------------------------------------------------------------------------------------
# Size limit
# --------------------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_50_mb_file_is_refused_at_once(tmp_path):
    p = tmp_path / "huge.csv"
    with open(p, "wb") as fh:
        fh.truncate(50_000_000)  # sparse: no 50 MB written
    with pytest.raises(ValueError, match=r"huge.csv: the file is 50.0 MB, larger than the 20 MB limit.*max_bytes"):
        load_rt(p)
    with pytest.raises(ValueError, match=r"<stream>: the file is larger than the 1 MB limit"):
        load_rt(io.BytesIO(b"1,2\n" * 300_000), max_bytes=1_000_000)
    with pytest.raises(ValueError, match=r"<bytes>: the file is 1.2 MB"):
        load_rt(b"1,2\n" * 300_000, max_bytes=1_000_000)
    assert len(load_rt(b"".join(b"%d,2\n" % i for i in range(200_000)), max_bytes=None)) == 200_000


# --------------------------------------------------------------------------------------
# Linear time: a megabyte line of every shape the parsers see
# --------------------------------------------------------------------------------------

MB = 1_000_000
LONG_LINES = {
    "comment key spaces": "#a" + " " * MB + "b\n",
    "comment colon late": "# k" + " " * MB + ": v\n",
    "comment equals": "#" + "=" * MB + "\n",
    "header spaces in": "T" + " " * MB + "in K R\n",
    "header open brackets": "(" * MB + " R\n",
    "header open square": "T [" * (MB // 3) + " R\n",
    "header unclosed unit": "T (" + "x" * MB + " R\n",
    "header underscores": "T" + "_" * MB + "K R\n",
    "header slashes": "T" + "/" * MB + " R\n",
    "number cell": "1" * MB + ",2\n",
    "decimal comma cell": "1" * MB + ",;2\n",
    "many cells": "1," * (MB // 2) + "\n",
    "quotes": '"' * MB + ",1\n",
    "qd header line": "[Header]\nINFO," + "," * MB + "x\n[Data]\n",
    "lvm header line": "LabVIEW Measurement\nk\t" + "\t" * MB + "\n***End_of_Header***\n",
}


@pytest.mark.timeout(60)
def _loads_or_says_why(text: str) -> None:
    """Either loads or raises a ValueError with a message (what matters here is that it returns)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load_text(text, max_bytes=None)
    except ValueError as exc:
        assert str(exc)


@pytest.mark.parametrize("sep", [",", " "], ids=["comma", "space"])
@pytest.mark.parametrize("shape", sorted(LONG_LINES))
def test_megabyte_line_is_parsed_in_linear_time(shape, sep):
    # Quadratic parsing took 33 s for 64 kB and would take hours for 1 MB: a timeout of
    # a minute (for well under a second of real work) separates the two on any machine.
    text = LONG_LINES[shape] + table(zip(T5, R5), sep=sep, header=["T", "R"])
    _loads_or_says_why(text)


# --------------------------------------------------------------------------------------
# Fuzz: load_rt returns finite sorted data or a ValueError with a message, never a crash
# --------------------------------------------------------------------------------------

_cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10, 10**6).map(str),
    st.sampled_from(["", "nan", "NA", "-", "K", "mK", "Ohm", "kOhm", "mohm", "R/R_N", "T (K)", "R (Ohm)", "#",
                     "1,5", "1e999", "  ", '"', "[Data]", "[Header]", "Temperature", "Resistance"]),
    st.text(max_size=8),
)  # fmt: skip
_rows = st.lists(st.lists(_cells, min_size=1, max_size=5), min_size=0, max_size=25)


_SEPS = [",", ";", "\t", " ", "  ", ", "]


@st.composite
def _csv_like(draw):
    sep = draw(st.sampled_from(_SEPS))
    rarely = st.sampled_from([False, False, False, True])
    mixed = draw(rarely)  # every line its own separator

    def join(cells):
        return (draw(st.sampled_from(_SEPS)) if mixed else sep).join(cells)

    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [join(row) for row in (draw(_rows) if draw(rarely) else [])]  # junk rows, sometimes
    if draw(st.booleans()):  # a real curve, unsorted, with repeated temperatures
        T = [k / 10 for k in draw(st.lists(st.integers(0, 3000), min_size=5, max_size=15, unique=True))]
        T += draw(st.lists(st.sampled_from(T), max_size=5))
        lines += [join([repr(t), repr(10 * t + i)]) for i, t in enumerate(draw(st.permutations(T)))]
    if draw(st.booleans()):  # header, units row, or both
        rows = draw(st.sampled_from([[["T (mK)", "R (kOhm)"]], [["T", "R"], ["mK", "mOhm"]], [["mK", "Ohm"]]]))
        lines[:0] = [join(r) for r in rows]
    if draw(st.booleans()):
        lines.insert(0, draw(st.sampled_from(["[Header]", "LabVIEW Measurement", "# note: x", "[Data]"])))
    text = eol.join(draw(st.permutations(lines)) if draw(rarely) else lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


def _check_outcome(raw: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = load_rt(raw)
    except ValueError as exc:
        assert str(exc).startswith("<bytes>: ") and len(str(exc)) > len("<bytes>: ")
        event("refused")
        return
    event("loaded")
    assert len(d) >= MIN_POINTS
    assert np.isfinite(d.T).all() and np.isfinite(d.R).all()
    assert (np.diff(d.T) > 0).all() and (d.T >= 0).all()


# A deadline per input (2 s, for well under 10 ms of work) catches a slow path; 300
# examples per strategy take about 5 s in all.
FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(raw):
    _check_outcome(raw)


@FUZZ
@given(_csv_like())
def test_fuzz_csv_like_text(raw):
    _check_outcome(raw)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "name",
    ["T" + " " * MB + "in K", "T" + " " * MB + "x", "(" * MB, "T (" + "(" * MB, "R" + "_" * MB + "kohm",
     "R" + "/" * MB + "Ohm", "R" + ", " * MB + "Ohm", "a " * MB],
    ids=["in", "spaces", "brackets", "unit brackets", "underscores", "slashes", "commas", "words"],
)  # fmt: skip
def test_megabyte_column_name_is_parsed_in_linear_time(name):
    text = f"{name},R2\n" + table(zip(T5, R5))
    _loads_or_says_why(text)
