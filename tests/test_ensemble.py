"""Disorder ensembles: parameters, seeds, equivalence of executors (local pool, threads, dask)."""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from puddles import Network
from puddles.ensemble import (
    EnsembleParams,
    EnsembleResult,
    ensemble_rt,
    local_executor,
    realization_curve,
    realization_seeds,
)

T = np.linspace(0.4, 1.6, 13)
P = EnsembleParams(n=30, w=0.45, w2=0.05, tc_mean=1.0, sigma=0.2, tol=0.02)


@pytest.fixture(scope="module")
def local_result():
    return ensemble_rt(P, T, realization_seeds(7, 4))


# -- parameters and seeds ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=1), "n"),
        (dict(n=2.5), "n"),
        (dict(w=1.2), "w"),
        (dict(w2=-0.1), "w2"),
        (dict(tc_mean=0.0), "tc_mean"),
        (dict(sigma=-1.0), "sigma"),
        (dict(sigma=float("nan")), "sigma"),
        (dict(tol=0.0), "tol"),
        (dict(puddle_diameter="huge"), "puddle_diameter"),
        (dict(puddle_diameter=0), "puddle_diameter"),
    ],
)
def test_params_validation_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        EnsembleParams(**kwargs)


def test_params_coerce_dict_and_unknown_key():
    p = EnsembleParams.coerce(dict(n=30, w=0.4, w2=0.0, tc_mean=2.0, sigma=0.3))
    assert p == EnsembleParams(n=30, w=0.4, w2=0.0, tc_mean=2.0, sigma=0.3)
    assert EnsembleParams.coerce(p) is p
    with pytest.raises(ValueError, match="unknown key.*'omega'"):
        EnsembleParams.coerce(dict(omega=1))
    with pytest.raises(ValueError, match="params must be"):
        EnsembleParams.coerce([1, 2])


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
        np.testing.assert_array_equal(curve, net.rt_curve(T, P.tc_mean, P.sigma, tol=P.tol))


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
    p = EnsembleParams(n=12, w=0.5, w2=0.0, tc_mean=1.0, sigma=0.2, tol=None)
    Ts = np.array([0.9, 1.0, 1.1])
    res = ensemble_rt(p, Ts, [2, 3], executor=ThreadPoolExecutor(2))
    net = Network.generate(12, 0.5, 0.0, seed=2)
    np.testing.assert_allclose(res.curves[0], [net.resistance(t, 1.0, 0.2) for t in Ts], rtol=0, atol=1e-12)


def test_threads_give_identical_numbers_and_restore_the_environment(local_result, monkeypatch):
    monkeypatch.setenv("PUDDLES_WORKERS", "3")
    with ThreadPoolExecutor(2) as ex:
        res = ensemble_rt(P, T, local_result.seeds, executor=ex)
    np.testing.assert_array_equal(res.curves, local_result.curves)
    assert os.environ["PUDDLES_WORKERS"] == "3"


def test_work_item_runs_the_engine_in_process(monkeypatch):
    monkeypatch.delenv("PUDDLES_WORKERS", raising=False)
    seen = {}

    import puddles.transport as transport

    real_workers = transport.workers

    def spy():
        seen["value"] = os.environ.get("PUDDLES_WORKERS")
        return real_workers()

    monkeypatch.setattr(transport, "workers", spy)
    out = realization_curve(30, 0.45, 0.0, 5, np.linspace(-3, 3, 7), tol=0.05)
    assert seen["value"] == "1"
    assert "PUDDLES_WORKERS" not in os.environ
    assert out["F"].shape == (7,) and out["seed"] == 5


def test_w_below_the_skeleton_is_reported():
    with pytest.raises(ValueError, match="w_skeleton"):
        ensemble_rt(dict(n=30, w=0.05, w2=0.0, tc_mean=1.0, sigma=0.2), T, [1, 2], executor=ThreadPoolExecutor(2))


def test_progress_reports_every_realization():
    calls = []
    with local_executor(2) as ex:
        ensemble_rt(P, T, [11, 12, 13], executor=ex, progress=lambda d, t, m: calls.append((d, t, m)))
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
        res = ensemble_rt(P, T, local_result.seeds, executor=client.get_executor())
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
