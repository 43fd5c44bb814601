// Shared helpers: the reference data of ../shared/data and a BigInt oracle.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const DATA = join(here, "..", "..", "..", "shared", "data");

/** The (n, a(n)) pairs of a reference file, as BigInts. */
export function load(name) {
  if (!existsSync(join(DATA, `${name}.txt`))) throw new Error(`reference data not found in ${DATA}`);
  return readFileSync(join(DATA, `${name}.txt`), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(" ").map(BigInt));
}

/** Every statistic of n by the definitions, one C-step at a time, in BigInt. */
export function oracle(n) {
  n = BigInt(n);
  let x = n, steps = 0, odd = 0, max = n, glide = null;
  while (x !== 1n) {
    if (x % 2n) {
      x = 3n * x + 1n;
      odd += 1;
    } else {
      x /= 2n;
    }
    steps += 1;
    if (x > max) max = x;
    if (glide === null && x < n) glide = steps;
  }
  return { totalStoppingTime: steps, oddSteps: odd, evenSteps: steps - odd, max, stoppingTime: glide ?? 0 };
}

/** A small seeded PRNG (mulberry32), so that property runs are reproducible. */
export function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random BigInt of up to `bits` bits, at least 1. */
export function randomBig(next, bits) {
  const b = 1 + Math.floor(next() * bits);
  let v = 0n;
  for (let i = 0; i < b; i += 16) v = (v << 16n) | BigInt(Math.floor(next() * 65536));
  v &= (1n << BigInt(b)) - 1n;
  return v === 0n ? 1n : v;
}
