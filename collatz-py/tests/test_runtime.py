"""GIL release, Ctrl-C, progress, numpy dtypes and shapes, pandas, the cache, the API surface."""

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import collatz_engine as ce


def test_numpy_dtypes_and_shapes():
    cols = ce.columns(1, 1001, ce.FIELDS)
    assert set(cols) == set(ce.FIELDS)
    for name in ("total_stopping_time", "stopping_time", "odd_steps"):
        assert cols[name].dtype == np.uint16 and cols[name].shape == (1000,)
    assert cols["max_excursion"].dtype == np.uint64 and cols["max_excursion"].shape == (1000,)
    assert cols["total_stopping_time"].flags.c_contiguous and cols["total_stopping_time"].flags.writeable
    # the array owns Rust's buffer: it stays valid after the dict is gone
    arr = ce.columns(1, 100)["total_stopping_time"]
    assert arr[26] == 111
    # past n = 12,327,829,503 the maxima need more than 64 bits: exact ints in an object array
    far = ce.columns(2**64 - 20, 2**64 - 1, "max_excursion")["max_excursion"]
    assert far.dtype == object and far.shape == (19,)
    assert int(far[0]) == ce.max_excursion(2**64 - 20)
    assert ce.columns(5, 5)["total_stopping_time"].shape == (0,)


def test_summary_object():
    s = ce.summary(1, 1000)
    assert s.count == 999 and s.start == 1 and s.end == 1000
    assert s.histogram.dtype == np.uint64
    # the core's shape (the keys of `collatz range --json`), numbers as ints
    d = s.to_dict()
    assert d["max_total_stopping_time_n"] == 871 and d["delay_records"][-1] == {"n": 871, "value": 178}
    assert d["path_records"][-1] == {"n": s.path_records[-1][0], "value": s.path_records[-1][1]}
    assert d["sum_odd_steps"] is None and d["histogram"] == s.histogram.tolist()
    assert s.total_stopping_time.to_dict() == {"sum": d["sum_total_stopping_time"], "max": 178, "max_n": 871}
    assert s == ce.summary(1, 1000) and s != ce.summary(1, 999)
    # the defaults are the core's: summaries every statistic but odd steps, columns step counts
    assert ce.DEFAULT_FIELDS == ("total_stopping_time", "stopping_time", "max_excursion")
    e = ce.RangeEngine()
    assert e.summary(1, 1000) == s and e.summary(1, 1000, None) == s and s.odd_steps is None
    assert list(e.columns(1, 10)) == ["total_stopping_time"]
    assert [first for first, _ in e.chunks(1, 10, chunk_size=4)] == [1, 5, 9]
    assert abs(s.total_stopping_time.mean - s.total_stopping_time.sum / 999) < 1e-9
    assert "Summary(" in repr(s) and "StatSummary(" in repr(s.total_stopping_time)
    with pytest.raises(AttributeError):
        s.count = 5  # frozen


def test_stats_object_is_frozen_and_readable():
    s = ce.stats(27)
    assert repr(s).startswith("Stats(n=27, total_stopping_time=111")
    with pytest.raises(AttributeError):
        s.max = 1
    assert s == ce.stats(27) and s != ce.stats(28)
    assert s.to_dict()["max"] == 9232


def test_progress_callback_and_tqdm():
    seen = []
    ce.summary(1, 3_000_000, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (2_999_999, 2_999_999)
    assert all(t == 2_999_999 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    ce.columns(1, 100_000, progress=True)  # a tqdm bar, closed at the end
    with pytest.raises(ZeroDivisionError):
        ce.summary(1, 3_000_000, chunk_size=1 << 12, progress=lambda d, t: 1 / 0)


def test_long_calls_release_the_gil():
    ticks = 0
    stop = threading.Event()

    def counter():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=counter)
    t.start()
    before = ticks
    t0 = time.perf_counter()
    ce.summary(10**10, 10**10 + 30_000_000, "total_stopping_time", threads=1,
               engine=ce.RangeEngine(memo_bytes=1 << 22))
    elapsed = time.perf_counter() - t0
    stop.set()
    t.join()
    assert elapsed > 0.2
    # the other thread ran all along (it would be stuck at `before` with the GIL held)
    assert ticks - before > elapsed * 100


def test_keyboard_interrupt_stops_a_long_range_promptly():
    sent = {}

    def interrupt():
        time.sleep(0.5)
        sent["at"] = time.perf_counter()
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt).start()
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        ce.summary(1, 10**11)  # hours of work
    stopped = time.perf_counter()
    assert stopped - sent["at"] < 0.5, stopped - sent["at"]
    assert stopped - t0 < 5
    # the default engine is still usable afterwards
    assert ce.summary(1, 1000).delay_records[-1] == (871, 178)


def test_the_cache_counts_hits_and_misses():
    c = ce.StepCache(dense_below=1 << 10, capacity=64)
    assert c.total_stopping_time(27) == 111  # dense table
    assert c.total_stopping_time(63_728_127) == 949  # miss, then stored
    assert c.total_stopping_time(63_728_127) == 949  # hit
    for n in range(10**9, 10**9 + 200):
        assert c.total_stopping_time(n) == ce.total_stopping_time(n)
    st = c.stats()
    assert st["misses"] == 201 and st["hits"] == 2
    assert st["entries"] <= 64 and st["evictions"] == 201 - st["entries"]
    assert (c.hits, c.misses, c.evictions) == (st["hits"], st["misses"], st["evictions"])
    assert "StepCache(" in repr(c)


def test_the_cache_from_many_threads():
    c = ce.StepCache(1 << 16, 1 << 12)
    errors = []

    def work(k):
        try:
            for n in range(1 << 20, (1 << 20) + 2000):
                assert c.total_stopping_time(n) == ce.total_stopping_time(n)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    st = c.stats()
    assert st["hits"] + st["misses"] == 8 * 2000


def test_dataframe():
    pd = pytest.importorskip("pandas")
    df = ce.dataframe(1, 101)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["total_stopping_time", "stopping_time", "max_excursion"]
    assert df.index.name == "n" and df.loc[27, "total_stopping_time"] == 111
    assert df.loc[27, "max_excursion"] == 9232


def test_verify():
    v = ce.verify(2**40, 2**40 + 2**20)
    assert v.verified == 2**20 and 0 < v.followed < 2**20 // 20
    assert v.max_value > 2**40 and 2**40 <= v.max_value_n < 2**40 + 2**20
    assert "Verification(" in repr(v)


def _peak_below_itself(n):
    """The highest value of the 3x+1 map on n's path until it falls below n, in Python ints."""
    x, top = n, n
    while x >= n:
        x = 3 * x + 1 if x % 2 else x // 2
        top = max(top, x)
    return top


def test_verify_past_2_to_the_64():
    for start in (2**68, 2**68 + 2**40 * 3, 2**100 + 12345):
        v = ce.verify(start, start + 2**14)
        assert (v.start, v.end, v.verified) == (start, start + 2**14, 2**14)
        assert start <= v.max_value_n < start + 2**14 and 0 < v.followed < 2**14 // 20
        # the reported peak is the peak of its start value, walked here in Python ints
        assert v.max_value == _peak_below_itself(v.max_value_n)
        assert v.proved == f"every n in [{start}, {start + 2**14}) reaches 1, provided every n below {start} does"
        assert ce.Verification.from_json(v.to_json()) == v
    # a range crossing 2^64 is the two halves merged
    a, b = ce.verify(2**64 - 2**13, 2**64), ce.verify(2**64, 2**64 + 2**13)
    assert ce.verify(2**64 - 2**13, 2**64 + 2**13) == a.merge(b)


def test_lazy_trajectory_of_a_huge_value():
    import itertools

    n = 2**200_000 - 1
    t0 = time.perf_counter()
    first = list(itertools.islice(ce.trajectory(n), 3))
    assert time.perf_counter() - t0 < 0.5
    assert first[0] == n and first[1] == 3 * n + 1


def test_surface():
    assert isinstance(ce.__version__, str) and ce.__version__.count(".") == 2
    # one version for the crate, the Python package and the npm package (the workspace's)
    import json
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    if (root / "Cargo.toml").exists():
        cargo = (root / "Cargo.toml").read_text()
        assert ce.__version__ == re.search(r'\[workspace\.package\]\s*version = "([^"]+)"', cargo)[1]
        npm = json.loads((root / "collatz-node" / "package.json").read_text())
        assert ce.__version__ == npm["version"]
    for name in ce.__all__:
        obj = getattr(ce, name)
        if callable(obj) and not name.startswith("_"):
            assert obj.__doc__, name
    assert ce.total_stopping_time.__doc__.startswith("Steps of the 3x+1 map")
    assert sys.modules["collatz_engine._native"].__name__ == "collatz_engine._native"


def test_the_stubs_match_the_module():
    pytest.importorskip("mypy")
    import subprocess

    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "collatz_engine._native"],
                       capture_output=True, text=True, cwd=os.path.dirname(__file__) or ".")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
