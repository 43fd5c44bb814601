// The operations panel: polls the service's own /metrics every 2 s and shows the request
// rate and p95 latency over the last interval (the request-duration histogram's deltas, the
// scrapes of /metrics left out), the cache hit ratio per level, and the jobs by state.
import { parsePrometheus, sumBy, histogramQuantile } from './prometheus.js';
import { checkResponse, urls } from './api.js';
import { setBusy } from './skeleton.js';

const PERIOD_MS = 2000;

/** The family of the request-duration histogram among the exposition's types. */
function durationFamily(types) {
  const hist = [...types].filter(([, t]) => t === 'histogram').map(([n]) => n);
  return (
    hist.find((n) => /request.*duration/.test(n)) ?? hist.find((n) => /http/.test(n)) ?? hist[0] ?? null
  );
}

const notMetrics = (l) => !/metrics/.test(l.route ?? l.path ?? l.url ?? '');

export class OpsPanel {
  constructor(els) {
    this.els = els;
    this.prev = null;
    this.timer = null;
  }

  start() {
    const tick = async () => {
      try {
        await this.poll();
      } catch (e) {
        this.els.note.textContent = `Metrics unavailable: ${e.message}`;
      }
      this.timer = setTimeout(tick, PERIOD_MS);
    };
    tick();
  }

  async poll() {
    const res = await fetch(urls.metrics(), { headers: { accept: 'text/plain' } });
    await checkResponse(res);
    const { types, samples } = parsePrometheus(await res.text());
    const now = performance.now();
    const fam = durationFamily(types);
    const snap = { t: now, count: 0, buckets: new Map() };
    if (fam) {
      snap.count = sumBy(samples, `${fam}_count`, notMetrics).get('') ?? 0;
      snap.buckets = sumBy(samples, `${fam}_bucket`, notMetrics, (l) => l.le);
    }
    const prev = this.prev;
    this.prev = snap;
    setBusy(this.els.tiles, false);

    // request rate and p95 over the last interval (since start on the first poll)
    if (prev) {
      const dt = (now - prev.t) / 1000;
      const dc = snap.count - prev.count;
      this.els.rate.textContent = `${(dc / dt).toFixed(1)} req/s`;
      const buckets = [...snap.buckets].map(([le, c]) => ({ le: Number(le === '+Inf' ? Infinity : le), count: c - (prev.buckets.get(le) ?? 0) }));
      const p95 = histogramQuantile(0.95, buckets);
      this.els.p95.textContent = Number.isNaN(p95) ? 'no requests' : `${(p95 * 1000).toFixed(1)} ms`;
    } else {
      const buckets = [...snap.buckets].map(([le, c]) => ({ le: Number(le === '+Inf' ? Infinity : le), count: c }));
      const p95 = histogramQuantile(0.95, buckets);
      this.els.rate.textContent = '…';
      this.els.p95.textContent = Number.isNaN(p95) ? 'no requests' : `${(p95 * 1000).toFixed(1)} ms`;
    }

    this.els.hit.textContent = this.cacheRatio(samples);
    this.els.jobs.textContent = this.jobsByState(samples);
    this.els.tiles.dataset.polls = String(Number(this.els.tiles.dataset.polls ?? 0) + 1);
  }

  /** Hits / lookups per cache level, from counters named like *cache*hit* / *cache*miss*. */
  cacheRatio(samples) {
    const hits = new Map();
    const misses = new Map();
    for (const s of samples) {
      if (!/cache/.test(s.name) || /_created$/.test(s.name)) continue;
      const level = s.labels.level ?? s.labels.tier ?? s.labels.cache ?? '';
      const result = s.labels.result ?? s.labels.outcome ?? '';
      const isHit = /hit/.test(s.name) || result === 'hit';
      const isMiss = /miss/.test(s.name) || result === 'miss';
      if (isHit) hits.set(level, (hits.get(level) ?? 0) + s.value);
      else if (isMiss) misses.set(level, (misses.get(level) ?? 0) + s.value);
    }
    const levels = [...new Set([...hits.keys(), ...misses.keys()])].sort();
    if (levels.length === 0) return 'no cache metrics';
    // every request looks up the first level; a hit at any level is a hit overall
    const lookups = (l) => (hits.get(l) ?? 0) + (misses.get(l) ?? 0);
    const first = levels.reduce((a, b) => (lookups(b) > lookups(a) ? b : a));
    const allHits = levels.reduce((s, l) => s + (hits.get(l) ?? 0), 0);
    const total = lookups(first);
    const overall = total > 0 ? `${((allHits / total) * 100).toFixed(1)}%` : '–';
    const per = levels
      .filter((l) => l !== '')
      .map((l) => `${l} ${lookups(l) > 0 ? (((hits.get(l) ?? 0) / lookups(l)) * 100).toFixed(0) : '–'}%`)
      .join(' · ');
    return per ? `${overall} (${per})` : overall;
  }

  /** "running 1 · queued 0 · …" from the gauge of jobs labelled by state. */
  jobsByState(samples) {
    const withState = samples.filter((s) => /jobs/.test(s.name) && s.labels.state != null && !/_created$/.test(s.name));
    if (withState.length === 0) return 'no job metrics';
    // prefer a gauge (no _total suffix) when both exist
    const gauge = withState.filter((s) => !/_total$/.test(s.name));
    const use = gauge.length ? gauge : withState;
    const by = new Map();
    for (const s of use) by.set(s.labels.state, (by.get(s.labels.state) ?? 0) + s.value);
    return [...by].map(([k, v]) => `${k} ${v}`).join(' · ');
  }
}
