// Browser test of the whole page: every panel fills in (heatmap, histogram, record tables with
// virtual scrolling, trajectory, operations read from /metrics), with no console errors and
// accessible names on the controls; a full-page screenshot for the docs.
import { test, expect, waitForView } from './fixtures.js';

test('the page loads every panel without console errors', async ({ page, shot }) => {
  await page.goto('/');
  await waitForView(page);
  await expect(page.locator('#histogram')).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('#trajectory-chart')).toHaveAttribute('data-state', 'ready');

  // record tables: the delay records of [1, 10^6] include 837,799 (524 steps)
  const delay = page.getByRole('table', { name: 'Delay records' });
  await expect(delay).toBeVisible();
  await delay.locator('.vbody').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(delay).toContainText('837,799');
  // virtual scrolling: fewer rows in the DOM than records
  const rowCount = Number(await delay.getAttribute('aria-rowcount')) - 1;
  const domRows = await delay.locator('.vrows [role="row"]').count();
  expect(rowCount).toBeGreaterThan(0);
  expect(domRows).toBeLessThanOrEqual(rowCount);
  expect(domRows).toBeLessThanOrEqual(20);

  // operations: two polls of /metrics give a rate and a latency
  await expect(page.locator('#ops-tiles')).toHaveAttribute('data-polls', /^[2-9]|\d\d+/, { timeout: 10_000 });
  await expect(page.locator('#ops-rate')).toHaveText(/req\/s/);
  await expect(page.locator('#ops-hit')).toHaveText(/%|–|no cache/);
  await expect(page.locator('#ops-jobs')).toContainText('running');

  // accessible names on the controls
  for (const name of ['Start', 'End (exclusive)', 'n', 'Kind']) {
    await expect(page.getByLabel(name, { exact: true }).first()).toBeVisible();
  }
  await shot('dashboard', { fullPage: true });
});
