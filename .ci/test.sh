#!/usr/bin/env bash
# Every test of the repository: formatting, lints, Rust unit/behaviour/property/doc tests,
# the command line (the `cli` feature of collatz-core, installed with `cargo install`), the
# fuzz corpus replay, the Python package (built with `pip install ./collatz-py` into a
# fresh virtualenv, then pytest) and the Node.js package (`npm install` in collatz-node/,
# node --test, then a consumer project installing it), and the dashboard service
# (collatz-node/examples/dashboard: API tests against a real Redis, browser tests in Debian's
# Chromium, the soak, Prometheus and promtool, a 30 s Locust load test with 100 users).
# Run from anywhere: bash .ci/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
pylog=$(mktemp)
nodelog=$(mktemp)
dashlog=$(mktemp)
browserlog=$(mktemp)
consumer=$(mktemp -d)
installed=$(mktemp -d)
trap 'rm -rf "$log" "$pylog" "$nodelog" "$dashlog" "$browserlog" "$consumer" "$installed"' EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (workspace)"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo clippy (collatz-core with the command line: --features cli)"
cargo clippy -p collatz-core --all-targets --features cli --locked -- -D warnings
echo "== cargo test (workspace: unit, behaviour, property and doc tests)"
cargo test --workspace --locked 2>&1 | tee -a "$log"
echo "== cargo test (the collatz binary: --features cli --test cli)"
cargo test -p collatz-core --features cli --locked --test cli 2>&1 | tee -a "$log"
echo "== cargo test (the result store: runs killed with SIGKILL and resumed: --test store)"
cargo test -p collatz-core --features cli --locked --test store 2>&1 | tee -a "$log"
echo "== cargo install --path collatz-core --features cli: the installed collatz"
# into the repository's target directory, whose release build the README's first command reuses
cargo install --quiet --path collatz-core --features cli --root "$installed" --locked \
    --target-dir target
expected='{"even_steps":70,"max":"9232","max_bits":14,"n":"27","odd_steps":41,"shortcut_steps":70,"stopping_time":96,"stopping_time_shortcut":59,"total_stopping_time":111}'
got=$("$installed/bin/collatz" stats 27 --json)
if [ "$got" != "$expected" ]; then
    echo "installed collatz stats 27 --json printed $got, expected $expected" >&2
    exit 1
fi
echo "installed collatz: stats 27 --json as expected"

echo "== the crate as published: cargo publish --dry-run, docs as docs.rs builds them"
cargo publish --dry-run -p collatz-core --locked
# all features and --cfg docsrs (the doc_cfg marks need the nightly feature gate: RUSTC_BOOTSTRAP)
RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="--cfg docsrs -D warnings" \
    cargo doc -p collatz-core --all-features --no-deps --locked
grep -q "Available on <strong>crate feature <code>store</code></strong> only" \
    target/doc/collatz_core/store/index.html || {
    echo "docs.rs build: the store module is not marked with its feature" >&2
    exit 1
}

echo "== fuzz crate: fmt, clippy, corpus replay"
(
    cd fuzz
    cargo fmt -- --check
    cargo clippy --all-targets --locked -- -D warnings
    cargo test --locked 2>&1 | tee -a "$log"
)
echo "== the release artifacts: bash .ci/package.sh (crate, wheel, sdist, npm tarballs into target/dist/)"
bash .ci/package.sh
echo "== collatz-py: the wheel in a fresh virtualenv with no cargo on PATH, pytest"
venv=target/py-test-venv
rm -rf "$venv"
python3 -m venv "$venv"
wheel=$(ls target/dist/collatz_engine-*-cp39-abi3-manylinux_*.whl)
(
    # no Rust toolchain: the wheel must install and run without one
    PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '\.cargo' -e rustup | paste -sd:)
    if command -v cargo >/dev/null 2>&1; then
        echo "cargo is still on PATH: $(command -v cargo)" >&2
        exit 1
    fi
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q pytest hypothesis nbclient nbformat ipykernel mypy
    "$venv/bin/python" -m pip install -q "$wheel[distributed,notebook]"
    # from outside the source tree, so that the installed package is what gets imported
    cd collatz-py/tests && "../../$venv/bin/python" -m pytest -q -p no:cacheprovider . 2>&1 | tee "$pylog"
)
echo "== collatz-py: the sdist builds a wheel that installs (pip, maturin by build isolation)"
sdist_out=$(mktemp -d)
# the workspace's target directory: what the wheel above compiled is reused
CARGO_TARGET_DIR="$PWD/target" "$venv/bin/python" -m pip wheel -q --no-deps -w "$sdist_out" \
    target/dist/collatz_engine-*.tar.gz
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$sdist_out"/collatz_engine-*.whl
"$venv/bin/python" -c "import collatz_engine as ce; assert ce.total_stopping_time(27) == 111; print('sdist wheel:', ce.__version__)"
rm -rf "$sdist_out"

echo "== collatz-node: npm install (builds the addon), node --test, a consumer project"
(cd collatz-node && npm install --no-audit --no-fund)
# the committed loader and types are exactly what the build generates
git diff --exit-code -- collatz-node/index.js collatz-node/index.d.ts
(cd collatz-node && node --test __test__/ 2>&1 | tee "$nodelog")
# what a user does: a separate project installs the folder, and the tarball of `npm pack`
pkg="$PWD/collatz-node"
(
    cd "$consumer"
    mkdir from-folder from-tarball
    tarball=$(cd "$pkg" && npm pack --silent --pack-destination "$consumer")
    for how in from-folder from-tarball; do
        cd "$consumer/$how"
        npm init -y >/dev/null
        if [ "$how" = from-folder ]; then src="$pkg"; else src="$consumer/$tarball"; fi
        npm install --no-audit --no-fund "$src"
        node -e 'const c = require("collatz-engine"); if (c.totalStoppingTime(27) !== 111 || c.maxExcursion(27n) !== 9232n) process.exit(1); console.log("'$how' require ok")'
        node --input-type=module -e 'import { totalStoppingTime, summary } from "collatz-engine"; import c from "collatz-engine"; if (totalStoppingTime("27") !== 111 || summary(1, 1000).delayRecords.at(-1).n !== "871" || c.stats(27).max !== 9232n) process.exit(1); console.log("'$how' import ok")'
    done
)

echo "== collatz-node: the two npm tarballs of .ci/package.sh in a fresh project, no cargo on PATH"
(
    PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '\.cargo' -e rustup | paste -sd:)
    if command -v cargo >/dev/null 2>&1; then
        echo "cargo is still on PATH: $(command -v cargo)" >&2
        exit 1
    fi
    dist="$PWD/target/dist"
    mkdir "$consumer/from-packages"
    cd "$consumer/from-packages"
    npm init -y >/dev/null
    npm install --no-audit --no-fund "$dist"/collatz-engine-[0-9]*.tgz \
        "$dist"/collatz-engine-linux-x64-gnu-[0-9]*.tgz typescript@5.9.3
    # the main package holds no binary and no install script: nothing was compiled
    node -e 'const p = require("collatz-engine/package.json"); if ((p.scripts || {}).install || !p.optionalDependencies["collatz-engine-linux-x64-gnu"]) process.exit(1)'
    if ls node_modules/collatz-engine/*.node >/dev/null 2>&1; then
        echo "the main npm package carries a binary" >&2
        exit 1
    fi
    node -e 'const c = require("collatz-engine"); if (c.totalStoppingTime(27) !== 111) process.exit(1); console.log("packages: require ok, version", c.version())'
    node --input-type=module -e 'import { totalStoppingTime } from "collatz-engine"; if (totalStoppingTime(27) !== 111) process.exit(1); console.log("packages: import ok")'
    # the types, as a TypeScript consumer sees them
    sed 's#"../index.js"#"collatz-engine"#' "$pkg/__test__/consumer.ts" >consumer.ts
    cp "$pkg/__test__/tsconfig.json" tsconfig.json
    npx tsc --noEmit -p tsconfig.json
    echo "packages: tsc --noEmit ok"
)

echo "== dashboard (collatz-node/examples/dashboard): npm install, API tests against a real Redis,"
echo "   browser tests in Debian's Chromium, a 30 s Locust load test, the soak, Prometheus"
(
    cd collatz-node/examples/dashboard
    npm install --no-audit --no-fund
    npm test 2>&1 | tee "$dashlog"
    npm run test:browser 2>&1 | tee "$browserlog"
    npm run test:soak
    npm run test:prometheus
    npm run test:load
)

# one closing line for the whole run
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "rust: %d passed, %d failed\n", p, f }' "$log"
awk '/ passed| failed/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "python: %d passed, %d failed\n", p, f }' "$pylog"
awk '/^# pass / { p += $3 } /^# fail / { f += $3 } END { printf "node: %d passed, %d failed\n", p, f }' "$nodelog"
awk '/^# pass / { p += $3 } /^# fail / { f += $3 } END { printf "dashboard api: %d passed, %d failed\n", p, f }' "$dashlog"
grep -E '^[0-9]+ passed, [0-9]+ failed' "$browserlog" | tail -1 | sed 's/^/dashboard browser: /'
