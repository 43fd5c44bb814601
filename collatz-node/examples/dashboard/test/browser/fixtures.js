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
  shot: async ({ page }, use) => {
    await use((name, options = {}) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, ...options }));
  },
});

export { expect };

/** Waits until the heatmap has drawn the range (and the whole view has settled). */
export async function waitForView(page) {
  await expect(page.locator('#heatmap')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('body')).toHaveAttribute('data-view', 'ready');
}

/**
 * Pixel statistics of a canvas: how many of its pixels are painted (alpha > 0) and how many
 * distinct colours there are (read in the page).
 */
export function canvasPixels(page, selector) {
  return page.locator(selector).evaluate((canvas) => {
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) {
        painted++;
        if (colours.size < 5000) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
    }
    return { painted, total: data.length / 4, colours: colours.size };
  });
}
