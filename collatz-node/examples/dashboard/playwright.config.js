// Playwright configuration of the dashboard's browser tests: headless Debian Chromium
// (/usr/bin/chromium, never a downloaded browser), one worker, a timeout on every test and on
// the whole run, and the service started on a free port without Redis (test:browser builds the
// page first). DASHBOARD_URL points the tests at a service already running instead.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.DASHBOARD_TEST_PORT ?? 18380);
const external = process.env.DASHBOARD_URL;
const baseURL = external ?? `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: './test/browser',
  testMatch: /.*\.spec\.js$/,
  timeout: 60_000,
  globalTimeout: 8 * 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  outputDir: 'test-results',
  reporter: [['list'], ['./test/browser/summary-reporter.js']],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1280, height: 900 },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    serviceWorkers: 'block',
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: external
    ? undefined
    : {
        // no REDIS_URL: the service runs with its in-process cache alone
        command: 'env -u REDIS_URL node server/main.js',
        url: `${baseURL}/healthz`,
        env: { PORT: String(PORT), HOST: '127.0.0.1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'ignore',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      },
});
