/**
 * The reference settings of spec §5 (DDIM 50 steps, guidance 7.5, eta 1) in the browser on the bundled model, for
 * the three directions the README shows; each run also refreshes the README's screenshots.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

const cases = [
  { name: 'T→F', outputs: ['frontal'] as const, example: 'Phantom case 3: cardiomegaly', file: 'readme-t2f.png', candidates: 1 },
  { name: 'F→T', outputs: ['report'] as const, example: 'Phantom case 4: pleural effusion', file: 'readme-f2t.png', candidates: 1 },
  { name: 'T→F+L', outputs: ['frontal', 'lateral'] as const, example: 'Phantom case 8: pulmonary edema', file: 'readme-t2fl.png', candidates: 1 },
  // The F→T case again as the consensus of 5 report candidates, with the candidate list open.
  { name: 'F→T', outputs: ['report'] as const, example: 'Phantom case 4: pleural effusion', file: 'readme-f2t-consensus.png', candidates: 5 },
];

test.describe('reference settings (50 DDIM steps, guidance 7.5, eta 1)', () => {
  for (const c of cases) {
    test(`${c.name} at 50 steps${c.candidates > 1 ? `, ${c.candidates} report candidates` : ''}`, async ({ page, studio, offOrigin }) => {
      await studio.open();
      await studio.chooseOutputs(c.outputs);
      await page.getByLabel('Example case').selectOption({ label: c.example });
      await page.getByTestId('load-example').click();
      await studio.setSettings({ steps: 50, seed: '20261127', previewEvery: 10 });
      if (c.candidates > 1) await studio.setSettings({ reportCandidates: c.candidates });
      await studio.generateButton.click();
      await expect(studio.progressLabel).toHaveText('Done', { timeout: 150_000 });
      // A consensus result carries the kept candidate's seed: 20261127 or one of the next four.
      const seed = c.candidates > 1 ? '2026112[7-9]|2026113[01]' : '20261127';
      const direction = c.name.replace('→', ' → ').replace('+', '\\+');
      await expect(studio.results).toContainText(new RegExp(`${direction} · seed (${seed}) · 50 steps`));
      for (const m of c.outputs) await expect(page.getByTestId(`result-${m}`)).toBeVisible();
      for (const m of c.outputs) await expect(page.getByTestId(`source-agreement-${m}`)).toHaveText(/^\d of 8$/);
      // The source case's own radiographs beside the result, loaded (naturalWidth > 0), for both views.
      const sourceImages = page.getByTestId('source-images').getByRole('img');
      await expect(sourceImages).toHaveCount(2);
      for (const img of await sourceImages.all()) await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(64);
      if (c.candidates > 1) {
        await expect(page.getByTestId('result-consensus')).toContainText(`Consensus of ${c.candidates} reports (seeds 20261127–`);
        await page.getByText(`All ${c.candidates} candidate reports`).click();
      }
      await page.screenshot({ path: screenshot(c.file), fullPage: true });
      expect(offOrigin).toEqual([]);
    });
  }

  test('three variations of one T→F prompt, compared side by side (Variations 3 → History → Compare)', async ({ page, studio, offOrigin }) => {
    await studio.open();
    await studio.chooseOutputs(['frontal']);
    await page.getByLabel('Example case').selectOption({ label: 'Phantom case 3: cardiomegaly' });
    await page.getByTestId('load-example').click();
    await studio.setSettings({ steps: 50, seed: '20261127', previewEvery: 0, variations: 3 });
    await studio.generateButton.click();
    await expect(studio.results).toContainText('T → F · seed 20261129 · 50 steps', { timeout: 300_000 });
    const compare = await studio.compareVariations(3, 300_000);
    await expect(compare.getByTestId('compare-column')).toHaveCount(3);
    for (const [i, seed] of ['20261127', '20261128', '20261129'].entries()) await expect(compare.getByTestId('compare-column').nth(i)).toContainText(`seed ${seed}`);
    // Same report, same case, same settings: only the seed differs.
    await expect(compare.getByTestId('compare-summary')).toHaveText('They differ in: seed.');
    await expect(compare.getByTestId('compare-findings-summary')).not.toContainText('Still reading', { timeout: 60_000 });
    await expect(compare.getByTestId('compare-findings').locator('tbody td', { hasText: /^(present|absent)$/ })).toHaveCount(24);
    // Where the three seeds disagree: the per-pixel spread of the model's outputs.
    await expect(compare.getByTestId('compare-difference-frontal').getByRole('img', { name: /^Spread of results 1, 2, 3/ })).toBeVisible();
    await expect(compare.getByTestId('compare-difference-frontal')).toContainText(/Mean spread \d+\.\d of 255/);
    // All three are ordinary results in History.
    await compare.getByRole('button', { name: 'Back to History' }).click();
    await expect(page.getByTestId('history-card')).toHaveCount(3);
    await compare.page().getByTestId('compare-bar').getByRole('button', { name: 'Compare 3' }).click();
    await page.screenshot({ path: screenshot('compare.png'), fullPage: true });
    expect(offOrigin).toEqual([]);
  });
});
