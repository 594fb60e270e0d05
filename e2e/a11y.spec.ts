/**
 * Accessibility scan (axe-core, WCAG 2.x A and AA rules) of every screen, including the studio with a result, the
 * report builder open and the source comparison shown, History → Compare, and the reader-study screens (builder,
 * before reading, reading, analysis). Any violation fails, with its rule and elements named.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { seedResults } from './seed-results';

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

test('the reader-study screens pass too: builder, before reading, reading, analysis', async ({ page, studio }) => {
  test.setTimeout(120_000);
  await studio.open();
  await seedResults(page, [
    { id: 'h1', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 1, frontalSlope: 2 },
    { id: 'h2', createdAt: '2026-11-27T10:01:00.000Z', directionId: 'T>F', seed: 2, frontalSlope: 3 },
  ]);
  await page.reload();
  await studio.nav('reader-study').click();
  await page.getByTestId('vtt-new-study').click();
  await page.getByLabel('Number of cases', { exact: true }).fill('4');
  await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1, R2');
  await page.getByLabel('Findings checklist').check(); // so the analysis shows the findings tables too
  for (const id of ['phantom-00', 'phantom-01']) await page.getByTestId(`vtt-example-${id}`).check();
  for (const id of ['h1', 'h2']) await page.getByTestId(`vtt-history-${id}`).check();
  expect(await violations(page), 'study builder').toEqual([]);
  await page.getByTestId('vtt-build').click();
  await page.getByRole('button', { name: 'Start reading as R1' }).click();
  const before = page.getByTestId('vtt-display-check');
  await expect(before).toBeVisible();
  const choose = (question: string, label: string) => page.getByTestId(question).getByLabel(label, { exact: true }).check();
  await choose('vtt-profile-role', 'Radiologist');
  await choose('vtt-profile-exposure', 'No');
  await choose('vtt-check-dark', 'No'); // with a warning shown
  await choose('vtt-check-bright', 'Yes');
  await choose('vtt-check-monitor', 'Laptop screen');
  await choose('vtt-check-room', 'Office light');
  await page.getByTestId('vtt-consent').check();
  expect(await violations(page), 'before reading').toEqual([]);
  await page.getByTestId('vtt-check-done').click();
  await expect(page.getByRole('img', { name: 'Case 1' })).toBeVisible();
  for (const k of ['s', '2', '3', 'n', '3']) await page.keyboard.press(k);
  expect(await violations(page), 'reading').toEqual([]);
  await page.keyboard.press('Enter');
  for (let n = 2; n <= 4; n += 1) {
    await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${n} of 4`);
    for (const k of ['r', '2', '3', 'y', 'Enter']) await page.keyboard.press(k);
  }
  await page.getByRole('button', { name: 'Back to the studies' }).click();
  // a second reader, so the analysis shows agreement between readers (κ and the α table) for the scan
  await page.getByRole('button', { name: 'Start reading as R2' }).click();
  await choose('vtt-profile-role', 'Radiologist');
  await choose('vtt-profile-exposure', 'Yes');
  await choose('vtt-check-dark', 'Yes');
  await choose('vtt-check-bright', 'Yes');
  await choose('vtt-check-monitor', 'Laptop screen');
  await choose('vtt-check-room', 'Office light');
  await page.getByTestId('vtt-consent').check();
  await page.getByTestId('vtt-check-done').click();
  for (let n = 1; n <= 4; n += 1) {
    await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${n} of 4`);
    await expect(page.getByRole('img', { name: `Case ${n}` })).toBeVisible();
    // ArrowDown from the cues to the findings; 8 ticks "No finding"
    for (const k of [n % 2 === 0 ? 's' : 'r', '2', String(n), 'y', 'ArrowDown', '8', 'Enter']) await page.keyboard.press(k);
  }
  await page.getByRole('button', { name: 'Back to the studies' }).click();
  await page.getByTestId('vtt-open-analysis').click();
  await expect(page.getByTestId('vtt-cues')).toBeVisible();
  await expect(page.getByTestId('vtt-alpha-rating')).toBeVisible();
  await expect(page.getByTestId('vtt-findings')).toBeVisible();
  await expect(page.getByTestId('vtt-calls-by-finding')).toBeVisible();
  expect(await violations(page), 'analysis').toEqual([]);
});
