#!/usr/bin/env bash
# Builds the artifacts of a release into target/dist/:
# - collatz-core-VERSION.crate: the crate as `cargo publish` uploads it (`cargo package`,
#   which also builds it from the package alone);
# - collatz_engine-VERSION-cp39-abi3-manylinux_*.whl: the Python wheel, one for every Python
#   from 3.9 (abi3), tagged manylinux by maturin's own compliance check and checked again by
#   `auditwheel show` (its report in auditwheel.txt);
# - collatz_engine-VERSION.tar.gz: the Python sdist (the Rust sources of both crates), which
#   builds with cargo and maturin.
# - collatz-engine-VERSION.tgz and collatz-engine-linux-x64-gnu-VERSION.tgz: the npm package
#   in napi-rs's layout (made by its own tooling: create-npm-dirs, artifacts, pre-publish): the
#   main package, with no binary and no install script, and an optionalDependencies entry on
#   the platform package, which holds the `.node` file (built here with cargo, debug info
#   stripped).
# Run from anywhere: bash .ci/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dist=target/dist
rm -rf "$dist"
mkdir -p "$dist"
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)

echo "== collatz-core $version: cargo package"
cargo package -p collatz-core --locked
cp "target/package/collatz-core-$version.crate" "$dist/"

echo "== collatz-engine $version: the wheel (abi3, manylinux) and the sdist"
tools=target/package-tools
if [ ! -x "$tools/bin/maturin" ]; then
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q maturin==1.16.0 auditwheel==6.8.2
fi
"$tools/bin/maturin" build --release --strip --locked -m collatz-py/Cargo.toml -o "$dist"
"$tools/bin/maturin" sdist -m collatz-py/Cargo.toml -o "$dist"
wheel=$(ls "$dist"/collatz_engine-"$version"-cp39-abi3-manylinux_*.whl)
"$tools/bin/auditwheel" show "$wheel" >"$dist/auditwheel.txt"
if ! tr '\n' ' ' <"$dist/auditwheel.txt" | grep -q 'consistent with the following platform tag: "manylinux_'; then
    cat "$dist/auditwheel.txt" >&2
    echo "auditwheel does not accept $wheel as manylinux" >&2
    exit 1
fi
# what the wheel must carry besides the extension: the stubs, py.typed, the extras
for f in collatz_engine/_native.pyi collatz_engine/py.typed collatz_engine/distributed.py; do
    "$tools/bin/python" -c "import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())" "$wheel" "$f" ||
        { echo "$wheel lacks $f" >&2; exit 1; }
done
for extra in distributed notebook; do
    "$tools/bin/python" -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); m = [n for n in z.namelist() if n.endswith('METADATA')][0]; sys.exit('Provides-Extra: ' + sys.argv[2] not in z.read(m).decode())" "$wheel" "$extra" ||
        { echo "$wheel lacks the extra $extra" >&2; exit 1; }
done

echo "== collatz-engine (npm) $version: the main package and the linux-x64-gnu platform package"
(cd collatz-node && npm ci --no-audit --no-fund --ignore-scripts)
napi="$PWD/collatz-node/node_modules/.bin/napi"
# the addon, and the loader and types (committed: a build leaves them as they are)
(cd collatz-node && "$napi" build --platform --release --js index.js --dts index.d.ts)
stage=target/npm-stage
rm -rf "$stage"
mkdir -p "$stage/artifacts"
cp collatz-node/package.json collatz-node/index.js collatz-node/index.mjs collatz-node/index.d.ts \
    LICENSE-MIT LICENSE-APACHE "$stage/"
strip --strip-debug -o "$stage/artifacts/collatz-engine.linux-x64-gnu.node" \
    collatz-node/collatz-engine.linux-x64-gnu.node
# the published package.json: the one platform built here, no install script (nothing compiles
# at install), no devDependencies, no binary in the main package
node -e '
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[1]));
p.napi.targets = ["x86_64-unknown-linux-gnu"];
delete p.scripts;
delete p.devDependencies;
p.files = p.files.filter((f) => f !== "*.node" && f !== "build.js").concat(["LICENSE-MIT", "LICENSE-APACHE"]);
fs.writeFileSync(process.argv[1], JSON.stringify(p, null, 2) + "\n");
' "$stage/package.json"
(
    cd "$stage"
    "$napi" create-npm-dirs
    "$napi" artifacts -d artifacts --npm-dir npm
    # optionalDependencies on each platform package; nothing is published
    "$napi" pre-publish --skip-optional-publish -t npm
    rm -f collatz-engine.*.node
    cp LICENSE-MIT LICENSE-APACHE npm/linux-x64-gnu/
    node -e '
const fs = require("fs");
const f = "npm/linux-x64-gnu/package.json";
const p = JSON.parse(fs.readFileSync(f));
p.files.push("LICENSE-MIT", "LICENSE-APACHE");
fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n");
const main = JSON.parse(fs.readFileSync("package.json"));
if (main.optionalDependencies["collatz-engine-linux-x64-gnu"] !== main.version) process.exit(1);
'
    npm pack --silent --pack-destination ../dist >/dev/null
    cd npm/linux-x64-gnu && npm pack --silent --pack-destination ../../../dist >/dev/null
)
ls -l "$dist"
