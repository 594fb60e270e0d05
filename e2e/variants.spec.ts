/**
 * Choosing a model variant. The bundled nano model ships fp32 only, so the test serves a manifest in which every
 * component also offers `fp32-copy` and `fp16-copy` (the same files; fp16 needs WebGPU with shader-f16, which the
 * WASM test browser lacks): the Models view shows the Variant select with fp16-copy disabled and the reason as
 * text, a job run with `fp32-copy` records it in the result's provenance line, and "Automatic" goes back to the
 * engine's pick.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const manifestPath = fileURLToPath(new URL('../models-manifest.json', import.meta.url));

interface ManifestJson {
  models: { id: string; components: { variants: { id: string; dtype: string; files: unknown[] }[] }[] }[];
}

/** The repo's manifest with two more variant ids, `fp32-copy` and `fp16-copy`, on every nano component. */
async function manifestWithCopyVariants(): Promise<string> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ManifestJson;
  const nano = manifest.models.find((m) => m.id === 'medcodi-nano');
  if (!nano) throw new Error('models-manifest.json has no medcodi-nano model');
  for (const component of nano.components) {
    const fp32 = component.variants.find((v) => v.id === 'fp32');
    if (!fp32) throw new Error('a nano component has no fp32 variant');
    component.variants.push({ ...fp32, id: 'fp32-copy' }, { ...fp32, id: 'fp16-copy', dtype: 'fp16' });
  }
  return JSON.stringify(manifest);
}

// page.route does not see requests the service worker makes once it controls the page.
test.use({ serviceWorkers: 'block' });

test('the Variant select picks the variant a job runs with; Automatic goes back to the engine', async ({ page, studio }) => {
  const body = await manifestWithCopyVariants();
  // The page and the engine worker both fetch the manifest; Playwright routes the worker's requests too.
  await page.route('**/models-manifest.json', (route) => route.fulfill({ contentType: 'application/json', body }));

  await studio.open();
  await studio.nav('models').click();
  const card = page.getByTestId('model-medcodi-nano');
  const select = card.getByTestId('variant-choice');
  await expect(select).toBeVisible();
  await expect(select).toHaveValue('');
  const f16Reason = 'Variant "fp16-copy" (fp16) needs WebGPU with shader-f16, which this device does not offer.';
  await expect(select.locator('option')).toHaveText([
    'Automatic (best for this device)',
    /^fp32 — .* MiB/,
    /^fp32-copy \(fp32\) — .* MiB/,
    /^fp16-copy \(fp16\) — [\d.]+ MiB, not downloaded — cannot run on this device: Variant "fp16-copy" \(fp16\) needs WebGPU with shader-f16/,
  ]);
  await expect(select.locator('option[value="fp16-copy"]')).toBeDisabled();
  await expect(card.getByTestId('variant-unavailable')).toHaveText(`fp16-copy cannot run on this device: ${f16Reason}`);
  await expect(card.getByTestId('variant-automatic')).toHaveText('Automatic uses fp32 on this device.');

  await select.selectOption('fp32-copy');
  await expect(card).toContainText('runs on WASM (CPU), variant fp32-copy.');
  // The choice persists across a reload.
  await page.reload();
  await studio.nav('models').click();
  await expect(select).toHaveValue('fp32-copy');

  await studio.nav('studio').click();
  await studio.generateQuickFrontal('Mild cardiomegaly.', '61');
  await expect(studio.results).toContainText('seed 61', { timeout: 120_000 });
  await expect(studio.results.locator('.result-meta')).toContainText('(fp32-copy, WASM)');

  await studio.nav('models').click();
  await select.selectOption({ label: 'Automatic (best for this device)' });
  await expect(card).toContainText('runs on WASM (CPU), variant fp32.');

  await studio.nav('studio').click();
  await studio.setSettings({ seed: '62' });
  await studio.generateButton.click();
  await expect(studio.results).toContainText('seed 62', { timeout: 120_000 });
  await expect(studio.results.locator('.result-meta')).toContainText('(fp32, WASM)');
});
