"""Where the engine may start worker processes, and where it must solve in-process."""

import multiprocessing
import os
import threading

import numpy as np
import pytest

from puddles import Network, parallel


def _curve_in_worker(seed):
    net = Network.generate(70, 0.45, 0.1, seed=seed)
    return multiprocessing.current_process().daemon, parallel.in_process_only(), net.rt_curve([9.0, 10.0], 10.0, 1.0)


def test_in_process_is_local_to_the_thread_and_touches_no_environment():
    before = dict(os.environ)
    seen = {}
    with parallel.in_process():
        assert parallel.in_process_only()
        t = threading.Thread(target=lambda: seen.setdefault("other", parallel.in_process_only()))
        t.start()
        t.join()
        assert dict(os.environ) == before
    assert seen["other"] == (parallel.workers() == 1)
    assert parallel.in_process_only() == (parallel.workers() == 1)


@pytest.mark.timeout(120)
def test_engine_solves_in_process_inside_a_users_multiprocessing_pool():
    # A multiprocessing.Pool worker is daemonic: starting the engine's own workers there
    # would fail with "daemonic processes are not allowed to have children".
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        daemon, in_process, R = pool.apply(_curve_in_worker, (3,))
    assert daemon and in_process
    np.testing.assert_allclose(R, Network.generate(70, 0.45, 0.1, seed=3).rt_curve([9.0, 10.0], 10.0, 1.0))


@pytest.mark.timeout(120)
def test_engine_solves_in_process_inside_a_dask_task(monkeypatch):
    distributed = pytest.importorskip("distributed")

    def no_pool(*_a, **_k):
        raise AssertionError("the engine started its pool inside a dask task")

    monkeypatch.setattr(parallel, "pool", no_pool)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=":0") as client:
        _daemon, in_process, R = client.submit(_curve_in_worker, 4).result()
    assert in_process and R.shape == (2,)


@pytest.mark.timeout(120)
def test_pool_workers_end_when_their_kernel_is_killed():
    psutil = pytest.importorskip("psutil")
    import signal
    import subprocess
    import sys
    import time

    code = (
        "from puddles import parallel; import psutil, time\n"
        "ex = parallel.pool(2); [f.result() for f in [ex.submit(int, 0) for _ in range(4)]]\n"
        "print(' '.join(str(c.pid) for c in psutil.Process().children(recursive=True)), flush=True); time.sleep(600)\n"
    )
    kernel = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        pids = [int(p) for p in kernel.stdout.readline().split()]
        assert len(pids) >= 2
        kernel.send_signal(signal.SIGKILL)  # no atexit runs: the workers must notice by themselves
        kernel.wait(10)

        def alive():
            return [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]

        deadline = time.monotonic() + 5
        while alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(), [" ".join(psutil.Process(p).cmdline())[-70:] for p in alive()]
    finally:
        kernel.kill()
