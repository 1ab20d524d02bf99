"""The "Fit your data" panel, driven without a browser: examples, uploads, a small fit, errors."""

import base64
import re
from datetime import datetime, timezone

import numpy as np
import pytest

widgets = pytest.importorskip("ipywidgets")
pytest.importorskip("bqplot")

from puddles.app.fit_panel import FitPanel  # noqa: E402
from puddles.examples import load_example  # noqa: E402

EXAMPLE = "mos2_like_tc_10.0"


def _upload(panel, name, content: bytes):
    panel.upload.value = (
        {"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
         "last_modified": datetime.now(timezone.utc)},
    )


@pytest.fixture(scope="module")
def fitted():
    """A panel that loaded an example and ran a small fit (N = 20, 2 realizations)."""
    statuses = []
    panel = FitPanel(status=lambda message, level: statuses.append((message, level)))
    panel.example.value = EXAMPLE
    panel.n.value = 20
    panel.realizations.value = 2
    panel.fit_button.click()
    return panel, statuses


def test_builds_without_a_browser():
    panel = FitPanel()
    assert isinstance(panel.widget, widgets.Widget)
    assert panel.fit_button.disabled and panel.data is None and panel.result is None
    assert EXAMPLE in panel.example.options
    assert panel.run_fit() is None and "load a file" in panel.message.value


def test_example_is_shown_with_its_range(fitted):
    panel, _ = fitted
    data = load_example(EXAMPLE)
    np.testing.assert_array_equal(panel.data_mark.x, data.T)
    np.testing.assert_array_equal(panel.data_mark.y, data.R)
    assert panel.t_range.value == (data.T.min(), data.T.max())
    assert "SYNTHETIC" in panel.source.value
    assert "R/R<sub>N</sub>" in panel.y_label.value  # the MoS2-like family is normalised


def test_fit_marks_equal_the_result_arrays(fitted):
    panel, statuses = fitted
    res = panel.result
    assert res is not None and res.n == 20 and res.realizations == 2
    np.testing.assert_array_equal(panel.fit_mark.x, res.T_curve)
    np.testing.assert_array_equal(panel.fit_mark.y, res.R_curve)
    np.testing.assert_array_equal(panel.residual_mark.x, res.T)
    np.testing.assert_array_equal(panel.residual_mark.y, res.residual)
    # Residual axis: symmetric about 0, round limit, every residual inside.
    lim = panel.resid_scale.max
    assert panel.resid_scale.min == -lim and np.abs(res.residual).max() <= lim
    assert 0.0 in panel.resid_axis.tick_values
    mantissa = lim / 10 ** np.floor(np.log10(lim))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    assert panel.progress.value == panel.progress.max > 1
    for name, p in res.params.items():
        assert f">{name}<" in panel.params_html.value
        assert f"{p.value:.5g}" in panel.params_html.value
    assert ("busy" in [lvl for _, lvl in statuses]) and statuses[-1][1] == "info"
    assert "reduced chi" in statuses[-1][0]


def test_download_links_carry_the_exports(fitted):
    panel, _ = fitted
    links = dict(re.findall(r'download="puddles_fit\.(\w+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"',
                            panel.downloads.value))
    assert set(links) == {"csv", "json"}
    assert base64.b64decode(links["csv"]).decode() == panel.result.to_csv()
    assert base64.b64decode(links["json"]).decode() == panel.result.to_json()


def test_malformed_upload_reports_and_keeps_the_plot(fitted):
    panel, statuses = fitted
    before = (panel.data, panel.result, np.array(panel.fit_mark.y), np.array(panel.data_mark.y))
    _upload(panel, "broken.csv", b"T,R\n1,2\n2,abc\n3,4\n4,5\n5,6\n")
    assert "broken.csv: line 3" in panel.message.value and "not a number" in panel.message.value
    assert statuses[-1][1] == "error" and "broken.csv: line 3" in statuses[-1][0]
    assert panel.data is before[0] and panel.result is before[1]
    np.testing.assert_array_equal(panel.fit_mark.y, before[2])
    np.testing.assert_array_equal(panel.data_mark.y, before[3])
    _upload(panel, "picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in panel.message.value and statuses[-1][1] == "error"
    assert panel.result is before[1]


def test_a_good_upload_after_an_error_loads(fitted):
    panel, statuses = fitted
    T = np.linspace(1.0, 20.0, 30)
    text = "T (K),R (ohm)\n" + "".join(f"{t},{100 / (1 + np.exp(-(t - 8)))}\n" for t in T)
    _upload(panel, "good.csv", text.encode())
    np.testing.assert_allclose(panel.data_mark.x, T)
    assert panel.result is None and panel.fit_mark.x.size == 0  # the old fit belonged to other data
    assert panel.example.value != EXAMPLE and not panel.fit_button.disabled
    assert "R (Ω)" in panel.y_label.value and statuses[-1][1] == "info"
    assert panel.message.value == ""
    opts = panel.fit_options()
    assert opts["t_range"] == (1.0, 20.0) and opts["n"] == 20


@pytest.mark.parametrize("x, nice", [(0.0123, 0.02), (0.02, 0.02), (0.021, 0.025), (3.1, 5.0), (7, 10.0), (0, 1.0)])
def test_nice_ceiling(x, nice):
    from puddles.app.fit_panel import _nice_ceiling

    assert _nice_ceiling(x) == pytest.approx(nice)


def test_upload_limit_is_stated_and_an_oversize_upload_answered_at_once():
    from puddles.app.fit_panel import UPLOAD_MAX_BYTES

    statuses = []
    panel = FitPanel(status=lambda message, level: statuses.append((message, level)))
    controls = panel.widget.children[0].children
    assert any(f"up to {UPLOAD_MAX_BYTES / 1e6:g} MB" in w.value for w in controls if isinstance(w, widgets.HTML))
    panel.example.value = EXAMPLE
    before = panel.data
    _upload(panel, "huge.csv", b"1,2\n" * (UPLOAD_MAX_BYTES // 4 + 1))
    assert statuses[-1][1] == "error" and "huge.csv: the file is 8.0 MB; the limit is 8 MB" in statuses[-1][0]
    assert "limit" in panel.message.value and panel.data is before
    assert panel.upload.value == ()  # the bytes are not kept by the widget


def _eto_bytes(second_channel: bool) -> bytes:
    from puddles.io import sample_path

    lines = sample_path("ppms_eto.dat").read_text().splitlines()
    if second_channel:
        at = next(i for i, line in enumerate(lines) if line.startswith("Comment,"))
        for i in range(at + 1, len(lines)):
            cells = lines[i].split(",")
            cells[15] = str(10.0 + i)  # Resistance Ch2 (Ohms) wired too
            lines[i] = ",".join(cells)
    return "\n".join(lines).encode()


def test_column_picker_shows_the_loader_choice_and_reloads_on_change():
    panel = FitPanel()
    _upload(panel, "eto.dat", _eto_bytes(False))
    assert panel.columns_box.layout.display == "" and panel.data is not None
    labels = dict((v, k) for k, v in panel.t_column.options)
    assert "Temperature (K)" in labels[panel.t_column.value]
    assert "Resistance Ch1 (Ohms)" in labels[panel.r_column.value]
    assert panel.data.R.min() == -0.3
    std = next(v for k, v in panel.r_column.options if "Std. Dev. Ch1" in k)
    panel.r_column.value = std
    assert panel.data.R.min() > 0 and panel.result is None  # reloaded with the chosen column
    panel.example.value = EXAMPLE
    assert panel.columns_box.layout.display == "none"


def test_ambiguous_upload_lists_candidates_and_the_picker_resolves_it():
    statuses = []
    panel = FitPanel(status=lambda message, level: statuses.append((message, level)))
    _upload(panel, "two_channels.dat", _eto_bytes(True))
    assert panel.data is None and statuses[-1][1] == "error"
    assert "Resistance Ch1 (Ohms)" in statuses[-1][0] and "Resistance Ch2 (Ohms)" in statuses[-1][0]
    assert panel.columns_box.layout.display == "" and panel.r_column.value is None
    ch2 = next(v for k, v in panel.r_column.options if "Resistance Ch2" in k)
    t = next(v for k, v in panel.t_column.options if "Temperature (K)" in k)
    panel.t_column.value = t
    assert panel.data is None  # one dropdown is not enough
    panel.r_column.value = ch2
    assert panel.data is not None and panel.data.R.min() >= 10.0 and statuses[-1][1] == "info"


def test_two_column_upload_shows_no_picker():
    panel = FitPanel()
    _upload(panel, "plain.csv", "".join(f"{t},{10 * t}\n" for t in range(1, 8)).encode())
    assert panel.data is not None and panel.columns_box.layout.display == "none"


def test_a_long_curve_is_drawn_thinned_but_loaded_whole():
    from puddles.app.fit_panel import PLOT_MAX_POINTS

    panel = FitPanel()
    n = 3 * PLOT_MAX_POINTS + 7
    _upload(panel, "long.csv", "".join(f"{i * 0.01},{i}\n" for i in range(n)).encode())
    assert len(panel.data) == n and panel.data_mark.x.size == PLOT_MAX_POINTS
    assert panel.data_mark.x[0] == 0.0 and panel.data_mark.x[-1] == panel.data.T[-1]
    assert f"{n} points ({PLOT_MAX_POINTS} shown)" in panel.source.value


def test_the_confidence_band_is_shaded_around_the_fit():
    panel = FitPanel()
    panel.example.value = EXAMPLE
    panel.n.value, panel.realizations.value = 20, 3
    res = panel.run_fit()
    lo, hi = np.asarray(panel.band_mark.y)
    band = res.eval_uncertainty(res.T_curve)
    np.testing.assert_array_equal(panel.band_mark.x, res.T_curve)
    np.testing.assert_allclose(hi - lo, 2 * band)
    assert np.all(lo <= res.R_curve) and np.all(res.R_curve <= hi) and band.max() > 0
    assert panel.band_mark.fill == "between"


def _series_files():
    T = np.linspace(2.0, 18.0, 30)
    files = []
    for v, tc in ((-1.0, 8.0), (0.5, 9.0), (2.0, 10.0)):
        text = "T (K),R (ohm)\n" + "".join(f"{t},{100 / (1 + np.exp(-(t - tc) / 1.2))}\n" for t in T)
        files.append((f"film_Vg_{v}V.csv", text.encode()))
    return files


def _upload_many(panel, files):
    panel.upload.value = tuple(
        {"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
         "last_modified": datetime.now(timezone.utc)} for name, content in files)


def test_several_files_fit_as_a_series_with_four_panels():
    statuses = []
    panel = FitPanel(status=lambda message, level: statuses.append((message, level)))
    _upload_many(panel, _series_files())
    assert panel.series_data is not None and panel.series_data[1] == [-1.0, 0.5, 2.0]
    assert "series of 3 curves" in panel.source.value
    panel.n.value, panel.realizations.value = 20, 2
    panel.fit_button.click()
    series = panel.series
    assert series is not None and len(series) == 3 and panel.results_stack.selected_index == 1
    for name in ("tc_mean", "sigma", "w", "w2"):
        np.testing.assert_array_equal(panel.series_panels.values[name].x, [-1.0, 0.5, 2.0])
        np.testing.assert_array_equal(panel.series_panels.values[name].y, series.column(name))
    np.testing.assert_array_equal(panel.series_panels.skeleton.y, series.column("skeleton_broken_fraction"))
    assert np.all(np.diff(series.column("tc_mean")) > 0)  # Tc rises with the gate voltage, as made
    links = dict(re.findall(r'download="puddles_series\.(\w+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"',
                            panel.downloads.value))
    assert base64.b64decode(links["csv"]).decode() == series.to_csv()
    assert statuses[-1][1] == "info" and "series fitted" in statuses[-1][0]


def test_one_series_file_with_a_label_column():
    panel = FitPanel()
    T = np.linspace(2.0, 18.0, 25)
    text = "Vg,T (K),R (ohm)\n" + "".join(f"{v},{t},{100 / (1 + np.exp(-(t - 9 - v)))}\n" for v in (0, 1) for t in T)
    panel.label_column.value = "Vg"
    _upload(panel, "series.csv", text.encode())
    assert panel.series_data[1] == [0.0, 1.0] and len(panel.series_data[0][0]) == T.size
    panel.label_column.value = "nope"
    before = panel.series_data
    _upload(panel, "series2.csv", text.encode())
    assert "label_column &#x27;nope&#x27; not in the header" in panel.message.value and panel.series_data is before


def test_series_panels_use_round_ticks_enclosing_every_error_bar():
    import bqplot as bq

    from puddles.app.series_plots import _round_range

    scale = bq.LinearScale()
    ticks = _round_range(scale, [8.63, 9.7, 10.25], [8.7, 9.9, 10.5])
    assert scale.min <= 8.63 and scale.max >= 10.5 and 4 <= ticks.size <= 7
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0]) and steps[0] in (0.5, 1.0)  # 1, 2, 2.5 or 5 times a power of ten
    assert _round_range(scale, [np.nan], [np.nan]) is None and scale.min is None
