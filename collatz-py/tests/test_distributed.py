"""collatz_engine.distributed on a real Dask cluster (LocalCluster, module-scoped): results
equal the one-process calls, a killed worker costs only its pieces, the store resumes a run,
cancelling stops it. Every test has its own deadline (SIGALRM) and fails instead of hanging."""

import os
import signal
import threading

import pytest

distributed = pytest.importorskip("distributed")
from distributed import Client, Future, LocalCluster  # noqa: E402

import collatz_engine as ce  # noqa: E402
from collatz_engine import distributed as cd  # noqa: E402


@pytest.fixture(autouse=True)
def deadline():
    def expire(signum, frame):
        raise TimeoutError("the test ran past its deadline")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(240)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, host="127.0.0.1")
    c = Client(cluster, set_as_default=False)
    yield c
    c.close()
    cluster.close()


def test_a_summary_on_the_cluster_equals_the_one_process_call(client):
    got = cd.summary(1, 10**8, client=client, chunk=1 << 23, progress=False)
    assert got == ce.summary(1, 10**8)
    assert got.total_stopping_time.max == 949  # 63,728,127 (A006877)
    fields = ce.summary(10**9, 10**9 + 3 * 10**6, ce.FIELDS)
    assert cd.summary(10**9, 10**9 + 3 * 10**6, ce.FIELDS, client=client, chunk=10**6,
                      progress=False) == fields


def test_a_verification_on_the_cluster_equals_the_one_process_call(client):
    got = cd.verify(2**40, 2**40 + 2**30, client=client, chunk=1 << 26, progress=False)
    assert got == ce.verify(2**40, 2**40 + 2**30)


def test_a_killed_worker_costs_only_its_pieces(client):
    pids = list(client.run(os.getpid).values())
    killed = []

    def progress(done, total):
        if done == 3 and not killed:
            killed.append(pids[0])
            threading.Thread(target=os.kill, args=(pids[0], signal.SIGKILL)).start()

    got = cd.summary(1, 4 * 10**8, client=client, chunk=1 << 23, progress=progress)
    assert killed, "the run ended before a worker was killed"
    assert got == ce.summary(1, 4 * 10**8)
    client.wait_for_workers(2, timeout=60)


def test_the_store_resumes_a_run_on_the_cluster(client, tmp_path):
    path = tmp_path / "run.db"
    plan = ce.SummaryPlan(1, 5 * 10**7, 1 << 22)
    # a run that stopped after 4 pieces
    store = ce.Store(path)
    store.begin("summary", 1, 5 * 10**7, None, 1 << 22)
    eng = ce.RangeEngine()
    for i, p in enumerate(plan.pieces[:4]):
        store.record(i, p[0], p[1], eng.summary_piece(p), 0.0)
    seen = []
    got = cd.summary(1, 5 * 10**7, client=client, chunk=1 << 22, store=store,
                     progress=lambda d, t: seen.append((d, t)))
    assert got == ce.summary(1, 5 * 10**7)
    assert seen[0] == (4, len(plan))  # the recorded pieces were not submitted again
    assert store.runs()[0]["done"] == len(plan)
    v = cd.verify(2**40, 2**40 + 2**28, client=client, chunk=1 << 25, store=tmp_path / "v.db",
                  progress=False)
    assert v == ce.verify(2**40, 2**40 + 2**28)
    assert ce.Store(tmp_path / "v.db").runs()[0]["done"] == 8


def test_cancelling_a_future_stops_the_run(client):
    def progress(done, total):
        if done == 2:
            for key in list(client.futures):
                if str(key).startswith("collatz-summary-1-300000000"):
                    Future(key, client).cancel()

    with pytest.raises(ce.CancelledError):
        cd.summary(1, 3 * 10**8, client=client, chunk=1 << 22, progress=progress)


def test_no_client_is_a_clear_error():
    with pytest.raises(ce.CollatzError, match="no Dask client"):
        cd.summary(1, 1000, progress=False)
