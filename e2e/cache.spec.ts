/**
 * The model file cache seen from the UI: a download cut short fails with a clear message and resumes on the next
 * try; a corrupted cached file is detected, downloaded again, and the generation still succeeds.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const manifestPath = fileURLToPath(new URL('../models-manifest.json', import.meta.url));

async function unetFrontalFile(): Promise<{ path: string; bytes: number; sha256: string }> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    models: { id: string; components: { name: string; variants: { files: { path: string; bytes: number; sha256: string }[] }[] }[] }[];
  };
  const unet = manifest.models[0]?.components.find((c) => c.name === 'unet_frontal');
  const file = unet?.variants[0]?.files[0];
  if (!file) throw new Error('models-manifest.json has no unet_frontal file');
  return file;
}

test('a cut download fails clearly, then resumes and generates', async ({ page, context, studio }) => {
  const file = await unetFrontalFile();
  let cut = true;
  await context.route(`**/models/medcodi-nano/${file.path}`, async (route) => {
    if (!cut) return route.continue();
    const response = await route.fetch();
    // The whole file announced, 1000 bytes sent: the connection drops mid-file.
    const body = (await response.body()).subarray(0, 1000);
    return route.fulfill({ status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) }, body });
  });
  await studio.open();
  await studio.generateQuickFrontal('Small right pneumothorax.', '31');
  await expect(page.getByRole('alert').filter({ hasText: 'Generation failed' })).toContainText(
    `Download of ${file.path} stopped at 1000 of ${file.bytes} bytes`,
    { timeout: 120_000 },
  );
  await expect(studio.progressLabel).toHaveText(/^Failed: /);

  cut = false;
  await studio.generateButton.click();
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
  await expect(studio.results).toContainText('seed 31');
});

test('a corrupted cached file is replaced and generation still works', async ({ page, studio }) => {
  const file = await unetFrontalFile();
  await studio.open();
  await studio.nav('models').click();
  const card = page.getByTestId('model-medcodi-nano');
  await card.getByTestId('download-model').click();
  await expect(card.getByTestId('cache-summary')).toContainText('All files cached on this device', { timeout: 120_000 });

  // Flip the bytes of the first chunk of unet_frontal in the engine's IndexedDB cache.
  const corrupted = await page.evaluate(async ({ key }) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('medcodi-model-files');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const read = db.transaction('files').objectStore('files').get(key);
    const blob = await new Promise<Blob>((resolve, reject) => {
      read.onsuccess = () => resolve(read.result as Blob);
      read.onerror = () => reject(read.error);
    });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    for (let i = 100; i < bytes.length; i += 97) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    const tx = db.transaction('files', 'readwrite');
    tx.objectStore('files').put(new Blob([bytes]), key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return bytes.length;
  }, { key: `medcodi-nano/${file.sha256}/0` });
  expect(corrupted).toBe(file.bytes);

  await studio.nav('studio').click();
  await studio.generateQuickFrontal('Mild pulmonary edema.', '41');
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
  await expect(studio.results).toContainText('seed 41');
});
