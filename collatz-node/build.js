// Builds the native addon when it is missing (the `install` script of package.json).
// `napi build` also regenerates index.js (the loader) and index.d.ts (the types, from the
// Rust doc comments); both are committed, and CI checks that a build leaves them unchanged.
// In a clean checkout `npm install` installs @napi-rs/cli (a devDependency) and then runs this,
// which calls `napi build` (cargo, release profile). A package made by `npm pack` already
// carries the built `.node` file, so installing it elsewhere needs neither Rust nor the CLI.
// Set COLLATZ_REBUILD=1 to force a build.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const here = __dirname;
const built = fs.readdirSync(here).some((f) => f.startsWith("collatz-engine.") && f.endsWith(".node"));
if (built && !process.env.COLLATZ_REBUILD) {
  process.exit(0);
}
if (!fs.existsSync(path.join(here, "Cargo.toml"))) {
  console.error("collatz-engine: no prebuilt addon for this platform and no Rust sources to build it from");
  process.exit(1);
}
let cli;
try {
  cli = require.resolve("@napi-rs/cli/package.json", { paths: [here] });
} catch {
  console.error("collatz-engine: @napi-rs/cli is missing; run `npm install` inside collatz-node/");
  process.exit(1);
}
const bin = path.join(path.dirname(cli), require(cli).bin.napi);
execFileSync(process.execPath, [bin, "build", "--platform", "--release", "--js", "index.js", "--dts", "index.d.ts"], {
  cwd: here,
  stdio: "inherit",
});
