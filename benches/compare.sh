#!/usr/bin/env bash
# Side by side, in one run: the CLI's `range 1 N --records --json` (1 and 2 threads) against
# the three C baselines of ../shared/baselines (naive.c on N/10, memo.c, kstep.c), with ratios.
# Usage: bash benches/compare.sh [N]     (default 100000000; from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
N=${1:-100000000}
cargo build -q --release -p collatz-core --example collatz
cli=target/release/examples/collatz

baseline_out=$(bash "$root/../shared/baselines/run.sh" "$N")
echo "$baseline_out"

run_cli() { # threads -> prints "seconds sum"
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$("$cli" range 1 "$N" --threads "$1" --records --json)
    t1=$(date +%s.%N)
    python3 -c "import json,sys; d=json.loads(sys.argv[3]); print(float(sys.argv[2])-float(sys.argv[1]), d['sum_total_stopping_time'], d['max_total_stopping_time'], d['max_total_stopping_time_n'])" "$t0" "$t1" "$out"
}
one=$(run_cli 1)
two=$(run_cli 2)

python3 - "$N" "$baseline_out" "$one" "$two" <<'PY'
import sys
N = int(sys.argv[1])
rates = {}
for line in sys.argv[2].splitlines():
    f = dict(kv.split("=") for kv in line.split()[1:])
    rates[line.split()[0]] = float(f["rate_Mnum_s"])
def parse(s):
    secs, total, best, at = s.split()
    return float(secs), int(total), int(best), int(at)
s1, total, best, at = parse(sys.argv[3])
s2, total2, _, _ = parse(sys.argv[4])
assert total == total2
r1 = (N - 1) / s1 / 1e6
r2 = (N - 1) / s2 / 1e6
print(f"collatz range N={N} threads=1 sum_steps={total} max_steps={best} at={at} seconds={s1:.3f} rate_Mnum_s={r1:.1f}")
print(f"collatz range N={N} threads=2 seconds={s2:.3f} rate_Mnum_s={r2:.1f}")
for name in ("naive", "memo", "kstep"):
    print(f"ratio collatz(1 thread) / {name}.c = {r1 / rates[name]:.2f}")
print(f"ratio collatz 2 threads / 1 thread = {r2 / r1:.2f}")
PY
