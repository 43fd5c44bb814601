// The page's data Worker: fetches and parses the large answers (density grids, columns) off
// the main thread and paints the heatmap's RGBA pixels, so the main thread only copies a
// finished image. Messages in: {id, type: 'density' | 'columns' | 'abort', ...}; out:
// {id, result} with transferred buffers, or {id, error: {status, code, message}}.
import { makeLut, EMPTY_RGBA, logIndex } from './colormap.js';
import { normaliseDensity, pickColumn } from './payloads.js';

const LUT = makeLut();
const inflight = new Map();

async function getJson(url, signal) {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let body = {};
    try {
      body = await res.json();
    } catch {
      // not JSON
    }
    const err = new Error(body.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    err.code = body.error ?? `http_${res.status}`;
    throw err;
  }
  return res.json();
}

/** Paints a density grid: row 0 (lowest y) at the bottom of the image; empty cells `empty`. */
function paint(d, empty) {
  const { width, height, counts } = d;
  const rgba = new Uint8ClampedArray(width * height * 4);
  let maxCount = 0;
  let total = 0;
  const rowSums = new Float64Array(height);
  for (let r = 0; r < height; r++) {
    let s = 0;
    for (let c = 0; c < width; c++) {
      const v = counts[r * width + c];
      s += v;
      if (v > maxCount) maxCount = v;
    }
    rowSums[r] = s;
    total += s;
  }
  for (let r = 0; r < height; r++) {
    const out = (height - 1 - r) * width * 4;
    for (let c = 0; c < width; c++) {
      const i = logIndex(counts[r * width + c], maxCount);
      const o = out + c * 4;
      if (i < 0) {
        rgba[o] = empty[0];
        rgba[o + 1] = empty[1];
        rgba[o + 2] = empty[2];
        rgba[o + 3] = empty[3];
      } else {
        rgba[o] = LUT[i * 4];
        rgba[o + 1] = LUT[i * 4 + 1];
        rgba[o + 2] = LUT[i * 4 + 2];
        rgba[o + 3] = 255;
      }
    }
  }
  return { rgba, maxCount, total, rowSums };
}

async function density({ url, theme }, signal) {
  const d = normaliseDensity(await getJson(url, signal));
  const { rgba, maxCount, total, rowSums } = paint(d, EMPTY_RGBA[theme] ?? EMPTY_RGBA.dark);
  const result = { ...d, rgba, maxCount, total, rowSums };
  return { result, transfer: [rgba.buffer, d.counts.buffer, rowSums.buffer] };
}

/** Every page of one column of [start, end) (at most a few 10^5 entries), as a Float64Array. */
async function columns({ base, start, end, field, limit }, signal) {
  const len = Number(BigInt(end) - BigInt(start));
  const values = new Float64Array(len).fill(NaN);
  let cursor;
  let pages = 0;
  for (;;) {
    const params = new URLSearchParams({ start, end, fields: field, limit: String(limit) });
    if (cursor != null) params.set('cursor', cursor);
    const page = await getJson(`${base}?${params}`, signal);
    const col = pickColumn(page, field);
    const offset = Number(BigInt(page.start ?? start) - BigInt(start));
    for (let i = 0; i < col.length && offset + i < len; i++) values[offset + i] = Number(col[i]);
    pages++;
    cursor = page.next_cursor ?? page.nextCursor ?? null;
    if (cursor == null || pages > 10000) break;
  }
  return { result: { start, end, field, values }, transfer: [values.buffer] };
}

const handlers = { density, columns };

self.onmessage = async (ev) => {
  const msg = ev.data;
  if (msg.type === 'abort') {
    inflight.get(msg.id)?.abort();
    return;
  }
  const ctrl = new AbortController();
  inflight.set(msg.id, ctrl);
  try {
    const { result, transfer } = await handlers[msg.type](msg, ctrl.signal);
    self.postMessage({ id: msg.id, result }, transfer);
  } catch (e) {
    const aborted = e?.name === 'AbortError';
    self.postMessage({
      id: msg.id,
      error: { status: e.status ?? 0, code: aborted ? 'aborted' : e.code ?? 'network', message: e.message },
    });
  } finally {
    inflight.delete(msg.id);
  }
};
