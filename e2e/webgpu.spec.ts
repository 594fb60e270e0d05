/**
 * WebGPU path under the production CSP (runs in the chromium-webgpu project only; on GPU-less machines Chromium
 * uses SwiftShader, which is correct but slow, so this uses very few steps).
 */
import { expect, test } from './fixtures';

test('@webgpu T→F runs on WebGPU under the strict CSP', async ({ page, studio, offOrigin }) => {
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await studio.open();
  await studio.nav('models').click();
  await expect(page.getByTestId('device-card')).toContainText(/WebGPU\s*yes/, { timeout: 60_000 });
  // Automatic picks WASM over a software (SwiftShader) adapter; ask for WebGPU explicitly.
  await page.getByTestId('backend-preference').selectOption('webgpu');
  await expect(page.getByTestId('model-medcodi-nano')).toContainText('runs on WebGPU', { timeout: 60_000 });
  await studio.nav('studio').click();
  await studio.generateQuickFrontal('Small right pneumothorax.', '3');
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 170_000 });
  await expect(studio.results).toContainText('WebGPU');
  expect(cspViolations).toEqual([]);
  expect(offOrigin).toEqual([]);
});
