"""Fit diagnostics, absurd inputs, long curves, noise, lmfit conventions, save/load, series fits,
and the first rt_curve call (fast tests at N = 30)."""

import io
import json
import math

import numpy as np
import pytest

from puddles import Network, fit_rt, fit_series
from puddles.ensemble import realization_seeds
from puddles.fit import FitResult, estimate_noise, read_series
from puddles.fit.curves import ModelCurves
from puddles.io import RTData

T = np.linspace(0.4, 1.8, 40)
SMALL = dict(n=30, realizations=2, seed=3)


def model_data(w=0.5, w2=0.1, tc=1.0, sg=0.2, T=T):
    """R/R_N of the fit's own realizations (the model the fit uses, exactly)."""
    curves = ModelCurves(30, realization_seeds(3, 2), 10.0, 0.03)
    return np.interp((T - tc) / sg, curves.grid, curves.evaluate(w, w2).Fbar)


@pytest.fixture(scope="module")
def exact_curve():
    return model_data()


@pytest.fixture(scope="module")
def fitted(exact_curve):
    R = 50.0 * exact_curve * (1 + 0.01 * np.random.default_rng(5).standard_normal(T.size))
    return fit_rt(T, R, fix={"w2": 0.1}, **SMALL)


# -- absurd inputs are refused, curves the model cannot describe are never a success -----------


def test_a_point_at_1e308_kelvin_is_refused():
    Tb = np.append(T, 1e308)
    with pytest.raises(ValueError, match=r"^T must lie in \[0, 10000\] K, got a point at 1e\+308 K"):
        fit_rt(Tb, np.ones(Tb.size), **SMALL)
    with pytest.raises(ValueError, match=r"^R must lie in"):
        fit_rt(T, np.where(T > 1, 1e300, 1.0), **SMALL)


def test_an_insulator_is_not_a_success():
    Ti = np.linspace(2.0, 20.0, 40)
    res = fit_rt(Ti, 100.0 * np.exp(5.0 / Ti), **SMALL)
    assert not res.success
    assert any("rises on cooling" in w for w in res.warnings)
    assert "warning" in res.message or "see warnings" in res.message


def test_pure_noise_is_not_a_success():
    R = 100.0 + np.random.default_rng(7).normal(0.0, 1.0, T.size)
    res = fit_rt(T, R, **SMALL)
    assert not res.success
    assert any("no resistive transition" in w for w in res.warnings)


def test_tc_outside_the_data_is_reported(exact_curve):
    # Only the normal state above the transition was measured.
    keep = T > 1.45
    res = fit_rt(T[keep], 50.0 * exact_curve[keep] + 0.01, fix={"w": 0.5, "w2": 0.1}, **SMALL)
    assert not res.success


# -- noise and goodness of fit -----------------------------------------------------------------


def test_noise_estimate_on_a_smooth_curve():
    Tn = np.linspace(0, 10, 2000)
    rng = np.random.default_rng(1)
    R = 100 / (1 + np.exp(-(Tn - 5))) + rng.normal(0, 0.7, Tn.size)
    assert estimate_noise(Tn, R) == pytest.approx(0.7, rel=0.08)


def test_reduced_chi_square_reads_one_at_the_noise_level(exact_curve):
    R = 50.0 * exact_curve + np.random.default_rng(2).normal(0, 0.5, T.size)
    res = fit_rt(T, R, fix={"w": 0.5, "w2": 0.1}, **SMALL)
    assert 0.4 < res.redchi < 2.0  # the N = 30 model's own steps raise the noise estimate a little
    assert res.noise_source == "estimated from the data"
    assert 0.1 < res.misfit < 2.0  # below 1: the fit absorbs part of the disorder


def test_long_curves_are_binned_with_a_note(exact_curve):
    Tl = np.linspace(0.4, 1.8, 100_000)
    R = 50.0 * np.interp(Tl, T, exact_curve) + np.random.default_rng(3).normal(0, 0.5, Tl.size)
    res = fit_rt(Tl, R, fix={"w": 0.5, "w2": 0.1}, **SMALL)
    assert res.ndata == 1000 and any("100000 points averaged in 1000 temperature bins" in n for n in res.notes)
    np.testing.assert_allclose(res.r_err, 0.05, rtol=0.1)  # a bin mean of 100 points: a tenth of the noise
    assert res.params["tc_mean"].value == pytest.approx(1.0, abs=0.01)


# -- lmfit conventions, save / load --------------------------------------------------------


def test_confidence_band_is_the_parameter_covariance_propagated(fitted):
    res = fitted
    band = res.eval_uncertainty(res.T_curve)
    assert band.shape == res.T_curve.shape and np.all(band >= 0) and band.max() > 0
    # The tc_mean column is the central difference of the curve over the smoothing width (0.1 sigma).
    i = res.var_names.index("tc_mean")
    G = res.model_gradient(res.T)
    p = res.params["tc_mean"]
    h = 0.1 * res.params["sigma"].value

    def moved(d):
        q = type(p)(**{**p.__dict__, "value": p.value + d})
        return FitResult(**{**res.__dict__, "params": {**res.params, "tc_mean": q}}).curve(res.T)

    fd = (moved(h) - moved(-h)) / (2 * h)
    np.testing.assert_allclose(G[:, i], fd, atol=1e-6 * np.abs(fd).max())
    var = np.einsum("ij,jk,ik->i", G, res.covar, G)
    np.testing.assert_allclose(res.eval_uncertainty(), np.sqrt(var))
    assert res.eval_uncertainty(res.T_curve, sigma=2) == pytest.approx(2 * band)


def test_save_load_round_trip(fitted, tmp_path):
    res = fitted
    res.save(tmp_path / "fit.json")
    back = FitResult.load(tmp_path / "fit.json")
    for name, p in res.params.items():
        q = back.params[name]
        assert (q.value, q.stderr, q.vary, q.correl) == (p.value, p.stderr, p.vary, p.correl)
    np.testing.assert_array_equal(back.curve(T), res.curve(T))
    np.testing.assert_array_equal(back.eval_uncertainty(T), res.eval_uncertainty(T))
    assert back.warnings == res.warnings and back.var_names == res.var_names
    assert FitResult.load(io.StringIO(res.to_json())).chisqr == res.chisqr
    with pytest.raises(ValueError, match="not a puddles fit JSON"):
        FitResult.load(io.StringIO('{"a": 1}'))


def test_lmfit_and_uncertainties_values(fitted):
    pytest.importorskip("lmfit")
    res = fitted
    params = res.to_lmfit_params()
    for name, p in res.params.items():
        assert params[name].value == p.value and params[name].vary == p.vary
        assert params[name].stderr == p.stderr
    assert params["w2"].vary is False
    u = res.params["tc_mean"].uvalue
    assert u.nominal_value == res.params["tc_mean"].value and u.std_dev == res.params["tc_mean"].stderr


def test_plot_to_a_file(fitted, tmp_path):
    pytest.importorskip("matplotlib")
    fig = fitted.plot(tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 1000 and len(fig.axes) == 2


# -- series ----------------------------------------------------------------------------------


def test_series_shares_realizations_and_exports(tmp_path):
    curves = [RTData(T=T, R=40.0 * model_data(tc=tc) * (1 + 0.01 * np.random.default_rng(i).standard_normal(T.size)))
              for i, tc in enumerate((0.9, 1.0, 1.1))]
    series = fit_series(curves, [2.0, 0.0, 1.0], control="gate voltage (V)", fix={"w": 0.5, "w2": 0.1}, **SMALL)
    assert list(series.labels) == [0.0, 1.0, 2.0]
    # Same (w, w2) for every curve: one evaluation serves the whole series.
    assert [r.n_evaluations for r in series.results] == [1, 0, 0]
    assert [r.seeds for r in series.results] == [tuple(realization_seeds(3, 2))] * 3
    np.testing.assert_allclose(series.column("tc_mean"), [1.0, 1.1, 0.9], atol=0.01)
    rows = series.table()
    assert set(rows[0]) >= {"label", "tc_mean", "tc_mean_stderr", "w2", "tp_K", "plateau", "skeleton_broken_fraction"}
    text = series.to_csv()
    assert text.startswith("# control: gate voltage (V)") and "label,tc_mean,tc_mean_stderr" in text
    doc = json.loads(series.to_json())
    assert doc["rows"][1]["label"] == 1.0 and doc["settings"]["seeds"] == list(realization_seeds(3, 2))
    pytest.importorskip("matplotlib")
    fig = series.plot(tmp_path / "fig1.png")
    assert (tmp_path / "fig1.png").stat().st_size > 1000 and len(fig.axes) == 4


def test_read_series_label_column_and_file_names(tmp_path):
    lines = ["Vg,T (K),R (ohm)"] + [f"{v},{t},{100 * t + v}" for v in (-1, 2) for t in T]
    curves, labels = read_series(io.BytesIO("\n".join(lines).encode()), label_column="vg")
    assert labels == [-1.0, 2.0] and [len(c) for c in curves] == [T.size, T.size]
    np.testing.assert_allclose(curves[1].R, 100 * T + 2)
    for v in (0.5, -1.5):
        RTData(T=T, R=T + v + 2).to_csv(tmp_path / f"film_Vg_{v}V.csv")
    curves, labels = read_series([tmp_path / "film_Vg_0.5V.csv", tmp_path / "film_Vg_-1.5V.csv"])
    assert labels == [-1.5, 0.5]
    np.testing.assert_allclose(curves[0].R, T + 0.5)
    with pytest.raises(ValueError, match="label_column 'x' not in the header"):
        read_series(io.BytesIO("\n".join(lines).encode()), label_column="x")


# -- the first rt_curve call is never slower than the exact answer --------------------------


def test_first_default_rt_curve_call_solves_no_more_than_exact():
    Tq = np.linspace(0.5, 1.5, 10)
    a = Network.generate(40, 0.45, 0.1, seed=21)
    b = Network.generate(40, 0.45, 0.1, seed=21)
    exact = a.rt_curve(Tq, 1.0, 0.2, tol=None)
    fast = b.rt_curve(Tq, 1.0, 0.2)
    np.testing.assert_array_equal(fast, exact)
    assert b.curve.n_solves == a.curve.n_solves <= 10
    assert math.isinf(b.curve.table_tol)  # no table was built
    many = b.rt_curve(np.linspace(0, 2, 2000), 1.0, 0.2)  # a full curve still uses the table
    assert b.curve.table_tol == 0.01 and many.shape == (2000,)
