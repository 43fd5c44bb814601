// Browser test of the main-thread limit: while a view of 10^6 numbers loads and renders
// (density grid, histogram, record tables), no task on the page's main thread runs longer
// than 50 ms, as a PerformanceObserver for 'longtask' (registered before any page script)
// sees it.
import { test, expect, waitForView } from './fixtures.js';

test('no main-thread task over 50 ms while a 10^6-number view renders', async ({ page, shot }) => {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/?start=1&end=1001');
  await waitForView(page);
  await expect(page.locator('#trajectory-chart')).toHaveAttribute('data-state', 'ready');

  const t0 = await page.evaluate(() => performance.now());
  await page.locator('#range-start').fill('1000000');
  await page.locator('#range-end').fill('2000000');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.locator('#heatmap')).toHaveAttribute('data-end', '2000000');
  await waitForView(page);
  // let the last frames paint
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 200)))));
  const t1 = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate(() => window.__longTasks);
  const during = tasks.filter((t) => t.start + t.duration >= t0 && t.start <= t1);
  console.log(`long tasks during the 10^6 view (${Math.round(t1 - t0)} ms): ${JSON.stringify(during)}; on page load: ${JSON.stringify(tasks.filter((t) => t.start < t0))}`);
  expect(during.filter((t) => t.duration > 50)).toEqual([]);
  await shot('view-1e6', { fullPage: true });
});
