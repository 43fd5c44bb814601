// The histogram of total stopping times: uPlot bars from the summary's `histogram` (one bar per
// step count) or, when the summary has none (or the range is too large for a direct summary),
// from the density grid's row sums (one bar per row of the grid).
import uPlot from 'uplot';
import { setBusy } from './skeleton.js';
import { rowRange } from './payloads.js';

export class Histogram {
  constructor(el, noteEl) {
    this.el = el;
    this.noteEl = noteEl;
    this.plot = null;
    new ResizeObserver(() => {
      if (this.plot) this.plot.setSize(this.size());
    }).observe(el);
  }

  size() {
    return { width: Math.max(200, this.el.clientWidth || 400), height: 240 };
  }

  loading() {
    setBusy(this.el, true);
  }

  /** Bars from a summary's histogram: counts[t] numbers with total stopping time t. */
  fromSummary(counts) {
    const xs = [];
    const ys = [];
    counts.forEach((c, t) => {
      xs.push(t);
      ys.push(Number(c));
    });
    this.noteEl.textContent = 'One bar per total stopping time (from the summary).';
    this.show(xs, ys, 'total stopping time');
  }

  /** Bars from a density grid's rows (each row is a bin of step counts). */
  fromDensity(grid) {
    const xs = [];
    const ys = [];
    // a row may hold one step count or several: count per step count, so bars compare
    for (let r = 0; r < grid.height; r++) {
      const [lo, hi] = rowRange(grid, r);
      xs.push(lo);
      ys.push(grid.rowSums[r] / (hi - lo + 1));
    }
    const binned = grid.yStep > 1;
    this.noteEl.textContent = binned
      ? 'From the heatmap’s rows (summed density), per total stopping time within each row’s bin.'
      : 'One bar per total stopping time (summed density).';
    this.show(xs, ys, 'total stopping time');
  }

  show(xs, ys, label) {
    setBusy(this.el, false);
    this.el.dataset.bars = String(xs.length);
    const data = [Float64Array.from(xs), Float64Array.from(ys)];
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const opts = {
      ...this.size(),
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { label, stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
        { label: 'numbers', stroke: 'currentColor', size: 60, grid: { stroke: 'rgba(128,128,128,0.15)' } },
      ],
      series: [
        { label },
        {
          label: 'count',
          stroke: '#3b82c4',
          fill: 'rgba(59,130,196,0.55)',
          paths: uPlot.paths.bars({ size: [0.9, 40], align: 0 }),
          points: { show: false },
        },
      ],
    };
    this.plot = new uPlot(opts, data, this.el);
  }

  error(message) {
    setBusy(this.el, false);
    this.noteEl.textContent = message;
  }
}
