// Browser tests of the heatmap: it paints non-blank pixels, a drag zooms by querying
// /api/density again for the sub-range and redrawing, hovering a small range shows exact
// values (checked against /api/stats), Reset returns to the range typed in, and skeleton
// screens stand in while the answers are held back.
import { test, expect, waitForView, canvasPixels, HEATMAP_PLOT } from './fixtures.js';

test.describe('heatmap', () => {
  test('the heatmap canvas has non-blank pixels', async ({ page, shot }) => {
    await page.goto('/?start=1&end=1000001');
    await waitForView(page);
    const px = await canvasPixels(page, '#heatmap', HEATMAP_PLOT);
    expect(px.painted).toBe(px.total); // the plot area is covered
    expect(px.data / px.total).toBeGreaterThan(0.05); // cells with counts, not blank
    expect(px.colours).toBeGreaterThan(20); // a colour scale, not a flat fill
    await expect(page.locator('#histogram canvas').first()).toBeVisible();
    await shot('heatmap');
  });

  test('zoom by drag queries density again and redraws', async ({ page, shot }) => {
    await page.goto('/?start=1&end=1000001');
    await waitForView(page);
    const canvas = page.locator('#heatmap');
    const rendersBefore = Number(await canvas.getAttribute('data-renders'));
    const box = await canvas.boundingBox();
    // the plot area starts 64 px from the left and ends 64 px from the right
    const plotW = box.width - 128;
    const x0 = box.x + 64 + plotW * 0.3;
    const x1 = box.x + 64 + plotW * 0.4;
    const y = box.y + box.height / 2;
    const request = page.waitForRequest((r) => r.url().includes('/api/density'));
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, y, { steps: 4 });
    await page.mouse.move(x1, y, { steps: 4 });
    await expect(page.locator('#heatmap-selection')).toBeVisible();
    await page.mouse.up();
    const url = new URL((await request).url());
    const start = BigInt(url.searchParams.get('start'));
    const end = BigInt(url.searchParams.get('end'));
    expect(start).toBeGreaterThan(250000n);
    expect(end).toBeLessThan(450000n);
    expect(end - start).toBeGreaterThan(50000n);
    await waitForView(page);
    await expect(canvas).toHaveAttribute('data-start', String(start));
    await expect(canvas).toHaveAttribute('data-renders', String(rendersBefore + 1));
    await expect(page.locator('#range-start')).toHaveValue(String(start));
    await expect(page.locator('#range-end')).toHaveValue(String(end));
    const px = await canvasPixels(page, '#heatmap', HEATMAP_PLOT);
    expect(px.data / px.total).toBeGreaterThan(0.02);
    expect(px.colours).toBeGreaterThan(10);
    await shot('heatmap-zoomed');

    // Reset goes back to the range typed in, with another query
    const again = page.waitForRequest((r) => r.url().includes('/api/density') && r.url().includes('start=1&'));
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await again;
    await waitForView(page);
    await expect(canvas).toHaveAttribute('data-start', '1');
    await expect(canvas).toHaveAttribute('data-end', '1000001');
  });

  test('hover shows exact values at 10^5 numbers or fewer, bins above', async ({ page, request }) => {
    await page.goto('/?start=1&end=1000001');
    await waitForView(page);
    const canvas = page.locator('#heatmap');
    let box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(page.locator('#heatmap-tooltip')).toContainText('count =');

    await page.goto('/?start=1000&end=3000');
    await waitForView(page);
    await expect(canvas).toHaveAttribute('data-exact', 'true');
    box = await canvas.boundingBox();
    await page.mouse.move(box.x + 64 + (box.width - 128) * 0.5, box.y + box.height * 0.5);
    const tip = page.locator('#heatmap-tooltip');
    await expect(tip).toContainText('total stopping time =');
    const text = await tip.textContent();
    const n = /n = ([\d,]+)/.exec(text)[1].replace(/,/g, '');
    const t = Number(/total stopping time = (\d+)/.exec(text)[1]);
    expect(Number(n)).toBeGreaterThanOrEqual(1000);
    expect(Number(n)).toBeLessThan(3000);
    const stats = await (await request.get(`/api/stats/${n}`)).json();
    expect(stats.total_stopping_time).toBe(t);
  });
});

test('skeleton screens show while the data loads', async ({ page, context }) => {
  let release;
  const held = [];
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  // hold the density and summary answers back until the skeletons have been seen
  await context.route(/\/api\/(density|summary)/, async (route) => {
    held.push(new URL(route.request().url()).pathname);
    await gate;
    await route.continue();
  });
  await page.goto('/?start=1&end=1000001');
  for (const id of ['#heatmap-wrap', '#histogram', '#records-delay']) {
    await expect(page.locator(id)).toHaveAttribute('aria-busy', 'true');
  }
  const shimmer = await page.locator('#heatmap-wrap').evaluate((el) => getComputedStyle(el, '::after').animationName);
  expect(shimmer).toBe('shimmer');
  await expect.poll(() => held).toEqual(expect.arrayContaining(['/api/density', '/api/summary']));
  release();
  await waitForView(page);
  for (const id of ['#heatmap-wrap', '#histogram', '#records-delay']) {
    await expect(page.locator(id)).toHaveAttribute('aria-busy', 'false');
  }
});
