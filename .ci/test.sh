#!/usr/bin/env bash
# Every test of the repository: formatting, lints, Rust unit/behaviour/property/doc tests,
# and the fuzz corpus replay. Run from anywhere: bash .ci/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (workspace)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (workspace: unit, behaviour, property and doc tests)"
cargo test --workspace --locked 2>&1 | tee -a "$log"

echo "== fuzz crate: fmt, clippy, corpus replay"
(
    cd fuzz
    cargo fmt -- --check
    cargo clippy --all-targets --locked -- -D warnings
    cargo test --locked 2>&1 | tee -a "$log"
)
# one closing line for the whole run
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "rust: %d passed, %d failed\n", p, f }' "$log"
