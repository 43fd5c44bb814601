"""Every bad input gets a ValueError, TypeError or OverflowError that says what is allowed."""

import numpy as np
import pytest

import collatz_engine as ce

SINGLE = [ce.total_stopping_time, ce.stopping_time, ce.max_excursion, ce.stats, ce.trajectory,
          ce.shortcut_trajectory, ce.predecessors]


@pytest.mark.parametrize("f", SINGLE)
@pytest.mark.parametrize(
    "bad, exc, words",
    [
        (0, ValueError, "positive"),
        (-1, ValueError, "positive"),
        (-(2**100), ValueError, "positive"),
        (1.0, TypeError, "int"),
        (7.5, TypeError, "int"),
        (True, TypeError, "int"),
        (False, TypeError, "int"),
        ("27", TypeError, "int"),
        (None, TypeError, "int"),
        ([27], TypeError, "int"),
        (np.float64(3), TypeError, "int"),
    ],
)
def test_bad_start_values(f, bad, exc, words):
    with pytest.raises(exc, match=words):
        f(bad)


@pytest.mark.parametrize(
    "args, kwargs, exc",
    [
        ((0, 10), {}, ValueError),
        ((10, 5), {}, ValueError),
        ((-3, 5), {}, ValueError),
        ((1, 2**64), {}, OverflowError),
        ((1.0, 5), {}, TypeError),
        ((1, "9"), {}, TypeError),
        ((True, 5), {}, TypeError),
        ((1, 10), {"threads": 0}, ValueError),
        ((1, 10), {"chunk_size": 0}, ValueError),
        ((1, 10), {"chunk_size": -4}, ValueError),
        ((1, 10), {"progress": 5}, TypeError),
    ],
)
@pytest.mark.parametrize("f", [ce.columns, ce.summary])
def test_bad_ranges(f, args, kwargs, exc):
    with pytest.raises(exc):
        f(*args, **kwargs)


def test_bad_fields():
    with pytest.raises(ValueError, match="unknown field"):
        ce.columns(1, 10, ("steps",))
    with pytest.raises(ValueError, match="at least one"):
        ce.columns(1, 10, ())
    with pytest.raises(TypeError):
        ce.columns(1, 10, 5)


def test_bad_maps_and_limits():
    with pytest.raises(ValueError, match="odd"):
        ce.Map(4, 1)
    with pytest.raises(ValueError):
        ce.Map(3, 2)
    with pytest.raises(TypeError):
        ce.Map(3, 1).run(2.5)
    r = ce.Map(5, 1).run(7, max_steps=10_000)
    assert r["outcome"] in ("step_limit", "bit_limit")
    with pytest.raises(OverflowError):
        list(ce.tree_levels(60, max_level_size=1000))
    with pytest.raises(ValueError):
        ce.parse("12x")
    assert ce.parse("2^70") == 2**70


def test_the_cache_refuses_what_it_cannot_hold():
    c = ce.StepCache(1000, 10)
    with pytest.raises(OverflowError):
        c.total_stopping_time(2**64)
    with pytest.raises(ValueError):
        c.total_stopping_time(0)
    # capacity 0 is allowed: nothing above the dense table is kept
    none = ce.StepCache(1000, 0)
    assert none.total_stopping_time(2**40 + 1) == ce.total_stopping_time(2**40 + 1)
    assert none.stats()["entries"] == 0
    with pytest.raises(ValueError, match="dense_below"):
        ce.StepCache(-1, 5)
    with pytest.raises(ValueError, match="dense_below"):
        ce.StepCache(1, 5)
    with pytest.raises(ValueError, match="capacity"):
        ce.StepCache(100, -5)


def test_chunks_bad_arguments():
    with pytest.raises(ValueError):
        ce.chunks(1, 10, chunk_size=0)
    with pytest.raises(ValueError):
        ce.chunks(5, 1)
