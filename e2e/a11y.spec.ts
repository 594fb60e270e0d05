/**
 * Accessibility scan (axe-core, WCAG 2.x A and AA rules) of every screen, including the studio with a result, the
 * report builder open and the source comparison shown, and History → Compare. Any violation fails, with its rule and elements named.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

test('every screen passes the WCAG A/AA rules axe checks', async ({ page, studio }) => {
  test.setTimeout(180_000);
  await studio.open();
  await studio.chooseOutputs(['frontal']);
  await page.getByTestId('load-example').click();
  await page.getByTestId('report-builder').getByText('Write the report from findings').click();
  await studio.setSettings({ steps: 4, seed: '3', previewEvery: 0 });
  await studio.generateButton.click();
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('source-comparison')).toBeVisible();
  await expect(page.getByTestId('image-findings-frontal')).toContainText('Phantom classifier:');
  expect(await violations(page), 'studio').toEqual([]);
  for (const view of ['models', 'history', 'reader-study', 'cases'] as const) {
    await page.getByTestId(`nav-${view}`).click();
    await page.waitForLoadState('networkidle');
    expect(await violations(page), view).toEqual([]);
  }
  // History → Compare, with a second result of the same prompt.
  await page.getByTestId('nav-studio').click();
  await studio.setSettings({ seed: '4' });
  await studio.generateButton.click();
  await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
  await page.getByTestId('nav-history').click();
  for (const box of await page.getByRole('checkbox', { name: /^Compare / }).all()) await box.check();
  await page.getByTestId('compare-bar').getByRole('button', { name: 'Compare 2' }).click();
  await expect(page.getByTestId('compare-findings-summary')).not.toContainText('Still reading', { timeout: 60_000 });
  expect(await violations(page), 'compare').toEqual([]);
});
