// The generated index.d.ts type-checks a small consumer file (tsc --noEmit).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

test("tsc --noEmit accepts the consumer file", () => {
  const tsc = require.resolve("typescript/bin/tsc");
  const project = fileURLToPath(new URL("./tsconfig.json", import.meta.url));
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", project], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
