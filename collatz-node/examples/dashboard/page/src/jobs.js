// The jobs panel: starts a summary or verify job (POST /api/jobs), follows its progress live
// over the WebSocket /api/jobs/:id/events (a progress bar per job), cancels it (DELETE), and
// shows its result or error once it ends.
import { fetchJson, urls, ApiError } from './api.js';
import { parseBigInt, formatBig } from './bigmath.js';

const TERMINAL = new Set(['done', 'cancelled', 'failed']);

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** One job's row in the list, kept up to date from its events. */
class JobView {
  constructor(list, job, request) {
    this.id = String(job.id);
    const short = this.id.length > 8 ? this.id.slice(0, 8) : this.id;
    this.state = job.state ?? 'queued';
    this.updates = 0;
    const label = `${request.kind} [${formatBig(request.start)}, ${formatBig(request.end)})`;
    this.stateEl = el('span', { className: 'job-state' });
    this.bar = el('progress', { max: 1, value: 0 });
    this.bar.setAttribute('aria-label', `Progress of job ${short}, ${label}`);
    this.pct = el('span', { className: 'job-pct' }, '0%');
    this.cancelBtn = el('button', { type: 'button', className: 'job-cancel', textContent: 'Cancel' });
    this.cancelBtn.setAttribute('aria-label', `Cancel job ${short}`);
    this.result = el('div', { className: 'job-result' });
    this.li = el(
      'li',
      { className: 'job' },
      el('div', { className: 'job-head' }, el('strong', { title: this.id }, `Job ${short}`), ` ${label} `, this.stateEl),
      el('div', { className: 'job-progress' }, this.bar, this.pct, this.cancelBtn),
      this.result,
    );
    this.li.dataset.id = this.id;
    this.li.dataset.kind = request.kind;
    list.prepend(this.li);
    this.cancelBtn.addEventListener('click', () => this.cancel());
    this.setState(this.state);
  }

  setState(state) {
    this.state = state;
    this.li.dataset.state = state;
    this.stateEl.textContent = state;
    this.stateEl.className = `job-state state-${state}`;
    this.cancelBtn.disabled = TERMINAL.has(state);
  }

  progress(done, total) {
    const d = Number(done);
    const t = Number(total);
    if (!(t > 0)) return;
    const f = Math.min(1, d / t);
    this.updates++;
    this.bar.value = f;
    this.pct.textContent = `${(f * 100).toFixed(f < 1 ? 1 : 0)}%`;
    this.li.dataset.progress = String(f);
    this.li.dataset.updates = String(this.updates);
    if (f > 0 && f < 1) this.li.dataset.partial = 'true';
    if (this.state === 'queued') this.setState('running');
  }

  /** Applies a full job object (GET /api/jobs/:id or the final WebSocket message). */
  apply(job) {
    if (job.done != null && job.total != null) this.progress(job.done, job.total);
    if (job.state) this.setState(job.state);
    if (job.state === 'done') {
      this.bar.value = 1;
      this.pct.textContent = '100%';
      this.li.dataset.progress = '1';
      this.showResult(job.result);
    } else if (job.state === 'failed') {
      this.result.textContent = `Failed: ${job.error?.message ?? job.error ?? 'unknown error'}`;
    } else if (job.state === 'cancelled') {
      this.result.textContent = 'Cancelled.';
    }
  }

  showResult(r) {
    if (!r || typeof r !== 'object') {
      this.result.textContent = 'Done.';
      return;
    }
    const lines = [];
    const add = (k, v) => v != null && lines.push([k, v]);
    add('numbers', r.count != null ? formatBig(String(r.count)) : null);
    add('mean total stopping time', typeof r.mean_total_stopping_time === 'number' ? r.mean_total_stopping_time.toFixed(3) : null);
    if (r.max_total_stopping_time != null) add('longest', `${r.max_total_stopping_time} steps at n = ${formatBig(String(r.max_total_stopping_time_n))}`);
    if (r.max_excursion != null) add('highest', `${formatBig(String(r.max_excursion))} from n = ${formatBig(String(r.max_excursion_n))}`);
    if (r.verified != null) add('verified', `${formatBig(String(r.verified))} numbers reach 1`);
    if (r.followed != null) add('followed', formatBig(String(r.followed)));
    if (r.max_value != null) add('highest value', `${formatBig(String(r.max_value))} from n = ${formatBig(String(r.max_value_n))}`);
    const dl = el('dl', { className: 'stats' });
    for (const [k, v] of lines) dl.append(el('dt', {}, k), el('dd', {}, String(v)));
    const raw = el('details', {}, el('summary', {}, 'JSON'), el('pre', {}, JSON.stringify(r, null, 1)));
    this.result.replaceChildren(dl, raw);
  }

  /** Follows the job's events; falls back to GET if the socket ends without a final state. */
  follow() {
    const ws = new WebSocket(urls.jobEvents(this.id));
    this.ws = ws;
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.state) this.apply(msg);
      else if (msg.done != null) this.progress(msg.done, msg.total);
    };
    ws.onclose = () => {
      if (!TERMINAL.has(this.state)) this.poll();
    };
  }

  async poll() {
    while (!TERMINAL.has(this.state)) {
      try {
        this.apply(await fetchJson(urls.job(this.id)));
      } catch (e) {
        this.result.textContent = `Lost the job: ${e.message}`;
        return;
      }
      if (!TERMINAL.has(this.state)) await new Promise((r) => setTimeout(r, 500));
    }
  }

  async cancel() {
    this.cancelBtn.disabled = true;
    try {
      const job = await fetchJson(urls.job(this.id), { method: 'DELETE' });
      if (job && job.state) this.apply(job);
    } catch (e) {
      this.result.textContent = `Cancel failed: ${e.message}`;
      this.cancelBtn.disabled = TERMINAL.has(this.state);
    }
  }
}

export class JobsPanel {
  constructor(els) {
    this.els = els;
    this.jobs = new Map();
    els.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.start();
    });
  }

  async start() {
    const { kind, start, end, status, submit } = this.els;
    let request;
    try {
      const a = parseBigInt(start.value);
      const b = parseBigInt(end.value);
      if (a < 1n || b <= a) throw new RangeError('the range must have 1 ≤ start < end');
      request = { kind: kind.value, start: a.toString(), end: b.toString() };
    } catch (e) {
      status.textContent = `Invalid range: ${e.message}`;
      return;
    }
    submit.disabled = true;
    status.textContent = 'Starting…';
    try {
      const job = await fetchJson(urls.jobs(), { method: 'POST', body: request });
      const view = new JobView(this.els.list, job, request);
      this.jobs.set(view.id, view);
      status.textContent = `Job ${view.id.slice(0, 8)} started.`;
      view.follow();
    } catch (e) {
      status.textContent =
        e instanceof ApiError && e.status === 429 ? `Too many jobs: ${e.message}` : `Could not start: ${e.message}`;
    } finally {
      submit.disabled = false;
    }
  }
}
