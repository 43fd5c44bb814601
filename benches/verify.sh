#!/usr/bin/env bash
# Side by side: `collatz verify A A+2^S --threads 1` against David Bařina's verifier
# (xbarin02/collatz, src/worker), over the same 2^S numbers from 2^40 and from 2^68, and both
# on two cores from 2^40 (his as two processes on the two halves), in ROUNDS alternating
# rounds. Prints every run's rate, then each program's median rate and the ratios of medians.
#
# His verifier is not part of this repository. Build it in a scratch folder of your own, with
# the 2^24 sieve his repository ships, then point BARINA at that folder:
#   git clone https://github.com/xbarin02/collatz && cd collatz/src/worker
#   cp ../rs-worker/esieve-24.lut50.map .
#   make USE_SIEVE=1 USE_SIEVE9=1 USE_PRECALC=1 USE_LUT50=1 SIEVE_LOGSIZE=24 CC=gcc
# Usage: BARINA=path/to/collatz/src/worker bash benches/verify.sh [S] [ROUNDS]
#        (defaults 36 and 3; without BARINA, only collatz runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
S=${1:-36}
ROUNDS=${2:-3}
cargo build -q --release -p collatz-core --features cli --bin collatz
cli=$root/target/release/collatz
log=$(mktemp)

now() { date +%s.%N; }

# collatz: label threads start(power of 2)
run_collatz() {
    local t0 t1 out
    t0=$(now)
    out=$("$cli" verify "2^$3" "2^$3+2^$S" --threads "$2" --json)
    t1=$(now)
    echo "$1 $(python3 -c "import sys; print(2**int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])))" "$S" "$t0" "$t1") $(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['max_value_n'])" "$out")"
}

# Bařina: label processes start(power of 2); task_size S (or S-1 per process), task_id so that
# task_id * 2^task_size = 2^start
run_barina() {
    local t0 t1 size id first
    size=$((S - ($2 == 2 ? 1 : 0)))
    first=$(python3 -c "print(2**($3 - $size))")
    t0=$(now)
    if [ "$2" = 2 ]; then
        (cd "$BARINA" && ./worker -t "$size" "$first" >"$log.a") &
        (cd "$BARINA" && ./worker -t "$size" "$((first + 1))" >"$log.b") &
        wait
    else
        (cd "$BARINA" && ./worker -t "$size" "$first" >"$log.a")
    fi
    t1=$(now)
    off=$(sed -n 's/^MAXIMUM_OFFSET //p' "$log.a")
    echo "$1 $(python3 -c "import sys; print(2**int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])))" "$S" "$t0" "$t1") $(python3 -c "import sys; print(2**int(sys.argv[1]) + int(sys.argv[2]))" "$3" "$off")"
}

for round in $(seq 1 "$ROUNDS"); do
    for start in 40 68; do
        if [ -n "${BARINA:-}" ]; then run_barina "barina1@$start" 1 "$start" | tee -a "$log"; fi
        run_collatz "collatz1@$start" 1 "$start" | tee -a "$log"
    done
    if [ -n "${BARINA:-}" ]; then run_barina "barina2@40" 2 40 | tee -a "$log"; fi
    run_collatz "collatz2@40" 2 40 | tee -a "$log"
done

python3 - "$log" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3:
        rates.setdefault(parts[0], []).append(float(parts[1]))
med = {k: statistics.median(v) for k, v in rates.items()}
for k in sorted(med):
    print(f"{k:14} median {med[k] / 1e9:.2f}e9/s  runs " + " ".join(f"{r / 1e9:.2f}" for r in rates[k]))
for a, b in [("collatz1@40", "barina1@40"), ("collatz1@68", "barina1@68"), ("collatz2@40", "barina2@40")]:
    if a in med and b in med:
        print(f"{a} / {b}: {med[a] / med[b]:.2f}x")
PY
