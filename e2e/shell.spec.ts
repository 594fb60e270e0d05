import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

test.describe('app shell', () => {
  test('loads isolated, under the CSP, dark, and never leaves its origin', async ({ page, studio, offOrigin }) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    // The meta copy, for static hosts.
    const metaCsp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(metaCsp).toContain("script-src 'self' 'wasm-unsafe-eval'");

    await expect(page.getByRole('heading', { name: 'MedCoDi Studio' })).toBeVisible();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // Dark reading-room theme: near-black page, light text.
    const colours = await page.evaluate(() => {
      const body = getComputedStyle(document.body);
      return { bg: body.backgroundColor, fg: getComputedStyle(document.documentElement).color };
    });
    expect(colours.bg).toBe('rgb(11, 13, 16)');
    expect(colours.fg).toBe('rgb(213, 217, 222)');

    // Navigation works, and each view is linkable by its hash.
    await studio.nav('reader-study').click();
    await expect(page.getByRole('heading', { name: /Reader study/ })).toBeVisible();
    await expect(page).toHaveURL(/#\/reader-study$/);
    await studio.nav('history').click();
    await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
    await studio.nav('models').click();
    await expect(page.getByTestId('device-card')).toBeVisible();
    await studio.nav('studio').click();
    await expect(studio.generateButton).toBeVisible();

    await page.waitForLoadState('networkidle');
    expect(offOrigin).toEqual([]);
  });

  test('the empty studio explains what it needs and takes a screenshot', async ({ page, studio, offOrigin }) => {
    await studio.open();
    await studio.chooseOutputs(['frontal']);
    await expect(studio.problems).toContainText('The report is empty');
    await expect(studio.generateButton).toBeDisabled();
    await studio.report.fill('Moderate cardiomegaly. Small left pleural effusion.');
    await expect(studio.problems).toBeHidden();
    await studio.report.fill('');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: screenshot('studio-empty.png'), fullPage: true });
    expect(offOrigin).toEqual([]);
  });

  test('keyboard: focus is visible and Ctrl+Enter does nothing on an invalid prompt', async ({ page, studio }) => {
    await studio.open();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? getComputedStyle(el).outlineStyle : 'none';
    });
    expect(focused).not.toBe('none');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('progress')).toHaveCount(0);
  });
});
