// The dashboard page's entry: builds the panels and ties the range view together (the
// heatmap, the histogram and the record tables follow one range [start, end), set by the form,
// a zoom drag, or the URL's ?start=&end=).
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { fetchJson, urls } from './api.js';
import { parseBigInt, formatBig } from './bigmath.js';
import { Heatmap } from './heatmap.js';
import { Histogram } from './histogram.js';
import { Records } from './records.js';
import { TrajectoryViewer } from './trajectory.js';
import { JobsPanel } from './jobs.js';
import { OpsPanel } from './ops.js';

/** Summaries answer directly up to this many numbers; larger ranges are jobs. */
const SUMMARY_LIMIT = 100000000n;

const $ = (id) => document.getElementById(id);

const rangeStatus = $('range-status');
const heatmap = new Heatmap(
  {
    canvas: $('heatmap'),
    wrap: $('heatmap-wrap'),
    selection: $('heatmap-selection'),
    tooltip: $('heatmap-tooltip'),
    status: rangeStatus,
  },
  { onZoom: (a, b) => showRange(a, b, false) },
);
const histogram = new Histogram($('histogram'), $('histogram-note'));
const records = new Records(
  { delay: $('records-delay'), glide: $('records-glide'), path: $('records-path') },
  $('records-note'),
);

let home = null; // the range typed in (what Reset returns to)
let viewToken = 0;

/** Shows [start, end) in the heatmap, histogram and records. */
async function showRange(start, end, typed) {
  const token = ++viewToken;
  if (typed) home = [start, end];
  $('range-start').value = start.toString();
  $('range-end').value = end.toString();
  $('range-reset').disabled = !home || (home[0] === start && home[1] === end);
  const url = new URL(location.href);
  url.searchParams.set('start', start.toString());
  url.searchParams.set('end', end.toString());
  history.replaceState(null, '', url);
  document.body.dataset.view = 'loading';

  histogram.loading();
  records.loading();
  const densityP = heatmap.load(start, end).catch(() => null);
  const small = end - start <= SUMMARY_LIMIT;
  const summaryP = small
    ? fetchJson(urls.summary(start, end)).catch((e) => ({ failed: e }))
    : Promise.resolve(null);

  const summary = await summaryP;
  if (token !== viewToken) return;
  if (summary && !summary.failed) records.show(summary);
  else if (summary?.failed) records.unavailable(`Records unavailable: ${summary.failed.message}`);
  else records.unavailable(`Over ${formatBig(SUMMARY_LIMIT)} numbers: start a summary job below for the records.`);

  if (summary && Array.isArray(summary.histogram)) {
    histogram.fromSummary(summary.histogram);
  } else {
    const grid = await densityP;
    if (token !== viewToken) return;
    if (grid) histogram.fromDensity(grid);
    else histogram.error('No histogram: the density query failed.');
  }
  await densityP;
  if (token !== viewToken) return;
  document.body.dataset.view = 'ready';
}

function readRange() {
  const a = parseBigInt($('range-start').value);
  const b = parseBigInt($('range-end').value);
  if (a < 1n) throw new RangeError('start must be at least 1');
  if (b <= a) throw new RangeError('end must be greater than start');
  return [a, b];
}

$('range-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  try {
    const [a, b] = readRange();
    showRange(a, b, true);
  } catch (e) {
    rangeStatus.textContent = `Invalid range: ${e.message}`;
  }
});
$('range-reset').addEventListener('click', () => {
  if (home) showRange(home[0], home[1], false);
});

/** Lets the browser run other tasks (input, layout, paint) before going on. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

const trajectory = new TrajectoryViewer({
  input: $('trajectory-n'),
  status: $('trajectory-status'),
  stats: $('trajectory-stats'),
  chart: $('trajectory-chart'),
  more: $('trajectory-more'),
});
$('trajectory-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  trajectory.show($('trajectory-n').value);
});

new JobsPanel({
  form: $('job-form'),
  kind: $('job-kind'),
  start: $('job-start'),
  end: $('job-end'),
  submit: $('job-submit'),
  status: $('job-status'),
  list: $('job-list'),
});

const ops = new OpsPanel({
  tiles: $('ops-tiles'),
  rate: $('ops-rate'),
  p95: $('ops-p95'),
  hit: $('ops-hit'),
  jobs: $('ops-jobs'),
  note: $('ops-note'),
});

/**
 * Start-up in short tasks: the first layout happens on its own, then each panel's first
 * query starts in a task of its own, so no start-up task holds the main thread for long.
 */
async function boot() {
  await nextFrame();
  // the first view: ?start=&end= from the URL, else the form's defaults
  const params = new URLSearchParams(location.search);
  if (params.has('start')) $('range-start').value = params.get('start');
  if (params.has('end')) $('range-end').value = params.get('end');
  if (params.has('n')) $('trajectory-n').value = params.get('n');
  try {
    const [a, b] = readRange();
    showRange(a, b, true);
  } catch (e) {
    rangeStatus.textContent = `Invalid range: ${e.message}`;
  }
  await nextTask();
  trajectory.show($('trajectory-n').value);
  await nextTask();
  ops.start();
}

boot();
