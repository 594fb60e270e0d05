import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

/** The bundled model's version as the manifest states it (it changes with every retrain). */
const nanoVersion = (JSON.parse(readFileSync(new URL('../models-manifest.json', import.meta.url), 'utf8')) as { models: { id: string; version: string }[] })
  .models.find((m) => m.id === 'medcodi-nano')?.version;

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

test('models: device check, files and sizes, download for offline use, evict', async ({ page, studio, offOrigin }) => {
  await studio.open();
  await studio.nav('models').click();
  const device = page.getByTestId('device-card');
  await expect(device).toContainText('Cross-origin isolated');
  await expect(device).toContainText('yes');
  const card = page.getByTestId('model-medcodi-nano');
  await expect(card.getByRole('heading', { level: 2 })).toContainText(`v${nanoVersion}`);
  await expect(card).toContainText('runs on WASM (CPU)');
  await expect(card.getByRole('table', { name: 'Model files' })).toContainText('unet_frontal');
  await expect(card.getByTestId('cache-summary')).toContainText('cached');
  // The model's measured quality, read (verified, not cached) before the model is downloaded.
  const quality = card.getByTestId('model-quality');
  await expect(quality.getByRole('row', { name: /F → L classifier agreement source vs generated 200 45%.*✗ 44%.*✗ ≥ 80%/ })).toBeVisible();
  await expect(quality.getByRole('row', { name: /T → L requested finding detected 200 91% ✓ 89% ✓ ≥ 80%/ })).toBeVisible();
  await expect(card.getByTestId('cache-summary')).toContainText('0 B of');

  await card.getByTestId('download-model').click();
  await expect(card.getByTestId('cache-summary')).toContainText('All files cached on this device', { timeout: 120_000 });
  await expect(card.getByTestId('download-model')).toHaveText('Downloaded');
  await expect(page.getByText(/Using .* of about .* the browser allows this site/)).toBeVisible();
  await page.screenshot({ path: screenshot('models.png'), fullPage: true });

  await card.getByTestId('evict-model').click();
  await expect(card.getByTestId('cache-summary')).toContainText('0 B of', { timeout: 30_000 });
  expect(offOrigin).toEqual([]);
});

test('check on this device: a direction over the bundled cases, compared with their known findings; cancel keeps what finished', async ({ page, studio }) => {
  test.setTimeout(240_000);
  await studio.open();
  await studio.nav('models').click();
  const check = page.getByTestId('device-check');
  await check.getByLabel('Direction').selectOption('F>T');
  await check.getByLabel('Check steps').fill('4');
  await check.getByTestId('device-check-run').click();
  await expect(page.getByTestId('device-check-progress')).toContainText(/^F → T: 10 of 10 cases · done · fp32, (WASM|WebGPU)$/, { timeout: 180_000 });
  const summary = page.getByTestId('device-check-summary');
  await expect(summary.locator('tbody tr')).toHaveCount(1);
  await expect(summary.locator('tbody tr')).toContainText(/^report\d+ of \d+\d{1,3}%\d+ of 10$/);
  await check.getByText('Each case', { exact: true }).click();
  await expect(page.getByTestId('device-check-cases').locator('tbody tr')).toHaveCount(10);
  await check.screenshot({ path: screenshot('device-check.png') });

  // T→F+L judges both views; cancelled after the first case, it keeps that case.
  await check.getByLabel('Direction').selectOption('T>F+L');
  await check.getByLabel('Check steps').fill('2');
  await check.getByTestId('device-check-run').click();
  await expect(page.getByTestId('device-check-progress')).toContainText(/T → F\+L: [1-9] of 10 cases/, { timeout: 120_000 });
  await check.getByTestId('device-check-cancel').click();
  await expect(page.getByTestId('device-check-progress')).toContainText(/T → F\+L: \d+ of 10 cases · cancelled/, { timeout: 60_000 });
  await expect(summary.locator('tbody tr')).toHaveCount(2);
});
