// Readers of the API's JSON payloads that tolerate the spellings a server may use
// (`y_min` or `yMin`, flat or nested counts, a column at the top level or under `columns`),
// turning them into the page's own shapes.

/** A density answer as {start, end, width, height, yMin, yMax, yStep, counts: Uint32Array}. */
export function normaliseDensity(raw) {
  const width = Number(raw.width);
  const height = Number(raw.height);
  const yMin = Number(raw.y_min ?? raw.yMin ?? raw.y?.[0] ?? 0);
  const yMax = Number(raw.y_max ?? raw.yMax ?? raw.y?.[1] ?? height - 1);
  // rows are equally tall: the fewest whole value steps that fit the values into the rows
  const yStep = Number(raw.y_step ?? raw.yStep ?? Math.ceil((yMax - yMin + 1) / height));
  let src = raw.counts;
  if (Array.isArray(src) && Array.isArray(src[0])) src = src.flat();
  const counts = Uint32Array.from(src);
  if (counts.length !== width * height) {
    throw new Error(`density: ${counts.length} counts for a ${width}x${height} grid`);
  }
  return {
    start: String(raw.start),
    end: String(raw.end),
    field: raw.field ?? 'total_stopping_time',
    width,
    height,
    yMin,
    yMax,
    yStep,
    counts,
  };
}

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** The array of `field` in a columns page (`page[field]`, camelCase, or under columns/fields). */
export function pickColumn(page, field) {
  for (const holder of [page, page.columns, page.fields, page.data]) {
    if (holder && typeof holder === 'object' && !Array.isArray(holder)) {
      const col = holder[field] ?? holder[camel(field)];
      if (Array.isArray(col)) return col;
    }
  }
  throw new Error(`columns: no "${field}" in the answer`);
}

/** The values [lo, hi] of y that density row r holds (integer steps of y). */
export function rowRange(d, r) {
  const lo = d.yMin + r * d.yStep;
  return [lo, Math.min(d.yMax, lo + d.yStep - 1)];
}

/** The row holding value y. */
export function rowOf(d, y) {
  return Math.floor((y - d.yMin) / d.yStep);
}

/** The y extent the rows cover, [yMin, yMin + height·yStep): what the plot's height spans. */
export function rowSpan(d) {
  return d.height * d.yStep;
}

/** The start values [lo, hi) of column c, as BigInts. */
export function columnRange(d, c) {
  const start = BigInt(d.start);
  const len = BigInt(d.end) - start;
  const w = BigInt(d.width);
  const edge = (i) => (BigInt(i) * len + w - 1n) / w;
  return [start + edge(c), start + edge(c + 1)];
}

/** The column holding start value n (a BigInt). */
export function columnOf(d, n) {
  const start = BigInt(d.start);
  const len = BigInt(d.end) - start;
  return Number(((n - start) * BigInt(d.width)) / len);
}
