// The trajectory viewer: any n (BigInt text, or forms like 2^100+1), its stats from
// /api/stats, and its values on a log2 scale in uPlot, loaded page by page through
// /api/trajectory's next_cursor (log2 of each decimal string from its length and leading
// digits, so values of any size plot).
import uPlot from 'uplot';
import { fetchJson, urls } from './api.js';
import { parseBigInt, log2Decimal, formatBig } from './bigmath.js';
import { setBusy } from './skeleton.js';

/** The first page's size (the service's default); later pages aim at PAGE_BYTES of digits. */
const PAGE = 1000;
const PAGE_MAX = 10000;
const PAGE_BYTES = 1 << 20;
/** Points loaded before asking the user whether to go on. */
const AUTO_LIMIT = 500000;

export class TrajectoryViewer {
  constructor(els) {
    this.els = els;
    this.plot = null;
    this.ctrl = null;
    this.xs = [];
    this.ys = [];
    new ResizeObserver(() => {
      if (this.plot) this.plot.setSize(this.size());
    }).observe(els.chart);
  }

  size() {
    return { width: Math.max(240, this.els.chart.clientWidth || 600), height: 300 };
  }

  /** The n to send: the decimal form when it is not huge, else the text as typed. */
  static argument(text) {
    const n = parseBigInt(text);
    if (n < 1n) throw new RangeError('n must be at least 1');
    const dec = n.toString();
    return dec.length <= 2000 ? dec : text.replace(/\s/g, '');
  }

  async show(text) {
    this.ctrl?.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    const { status, chart, stats } = this.els;
    let arg;
    try {
      arg = TrajectoryViewer.argument(text);
    } catch (e) {
      status.textContent = `Not a valid n: ${e.message}`;
      this.els.input.setAttribute('aria-invalid', 'true');
      return;
    }
    this.els.input.removeAttribute('aria-invalid');
    chart.dataset.state = 'loading';
    chart.dataset.points = '0';
    setBusy(chart, true);
    setBusy(stats, true);
    status.textContent = 'Loading…';
    this.xs = [];
    this.ys = [];
    try {
      const [st] = await Promise.all([
        fetchJson(urls.stats(arg), { signal: ctrl.signal }).then((s) => {
          this.showStats(s);
          return s;
        }),
        this.loadPages(arg, null, ctrl),
      ]);
      if (ctrl.signal.aborted) return;
      chart.dataset.state = 'ready';
      status.textContent = `${this.xs.length.toLocaleString('en-US')} values · ${st.total_stopping_time} steps`;
    } catch (e) {
      if (ctrl.signal.aborted || e.name === 'AbortError') return;
      chart.dataset.state = 'error';
      setBusy(chart, false);
      setBusy(stats, false);
      status.textContent = `Failed: ${e.message}`;
    }
  }

  async loadPages(arg, cursor, ctrl) {
    let loaded = 0;
    let limit = PAGE;
    for (;;) {
      const page = await fetchJson(urls.trajectory(arg, cursor ?? undefined, limit), { signal: ctrl.signal });
      if (ctrl.signal.aborted) return;
      const base = this.xs.length;
      let digits = 0;
      for (let i = 0; i < page.values.length; i++) {
        this.xs.push(base + i);
        this.ys.push(log2Decimal(page.values[i]));
        digits += page.values[i].length;
      }
      // short values: bigger pages (fewer requests); long ones: about PAGE_BYTES a page
      const perValue = Math.max(1, digits / Math.max(1, page.values.length));
      limit = Math.max(100, Math.min(PAGE_MAX, Math.floor(PAGE_BYTES / perValue)));
      loaded += page.values.length;
      this.draw();
      cursor = page.next_cursor ?? null;
      this.els.chart.dataset.points = String(this.xs.length);
      if (cursor == null) {
        this.els.more.hidden = true;
        return;
      }
      if (loaded >= AUTO_LIMIT) {
        this.offerMore(arg, cursor);
        return;
      }
      this.els.status.textContent = `Loading… ${this.xs.length.toLocaleString('en-US')} values`;
    }
  }

  offerMore(arg, cursor) {
    const { more } = this.els;
    more.hidden = false;
    more.onclick = async () => {
      more.hidden = true;
      const ctrl = new AbortController();
      this.ctrl = ctrl;
      await this.loadPages(arg, cursor, ctrl);
    };
  }

  showStats(s) {
    const { stats } = this.els;
    setBusy(stats, false);
    const entries = [
      ['n', formatBig(s.n)],
      ['total stopping time', s.total_stopping_time],
      ['stopping time', s.stopping_time],
      ['odd steps', s.odd_steps],
      ['even steps', s.even_steps],
      ['maximum', formatBig(s.max)],
      ['maximum bits', s.max_bits ?? Math.floor(log2Decimal(s.max)) + 1],
    ];
    stats.replaceChildren(
      ...entries.flatMap(([k, v]) => {
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.textContent = String(v);
        return [dt, dd];
      }),
    );
  }

  draw() {
    setBusy(this.els.chart, false);
    const data = [Float64Array.from(this.xs), Float64Array.from(this.ys)];
    const many = this.xs.length > 2000;
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    this.plot = new uPlot(
      {
        ...this.size(),
        scales: { x: { time: false } },
        legend: { show: true, live: true },
        axes: [
          { label: 'step', stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
          {
            label: 'value (log2 scale)',
            stroke: 'currentColor',
            size: 64,
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000],
            values: (_, ticks) => ticks.map((t) => `2^${t}`),
            grid: { stroke: 'rgba(128,128,128,0.15)' },
          },
        ],
        series: [
          { label: 'step' },
          {
            label: 'log2 value',
            stroke: '#e07b39',
            width: 1.5,
            points: { show: !many, size: 3 },
            value: (_, v) => (v == null ? '–' : `2^${v.toFixed(2)}`),
          },
        ],
      },
      data,
      this.els.chart,
    );
  }
}
