#!/usr/bin/env bash
# Every test of the repository: formatting, lints, Rust unit/behaviour/property/doc tests,
# the fuzz corpus replay, and the Python package (built with `pip install ./collatz-py` into a
# fresh virtualenv, then pytest). Run from anywhere: bash .ci/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
pylog=$(mktemp)
trap 'rm -f "$log" "$pylog"' EXIT

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
echo "== collatz-py: fresh virtualenv, pip install ./collatz-py, pytest"
venv=target/py-test-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q numpy pytest hypothesis pandas tqdm nbclient nbformat ipykernel matplotlib
# a wheel built from source by pip, with maturin fetched by build isolation, as a user would
"$venv/bin/python" -m pip install -q ./collatz-py
# from outside the source tree, so that the installed package is what gets imported
(cd collatz-py/tests && "../../$venv/bin/python" -m pytest -q -p no:cacheprovider . 2>&1 | tee "$pylog")

# one closing line for the whole run
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "rust: %d passed, %d failed\n", p, f }' "$log"
awk '/ passed| failed/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "python: %d passed, %d failed\n", p, f }' "$pylog"
