"""Disorder ensembles: parameters, seeds, equivalence of executors (local pool, threads, dask)."""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from puddles import ModelParams, Network, parallel
from puddles.ensemble import (
    EnsembleResult,
    ensemble_rt,
    local_executor,
    realization_curve,
    realization_seeds,
)

T = np.linspace(0.4, 1.6, 13)
P = ModelParams(n=30, w=0.45, w2=0.05, tc_mean=1.0, sigma=0.2)
TOL = 0.02


@pytest.fixture(scope="module")
def local_result():
    return ensemble_rt(P, T, realization_seeds(7, 4), tol=TOL)


# -- parameters and seeds ------------------------------------------------------------------


def test_params_dict_and_numerical_settings_are_checked():
    res = ensemble_rt(dict(n=12, w=0.5, w2=0.0, tc_mean=1.0, sigma=0.2), [1.0], [2], executor=ThreadPoolExecutor(1))
    assert res.params == ModelParams(n=12, w=0.5, w2=0.0, tc_mean=1.0, sigma=0.2) and res.tol == 0.01
    with pytest.raises(ValueError, match="unknown key.*'tol'"):
        ensemble_rt(dict(n=12, tol=0.1), [1.0], [2])  # tol is a numerical setting, not a model parameter
    with pytest.raises(ValueError, match="^tol"):
        ensemble_rt(P, T, [1], tol=0.0)


def test_realization_seeds_are_deterministic_distinct_and_prefix_stable():
    a = realization_seeds(3, 50)
    assert a == realization_seeds(3, 50)
    assert len(set(a)) == 50 and all(0 <= s < 2**32 for s in a)
    assert realization_seeds(3, 10) == a[:10]
    assert realization_seeds(4, 10) != a[:10]
    with pytest.raises(ValueError, match="seed"):
        realization_seeds(-1, 3)
    with pytest.raises(ValueError, match="count"):
        realization_seeds(1, 0)


@pytest.mark.parametrize("seeds, match", [(5, "single integer"), ([], "at least one"), ([1, 1], "distinct"), ([1, -2], "seeds")])
def test_bad_seeds(seeds, match):
    with pytest.raises(ValueError, match=match):
        ensemble_rt(P, T, seeds, executor=ThreadPoolExecutor(1))


def test_bad_temperatures_and_executor():
    with pytest.raises(ValueError, match="^T "):
        ensemble_rt(P, [-1.0, 1.0], [1])
    with pytest.raises(ValueError, match="^T "):
        ensemble_rt(P, [[1.0]], [1])
    with pytest.raises(ValueError, match="executor"):
        ensemble_rt(P, T, [1], executor=object())


# -- results -------------------------------------------------------------------------------


def test_each_curve_is_the_network_of_its_seed(local_result):
    res = local_result
    assert isinstance(res, EnsembleResult) and res.count == 4
    for seed, curve in zip(res.seeds, res.curves):
        net = Network.generate(P.n, P.w, P.w2, seed=seed, puddle_diameter=P.puddle_diameter)
        np.testing.assert_array_equal(curve, net.rt_curve(T, P.tc_mean, P.sigma, tol=TOL))


def test_statistics_are_those_of_the_curves(local_result):
    res = local_result
    np.testing.assert_allclose(res.mean, res.curves.mean(axis=0))
    np.testing.assert_allclose(res.std, res.curves.std(axis=0, ddof=1))
    np.testing.assert_allclose(res.sem, res.std / 2.0)
    # R/R_N lies in [0, 1] and rises with T in every realization (Rayleigh monotonicity).
    assert (res.curves >= 0).all() and (res.curves <= 1 + 1e-12).all()
    assert (np.diff(res.curves, axis=1) >= -1e-12).all()
    assert res.n_solves > 0
    for pc, tp in zip(res.percolates, res.tp):
        assert pc or not np.isfinite(tp)  # only a percolating cluster has a Tp
    d = res.as_dict()
    assert d["params"]["n"] == 30 and len(d["mean"]) == T.size


def test_exact_mode_matches_network_resistance():
    p = ModelParams(n=12, w=0.5, w2=0.0, tc_mean=1.0, sigma=0.2)
    Ts = np.array([0.9, 1.0, 1.1])
    res = ensemble_rt(p, Ts, [2, 3], executor=ThreadPoolExecutor(2), tol=None)
    net = Network.generate(12, 0.5, 0.0, seed=2)
    np.testing.assert_allclose(res.curves[0], [net.resistance(t, 1.0, 0.2) for t in Ts], rtol=0, atol=1e-12)


def test_threads_give_identical_numbers_and_leave_the_environment_alone(local_result, monkeypatch):
    monkeypatch.setenv("PUDDLES_WORKERS", "3")
    before = dict(os.environ)
    with ThreadPoolExecutor(2) as ex:
        res = ensemble_rt(P, T, local_result.seeds, executor=ex, tol=TOL)
    np.testing.assert_array_equal(res.curves, local_result.curves)
    assert dict(os.environ) == before


def test_work_item_runs_the_engine_in_process(monkeypatch):
    def no_pool(*_a, **_k):
        raise AssertionError("a work item started the engine's pool")

    monkeypatch.delenv("PUDDLES_WORKERS", raising=False)
    monkeypatch.setattr(parallel, "pool", no_pool)
    # N = 70 with tol 0.01 is a batch the engine would send to its pool outside a work item.
    out = realization_curve(70, 0.45, 0.0, 5, np.linspace(-3, 3, 7), tol=0.01)
    assert out["F"].shape == (7,) and out["seed"] == 5 and out["n_solves"] > 0
    if parallel.workers() > 1:
        with pytest.raises(AssertionError, match="pool"):
            realization_curve(70, 0.45, 0.0, 6, np.linspace(-3, 3, 7), tol=0.01, single_process=False)


def test_w_below_the_skeleton_is_reported():
    with pytest.raises(ValueError, match="w_skeleton"):
        ensemble_rt(dict(n=30, w=0.05, w2=0.0, tc_mean=1.0, sigma=0.2), T, [1, 2], executor=ThreadPoolExecutor(2))


def test_progress_reports_every_realization():
    calls = []
    with local_executor(2) as ex:
        ensemble_rt(P, T, [11, 12, 13], executor=ex, tol=TOL, progress=lambda d, t, m: calls.append((d, t, m)))
    assert [c[:2] for c in calls] == [(1, 3), (2, 3), (3, 3)]
    assert all("seed" in c[2] for c in calls)
    with pytest.raises(ValueError, match="progress"):
        ensemble_rt(P, T, [11], progress="bar")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_dask_cluster_gives_the_same_numbers_as_the_local_pool(local_result):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as cluster, distributed.Client(cluster) as client:
        res = ensemble_rt(P, T, local_result.seeds, executor=client.get_executor(), tol=TOL)
        # The work items ran in the two worker processes, not here.
        pids = set(client.run(os.getpid).values())
        # A fit on the cluster: every (w, w2) point's realizations run there.
        from puddles.fit import fit_rt

        R = 40.0 * local_result.mean
        kw = dict(n=P.n, realizations=2, seed=5, fix={"w2": P.w2}, max_evaluations=4)
        remote = fit_rt(T, R, executor=client.get_executor(), **kw)
    assert len(pids) == 2 and os.getpid() not in pids
    # Same numbers up to rounding: which prefixes share a factorisation (puddles.prefix)
    # depends on what a process has already cached, which moves the last digit or two.
    np.testing.assert_allclose(res.curves, local_result.curves, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(res.mean, local_result.mean, rtol=1e-12, atol=1e-14)
    here = fit_rt(T, R, **kw)
    for name in here.params:
        assert remote.params[name].value == pytest.approx(here.params[name].value, rel=1e-6, abs=1e-9)
