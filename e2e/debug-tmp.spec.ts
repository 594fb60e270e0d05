import { test } from './fixtures';
test('debug', async ({ page, studio }) => {
  page.on('console', (m) => console.log('CONSOLE', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  await studio.open();
  await studio.chooseOutputs(['frontal']);
  await page.getByTestId('load-example').click();
  await studio.setSettings({ steps: 4, seed: '1', previewEvery: 2 });
  await page.waitForTimeout(500);
  await studio.generateButton.click();
  for (let i = 0; i < 30; i += 1) {
    await page.waitForTimeout(2000);
    const label = await studio.progressLabel.textContent().catch(() => '');
    console.log('LABEL', label);
    if (/Done|Failed|Cancelled/.test(label ?? '')) break;
  }
  await page.screenshot({ path: 'test-results/debug.png', fullPage: true });
});
