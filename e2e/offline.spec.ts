/**
 * Offline and storage failure paths: the app shell and the model come back with the network off; a full disk
 * keeps the new result on screen, says so, and loses nothing already saved.
 */
import { expect, test } from './fixtures';

test('after one online run, a reload with the network off still loads and generates', async ({ page, context, studio }) => {
  await studio.open();
  await studio.generateQuickFrontal('Small left pleural effusion.', '11');
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
  // The service worker controls the page once it has installed (it claims open pages).
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'MedCoDi Studio' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await studio.generateQuickFrontal('Moderate cardiomegaly.', '12');
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
  await expect(studio.results).toContainText('seed 12');
  await context.setOffline(false);
});

test('a full disk keeps the result on screen, explains, and keeps older results', async ({ page, studio }) => {
  // Fails every write to the results store while window.__medcodiDiskFull is set, as a full quota would.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function patchedPut(this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if ((window as unknown as { __medcodiDiskFull?: boolean }).__medcodiDiskFull && this.name === 'results') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
  });
  await studio.open();
  await studio.generateQuickFrontal('No acute cardiopulmonary process.', '21');
  await expect(page.getByText('Saved in History on this device.')).toBeVisible({ timeout: 120_000 });

  await page.evaluate(() => {
    (window as unknown as { __medcodiDiskFull?: boolean }).__medcodiDiskFull = true;
  });
  await studio.setSettings({ seed: '22' });
  await studio.generateButton.click();
  await expect(page.getByText(/Not saved: The browser's storage for this site is full/)).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(/Nothing already saved was lost/)).toBeVisible();
  await expect(studio.results).toContainText('seed 22');

  await studio.nav('history').click();
  await expect(page.getByTestId('history-card')).toHaveCount(1);
  await expect(page.getByTestId('history-card')).toContainText('seed 21');
});
