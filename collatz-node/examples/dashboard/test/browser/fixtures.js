// Shared fixtures of the browser tests: every test fails if the page logs a console error or
// throws (an automatic fixture checks after the test body), `shot` saves a screenshot under
// the repository's target/dashboard-screenshots/, and helpers read the heatmap's pixels and
// wait for the views to settle.
import { test as base, expect } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';

export const SCREENSHOTS = fileURLToPath(new URL('../../../../../target/dashboard-screenshots/', import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

export const test = base.extend({
  consoleErrors: [
    async ({ page }, use) => {
      const errors = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await use(errors);
      expect(errors, 'console errors on the page').toEqual([]);
    },
    { auto: true },
  ],
  /** shot(name) saves the viewport; shot(name, {locator}) just that element (scrolled into view). */
  shot: async ({ page }, use) => {
    await use(async (name, { locator, ...options } = {}) => {
      const path = `${SCREENSHOTS}${name}.png`;
      if (locator) return locator.screenshot({ path, ...options });
      return page.screenshot({ path, ...options });
    });
  },
});

export { expect };

/** Waits until the heatmap has drawn the range (and the whole view has settled). */
export async function waitForView(page) {
  await expect(page.locator('#heatmap')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('body')).toHaveAttribute('data-view', 'ready');
}

/**
 * Pixel statistics of a canvas, read in the page: how many pixels are painted (alpha > 0),
 * how many of them carry data (neither the heatmap's empty-cell colour, white or near-black,
 * nor transparent), and how many distinct colours there are. `inset` [left, top, right,
 * bottom] in CSS pixels limits it to a plot area.
 */
export function canvasPixels(page, selector, inset = [0, 0, 0, 0]) {
  return page.locator(selector).evaluate((canvas, [l, t, r, b]) => {
    const k = canvas.width / (canvas.clientWidth || canvas.width);
    const x0 = Math.round(l * k);
    const y0 = Math.round(t * k);
    const w = canvas.width - x0 - Math.round(r * k);
    const h = canvas.height - y0 - Math.round(b * k);
    const { data } = canvas.getContext('2d').getImageData(x0, y0, w, h);
    let painted = 0;
    let data_ = 0;
    const colours = new Set();
    const empty = new Set([0xffffff, (14 << 16) | (17 << 8) | 23]);
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      painted++;
      const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      if (!empty.has(rgb)) data_++;
      if (colours.size < 5000) colours.add(rgb);
    }
    return { painted, data: data_, total: data.length / 4, colours: colours.size };
  }, inset);
}

/** The heatmap's plot area inside its canvas (its margins, as heatmap.js draws them). */
export const HEATMAP_PLOT = [64, 12, 64, 44];
