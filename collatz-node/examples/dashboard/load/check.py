"""The load test's verdict: reads what load/run.sh gathered and prints a table; exit 1 on a failed check.

    python3 check.py --dir DIR --rss-bound-mib 1536 --p95-ms 100 --hit-ratio 0.9

DIR holds locust_stats.csv and locust_failures.csv (Locust's --csv), metrics-before.txt and
metrics-after.txt (the service's /metrics before and after the load), rss.txt (one VmRSS in
KiB a line, sampled each second) and verify.json (GET /api/jobs/:id of the verify job at the
end). Standard library only.
"""

import argparse
import csv
import json
import os
import re
import sys

CACHED_ROUTES = ["summary (popular)", "density (popular)", "stats"]
# the cache kinds of the frequent answers: summaries, and density views as JSON (the page's form)
FREQUENT_KINDS = ["summary", "density-json"]
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$')


def samples(path):
    """[(name, labels, value)] of a Prometheus text file."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = SAMPLE.match(line.strip())
            if not m:
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
            out.append((m.group(1), labels, float(m.group(3))))
    return out


def total(ss, name, **want):
    return sum(v for n, labels, v in ss if n == name and all(labels.get(k) == w for k, w in want.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rss-bound-mib", type=float, default=1536)
    ap.add_argument("--p95-ms", type=float, default=100)
    ap.add_argument("--hit-ratio", type=float, default=0.9)
    ap.add_argument("--duration", default="?")
    args = ap.parse_args()
    d = args.dir
    checks = []  # (what, figure, ok)

    # Locust's statistics: one row per (type, name), then "Aggregated".
    rows = []
    with open(os.path.join(d, "locust_stats.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_name = {}
    intended_429 = {}
    for r in rows:
        if r["Type"] == "429":
            intended_429[r["Name"]] = int(r["Request Count"])
        elif r["Name"] != "Aggregated":
            by_name[r["Name"]] = r

    print()
    print(f"Load test: 100 users for {args.duration}, beside a verify job over 10^10 numbers")
    print()
    head = f"{'request':<26} {'count':>7} {'fail':>5} {'429':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    print(head)
    print("-" * len(head))
    failures = 0
    for name in sorted(by_name):
        r = by_name[name]
        fails = int(r["Failure Count"])
        failures += fails
        print(f"{name:<26} {int(r['Request Count']):>7} {fails:>5} {intended_429.get(name, 0):>5} "
              f"{float(r['Requests/s']):>7.1f} {r['50%']:>7} {r['95%']:>7} {r['99%']:>7} {float(r['Max Response Time']):>7.0f}")
    agg = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if agg:
        n429 = sum(intended_429.values())
        count = int(agg["Request Count"]) - n429  # the 429 rows are markers, not requests
        print("-" * len(head))
        print(f"{'all':<26} {count:>7} {failures:>5} {n429:>5} "
              f"{float(agg['Requests/s']) * count / max(int(agg['Request Count']), 1):>7.1f}")
    print()

    for name in CACHED_ROUTES:
        r = by_name.get(name)
        if r is None or int(r["Request Count"]) == 0:
            checks.append((f"p95 of {name} < {args.p95_ms:g} ms", "no requests", False))
            continue
        p95 = float(r["95%"])
        checks.append((f"p95 of {name} < {args.p95_ms:g} ms", f"{p95:g} ms", p95 < args.p95_ms))

    n429 = sum(intended_429.values())
    other = []
    fpath = os.path.join(d, "locust_failures.csv")
    if os.path.exists(fpath):
        with open(fpath, encoding="utf-8") as f:
            other = [r for r in csv.DictReader(f) if r["Method"] != "429"]
    if other:
        print("failures:")
        for r in other[:20]:
            print(f"  {r['Occurrences']:>5} x {r['Method']} {r['Name']}: {r['Error'][:160]}")
        print()
    checks.append(("no failures but intended 429s", f"{failures} failures, {n429} intended 429s", failures == 0 and not other))

    # Cache hit ratio of the frequent queries over the load (the difference of the counters):
    # answered from L1 or L2 over all lookups (L1 hits + L1 misses).
    before, after = samples(os.path.join(d, "metrics-before.txt")), samples(os.path.join(d, "metrics-after.txt"))
    hits = misses = 0.0
    parts = []
    for kind in FREQUENT_KINDS:
        h1 = total(after, "collatz_dashboard_cache_hits_total", level="l1", kind=kind) - total(before, "collatz_dashboard_cache_hits_total", level="l1", kind=kind)
        h2 = total(after, "collatz_dashboard_cache_hits_total", level="l2", kind=kind) - total(before, "collatz_dashboard_cache_hits_total", level="l2", kind=kind)
        m1 = total(after, "collatz_dashboard_cache_misses_total", level="l1", kind=kind) - total(before, "collatz_dashboard_cache_misses_total", level="l1", kind=kind)
        lookups = h1 + m1
        hits += h1 + h2
        misses += lookups - h1 - h2
        parts.append(f"{kind} {h1 + h2:.0f}/{lookups:.0f}")
    ratio = hits / (hits + misses) if hits + misses else 0.0
    checks.append((f"cache hit ratio (summary, density) > {args.hit_ratio:.0%}",
                   f"{ratio:.2%} ({', '.join(parts)})", ratio > args.hit_ratio))

    with open(os.path.join(d, "rss.txt"), encoding="utf-8") as f:
        rss = [int(x) for x in f.read().split() if x.isdigit()]
    max_mib = max(rss) / 1024 if rss else 0.0
    checks.append((f"max RSS < {args.rss_bound_mib:g} MiB", f"{max_mib:.0f} MiB ({len(rss)} samples)", bool(rss) and max_mib < args.rss_bound_mib))

    try:
        with open(os.path.join(d, "verify.json"), encoding="utf-8") as f:
            job = json.load(f)
        state = job.get("state")
        figure = f"{state}, {job.get('done', 0) / max(job.get('total', 1), 1):.1%} done"
    except (OSError, ValueError) as err:
        state, figure = None, f"unreadable: {err}"
    # How long the verify job ran beside the load (sampled once a second).
    try:
        t0 = int(open(os.path.join(d, "load-start.txt")).read())
        t1 = int(open(os.path.join(d, "load-end.txt")).read())
        running = set()
        with open(os.path.join(d, "verify-progress.txt"), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[1] == "running" and t0 <= int(parts[0]) <= t1:
                    running.add(int(parts[0]))
        figure += f"; running during {len(running)} of {t1 - t0} s of load"
    except (OSError, ValueError):
        pass
    checks.append(("verify job over 10^10 running or done", figure, state in ("running", "done")))

    width = max(len(c[0]) for c in checks)
    fw = max(44, max(len(c[1]) for c in checks))
    print(f"{'check':<{width}}  {'measured':<{fw}} result")
    print("-" * (width + fw + 9))
    for what, figure, ok in checks:
        print(f"{what:<{width}}  {figure:<{fw}} {'PASS' if ok else 'FAIL'}")
    failed = [c for c in checks if not c[2]]
    print()
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
