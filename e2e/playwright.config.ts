/**
 * End-to-end tests against the production build (`npm run build && npm run preview`, COOP/COEP + CSP headers),
 * in the Debian chromium (no Playwright browser download). Specs tagged @webgpu run only in the chromium-webgpu
 * project, which adds `--enable-unsafe-webgpu` (SwiftShader on machines without a GPU: correct but slow).
 */
import { defineConfig } from '@playwright/test';

// E2E_PORT lets several checkouts or agents on one machine run their own preview server side by side.
const PORT = Number(process.env['E2E_PORT'] ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const chromiumArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const executablePath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  outputDir: '../test-results',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: process.env['CI'] ? 1 : 0,
  reporter: process.env['CI'] ? [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]] : 'list',
  use: {
    baseURL: BASE_URL,
    colorScheme: 'dark',
    viewport: { width: 1360, height: 900 },
    trace: 'on-first-retry',
    browserName: 'chromium',
  },
  projects: [
    {
      name: 'chromium',
      grepInvert: /@webgpu/,
      use: { launchOptions: { executablePath, args: chromiumArgs } },
    },
    {
      name: 'chromium-webgpu',
      grep: /@webgpu/,
      use: { launchOptions: { executablePath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] } },
    },
  ],
  webServer: {
    command: PORT === 4173 ? 'npm run build && npm run preview' : `npm run build && npx vite preview --port ${PORT} --strictPort`,
    cwd: '..',
    url: BASE_URL,
    reuseExistingServer: !process.env['CI'],
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
