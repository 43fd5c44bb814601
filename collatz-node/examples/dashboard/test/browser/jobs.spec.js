// Browser tests of the jobs panel: a summary job shows live progress over the WebSocket up to
// 100% and its result, and a long verify job is cancelled from its Cancel button.
import { test, expect } from './fixtures.js';

/**
 * Numbers in the progress job: enough for a few seconds (several progress events), few
 * enough for CI. Its start is new on every run, so no cache of the service answers it.
 */
const PROGRESS_LENGTH = BigInt(process.env.DASHBOARD_TEST_JOB_LENGTH ?? '200000000');

async function startJob(page, kind, start, end) {
  await page.getByLabel('Kind').selectOption(kind);
  await page.locator('#job-start').fill(start);
  await page.locator('#job-end').fill(end);
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/jobs') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Start job' }).click();
  const res = await posted;
  expect(res.status()).toBe(202);
  const { id } = await res.json();
  return page.locator(`#job-list li[data-id="${id}"]`);
}

test.describe('jobs', () => {
  test('a job shows live progress to 100%', async ({ page, shot }) => {
    test.setTimeout(120_000);
    await page.goto('/?start=1&end=1001');
    const start = 10n ** 9n + BigInt(Math.floor(Math.random() * 1e9));
    const job = await startJob(page, 'summary', String(start), String(start + PROGRESS_LENGTH));
    // progress arrives live: a value strictly between 0 and 1 is shown before the end
    await expect(job).toHaveAttribute('data-partial', 'true', { timeout: 60_000 });
    await shot('job-running', { locator: page.locator('#jobs-panel') });
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 100_000 });
    await expect(job.locator('progress')).toHaveJSProperty('value', 1);
    await expect(job.locator('.job-pct')).toHaveText('100%');
    await expect(job.locator('.job-result')).toContainText('numbers');
    await shot('job-done', { locator: page.locator('#jobs-panel') });
  });

  test('another job is cancelled', async ({ page, shot }) => {
    await page.goto('/?start=1&end=1001');
    const job = await startJob(page, 'verify', '1', '1000000000000');
    await expect(job).toHaveAttribute('data-state', /queued|running/);
    await expect(job).toHaveAttribute('data-updates', /\d+/, { timeout: 30_000 });
    await job.getByRole('button', { name: /Cancel job/ }).click();
    await expect(job).toHaveAttribute('data-state', 'cancelled', { timeout: 10_000 });
    await expect(job.locator('.job-result')).toContainText('Cancelled');
    await expect(job.getByRole('button', { name: /Cancel job/ })).toBeDisabled();
    await shot('job-cancelled', { locator: page.locator('#jobs-panel') });
  });
});
