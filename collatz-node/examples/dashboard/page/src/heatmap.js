// The heatmap of total stopping time against n: a /api/density grid painted by the data
// Worker and drawn on a canvas with axes and a log colour legend; drag across it to zoom
// (the range is queried again), hover for the cell under the pointer (exact n and value from
// /api/columns once the range holds 10^5 numbers or fewer).
import { urls } from './api.js';
import { workerRequest, isAbort } from './worker-client.js';
import { makeLut, cssColor, MIN_INDEX } from './colormap.js';
import { niceTicks } from './ticks.js';
import { compact, formatBig } from './bigmath.js';
import { rowRange, rowSpan, columnRange } from './payloads.js';
import { setBusy } from './skeleton.js';

/** Ranges of at most this many numbers get exact hover values. */
export const EXACT_LIMIT = 100000n;
/** The longest range /api/density answers (the service's limit). */
export const DENSITY_LIMIT = 1000000000n;

const MARGIN = { left: 64, right: 64, top: 12, bottom: 44 };
const COLUMNS_PAGE = 100000;

export class Heatmap {
  /**
   * @param {object} els canvas, wrap, selection, tooltip, status elements
   * @param {object} hooks onZoom(start, end) when a drag selects a sub-range; onData(grid)
   */
  constructor(els, hooks) {
    this.els = els;
    this.hooks = hooks;
    this.lut = makeLut();
    this.grid = null; // the last density grid, with its painted image
    this.image = null; // a canvas holding the grid at one pixel per cell
    this.exact = null; // Float64Array of total stopping times when the range is small
    this.ctrl = null;
    this.drag = null;
    this.bindPointer();
    new ResizeObserver(() => this.draw()).observe(els.wrap);
  }

  /** 'dark' or 'light', as the page's colour scheme follows the system's. */
  theme() {
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  /** The plot area in CSS pixels. */
  plotRect() {
    const w = this.els.canvas.clientWidth || 960;
    const h = this.els.canvas.clientHeight || 360;
    return {
      x: MARGIN.left,
      y: MARGIN.top,
      w: Math.max(10, w - MARGIN.left - MARGIN.right),
      h: Math.max(10, h - MARGIN.top - MARGIN.bottom),
    };
  }

  /** Queries and draws [start, end) (BigInts); resolves with the grid, or null if superseded. */
  async load(start, end) {
    this.ctrl?.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    const { canvas } = this.els;
    canvas.dataset.state = 'loading';
    canvas.dataset.start = String(start);
    canvas.dataset.end = String(end);
    delete canvas.dataset.exact;
    this.exact = null;
    this.hideTooltip();
    setBusy(this.els.wrap, true);
    const plot = this.plotRect();
    const len = end - start;
    if (len > DENSITY_LIMIT) {
      canvas.dataset.state = 'error';
      setBusy(this.els.wrap, false);
      this.els.status.textContent = `The heatmap covers at most ${formatBig(DENSITY_LIMIT)} numbers; narrow the range.`;
      throw new RangeError('range too long for a density grid');
    }
    const width = Number(len < BigInt(Math.round(plot.w)) ? len : BigInt(Math.min(4096, Math.round(plot.w))));
    const height = Math.min(4096, Math.round(plot.h));
    const t0 = performance.now();
    let grid;
    try {
      grid = await workerRequest(
        'density',
        { url: urls.density(start, end, width, height), theme: this.theme() },
        ctrl.signal,
      );
    } catch (e) {
      if (isAbort(e) || ctrl.signal.aborted) return null;
      canvas.dataset.state = 'error';
      setBusy(this.els.wrap, false);
      this.els.status.textContent = `Density failed: ${e.message}`;
      throw e;
    }
    if (ctrl.signal.aborted) return null;
    this.grid = grid;
    this.image = this.toImage(grid);
    setBusy(this.els.wrap, false);
    this.draw();
    canvas.dataset.state = 'ready';
    canvas.dataset.renders = String(Number(canvas.dataset.renders ?? 0) + 1);
    const ms = Math.round(performance.now() - t0);
    this.els.status.textContent = `${formatBig(len)} numbers · ${grid.width}×${grid.height} cells · ${ms} ms`;
    this.hooks.onData?.(grid);
    if (len <= EXACT_LIMIT) this.loadExact(start, end, ctrl.signal);
    return grid;
  }

  /** Loads every total stopping time of a small range for exact hover values. */
  async loadExact(start, end, signal) {
    try {
      const r = await workerRequest(
        'columns',
        { base: '/api/columns', start: String(start), end: String(end), field: 'total_stopping_time', limit: COLUMNS_PAGE },
        signal,
      );
      if (signal.aborted) return;
      this.exact = r.values;
      this.els.canvas.dataset.exact = 'true';
    } catch (e) {
      if (!isAbort(e)) this.els.status.textContent += ` · exact values unavailable: ${e.message}`;
    }
  }

  toImage(grid) {
    const c = document.createElement('canvas');
    c.width = grid.width;
    c.height = grid.height;
    c.getContext('2d').putImageData(new ImageData(grid.rgba, grid.width, grid.height), 0, 0);
    return c;
  }

  /** Redraws the image, axes and legend at the canvas's current size. */
  draw() {
    const { canvas } = this.els;
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || 960;
    const cssH = canvas.clientHeight || 360;
    if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const g = this.grid;
    if (!g) return;
    const p = this.plotRect();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.image, p.x, p.y, p.w, p.h);

    const style = getComputedStyle(canvas);
    ctx.fillStyle = style.color || '#ccc';
    ctx.strokeStyle = style.color || '#ccc';
    ctx.font = '12px system-ui, sans-serif';
    ctx.lineWidth = 1;

    // x axis: n; far from 0 (where doubles blur the labels) as offsets from the start
    const len = Number(BigInt(g.end) - BigInt(g.start));
    const offset = Number(g.start) > 1e12 && len < Number(g.start) / 1e3;
    const s = offset ? 0 : Number(g.start);
    const e = s + len;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of niceTicks(s, e, Math.max(2, Math.floor(p.w / 110)))) {
      const x = p.x + ((v - s) / (e - s)) * p.w;
      if (x < p.x - 0.5 || x > p.x + p.w + 0.5) continue;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, p.y + p.h);
      ctx.lineTo(x + 0.5, p.y + p.h + 5);
      ctx.stroke();
      ctx.fillText(offset ? `+${compact(v)}` : compact(v), x, p.y + p.h + 7);
    }
    ctx.fillText(offset ? `n − ${formatBig(g.start)}` : 'n', p.x + p.w / 2, p.y + p.h + 26);

    // y axis: total stopping time (cell centres of the value steps)
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const span = rowSpan(g);
    for (const v of niceTicks(g.yMin, g.yMax, Math.max(2, Math.floor(p.h / 50)))) {
      const y = p.y + p.h - ((v - g.yMin + 0.5) / span) * p.h;
      ctx.beginPath();
      ctx.moveTo(p.x - 5, y + 0.5);
      ctx.lineTo(p.x, y + 0.5);
      ctx.stroke();
      ctx.fillText(String(v), p.x - 7, y);
    }
    ctx.save();
    ctx.translate(14, p.y + p.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('total stopping time', 0, 0);
    ctx.restore();

    // legend: log colour scale from 1 to the largest count
    const lx = p.x + p.w + 16;
    const lh = Math.min(200, p.h);
    for (let i = 0; i < lh; i++) {
      ctx.fillStyle = cssColor(this.lut, MIN_INDEX + Math.round((i / (lh - 1)) * (255 - MIN_INDEX)));
      ctx.fillRect(lx, p.y + lh - i - 1, 12, 1);
    }
    ctx.fillStyle = style.color || '#ccc';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(compact(g.maxCount), lx, p.y + lh + 4);
    ctx.fillText('count', lx - 4, p.y + lh + 18);
    ctx.fillText('(log)', lx - 4, p.y + lh + 32);
  }

  /** The grid cell under a point in CSS pixels of the canvas, or null outside the plot. */
  cellAt(px, py) {
    const g = this.grid;
    if (!g) return null;
    const p = this.plotRect();
    if (px < p.x || px >= p.x + p.w || py < p.y || py >= p.y + p.h) return null;
    const col = Math.min(g.width - 1, Math.floor(((px - p.x) / p.w) * g.width));
    const fy = (p.y + p.h - py) / p.h; // 0 at the bottom
    const row = Math.min(g.height - 1, Math.floor(fy * g.height));
    const yValue = g.yMin + fy * rowSpan(g) - 0.5;
    return { col, row, yValue };
  }

  describe(cell) {
    const g = this.grid;
    const [lo, hi] = columnRange(g, cell.col);
    if (this.exact) {
      // the n of this column whose value is nearest the pointer
      const base = BigInt(g.start);
      let best = -1;
      let bestDist = Infinity;
      for (let i = Number(lo - base); i < Number(hi - base); i++) {
        const d = Math.abs(this.exact[i] - cell.yValue);
        if (d < bestDist) {
          bestDist = d;
          best = i;
        }
      }
      if (best >= 0) {
        const n = base + BigInt(best);
        return `n = ${formatBig(n)}\ntotal stopping time = ${this.exact[best]}`;
      }
    }
    const [ylo, yhi] = rowRange(g, cell.row);
    const count = g.counts[cell.row * g.width + cell.col];
    const nText = hi - lo === 1n ? `n = ${formatBig(lo)}` : `n ∈ [${formatBig(lo)}, ${formatBig(hi)})`;
    const yText = ylo === yhi ? `total stopping time = ${ylo}` : `total stopping time ${ylo}–${yhi}`;
    return `${nText}\n${yText}\ncount = ${count.toLocaleString('en-US')}`;
  }

  hideTooltip() {
    this.els.tooltip.hidden = true;
  }

  showTooltip(px, py) {
    const cell = this.cellAt(px, py);
    if (!cell) return this.hideTooltip();
    const tip = this.els.tooltip;
    tip.textContent = this.describe(cell);
    tip.hidden = false;
    const wrapW = this.els.wrap.clientWidth;
    tip.style.left = `${Math.min(px + 14, wrapW - tip.offsetWidth - 4)}px`;
    tip.style.top = `${py + 14}px`;
  }

  bindPointer() {
    const { canvas, selection } = this.els;
    const local = (ev) => {
      const r = canvas.getBoundingClientRect();
      return [ev.clientX - r.left, ev.clientY - r.top];
    };
    canvas.addEventListener('pointerdown', (ev) => {
      const [x, y] = local(ev);
      if (!this.cellAt(x, y) || ev.button !== 0) return;
      this.drag = { x0: x, x1: x };
      canvas.setPointerCapture(ev.pointerId);
      this.hideTooltip();
    });
    canvas.addEventListener('pointermove', (ev) => {
      const [x, y] = local(ev);
      if (this.drag) {
        const p = this.plotRect();
        this.drag.x1 = Math.max(p.x, Math.min(p.x + p.w - 0.01, x));
        const a = Math.min(this.drag.x0, this.drag.x1);
        const b = Math.max(this.drag.x0, this.drag.x1);
        selection.hidden = false;
        selection.style.left = `${a}px`;
        selection.style.width = `${b - a}px`;
        selection.style.top = `${p.y}px`;
        selection.style.height = `${p.h}px`;
      } else {
        this.showTooltip(x, y);
      }
    });
    canvas.addEventListener('pointerleave', () => {
      if (!this.drag) this.hideTooltip();
    });
    const finish = (ev, cancelled) => {
      const drag = this.drag;
      this.drag = null;
      selection.hidden = true;
      if (!drag || cancelled || !this.grid) return;
      if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
      if (Math.abs(drag.x1 - drag.x0) < 4) return;
      const p = this.plotRect();
      const g = this.grid;
      const colOf = (x) => Math.max(0, Math.min(g.width - 1, Math.floor(((x - p.x) / p.w) * g.width)));
      const c0 = colOf(Math.min(drag.x0, drag.x1));
      const c1 = colOf(Math.max(drag.x0, drag.x1));
      const [lo] = columnRange(g, c0);
      const [, hi] = columnRange(g, c1);
      if (hi - lo >= 1n) this.hooks.onZoom?.(lo, hi);
    };
    canvas.addEventListener('pointerup', (ev) => finish(ev, false));
    canvas.addEventListener('pointercancel', (ev) => finish(ev, true));
  }
}
