"""Runs past one machine: a summary or a verification of [start, end) on a Dask cluster.

The range is cut by the core's plan (``SummaryPlan`` for a summary, ``chunk_plan`` for a
verification: the same arguments always give the same pieces). Each piece is a Dask future
that runs the core on a worker, with as many threads as that worker's share of its machine's
cores (so that workers do not oversubscribe). The client merges the results in order as they
finish (a growing prefix: memory stays bounded, and at most a few pieces per worker thread are
in flight). The result equals the one-process call exactly: ``summary(1, 10**10,
client=client) == collatz_engine.summary(1, 10**10)``.

With ``store`` (a path or a ``Store``), every finished piece is recorded in the result store
(SQLite) as it arrives, and a rerun with the same arguments submits only the missing pieces.
A worker lost mid-run costs only its pieces: Dask reschedules them. Cancelling one of the
run's futures, or Ctrl-C, cancels the rest and raises ``CancelledError`` (or
``KeyboardInterrupt``); a piece already running on a worker finishes there, unrecorded.

Why Dask and not Celery: Celery is a task queue for web back-ends; its merge of many results
needs a broker and a result backend (a chord), and its workers hold no numpy-aware state. Dask
is what notebook users already run, from a laptop's ``LocalCluster`` to a cluster of machines,
and its futures stream back to the client that merges them.

Needs the ``distributed`` extra: ``pip install './collatz-py[distributed]'``.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

try:
    from distributed import Client, Future, as_completed, get_client, get_worker
except ImportError as e:  # pragma: no cover - depends on the extra
    raise ImportError(
        "collatz_engine.distributed needs dask and distributed: "
        "pip install './collatz-py[distributed]'"
    ) from e

from ._errors import CancelledError, CollatzError
from ._native import (
    DEFAULT_FIELDS,
    RangeEngine,
    Store,
    Summary,
    SummaryPlan,
    Verification,
    chunk_plan,
)

__all__ = ["summary", "verify"]

Fields = Union[str, Sequence[str]]
Progress = Union[bool, Callable[[int, int], Any]]

#: Pieces in flight per worker thread: enough to keep every thread busy while the client
#: merges, few enough that results waiting for an earlier piece stay few.
IN_FLIGHT_PER_THREAD = 3

_engine: Optional[RangeEngine] = None


def _worker_engine() -> RangeEngine:
    """The engine of this worker process, made once (its memo serves every piece here)."""
    global _engine
    if _engine is None:
        _engine = RangeEngine()
    return _engine


def _threads_here(threads: Dict[str, int]) -> int:
    """The threads a piece may use on the worker that runs it."""
    try:
        return threads.get(get_worker().address, 1)
    except ValueError:  # not on a worker (a synchronous scheduler)
        return 1


def _summary_piece(piece: Tuple[int, int, bool, bool, int], fields: Fields,
                   threads: Dict[str, int]) -> Tuple[Summary, float]:
    clock = time.perf_counter()
    part = _worker_engine().summary_piece(piece, fields, threads=_threads_here(threads))
    return part, time.perf_counter() - clock


def _verify_piece(piece: Tuple[int, int], threads: Dict[str, int]) -> Tuple[Verification, float]:
    clock = time.perf_counter()
    part = _worker_engine().verify(piece[0], piece[1], threads=_threads_here(threads))
    return part, time.perf_counter() - clock


def _client(client: Optional[Client]) -> Client:
    if client is not None:
        return client
    try:
        return get_client()
    except ValueError:
        raise CollatzError(
            "no Dask client: pass client=Client(...) (for one machine, "
            "Client(LocalCluster())), or create a Client first"
        ) from None


def _threads(client: Client) -> Dict[str, int]:
    """Each worker's share of its machine's cores: cores / worker threads on that machine."""
    cores = client.run(os.cpu_count)
    workers = client.scheduler_info()["workers"]
    per_host: Dict[str, int] = {}
    for info in workers.values():
        per_host[info["host"]] = per_host.get(info["host"], 0) + info["nthreads"]
    out = {}
    for address, info in workers.items():
        share = (cores.get(address) or 1) // max(1, per_host[info["host"]])
        out[address] = max(1, share)
    return out


def _store(store: Union[None, str, "os.PathLike[str]", Store]) -> Optional[Store]:
    if store is None or isinstance(store, Store):
        return store
    return Store(os.fspath(store))


def _bar(progress: Progress, total: int, initial: int, desc: str):
    """A tqdm bar (progress=True), a callable's adapter, or nothing."""
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - tqdm is in the extra
            return None
        return tqdm(total=total, initial=initial, desc=desc, unit="piece")
    if callable(progress):
        class _Call:
            def __init__(self) -> None:
                self.n = initial
                progress(self.n, total)

            def update(self, k: int) -> None:
                self.n += k
                progress(self.n, total)

            def close(self) -> None:
                pass

        return _Call()
    return None


def _run(client: Client, pieces: List[Any], done: Dict[int, Any], submit: Callable[[int], Future],
         take: Callable[[int, Any], None], record: Optional[Callable[[int, Any, float], None]],
         progress: Progress, desc: str) -> None:
    """Submits the pieces not in `done` (a bounded number at a time), and gives every piece's
    result to `take` in order as the prefix grows."""
    total = len(pieces)
    threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
    window = max(2, IN_FLIGHT_PER_THREAD * threads)
    # the largest pieces first (their work: odd-only pieces do half), so that no worker is
    # left with a large one at the end while the others idle; results still merge in order
    def work(i: int) -> float:
        piece = pieces[i]
        size = piece[1] - piece[0]
        return size / 2 if len(piece) > 2 and piece[2] else float(size)

    todo = sorted((i for i in range(total) if i not in done), key=lambda i: -work(i))
    waiting: Dict[int, Any] = dict(done)
    next_index = 0
    bar = _bar(progress, total, len(done), desc)

    def drain() -> None:
        nonlocal next_index
        while next_index in waiting:
            take(next_index, waiting.pop(next_index))
            next_index += 1

    running: Dict[Future, int] = {}
    queue = iter(todo)
    flow = as_completed(loop=client.loop)
    try:
        drain()
        for i in queue:
            fut = submit(i)
            running[fut] = i
            flow.add(fut)
            if len(running) >= window:
                break
        for fut in flow:
            i = running.pop(fut)
            if fut.status == "cancelled":
                raise CancelledError(f"piece {i} of the run was cancelled")
            part, seconds = fut.result()
            if record is not None:
                record(i, part, seconds)
            waiting[i] = part
            drain()
            if bar is not None:
                bar.update(1)
            nxt = next(queue, None)
            if nxt is not None:
                f = submit(nxt)
                running[f] = nxt
                flow.add(f)
        drain()
    except BaseException:
        client.cancel(list(running))
        raise
    finally:
        if bar is not None:
            bar.close()


def summary(start: int, end: int, fields: Fields = DEFAULT_FIELDS, client: Optional[Client] = None,
            chunk: Optional[int] = None, store: Union[None, str, "os.PathLike[str]", Store] = None,
            progress: Progress = True) -> Summary:
    """The summary of [start, end) computed on a Dask cluster, equal to
    ``collatz_engine.summary(start, end, fields)``. ``client``: a ``distributed.Client``
    (default: the current one). ``chunk``: the plan's chunk length (default 2^30). ``store``: a
    result store (path or ``Store``) that records the pieces and resumes a rerun.
    ``progress``: a tqdm bar (True), a callable (done_pieces, total_pieces), or False."""
    client = _client(client)
    plan = SummaryPlan(start, end, chunk)
    pieces = plan.pieces
    st = _store(store)
    done: Dict[int, Any] = dict(st.begin("summary", start, end, fields, plan.chunk)) if st else {}
    threads = _threads(client)
    assembly = plan.assembly()
    run_key = f"collatz-summary-{start}-{end}-{plan.chunk}-{time.monotonic_ns()}"

    def submit(i: int) -> Future:
        return client.submit(_summary_piece, pieces[i], fields, threads, key=f"{run_key}-{i}",
                             retries=2)

    def record(i: int, part: Summary, seconds: float) -> None:
        assert st is not None
        st.record(i, pieces[i][0], pieces[i][1], part, seconds)

    _run(client, pieces, done, submit, assembly.push, record if st else None, progress, "summary")
    return assembly.finish()


def verify(start: int, end: int, client: Optional[Client] = None, chunk: Optional[int] = None,
           store: Union[None, str, "os.PathLike[str]", Store] = None,
           progress: Progress = True) -> Verification:
    """The verification of [start, end) on a Dask cluster, equal to
    ``collatz_engine.verify(start, end)``; arguments as for summary()."""
    client = _client(client)
    pieces = chunk_plan(start, end, chunk)
    if not pieces:
        return _worker_engine().verify(start, end)
    st = _store(store)
    plan_chunk = chunk if chunk is not None else 1 << 30
    done: Dict[int, Any] = dict(st.begin("verify", start, end, None, plan_chunk)) if st else {}
    threads = _threads(client)
    merged: List[Verification] = []
    run_key = f"collatz-verify-{start}-{end}-{plan_chunk}-{time.monotonic_ns()}"

    def submit(i: int) -> Future:
        return client.submit(_verify_piece, pieces[i], threads, key=f"{run_key}-{i}", retries=2)

    def take(_: int, part: Verification) -> None:
        merged[:] = [merged[0].merge(part)] if merged else [part]

    def record(i: int, part: Verification, seconds: float) -> None:
        assert st is not None
        st.record(i, pieces[i][0], pieces[i][1], part, seconds)

    _run(client, pieces, done, submit, take, record if st else None, progress, "verify")
    return merged[0]
