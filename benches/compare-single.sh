#!/usr/bin/env bash
# Single-value total stopping time: collatz-core (criterion, one call per n, no memo) against
# ../shared/baselines/naive.c (plain 128-bit loop), both over every n in [1, 10^6), in one run.
# Usage: bash benches/compare-single.sh        (from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
baselines="$root/../shared/baselines"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O3 -march=native -o "$out/naive" "$baselines/naive.c"

cargo bench -q -p collatz-benches --bench single -- --warm-up-time 2 --measurement-time 8 \
    'tst_per_number' >/dev/null 2>&1
ours_ns=$(python3 -c "import json;print(json.load(open('target/criterion/tst_per_number/1..1000000/new/estimates.json'))['mean']['point_estimate'])")
naive_line=$("$out/naive" 1000000)
echo "$naive_line"
python3 - "$ours_ns" "$naive_line" <<'PY'
import sys
ours_ns = float(sys.argv[1])
fields = dict(kv.split("=") for kv in sys.argv[2].split()[1:])
ours = 999_999 / (ours_ns * 1e-9) / 1e6
naive = float(fields["rate_Mnum_s"])
print(f"collatz-core total_stopping_time N=1000000 rate_Mnum_s={ours:.1f}")
print(f"ratio collatz-core / naive.c = {ours / naive:.2f}")
PY
