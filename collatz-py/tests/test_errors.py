"""Every bad input gets an error that says what is allowed: a subclass of CollatzError that
also derives from the builtin Python code expects (ValueError, TypeError, OverflowError,
MemoryError), one per kind of collatz-core's Error."""

import pickle
import sys
import threading
import time

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
    with pytest.raises(exc, match=words) as e:
        f(bad)
    assert isinstance(e.value, ce.CollatzError)
    assert isinstance(e.value, ce.CollatzTypeError if exc is TypeError else ce.CollatzValueError)


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
    with pytest.raises(exc) as e:
        f(*args, **kwargs)
    assert isinstance(e.value, ce.CollatzError)


@pytest.mark.parametrize(
    "args, exc",
    [
        ((0, 10), ValueError),
        ((2**68 + 10, 2**68), ValueError),
        ((1, 2**128), OverflowError),
        ((2**128, 2**128 + 1), OverflowError),
        ((1, 2**64 + 1), ValueError),
        ((-3, 5), ValueError),
        ((2.0**68, 2**69), TypeError),
    ],
)
def test_bad_verify_bounds(args, exc):
    with pytest.raises(exc) as e:
        ce.verify(*args)
    assert isinstance(e.value, ce.CollatzError)


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


# ---- the classes: one per kind of the core's Error, each also a builtin ----

CLASSES = [
    (ce.CollatzValueError, ValueError),
    (ce.ParseError, ValueError),
    (ce.CollatzTypeError, TypeError),
    (ce.LimitExceededError, OverflowError),
    (ce.CollatzOverflowError, OverflowError),
    (ce.CollatzMemoryError, MemoryError),
]


@pytest.mark.parametrize("cls, builtin", CLASSES)
def test_each_class_is_a_collatz_error_and_its_builtin(cls, builtin):
    assert issubclass(cls, ce.CollatzError) and issubclass(cls, builtin)
    assert cls.__module__ == "collatz_engine" and cls.__doc__
    assert issubclass(ce.ParseError, ce.CollatzValueError)
    assert issubclass(ce.CancelledError, ce.CollatzError)
    assert not issubclass(ce.CancelledError, KeyboardInterrupt)
    assert issubclass(ce.CollatzError, Exception)


def raised(f, *args, **kwargs):
    with pytest.raises(ce.CollatzError) as e:
        f(*args, **kwargs)
    return e.value


@pytest.mark.parametrize(
    "call, cls, words",
    [
        (lambda: ce.stats(0), ce.CollatzValueError, "positive"),  # Zero
        (lambda: ce.stats(-5), ce.CollatzValueError, "-5"),  # Negative
        (lambda: ce.Map(4, 1), ce.CollatzValueError, "odd"),  # InvalidMap
        (lambda: ce.summary(1, 10, threads=0), ce.CollatzValueError, "threads"),  # InvalidArgument
        (lambda: ce.summary(10, 5), ce.CollatzValueError, "below start"),
        (lambda: ce.columns(1, 10, "glide"), ce.CollatzValueError, "unknown field"),
        (lambda: ce.parse("12x"), ce.ParseError, "12x"),  # Parse
        (lambda: ce.stats(27, max_steps=50), ce.LimitExceededError, "step limit of 50"),  # LimitExceeded
        (lambda: ce.columns(1, 2**40), ce.CollatzMemoryError, "bytes"),  # OutOfMemory
        (lambda: ce.columns(1, 2**64), ce.CollatzOverflowError, "2\\*\\*64"),
        (lambda: ce.stats(2.5), ce.CollatzTypeError, "float"),
        (lambda: ce.Map(3.0, 1), ce.CollatzTypeError, "float"),
        (lambda: ce.summary(1, 10, fields=5), ce.CollatzTypeError, "field"),
        (lambda: ce.summary(1, 10, cancel="no"), ce.CollatzTypeError, "CancelToken"),
        (lambda: ce.RangeEngine(memo_bytes=-1), ce.CollatzValueError, "memo_bytes"),
        (lambda: ce.tree_levels(2**40), ce.CollatzOverflowError, "max_depth"),
    ],
)
def test_each_kind_is_raised_with_its_class(call, cls, words):
    e = raised(call)
    assert type(e) is cls, (type(e), cls)
    assert e.args and isinstance(e.args[0], str)
    assert __import__("re").search(words, str(e)), str(e)


def test_limit_errors_carry_the_limit():
    e = raised(ce.stats, 27, max_steps=50)
    assert isinstance(e, OverflowError)
    assert (e.limit, e.max, e.steps) == ("step", 50, 50)
    e = raised(ce.total_stopping_time, 27, max_bits=10)
    assert (e.limit, e.max) == ("bit length", 10) and e.bits > 10
    with pytest.raises(ce.LimitExceededError) as info:
        list(ce.tree_levels(60, max_level_size=1000))
    assert (info.value.limit, info.value.max) == ("level size", 1000)
    # within the limits the same calls succeed
    assert ce.stats(27, max_steps=111).total_stopping_time == 111
    assert ce.total_stopping_time(27, max_steps=None, max_bits=14) == 111
    # a generalised map's run ends with an outcome, not an error, at its limits
    assert ce.Map(5, 1).run(7, max_steps=1000)["outcome"] in ("step_limit", "bit_limit")
    # the attributes survive pickling
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is ce.LimitExceededError and (back.limit, back.max) == ("bit length", 10)
    assert str(back) == str(e)


def test_the_memory_error_says_how_much_was_asked():
    e = raised(ce.columns, 1, 2**40)
    assert isinstance(e, MemoryError) and isinstance(e, ce.CollatzMemoryError)
    assert e.bytes >= 2 * (2**40 - 1) and str(e.bytes) in str(e)
    # what fits still works, and the streaming form is there for the rest
    assert next(iter(ce.chunks(1, 2**40, chunk_size=1000)))[1]["total_stopping_time"][26] == 111


@pytest.fixture
def input_bits():
    before = ce.max_input_bits()
    yield before
    ce.set_max_input_bits(before)


def test_huge_ints_reach_the_input_bit_limit_and_raising_it_lets_them_through(input_bits):
    assert input_bits == 2**19
    n = 2 ** (10**6)
    e = raised(ce.stats, n)
    assert isinstance(e, OverflowError) and isinstance(e, ce.LimitExceededError)
    assert (e.limit, e.max, e.bits) == ("input size", 2**19, 10**6 + 1)
    assert "max_input_bits" in str(e) and "input size limit" in str(e)
    for f in (ce.total_stopping_time, ce.max_excursion, ce.trajectory, ce.predecessors, ce.stopping_time):
        with pytest.raises(ce.LimitExceededError):
            f(n)
    with pytest.raises(ce.LimitExceededError):
        ce.Map(3, 1).run(-n)
    with pytest.raises(ce.LimitExceededError):
        ce.parse("2^1000000")
    ce.set_max_input_bits(2**21)
    assert ce.max_input_bits() == 2**21
    assert ce.stats(n).total_stopping_time == 10**6
    assert ce.total_stopping_time(n) == 10**6
    assert ce.parse("2^1000000") == n
    with pytest.raises(ce.CollatzValueError):
        ce.set_max_input_bits(-1)
    with pytest.raises(ce.CollatzTypeError):
        ce.set_max_input_bits("many")


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="Python < 3.11")
def test_ints_convert_without_decimal_text():
    # CPython refuses int <-> str past a digit limit: conversions through bytes never meet it
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        n = 3**5000 + 2  # 2378 digits
        with pytest.raises(ValueError):
            str(n)
        s = ce.stats(n)
        assert s.n == n and s.total_stopping_time == s.odd_steps + s.even_steps
        assert s.max == ce.max_excursion(n) and s.max >= 3 * n + 1
        first = list(__import__("itertools").islice(ce.trajectory(n), 3))
        assert first == [n, 3 * n + 1, (3 * n + 1) // 2]
        assert ce.predecessors(4 * n) == (8 * n, None)
        r = ce.Map(3, 1).run(-n, max_steps=100)
        assert r["n"] == -n and abs(r["max"]) >= n
        assert ce.Map(3, 1).apply(n) == 3 * n + 1 and ce.Map(3, 1).apply(-2 * n) == -n
        e = raised(ce.stats, -(2**5000))
        assert "5001 bits" in str(e)
        e = raised(ce.columns, 1, 2**5000)
        assert isinstance(e, ce.CollatzOverflowError) and "5001 bits" in str(e)
    finally:
        sys.set_int_max_str_digits(before)


def test_a_cancel_token_raises_cancelled_error_not_keyboard_interrupt():
    token = ce.CancelToken()
    assert not token.cancelled and "cancelled=False" in repr(token)
    threading.Timer(0.3, token.cancel).start()
    t0 = time.perf_counter()
    with pytest.raises(ce.CancelledError):
        ce.summary(1, 10**12, cancel=token)  # hours of work
    assert time.perf_counter() - t0 < 5
    assert token.cancelled
    # a cancelled token stops later calls at once, short or long, of every kind
    for call in (lambda: ce.summary(1, 100, cancel=token), lambda: ce.columns(1, 10**9, cancel=token),
                 lambda: ce.verify(2**40, 2**41, cancel=token),
                 lambda: next(ce.chunks(1, 10**9, chunk_size=2**20, cancel=token))):
        with pytest.raises(ce.CancelledError):
            call()
    # other calls, and the engine, are untouched
    assert ce.summary(1, 1000).delay_records[-1] == (871, 178)
    assert ce.summary(1, 1000, cancel=ce.CancelToken()).delay_records[-1] == (871, 178)
