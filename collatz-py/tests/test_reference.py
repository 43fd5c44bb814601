"""Single values, columns and summaries against the OEIS reference files."""

import itertools

import numpy as np

import collatz_engine as ce


def test_single_values_match_the_oeis(ref):
    for (n, tst), (_, even), (_, odd), (_, mx), (_, glide), (_, glide_t) in zip(
        ref["A006577"], ref["A006666"], ref["A006667"], ref["A025586"], ref["A102419"], ref["A126241"]
    ):
        s = ce.stats(n)
        assert (s.total_stopping_time, s.even_steps, s.odd_steps, s.max) == (tst, even, odd, mx), n
        assert (s.stopping_time, s.stopping_time_shortcut) == (glide, glide_t), n
        assert ce.total_stopping_time(n) == tst
        assert ce.stopping_time(n) == glide
        assert ce.max_excursion(n) == mx
        assert len(s.parity_vector) == even


def test_trajectories_match_a070165(ref):
    flat = [v for _, v in ref["A070165"]]
    got = list(itertools.chain.from_iterable(ce.trajectory(n) for n in range(1, 101)))
    assert got[: len(flat)] == flat


def test_columns_match_the_oeis(ref):
    tst = np.array([v for _, v in ref["A006577"]])
    mx = np.array([v for _, v in ref["A025586"]], dtype=np.uint64)
    glide = np.array([v for _, v in ref["A102419"]])
    odd = np.array([v for _, v in ref["A006667"]])
    cols = ce.columns(1, len(tst) + 1, ce.FIELDS)
    assert np.array_equal(cols["total_stopping_time"], tst)
    assert np.array_equal(cols["max_excursion"], mx)
    assert np.array_equal(cols["stopping_time"], glide)
    assert np.array_equal(cols["odd_steps"], odd)
    # a range away from 1 agrees with the same numbers
    part = ce.columns(5000, 10001, ("total_stopping_time", "max_excursion"))
    assert np.array_equal(part["total_stopping_time"], tst[4999:])
    assert np.array_equal(part["max_excursion"], mx[4999:])


def test_records_and_sums_match_the_published_values(ref):
    s = ce.summary(1, 10**6)
    assert s.total_stopping_time.sum == 131_434_272
    assert s.delay_records == [(n, v) for (_, n), (_, v) in zip(ref["A006877"], ref["A006878"])]
    assert s.path_records == [(n, v) for (_, n), (_, v) in zip(ref["A006884"], ref["A006885"])]
    assert s.histogram.sum() == 10**6 - 1
    assert s.glide_records[:7] == [(1, 0), (2, 1), (3, 6), (7, 11), (27, 96), (703, 132), (10087, 171)]


def test_histogram_matches_counts_of_a006577(ref):
    tst = np.array([v for _, v in ref["A006577"]])
    s = ce.summary(1, len(tst) + 1, "total_stopping_time")
    assert s.histogram.tolist() == np.bincount(tst).tolist()
    assert s.count == len(tst)
    assert s.total_stopping_time.max == tst.max()
    assert s.total_stopping_time.max_n == int(tst.argmax()) + 1


def test_tree_levels_match_a005186(ref):
    sizes = [len(level) for level in ce.tree_levels(40)]
    assert sizes == [v for _, v in ref["A005186"]][:41]


def test_sum_below_1e7():
    s = ce.summary(1, 10**7, "total_stopping_time")
    assert (s.total_stopping_time.sum, s.total_stopping_time.max, s.total_stopping_time.max_n) == (
        1_552_724_686,
        685,
        8_400_511,
    )
