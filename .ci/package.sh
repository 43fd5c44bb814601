#!/usr/bin/env bash
# Builds the artifacts of a release into target/dist/:
# - collatz-core-VERSION.crate: the crate as `cargo publish` uploads it (`cargo package`,
#   which also builds it from the package alone);
# - collatz_engine-VERSION-cp39-abi3-manylinux_*.whl: the Python wheel, one for every Python
#   from 3.9 (abi3), tagged manylinux by maturin's own compliance check and checked again by
#   `auditwheel show` (its report in auditwheel.txt);
# - collatz_engine-VERSION.tar.gz: the Python sdist (the Rust sources of both crates), which
#   builds with cargo and maturin.
# The npm packages are still built from source by `npm install` in collatz-node/.
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
ls -l "$dist"
