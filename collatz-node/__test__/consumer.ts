// Compiled by `tsc --noEmit` in the tests: a consumer's use of the published types.
import { chunks, columns, summary, summaryAsync, stats, sequence, trajectory, StepCache, CollatzMap, totalStoppingTime, maxInputBits, setMaxInputBits } from "../index.js";
import type { Columns, Summary, Stats, RangeRecord } from "../index.js";

const steps: number = totalStoppingTime(27) + totalStoppingTime(27n) + totalStoppingTime("27");
const s: Stats = stats(2n ** 100n);
const biggest: bigint = s.max;
const cols: Columns = columns(1, 1000, { fields: ["totalStoppingTime", "maxExcursion"] });
const tst: Uint16Array | undefined = cols.totalStoppingTime;
const sum: Summary = summary(1, 1e6);
const first: RangeRecord | undefined = sum.delayRecords[0];
const values: bigint[] = [...sequence(27n)];
const hits: number = new StepCache(1 << 16, 1000).stats().hits;
const cycle: string = new CollatzMap(3, 1).run(-5n).outcome;
async function later(signal: AbortSignal): Promise<string> {
  const r: Summary = await summaryAsync(1, 1e8, { signal, onProgress: (done: number, total: number) => void (done / total) });
  return r.count;
}
async function streamed(signal: AbortSignal): Promise<number> {
  let n = 0;
  for await (const chunk of chunks(1, 1e9, { fields: ["totalStoppingTime"], chunkSize: 1 << 20, threads: 2, signal })) {
    const start: bigint = chunk.start;
    const t: Uint16Array | undefined = chunk.totalStoppingTime;
    n += (t?.length ?? 0) + Number(start - start);
  }
  return n;
}
const limit: number = maxInputBits();
setMaxInputBits(limit);
const same: bigint[] = [...trajectory(27)];
export { steps, biggest, tst, first, values, hits, cycle, later, streamed, same };
