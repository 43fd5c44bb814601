// Axis ticks: "nice" round values (1, 2, 5 × 10^k) covering an interval, for the heatmap's
// hand-drawn axes.

/** About `count` round tick values within [lo, hi]. */
export function niceTicks(lo, hi, count = 6) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.ceil(lo / step) * step;
  const out = [];
  for (let v = first; v <= hi + step * 1e-9 && out.length < 50; v += step) out.push(Math.round(v / step) * step);
  return out;
}
