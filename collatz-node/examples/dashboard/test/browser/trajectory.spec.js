// Browser tests of the trajectory viewer: the trajectory of 2^100+1 (a BigInt past 64 bits)
// renders on the log2 plot with every value loaded and its stats shown, and a trajectory
// longer than a page loads page by page through next_cursor.
import { test, expect, canvasPixels } from './fixtures.js';

test('the trajectory of 2^100+1 renders', async ({ page, request, shot }) => {
  await page.goto('/?start=1&end=1001');
  await page.getByLabel('n', { exact: true }).fill('2^100+1');
  await page.getByRole('button', { name: 'Show trajectory' }).click();
  const chart = page.locator('#trajectory-chart');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  const n = (2n ** 100n + 1n).toString();
  const stats = await (await request.get(`/api/stats/${n}`)).json();
  // every value from n down to 1 is plotted (several pages when the trajectory is long)
  await expect(chart).toHaveAttribute('data-points', String(stats.total_stopping_time + 1));
  await expect(page.locator('#trajectory-stats')).toContainText(String(stats.total_stopping_time));
  await expect(page.locator('#trajectory-stats')).toContainText('1.2676e30');
  const px = await canvasPixels(page, '#trajectory-chart canvas');
  expect(px.painted).toBeGreaterThan(500);
  await shot('trajectory-2^100+1', { locator: page.locator('#trajectory-panel') });
});

test('a long trajectory loads page by page through next_cursor', async ({ page }) => {
  await page.goto('/?start=1&end=1001');
  await expect(page.locator('#trajectory-chart')).toHaveAttribute('data-state', 'ready');
  const pages = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/trajectory/')) pages.push(new URL(r.url()).searchParams.get('cursor'));
  });
  await page.getByLabel('n', { exact: true }).fill('2^1500');
  await page.getByRole('button', { name: 'Show trajectory' }).click();
  const chart = page.locator('#trajectory-chart');
  await expect(chart).toHaveAttribute('data-state', 'ready');
  await expect(chart).toHaveAttribute('data-points', '1501'); // 2^1500, 2^1499, ..., 1
  expect(pages.length).toBeGreaterThanOrEqual(2);
  expect(pages[0]).toBeNull();
  expect(pages.slice(1).every((c) => c !== null)).toBe(true);
});
