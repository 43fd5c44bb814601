"""The result store (Store) and runs in pieces (SummaryPlan, chunk_plan, pickling): results
equal the one-call results however the run is cut or interrupted; other arguments, foreign
and corrupted files are refused and left as they are."""

import pickle
import sqlite3

import pytest

import collatz_engine as ce


def test_pieces_assembled_in_order_equal_the_one_call():
    eng = ce.RangeEngine()
    for end, chunk in [(1_000_000, 100_000), (300_001, 65_536), (70_000, 1 << 30)]:
        plan = ce.SummaryPlan(1, end, chunk)
        parts = [eng.summary_piece(p) for p in reversed(plan.pieces)][::-1]
        assembly = plan.assembly()
        for i, part in enumerate(parts):
            assembly.push(i, part)
        assert assembly.done == len(plan)
        assert assembly.finish() == ce.summary(1, end)
    # not from 1: complete summaries, merged in order
    plan = ce.SummaryPlan(777, 200_000, 30_000)
    assert not any(p[2] or p[3] for p in plan.pieces)
    parts = [eng.summary_piece(p, ce.FIELDS) for p in plan.pieces]
    merged = parts[0]
    for p in parts[1:]:
        merged = merged.merge(p)
    assert merged == ce.summary(777, 200_000, ce.FIELDS)


def test_assembly_refuses_pieces_out_of_order():
    plan = ce.SummaryPlan(1, 200_000, 50_000)
    second = ce.RangeEngine().summary_piece(plan.pieces[1])
    assembly = plan.assembly()
    with pytest.raises(ce.CollatzValueError):
        assembly.push(1, second)
    with pytest.raises(ce.CollatzValueError):
        assembly.finish()
    with pytest.raises(ce.CollatzTypeError):
        ce.RangeEngine().summary_piece((1, 2))


def test_results_pickle_exactly():
    s = ce.summary(1, 100_000)
    v = ce.verify(2**63, 2**63 + 2**20)
    assert pickle.loads(pickle.dumps(s)) == s
    assert pickle.loads(pickle.dumps(v)) == v
    assert ce.Summary.from_json(s.to_json()) == s
    assert v.max_value > 2**64  # exact past 64 bits
    with pytest.raises(ce.CollatzValueError):
        ce.Summary.from_json('{"start": "x"}')


def test_a_store_records_and_resumes(tmp_path):
    path = tmp_path / "run.db"
    store = ce.Store(path)
    first = store.summary(1, 2_000_000, chunk=1 << 18)
    assert first == ce.summary(1, 2_000_000)
    (run,) = store.runs()
    assert run["done"] == run["pieces"] and run["done_count"] == 1_999_999
    assert run["command"] == "range" and run["chunk"] == 1 << 18
    # a crash after k pieces: a store holding only those resumes to the same result
    plan = ce.SummaryPlan(1, 2_000_000, 1 << 18)
    for k in (1, len(plan) // 2):
        partial = ce.Store(tmp_path / f"partial-{k}.db")
        assert partial.begin("summary", 1, 2_000_000, None, 1 << 18) == {}
        eng = ce.RangeEngine()
        for i, p in enumerate(plan.pieces[:k]):
            partial.record(i, p[0], p[1], eng.summary_piece(p), 0.0)
        seen = []
        resumed = partial.summary(1, 2_000_000, chunk=1 << 18, progress=lambda d, t: seen.append(d))
        assert resumed == first
        assert seen and seen[0] >= plan.pieces[k - 1][1] - 1  # progress starts past the recorded pieces
        assert partial.runs()[0]["done"] == len(plan)
    v = ce.Store(tmp_path / "v.db")
    assert v.verify(2**40, 2**40 + 2**24, chunk=1 << 21) == ce.verify(2**40, 2**40 + 2**24)
    assert v.runs()[0]["pieces"] == 8


def test_other_arguments_and_foreign_files_are_refused_untouched(tmp_path):
    path = tmp_path / "run.db"
    ce.Store(path).summary(1, 100_000, chunk=30_000)
    before = path.read_bytes()
    store = ce.Store(path)
    with pytest.raises(ce.StoreMismatchError, match="holds the run `range 1 100000"):
        store.summary(1, 200_000, chunk=30_000)
    with pytest.raises(ce.StoreMismatchError):
        store.verify(1, 100_000, chunk=30_000)
    del store
    assert path.read_bytes() == before

    text = tmp_path / "notes.txt"
    text.write_text("a shopping list\n" * 100)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    for p in (text, other):
        data = p.read_bytes()
        with pytest.raises(ce.StoreError, match="not a result store"):
            ce.Store(p)
        assert p.read_bytes() == data
    assert issubclass(ce.StoreMismatchError, ce.StoreError)
    assert issubclass(ce.StoreError, ce.CollatzError)
