// Single values, typed-array columns and summaries against the OEIS reference files.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as c from "../index.mjs";
import { load } from "./helpers.mjs";

const col = (name) => load(name).map(([, v]) => v);

test("single values match the OEIS", () => {
  const [tst, even, odd, max, glide, glideT] = ["A006577", "A006666", "A006667", "A025586", "A102419", "A126241"].map(col);
  for (let i = 0; i < tst.length; i++) {
    const n = i + 1;
    const s = c.stats(n);
    assert.equal(BigInt(s.totalStoppingTime), tst[i], `n=${n}`);
    assert.equal(BigInt(s.evenSteps), even[i]);
    assert.equal(BigInt(s.oddSteps), odd[i]);
    assert.equal(s.max, max[i]);
    assert.equal(BigInt(s.stoppingTime), glide[i]);
    assert.equal(BigInt(s.stoppingTimeShortcut), glideT[i]);
    assert.equal(s.parityVector.length, Number(even[i]));
    assert.equal(BigInt(c.totalStoppingTime(n)), tst[i]);
    assert.equal(c.maxExcursion(BigInt(n)), max[i]);
  }
});

test("trajectories match A070165", () => {
  const flat = col("A070165");
  const got = [];
  for (let n = 1; n <= 100; n++) for (const v of c.sequence(n)) got.push(v);
  assert.deepEqual(got.slice(0, flat.length), flat);
});

test("columns match the OEIS", () => {
  const tst = col("A006577"), max = col("A025586"), glide = col("A102419"), odd = col("A006667");
  const cols = c.columns(1, tst.length + 1, { fields: ["totalStoppingTime", "stoppingTime", "oddSteps", "maxExcursion"] });
  assert.deepEqual([...cols.totalStoppingTime].map(BigInt), tst);
  assert.deepEqual([...cols.stoppingTime].map(BigInt), glide);
  assert.deepEqual([...cols.oddSteps].map(BigInt), odd);
  assert.deepEqual([...cols.maxExcursion], max);
});

test("records and sums match the published values", () => {
  const s = c.summary(1, 1e6);
  assert.equal(s.totalStoppingTime.sum, "131434272");
  const delay = load("A006877").map(([, n], i) => ({ n: String(n), value: Number(load("A006878")[i][1]) }));
  assert.deepEqual(s.delayRecords, delay);
  const path = load("A006884").map(([, n], i) => ({ n: String(n), value: String(load("A006885")[i][1]) }));
  assert.deepEqual(s.pathRecords, path);
  assert.deepEqual(s.glideRecords.slice(0, 7).map((r) => [r.n, r.value]), [["1", 0], ["2", 1], ["3", 6], ["7", 11], ["27", 96], ["703", 132], ["10087", 171]]);
  // JSON-ready: a round trip through JSON changes nothing
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  const s7 = c.summary(1, 1e7, { fields: ["totalStoppingTime"] });
  assert.deepEqual([s7.totalStoppingTime.sum, s7.totalStoppingTime.max, s7.totalStoppingTime.maxN], ["1552724686", 685, "8400511"]);
});

test("the histogram counts A006577", () => {
  const tst = col("A006577").map(Number);
  const s = c.summary(1, tst.length + 1, { fields: ["totalStoppingTime"] });
  const counts = new Array(Math.max(...tst) + 1).fill(0);
  for (const t of tst) counts[t] += 1;
  assert.deepEqual(s.histogram, counts);
});

test("tree levels match A005186", () => {
  const sizes = c.treeLevels(40).map((l) => l.length);
  assert.deepEqual(sizes.map(BigInt), col("A005186").slice(0, 41));
});
