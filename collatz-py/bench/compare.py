"""Side by side, in one run: total stopping times of every n < N through collatz_engine, the
Rust CLI, a plain Python loop, a memoised pure-Python loop, the same memo loop compiled with
numba, and the PyPI package `collatz` (if installed); then the per-call overhead of
collatz_engine.total_stopping_time against the Rust criterion figure, and two Python threads
calling a long range at once.

Usage (from the repository root, in a virtualenv with collatz_engine installed):
    python collatz-py/bench/compare.py            # N = 10^6 and 10^7
    python collatz-py/bench/compare.py --quick    # N = 10^6 only, shorter loops

Every rate is numbers per second on one thread; the baselines that would take minutes at
N = 10^7 (the plain loop, PyPI collatz) are measured on a smaller N and say so.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import threading
import time
import timeit

import numpy as np

import collatz_engine as ce

ROOT = pathlib.Path(__file__).resolve().parents[2]
# seconds of repeated calls for the calls that take milliseconds (package, numba)
FAST = 0.5
# published sums (../shared/data/README.md); n < 10^5 is checked against the plain loop
SUMS = {10**6: 131_434_272, 10**7: 1_552_724_686}


def best_of(f, repeat, budget=0.0):
    """The best time of `repeat` calls, or of as many more as fit in `budget` seconds (at most
    100): a call of a millisecond or two is timed as often as timeit would, not three times on
    a noisy machine."""
    best, out, runs, spent = float("inf"), None, 0, 0.0
    while runs < repeat or (spent < budget and runs < 100):
        t0 = time.perf_counter()
        out = f()
        dt = time.perf_counter() - t0
        best, runs, spent = min(best, dt), runs + 1, spent + dt
    return best, out


def plain(n_end):
    total = 0
    for n in range(1, n_end):
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        total += steps
    return total


def memoised(n_end):
    memo = [0] * n_end
    total = 0
    for n in range(2, n_end):
        x, steps = n, 0
        while x >= n:
            if x % 2:
                x = (3 * x + 1) // 2
                steps += 2
            else:
                x //= 2
                steps += 1
        memo[n] = steps + memo[x]
        total += memo[n]
    return total


def memo_function(n_end):
    """What a notebook user writes first: a recursive function memoised with functools."""
    import functools

    @functools.lru_cache(maxsize=None)
    def tst(n):
        if n == 1:
            return 0
        return 1 + tst(n // 2 if n % 2 == 0 else 3 * n + 1)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    return sum(tst(n) for n in range(1, n_end))


def numba_memo():
    try:
        from numba import njit
    except ImportError:
        return None

    @njit(cache=False)
    def run(n_end):
        memo = np.zeros(n_end, dtype=np.uint16)
        total = 0
        for n in range(2, n_end):
            x, steps = n, 0
            while x >= n:
                if x & 1:
                    x = (3 * x + 1) >> 1
                    steps += 2
                else:
                    x >>= 1
                    steps += 1
            memo[n] = steps + memo[x]
            total += memo[n]
        return total

    run(1000)  # compile outside the timing
    return run


EXE = ROOT / "target" / "release" / "examples" / "collatz"


def cli_rate(n_end, repeat):
    exe = EXE

    def once():
        out = subprocess.run([str(exe), "range", "1", str(n_end), "--threads", "1", "--records", "--json"],
                             check=True, capture_output=True, text=True).stdout
        return int(json.loads(out)["sum_total_stopping_time"])

    return best_of(once, repeat)


def rust_single_ns():
    """The criterion figure for total_stopping_time(27), running the bench if needed."""
    est = ROOT / "target" / "criterion" / "total_stopping_time" / "27" / "new" / "estimates.json"
    subprocess.run(["cargo", "bench", "-q", "-p", "collatz-benches", "--bench", "single", "--",
                    "total_stopping_time/27$", "--warm-up-time", "1", "--measurement-time", "3"],
                   cwd=ROOT, check=True, capture_output=True)
    return json.loads(est.read_text())["median"]["point_estimate"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = [10**6] if args.quick else [10**6, 10**7]
    repeat = 3
    rows = []

    def row(name, n_end, secs, total, note=""):
        assert total == SUMS[n_end], (name, total)
        rate = (n_end - 1) / secs
        rows.append((name, n_end, rate, note))
        print(f"{name:<34} n < {n_end:<9} {secs:9.4f} s {rate / 1e6:10.2f} M/s {note}", flush=True)
        return rate

    print(f"collatz_engine {ce.__version__}, Python {sys.version.split()[0]}, one thread each")
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "collatz-core", "--example", "collatz"],
                   cwd=ROOT, check=True)
    numba_run = numba_memo()
    rates = {}
    for n_end in sizes:
        # the same work as the CLI's `range 1 N --records`: a fresh engine each time (no memo
        # carried over), tst + glide + maxima for the records, one thread; the package and the
        # CLI alternate, so that both see the same machine
        pkg_best, cli_best = (float("inf"), None), (float("inf"), None)
        for _ in range(5):
            t = best_of(lambda: ce.summary(1, n_end, threads=1, engine=ce.RangeEngine()), 1)
            pkg_best = min(pkg_best, t, key=lambda x: x[0])
            t = cli_rate(n_end, 1)
            cli_best = min(cli_best, t, key=lambda x: x[0])
        rates[("summary", n_end)] = row("collatz_engine.summary", n_end, pkg_best[0],
                                        pkg_best[1].total_stopping_time.sum)
        rates[("cli", n_end)] = row("Rust CLI range --records", n_end, *cli_best)
        secs, s = best_of(lambda: ce.summary(1, n_end, engine=ce.RangeEngine()), repeat, FAST)
        rates[("summary_all", n_end)] = row("collatz_engine.summary, all cores", n_end, secs,
                                            s.total_stopping_time.sum)
        secs, c = best_of(lambda: ce.columns(1, n_end, threads=1, engine=ce.RangeEngine()), repeat, FAST)
        rates[("columns", n_end)] = row("collatz_engine.columns (uint16)", n_end, secs,
                                        int(c["total_stopping_time"].sum()))
        secs, c = best_of(lambda: ce.columns(1, n_end, engine=ce.RangeEngine()), repeat, FAST)
        rates[("columns_all", n_end)] = row("collatz_engine.columns, all cores", n_end, secs,
                                            int(c["total_stopping_time"].sum()))
        if numba_run is not None:
            secs, total = best_of(lambda: int(numba_run(n_end)), repeat, FAST)
            rates[("numba", n_end)] = row("numba @njit memo loop (u16 table)", n_end, secs, total)
        else:
            print("numba: not installed, skipped")
        # the baselines get their best of two where a run is short enough (under a few seconds)
        secs, total = best_of(lambda: memo_function(n_end), 2 if n_end <= 10**6 else 1)
        rates[("memo", n_end)] = row("pure-Python memoised function", n_end, secs, total)
        secs, total = best_of(lambda: memoised(n_end), 2 if n_end <= 10**6 else 1)
        rates[("memo_loop", n_end)] = row("pure-Python memo loop (list, to below n)", n_end, secs, total)
    secs, total = best_of(lambda: plain(10**5), 1)
    SUMS[10**5] = total
    assert ce.summary(1, 10**5).total_stopping_time.sum == total
    rates["plain"] = row("plain Python loop", 10**5, secs, total, "(measured on n < 10^5)")
    try:
        import collatz as pypi_collatz

        secs, total = best_of(
            lambda: sum(pypi_collatz.stopping_time(n, total_stopping_time=True, max_stopping_time=10**4)
                        for n in range(1, 10**5)), 1)
        row("PyPI collatz 1.x", 10**5, secs, total, "(measured on n < 10^5)")
    except ImportError:
        print("PyPI collatz: not installed (pip install collatz), skipped")

    print()
    for n_end in sizes:
        pkg, cli = rates[("summary", n_end)], rates[("cli", n_end)]
        print(f"n < {n_end}: package / CLI = {pkg / cli:.2f} (target >= 0.90)")
        pkg_all = rates[("summary_all", n_end)]
        if ("numba", n_end) in rates:
            nb = rates[("numba", n_end)]
            col, col_all = rates[("columns", n_end)], rates[("columns_all", n_end)]
            print(f"n < {n_end}: package / numba (the same output, a uint16 array: columns) ="
                  f" {col / nb:.1f}x on one thread, {col_all / nb:.1f}x on all cores (target >= 2);"
                  f" summary (more work: glides, maxima, records) {pkg / nb:.1f}x / {pkg_all / nb:.1f}x")
        # the same output as the Python function and loop (the total stopping time of every
        # n): columns; the summary does more (glides, maxima, records) and is shown beside it
        col, col_all = rates[("columns", n_end)], rates[("columns_all", n_end)]
        memo_f, memo_l = rates[("memo", n_end)], rates[("memo_loop", n_end)]
        print(f"n < {n_end}: package columns / pure-Python memoised function = {col / memo_f:.0f}x"
              f" on one thread, {col_all / memo_f:.0f}x on all cores (target >= 1000);"
              f" summary {pkg / memo_f:.0f}x / {pkg_all / memo_f:.0f}x;"
              f" columns / Python memo loop = {col / memo_l:.0f}x / {col_all / memo_l:.0f}x")
        print(f"n < {n_end}: package / plain Python = {pkg / rates['plain']:.0f}x")

    # single-value calls: Python's time per call minus Rust's for the same work
    loops = 200_000
    t1 = min(timeit.repeat("f(1)", globals={"f": ce.total_stopping_time}, number=loops, repeat=5)) / loops
    t27 = min(timeit.repeat("f(27)", globals={"f": ce.total_stopping_time}, number=loops, repeat=5)) / loops
    rust27 = rust_single_ns() * 1e-9
    print()
    print(f"total_stopping_time(1) from Python: {t1 * 1e9:.0f} ns per call (no steps: the call itself)")
    print(f"total_stopping_time(27) from Python: {t27 * 1e9:.0f} ns; Rust criterion: {rust27 * 1e9:.0f} ns;"
          f" overhead {max(t27 - rust27, 0) * 1e9:.0f} ns (target < 200)")

    # two Python threads at once: with the GIL released they overlap
    n_end = 3 * 10**7
    engine_args = dict(threads=1, chunk_size=1 << 18)
    one, _ = best_of(lambda: ce.summary(10**10, 10**10 + n_end, "total_stopping_time",
                                        engine=ce.RangeEngine(memo_bytes=1 << 22), **engine_args), 2)

    def two():
        ts = [threading.Thread(target=lambda: ce.summary(10**10, 10**10 + n_end, "total_stopping_time",
                                                         engine=ce.RangeEngine(memo_bytes=1 << 22),
                                                         **engine_args)) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    both, _ = best_of(two, 2)
    print(f"one long range call: {one:.2f} s; two at once from two Python threads: {both:.2f} s"
          f" = {both / one:.2f}x one call (2.0 would mean the GIL serialised them)")


if __name__ == "__main__":
    main()
