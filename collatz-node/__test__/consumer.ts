// Compiled by `tsc --noEmit` in the tests: a consumer's use of the published types.
import { columns, summary, summaryAsync, stats, sequence, StepCache, CollatzMap, totalStoppingTime } from "../index.js";
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
export { steps, biggest, tst, first, values, hits, cycle, later };
