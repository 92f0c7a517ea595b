import { defineConfig } from '@playwright/test';

import { CHROMIUM, CHROMIUM_ARGS } from './e2e/chromium';

// E2E_PORT / E2E_HARNESS_PORT let two checkouts run their e2e suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The backend harness (e2e/harness); e2e/backend.spec.ts uses this port. */
const HARNESS_PORT = Number(process.env.E2E_HARNESS_PORT ?? 4174);
const HARNESS_CONFIG = 'e2e/harness/vite.config.ts';
const CI = !!process.env.CI;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // SwiftShader is slow and shader compilation alone can take seconds.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // One browser at a time: two workers on CI's two cores took 15.2 min against 12.8 (each page
  // trains in a worker of its own, so two pages already fill both cores) and made a test flaky.
  workers: 1,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  // Everything a failure leaves (screenshot, trace, error context) goes to test-results/.
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    video: 'off',
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
      },
    },
  ],
  webServer: [
    {
      // `npm run test:e2e` builds first; preview serves the built dist/ as users get it.
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: !CI,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // e2e/harness: src/engine/core/backend.ts in a module worker, production-built (a few seconds).
      command:
        `npx vite build --config ${HARNESS_CONFIG} && ` +
        `npx vite preview --config ${HARNESS_CONFIG} --port ${HARNESS_PORT} --strictPort`,
      url: `http://localhost:${HARNESS_PORT}`,
      reuseExistingServer: !CI,
      timeout: 180_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
