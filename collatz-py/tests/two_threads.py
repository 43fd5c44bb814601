"""The two-thread case of issue 14, as a script: one thread runs ``summary(1, END)`` on the
module-level engine while another runs ``summary(10**6, 10**6 + 10**5)`` in a loop on the
same engine. Both results must equal the same calls made alone (on another, fresh engine,
first), and the whole run must finish.

    python two_threads.py                # one run in this process (END = 3*10**8)
    python two_threads.py --runs 20      # 20 runs, each in a fresh process, with a deadline
    python two_threads.py --end 1e9      # the issue's exact range

Used by test_concurrency.py (one run in a subprocess, killed if it passes its deadline).
"""

from __future__ import annotations

import argparse
import faulthandler
import subprocess
import sys
import threading
import time


def one_run(end: int, deadline: float) -> int:
    import collatz_engine as ce

    # a stack dump of every thread if the run hangs (then the parent's timeout kills it)
    faulthandler.dump_traceback_later(deadline, exit=True)
    short = (10**6, 10**6 + 10**5)
    alone = ce.RangeEngine()
    t0 = time.perf_counter()
    want_long = alone.summary(1, end, ("total_stopping_time", "stopping_time", "max_excursion"))
    t_alone = time.perf_counter() - t0
    want_short = alone.summary(*short, ("total_stopping_time", "stopping_time", "max_excursion"))

    out = {}

    def long_call() -> None:
        t = time.perf_counter()
        out["long"] = ce.summary(1, end)  # the module-level engine, fresh in this process
        out["t"] = time.perf_counter() - t

    a = threading.Thread(target=long_call, daemon=True)
    t0 = time.perf_counter()
    a.start()
    latencies = []
    wrong = 0
    while a.is_alive() or not latencies:
        t = time.perf_counter()
        got = ce.summary(*short)
        latencies.append(time.perf_counter() - t)
        wrong += got != want_short
    a.join()
    ok = out.get("long") == want_long and wrong == 0
    latencies.sort()
    print(
        f"{'ok' if ok else 'WRONG'}: summary(1, {end:.3g}) {out.get('t', float('nan')):.2f} s beside "
        f"{len(latencies)} short calls ({t_alone:.2f} s alone); short calls p50 "
        f"{latencies[len(latencies) // 2] * 1e3:.1f} ms, max {latencies[-1] * 1e3:.1f} ms"
        + ("" if wrong == 0 else f", {wrong} wrong short results"),
        flush=True,
    )
    faulthandler.cancel_dump_traceback_later()
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--end", type=float, default=3e8, help="end of the long range (default 3e8)")
    ap.add_argument("--runs", type=int, default=0, help="this many runs, each in a fresh process")
    ap.add_argument("--deadline", type=float, default=300.0, help="seconds a run may take (default 300)")
    args = ap.parse_args()
    end = int(args.end)
    if args.runs == 0:
        return one_run(end, args.deadline)
    finished = 0
    for i in range(args.runs):
        cmd = [sys.executable, __file__, "--end", str(end), "--deadline", str(args.deadline)]
        try:
            r = subprocess.run(cmd, timeout=args.deadline + 30, capture_output=True, text=True)
            print(f"run {i + 1}: {r.stdout.strip()}" + (f" [exit {r.returncode}] {r.stderr[-2000:]}" if r.returncode else ""),
                  flush=True)
            finished += r.returncode == 0
        except subprocess.TimeoutExpired:
            print(f"run {i + 1}: HUNG (killed after {args.deadline + 30:.0f} s)", flush=True)
    print(f"{finished}/{args.runs} runs finished with the right results")
    return 0 if finished == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
