#!/usr/bin/env bash
# Side by side: the CLI's `range 1 N --records --json` (1 and 2 threads) against the three C
# baselines of ../shared/baselines (naive.c on N/10, memo.c, kstep.c, built and run by its
# run.sh), in ROUNDS alternating rounds on the same machine. Prints every round's rates and
# ratios, then the ratios of the best rate of each program over all rounds (the machine is
# shared and noisy: single runs vary by 30%).
# Usage: bash benches/compare.sh [N] [ROUNDS]    (defaults 100000000 and 3; from the repo root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
N=${1:-100000000}
ROUNDS=${2:-3}
cargo build -q --release -p collatz-core --features cli --bin collatz
cli=target/release/collatz

run_cli() { # threads -> prints "name seconds sum max at"
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$("$cli" range 1 "$N" --threads "$1" --records --json)
    t1=$(date +%s.%N)
    python3 -c "import json,sys; d=json.loads(sys.argv[3]); print(float(sys.argv[2])-float(sys.argv[1]), d['sum_total_stopping_time'], d['max_total_stopping_time'], d['max_total_stopping_time_n'])" "$t0" "$t1" "$out"
}

log=$(mktemp)
for round in $(seq 1 "$ROUNDS"); do
    for twice in 1 2; do
        bash "$root/../shared/baselines/run.sh" "$N" | sed "s/^/round=$round /" >>"$log"
    done
    for twice in 1 2; do echo "round=$round collatz1 $(run_cli 1)" >>"$log"; done
    for twice in 1 2; do echo "round=$round collatz2 $(run_cli 2)" >>"$log"; done
done

python3 - "$N" "$log" <<'PY'
import sys
N = int(sys.argv[1])
rounds = {}
for line in open(sys.argv[2]):
    parts = line.split()
    r = int(parts[0].split("=")[1])
    name = parts[1]
    if name.startswith("collatz"):
        secs, total, best, at = parts[2:]
        rate = (N - 1) / float(secs) / 1e6
        new = (rate, int(total), int(best), int(at))
    else:
        f = dict(kv.split("=") for kv in parts[2:])
        new = (float(f["rate_Mnum_s"]), int(f["sum_steps"]), int(f["max_steps"]), int(f["at"]))
    old = rounds.setdefault(r, {}).get(name)
    if old is None or new[0] > old[0]:
        rounds[r][name] = new
sums = {v[1] for rd in rounds.values() for k, v in rd.items() if k != "naive"}  # naive runs on N/10
assert len(sums) == 1, f"the programs disagree on the sum of steps: {sums}"
def line(rates, label):
    c1, c2 = rates["collatz1"], rates["collatz2"]
    print(f"{label}: naive {rates['naive']:.1f}  memo {rates['memo']:.1f}  kstep {rates['kstep']:.1f}  "
          f"collatz 1 thread {c1:.1f}  2 threads {c2:.1f} M/s | collatz(1)/kstep {c1 / rates['kstep']:.2f}  "
          f"collatz(1)/memo {c1 / rates['memo']:.2f}  collatz(1)/naive {c1 / rates['naive']:.1f}  2 threads/1 {c2 / c1:.2f}")
for r in sorted(rounds):
    line({k: v[0] for k, v in rounds[r].items()}, f"round {r}")
best = {k: max(rounds[r][k][0] for r in rounds) for k in rounds[1]}
line(best, "best of each")
any_round = rounds[1]["collatz1"]
print(f"N={N} sum_steps={any_round[1]} max_steps={any_round[2]} at={any_round[3]} (all programs agree)")
PY
rm -f "$log"
