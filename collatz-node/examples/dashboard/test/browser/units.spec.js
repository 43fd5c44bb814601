// Unit tests (in Node, no browser) of the page's pure modules: the Prometheus text parser and
// histogram quantile behind the operations panel, BigInt parsing and log2 of decimal strings
// behind the trajectory viewer, and the density grid's column and row ranges (the core's
// definition: column c holds [start + ⌈c·len/width⌉, start + ⌈(c+1)·len/width⌉)).
import { test, expect } from '@playwright/test';
import { parsePrometheus, sumBy, histogramQuantile } from '../../page/src/prometheus.js';
import { parseBigInt, log2Decimal, formatBig } from '../../page/src/bigmath.js';
import { columnRange, rowRange, rowOf, pickColumn, normaliseDensity } from '../../page/src/payloads.js';

test.describe('units', () => {
  test('Prometheus text: samples, labels with escapes, +Inf, sums, p95', () => {
    const text = [
      '# HELP collatz_dashboard_http_request_duration_seconds HTTP request duration',
      '# TYPE collatz_dashboard_http_request_duration_seconds histogram',
      'collatz_dashboard_http_request_duration_seconds_bucket{le="0.01",route="/api/stats/:n",status_code="200"} 90',
      'collatz_dashboard_http_request_duration_seconds_bucket{le="0.1",route="/api/stats/:n",status_code="200"} 100',
      'collatz_dashboard_http_request_duration_seconds_bucket{le="+Inf",route="/api/stats/:n",status_code="200"} 100',
      'collatz_dashboard_http_request_duration_seconds_count{route="/api/stats/:n",status_code="200"} 100',
      'collatz_dashboard_http_request_duration_seconds_count{route="/metrics",status_code="200"} 7',
      'odd{msg="a \\"quoted\\" \\\\ value"} 1.5e3 1700000000000',
    ].join('\n');
    const { types, samples } = parsePrometheus(text);
    expect(types.get('collatz_dashboard_http_request_duration_seconds')).toBe('histogram');
    expect(samples.at(-1)).toEqual({ name: 'odd', labels: { msg: 'a "quoted" \\ value' }, value: 1500 });
    const counts = sumBy(samples, 'collatz_dashboard_http_request_duration_seconds_count', (l) => l.route !== '/metrics');
    expect(counts.get('')).toBe(100);
    const buckets = [...sumBy(samples, 'collatz_dashboard_http_request_duration_seconds_bucket', () => true, (l) => l.le)].map(
      ([le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count }),
    );
    // rank 95 of 100 lies half-way through the (0.01, 0.1] bucket
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.055, 10);
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 0 }])).toBeNaN();
  });

  test('BigInt input forms and log2 of decimal strings', () => {
    expect(parseBigInt('2^100+1')).toBe(2n ** 100n + 1n);
    expect(parseBigInt('1e6')).toBe(1000000n);
    expect(parseBigInt('1_000_001')).toBe(1000001n);
    expect(parseBigInt('3*2^20-1')).toBe(3n * 2n ** 20n - 1n);
    expect(() => parseBigInt('12abc')).toThrow(SyntaxError);
    expect(log2Decimal('27')).toBeCloseTo(Math.log2(27), 12);
    expect(log2Decimal((2n ** 100n + 1n).toString())).toBeCloseTo(100, 9);
    expect(log2Decimal((3n ** 2000n).toString())).toBeCloseTo(2000 * Math.log2(3), 6);
    expect(formatBig(1234567n)).toBe('1,234,567');
    expect(formatBig(2n ** 100n)).toBe('1.2676e30 (31 digits)');
  });

  test('density columns and rows as the core defines them', () => {
    const d = normaliseDensity({ start: '1', end: '1000000', width: 100, height: 48, y_min: 0, y_max: 524, y_step: 11, counts: new Array(4800).fill(0) });
    expect(columnRange(d, 0)).toEqual([1n, 10001n]); // the core's doc example
    expect(columnRange(d, 99)[1]).toBe(1000000n);
    // 525 step counts asked into 50 rows: 48 rows of 11 (the core's doc example)
    expect(rowRange(d, 0)).toEqual([0, 10]);
    expect(rowRange(d, 1)).toEqual([11, 21]);
    expect(rowRange(d, 47)).toEqual([517, 524]);
    expect(rowOf(d, 524)).toBe(47);
    // a server that leaves y_step out: the same rows, derived
    expect(normaliseDensity({ ...d, y_step: undefined, yStep: undefined, height: 48, counts: new Array(4800).fill(0) }).yStep).toBe(11);
    expect(pickColumn({ start: '1', fields: ['total_stopping_time'], total_stopping_time: [0, 1, 7] }, 'total_stopping_time')).toEqual([0, 1, 7]);
  });
});
