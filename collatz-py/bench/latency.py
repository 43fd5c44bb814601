"""Latency of short calls while a long call runs on the same engine, what sharing costs the long
call, and whether a call with odd steps or exact maxima slows later default summaries (issue 14).
A script that prints figures, not a timed test; the Python twin of
``cargo bench -p collatz-benches --bench latency``.

    python collatz-py/bench/latency.py                    # summary(1, 3e9) beside short calls
    python collatz-py/bench/latency.py --long-end 3e8     # scaled down
    python collatz-py/bench/latency.py --skip-long        # only the fast-path check

1. 200 short calls alone; ``summary(1, LONG_END)`` alone on a fresh engine; then again on another fresh engine while a
   second thread runs summaries of SHORT_LEN numbers from random starts in [10^6, 10^9) on the
   same engine, one after another with a short pause (``--pause``, as a dashboard's requests
   come and go); prints the short calls' p50/p90/p99/max and the long call's slowdown.
2. A default summary of [1, FAST_END) on a fresh engine (best of ``--rounds``), then one call with
   odd steps and one with exact maxima (a summary from 2 with maximum excursions), then the
   default summary again: the ratio should stay near 1 (target at most 1.1x).
"""

from __future__ import annotations

import argparse
import random
import threading
import time
from typing import List

import collatz_engine as ce


def percentile(sorted_values: List[float], p: float) -> float:
    return sorted_values[round((len(sorted_values) - 1) * p)]


def report(what: str, latencies: List[float], short_len: int) -> None:
    latencies.sort()
    ms = [percentile(latencies, p) * 1e3 for p in (0.5, 0.9, 0.99)]
    print(f"{len(latencies)} short calls of {short_len:.3g} numbers {what}: p50 {ms[0]:.2f} ms, p90 {ms[1]:.2f} ms, "
          f"p99 {ms[2]:.2f} ms, max {latencies[-1] * 1e3:.2f} ms")


def short_calls(engine: ce.RangeEngine, rng: random.Random, short_len: int) -> float:
    a = rng.randrange(10**6, 10**9)
    t0 = time.perf_counter()
    s = ce.summary(a, a + short_len, engine=engine)
    assert s.count == short_len
    return time.perf_counter() - t0


def sharing(long_end: int, short_len: int, pause: float, seed: int) -> None:
    # short calls alone first, for comparison
    rng = random.Random(seed)
    engine = ce.RangeEngine()
    report("alone", [short_calls(engine, rng, short_len) for _ in range(200)], short_len)

    t = time.perf_counter()
    alone = ce.summary(1, long_end, engine=ce.RangeEngine())
    t_alone = time.perf_counter() - t

    engine = ce.RangeEngine()
    out = {}

    def long_call() -> None:
        t0 = time.perf_counter()
        out["summary"] = ce.summary(1, long_end, engine=engine)
        out["t"] = time.perf_counter() - t0

    latencies: List[float] = []
    runner = threading.Thread(target=long_call, daemon=True)
    runner.start()
    while runner.is_alive():
        latencies.append(short_calls(engine, rng, short_len))
        time.sleep(pause)
    runner.join()
    assert out["summary"] == alone, "the shared long call's result differs from the call made alone"
    t_shared = out["t"]
    print(f"long call summary(1, {long_end:.3g}): {t_alone:.2f} s alone, {t_shared:.2f} s with short calls "
          f"beside it ({t_shared / t_alone:.3f}x)")
    if latencies:
        report("beside it", latencies, short_len)
    else:
        print("no short call ran")


def fast_path(end: int, rounds: int) -> None:
    engine = ce.RangeEngine()

    def best() -> float:
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            ce.summary(1, end, engine=engine)
            times.append(time.perf_counter() - t)
        return min(times)

    ce.summary(1, end, engine=engine)  # grows the memo
    before = best()
    ce.summary(1, end, ("total_stopping_time", "odd_steps"), engine=engine)
    ce.summary(2, end, ("total_stopping_time", "max_excursion"), engine=engine)
    after = best()
    print(f"default summary(1, {end:.3g}), best of {rounds}: {before * 1e3:.1f} ms before a call with odd steps "
          f"and one with exact maxima, {after * 1e3:.1f} ms after ({after / before:.3f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--long-end", type=float, default=3e9, help="end of the long summary (default 3e9)")
    ap.add_argument("--short-len", type=float, default=1e5, help="numbers per short summary (default 1e5)")
    ap.add_argument("--pause", type=float, default=0.02, help="seconds between short calls (default 0.02)")
    ap.add_argument("--fast-end", type=float, default=1e7, help="end of the fast-path summary (default 1e7)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the fast-path summary (best of; default 5)")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--skip-long", action="store_true", help="only the fast-path check")
    args = ap.parse_args()
    print(f"collatz_engine {ce.__version__}")
    if not args.skip_long:
        sharing(int(args.long_end), int(args.short_len), args.pause, args.seed)
    fast_path(int(args.fast_end), args.rounds)


if __name__ == "__main__":
    main()
