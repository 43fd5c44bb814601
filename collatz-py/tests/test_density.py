"""density(): the 2-D histogram of (n, statistic), checked cell by cell against the columns,
its numpy shape for imshow, and its errors."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import collatz_engine as ce


def grid_from_columns(start, end, field, width, height):
    """The grid by its documented formulas, from the engine's own columns."""
    col = ce.columns(start, end, field)[field].astype(np.int64)
    if field == "max_excursion":
        col = np.array([int(np.floor(np.log2(float(v)) * 16)) for v in col], dtype=np.int64)
    length = end - start
    width = min(width, length)
    lo, hi = int(col.min()), int(col.max())
    span = hi - lo + 1
    step = -(-span // height)  # the fewest whole steps per row that fit the height
    height = -(-span // step)
    x = (np.arange(length, dtype=np.int64) * width) // length
    y = (col - lo) // step
    grid = np.zeros((height, width), dtype=np.uint32)
    np.add.at(grid, (y, x), 1)
    return grid, lo, hi, step


@pytest.mark.parametrize("field", ["total_stopping_time", "stopping_time", "odd_steps", "max_excursion"])
@pytest.mark.parametrize("start,end", [(1, 50_000), (777, 20_000), (10**12, 10**12 + 4_000)])
def test_cells_match_the_columns(field, start, end):
    d = ce.density(start, end, 61, 23, field)
    want, lo, hi, step = grid_from_columns(start, end, field, 61, 23)
    assert d.counts.dtype == np.uint32 and d.counts.shape == (d.height, d.width)
    scale = 16 if field == "max_excursion" else 1
    assert (d.y_min, d.y_max, d.y_step) == (lo / scale, hi / scale, step / scale)
    np.testing.assert_array_equal(d.counts, want)
    assert d.field == field


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 10**15), st.integers(1, 3000), st.integers(1, 80), st.integers(1, 80))
def test_every_start_value_is_counted_once(start, length, width, height):
    d = ce.density(start, start + length, width, height)
    assert int(d.counts.sum()) == length
    assert d.width == min(width, length)
    # every column holds as many start values as its range
    for c in {0, d.width // 2, d.width - 1}:
        a, b = d.column_range(c)
        assert int(d.counts[:, c].sum()) == b - a


def test_a_notebook_picture_of_a_billion_numbers_fits_imshow():
    d = ce.density(1, 10**7, 200, 100)
    assert d.counts.sum() == 10**7 - 1
    assert d.y_max == 685  # 8,400,511 takes 685 steps (A006877)
    x0, x1, y0, y1 = d.extent
    assert d.y_step == 7 and d.height == 98  # 686 values in rows of 7
    assert (x0, x1, y0, y1) == (1, 10**7, 0, 686)
    assert "Density(start=1" in repr(d)


def test_bad_arguments_are_typed_errors():
    with pytest.raises(ce.CollatzValueError):
        ce.density(1, 100, 0, 10)
    with pytest.raises(ValueError):
        ce.density(1, 100, 10, 4097)
    with pytest.raises(ce.CollatzValueError):
        ce.density(1, 100, field="colour")
    with pytest.raises(ce.CollatzError):
        ce.density(0, 100)
    with pytest.raises(ce.CollatzValueError):
        ce.density(1, 2**44, 1, 10)  # over 2^32 - 1 start values in a column
    token = ce.CancelToken()
    token.cancel()
    with pytest.raises(ce.CancelledError):
        ce.density(1, 10**9, cancel=token)
