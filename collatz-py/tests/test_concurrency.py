"""Many threads on one engine (issue 14): every result equals the same call made alone, some
calls are cancelled, and nothing hangs. Each test has its own deadline and fails, never hangs,
when it is passed: the work runs in daemon threads joined with a timeout, or in a subprocess.

COLLATZ_STRESS_SECONDS sets how long the 4 threads keep calling (default 10, split between the
module-level engine and an explicit RangeEngine).
"""

from __future__ import annotations

import faulthandler
import os
import pathlib
import random
import subprocess
import sys
import threading
import time
import traceback
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import pytest

import collatz_engine as ce

SECONDS = float(os.environ.get("COLLATZ_STRESS_SECONDS", "10"))
#: beyond the stress time: the longest call alone, on a loaded 2-core machine, many times over
GRACE = 180.0
SUMMARY = ("total_stopping_time", "stopping_time", "max_excursion")


def run_threads(targets: List[Callable[[], None]], deadline: float) -> None:
    """Runs each target in a daemon thread; fails if one raises or is still running after
    `deadline` seconds (with every thread's stack on stderr)."""
    errors: List[str] = []

    def guarded(f: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                f()
            except BaseException:  # noqa: BLE001 - reported by the test
                errors.append(traceback.format_exc())

        return run

    threads = [threading.Thread(target=guarded(f), daemon=True, name=f"stress-{i}") for i, f in enumerate(targets)]
    for t in threads:
        t.start()
    until = time.monotonic() + deadline
    for t in threads:
        t.join(max(0.0, until - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    if hung:
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        pytest.fail(f"{hung} still running {deadline:.0f} s after the start: a deadlock?")
    assert not errors, "\n".join(errors)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    return a == b


#: name -> (call on an engine, a random one of them may be cancelled)
Call = Callable[[Any, Any], Any]


def calls() -> Dict[str, Call]:
    """The calls the threads make, each a function of (engine, cancel token or None)."""
    out: Dict[str, Call] = {
        # grows the memo (on a fresh engine), then reads it
        "long summary": lambda e, c: e.summary(1, 3 * 10**7, SUMMARY, cancel=c),
        # past the memo's reach
        "far summary": lambda e, c: e.summary(10**10, 10**10 + 3 * 10**6, SUMMARY, cancel=c),
        # odd steps and exact maxima: the engine's second memo
        "odd summary": lambda e, c: e.summary(2, 2 * 10**6, ce.FIELDS, cancel=c),
        "columns": lambda e, c: e.columns(5 * 10**6, 5 * 10**6 + 2**18, ("total_stopping_time", "max_excursion"),
                                          cancel=c),
        "verify": lambda e, c: e.verify(2**40, 2**40 + 2**23, cancel=c),
    }
    rng = random.Random(14)
    for start in sorted(rng.randrange(10**6, 10**9) for _ in range(6)):
        out[f"short summary {start}"] = lambda e, c, s=start: e.summary(s, s + 10**5, SUMMARY, cancel=c)
    for start in (1, 10**6, 3 * 10**7):
        out[f"short columns {start}"] = lambda e, c, s=start: e.columns(s, s + 2**16, ce.FIELDS, cancel=c)
    return out


class ModuleLevel:
    """The module-level functions, as an engine."""

    def summary(self, *args: Any, **kw: Any) -> Any:
        return ce.summary(*args, **kw)

    def columns(self, *args: Any, **kw: Any) -> Any:
        return ce.columns(*args, **kw)

    def verify(self, *args: Any, **kw: Any) -> Any:
        return ce.verify(*args, **kw)


@pytest.fixture(scope="module")
def expected() -> Dict[str, Any]:
    """Every call made alone, one after another, on a fresh engine."""
    alone = ce.RangeEngine()
    return {name: call(alone, None) for name, call in calls().items()}


@pytest.mark.parametrize("which", ["module-level", "RangeEngine"])
def test_four_threads_on_one_engine(expected, which):
    engine = ModuleLevel() if which == "module-level" else ce.RangeEngine()
    todo = calls()
    seconds = SECONDS / 2
    counts = {"done": 0, "cancelled": 0}
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            if rng.random() < 0.2:
                # a call that would take hours, cancelled from another thread after a while
                token = ce.CancelToken()
                threading.Timer(rng.uniform(0.0, 0.3), token.cancel).start()
                with pytest.raises(ce.CancelledError):
                    engine.summary(1, 10**12, SUMMARY, cancel=token)
                with lock:
                    counts["cancelled"] += 1
                continue
            name = rng.choice(sorted(todo))
            token = None
            if rng.random() < 0.15:
                # cancelled or not, depending on the race: either the right result or the error
                token = ce.CancelToken()
                threading.Timer(rng.uniform(0.0, 0.05), token.cancel).start()
            try:
                got = todo[name](engine, token)
            except ce.CancelledError:
                assert token is not None, name
                with lock:
                    counts["cancelled"] += 1
                continue
            assert same(got, expected[name]), name
            with lock:
                counts["done"] += 1

    run_threads([lambda s=s: worker(s) for s in range(4)], seconds + GRACE)
    print(which, counts)
    assert counts["done"] >= 4 and counts["cancelled"] >= 1, counts


def test_chunks_and_the_cache_beside_other_calls(expected):
    engine = ce.RangeEngine()
    cache = ce.StepCache(1 << 16, 1 << 10)
    whole = expected["short columns 1000000"]

    def chunks() -> None:
        for _ in range(5):
            parts = list(engine.chunks(10**6, 10**6 + 2**16, ce.FIELDS, 2**14))
            for field in ce.FIELDS:
                assert np.array_equal(np.concatenate([p[1][field] for p in parts]), whole[field])

    def summaries() -> None:
        for _ in range(5):
            assert engine.summary(1, 3 * 10**7, SUMMARY) == expected["long summary"]

    def cached() -> None:
        for n in range(10**9, 10**9 + 3000):
            assert cache.total_stopping_time(n) == ce.total_stopping_time(n)

    run_threads([chunks, summaries, cached, chunks], GRACE)


def test_a_chunk_iterator_refuses_a_second_thread_instead_of_waiting():
    # a thread that waited for the iterator's lock with the GIL held would block the first
    # thread, which needs the GIL to finish: the second is refused, as a running generator is
    started = threading.Event()
    it = ce.chunks(10**10, 10**10 + 2**24, chunk_size=2**24, progress=lambda done, total: started.set())
    refused: List[str] = []

    def first() -> None:
        first_n, cols = next(it)
        assert first_n == 10**10 and len(cols["total_stopping_time"]) == 2**24

    def second() -> None:
        assert started.wait(GRACE)
        with pytest.raises(ce.CollatzValueError, match="already running") as e:
            next(it)
        refused.append(str(e.value))

    run_threads([first, second], GRACE)
    assert len(refused) == 1 and it.remaining == 0
    with pytest.raises(StopIteration):
        next(it)


def test_the_two_thread_case_of_the_issue_finishes():
    # one run of the script in a fresh process (a fresh module-level engine), killed if it
    # hangs; `python two_threads.py --runs 20` repeats it
    script = pathlib.Path(__file__).with_name("two_threads.py")
    try:
        r = subprocess.run([sys.executable, str(script), "--end", "3e8", "--deadline", str(GRACE)],
                           capture_output=True, text=True, timeout=GRACE + 30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the two-thread run did not finish within {GRACE + 30:.0f} s")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok:"), r.stdout
