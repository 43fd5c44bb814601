"""Hypothesis properties against the pure-Python oracle of conftest.py, big ints included."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import collatz_engine as ce
from conftest import oracle

small = st.integers(min_value=1, max_value=10**7)
wide = st.one_of(
    st.integers(min_value=1, max_value=2**64 - 1),
    st.integers(min_value=2**64, max_value=2**130),
    st.integers(min_value=1, max_value=2**400),
)


@settings(max_examples=300, deadline=None)
@given(wide)
def test_stats_equal_the_oracle(n):
    want = oracle(n)
    s = ce.stats(n)
    got = {k: getattr(s, k) for k in want}
    assert got == want
    assert ce.total_stopping_time(n) == want["total_stopping_time"]
    assert ce.max_excursion(n) == want["max"]
    assert s.to_dict()["n"] == n and s._asdict() == s.to_dict()


@settings(max_examples=100, deadline=None)
@given(wide)
def test_trajectory_is_the_map(n):
    values = list(itertools.islice(ce.trajectory(n), 200))
    assert values[0] == n
    for a, b in zip(values, values[1:]):
        assert b == (a // 2 if a % 2 == 0 else 3 * a + 1)
    t = list(itertools.islice(ce.shortcut_trajectory(n), 200))
    for a, b in zip(t, t[1:]):
        assert b == (a // 2 if a % 2 == 0 else (3 * a + 1) // 2)


@settings(max_examples=60, deadline=None)
@given(small, st.integers(min_value=1, max_value=3000))
def test_columns_equal_single_values(start, length):
    cols = ce.columns(start, start + length, ce.FIELDS)
    pick = sorted({0, length - 1, length // 2, length // 3})
    for i in pick:
        want = oracle(start + i)
        assert cols["total_stopping_time"][i] == want["total_stopping_time"]
        assert cols["stopping_time"][i] == want["stopping_time"]
        assert cols["odd_steps"][i] == want["odd_steps"]
        assert int(cols["max_excursion"][i]) == want["max"]


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=1, max_value=2**40),
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=1, max_value=2000),
    st.sampled_from([1, 2, 8]),
)
def test_summaries_do_not_depend_on_threads_or_chunks(start, length, chunk, threads):
    a = ce.summary(start, start + length).to_dict()
    b = ce.summary(start, start + length, threads=threads, chunk_size=chunk).to_dict()
    assert a == b


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=5000),
       st.integers(min_value=1, max_value=3000))
def test_chunks_concatenate_to_columns(start, length, chunk):
    whole = ce.columns(start, start + length, ("total_stopping_time", "max_excursion"))
    parts = list(ce.chunks(start, start + length, ("total_stopping_time", "max_excursion"), chunk_size=chunk))
    assert [p[0] for p in parts] == list(range(start, start + length, chunk))
    for field in whole:
        assert np.array_equal(np.concatenate([p[1][field] for p in parts]), whole[field])


@settings(max_examples=100, deadline=None)
@given(wide)
def test_predecessors_step_back(m):
    even, odd = ce.predecessors(m)
    assert even == 2 * m
    if m % 6 == 4 and m > 4:
        assert odd == (m - 1) // 3 and odd % 2 == 1 and 3 * odd + 1 == m
    else:
        assert odd is None
