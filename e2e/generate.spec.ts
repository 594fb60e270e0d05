/**
 * Generation with the bundled nano model on the WASM backend, a few steps each (the model is tiny; these check the
 * whole path, not image quality): T→F, F→T, cancel mid-loop, and that results land in History.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { pngText } from './png';

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

test.describe('generation (nano model, WASM)', () => {
  test('T→F: report in, frontal image out, with progress, previews, badge and export', async ({ page, studio, offOrigin }) => {
    await studio.open();
    await studio.chooseOutputs(['frontal']);
    await page.getByTestId('load-example').click();
    await expect(studio.report).not.toHaveValue('');
    await studio.setSettings({ steps: 6, seed: '1234', previewEvery: 2 });
    await expect(studio.generateButton).toContainText('T → F');
    await expect(page.getByTestId('input-frontal')).toContainText('Made by the next run. To use an image of your own here, switch “Frontal image” off above.');
    await studio.generateButton.click();

    await expect(studio.progressLabel).toHaveText(/Denoising: step \d+ of 6|Decoding|Done/, { timeout: 120_000 });
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
    const frontal = page.getByTestId('result-frontal');
    await expect(frontal.getByRole('img', { name: /Synthetic frontal image/ })).toBeVisible();
    await expect(frontal.getByText('SYNTHETIC', { exact: true })).toBeVisible();
    await expect(studio.results).toContainText('T → F · seed 1234 · 6 steps');
    await expect(page.getByText('Saved in History on this device.')).toBeVisible();
    await expect(page.getByRole('img', { name: /Preview of the synthetic frontal image at step/ }).first()).toBeVisible();
    // The phantom classifier reads the generated image; the example case's ground truth sits beside it.
    await expect(page.getByTestId('image-findings-frontal')).toHaveText(/^Phantom classifier: (no finding \(most likely: [a-z _]+, (<1|\d+)%\)|([a-z _]+ (>99|\d+)%)+)$/);
    await expect(page.getByTestId('source-comparison')).toContainText(/Every input came from Phantom case \d+: .* \(phantom-\d+\)/);
    await expect(page.getByTestId('source-agreement-frontal')).toHaveText(/^\d of 8$/);
    await page.screenshot({ path: screenshot('studio-t2f.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await frontal.getByRole('button', { name: 'Download PNG' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^synthetic_T-to-F_1234_\d{8}T\d{6}Z\.png$/);
    expect(pngText(await readFile((await file.path()) ?? ''))['Title']).toBe('SYNTHETIC frontal (T -> F)');

    // An edited input is no longer the example case: no comparison with it.
    await studio.report.fill(`${await studio.report.inputValue()} Small right pleural effusion.`);
    await studio.generateButton.click();
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
    await expect(page.getByTestId('image-findings-frontal')).toContainText('Phantom classifier:');
    await expect(page.getByTestId('source-comparison')).toHaveCount(0);

    await studio.nav('history').click();
    await expect(page.getByTestId('history-card').first()).toContainText('T → F · seed 1234');
    // The first result, reopened after a reload, still compares itself with the example case it came from.
    await page.reload();
    await studio.nav('history').click();
    await expect(page.getByTestId('history-card').nth(1)).toContainText(/From Phantom case \d+: .* \(simulated phantom\)/);
    await expect(page.getByTestId('history-card').first()).not.toContainText('From Phantom case');
    await page.getByTestId('history-card').nth(1).getByRole('button', { name: 'Reopen' }).click();
    await expect(page.getByTestId('source-comparison')).toBeVisible();
    await expect(page.getByTestId('source-agreement-frontal')).toHaveText(/^\d of 8$/);
    expect(offOrigin).toEqual([]);
  });

  test('the report builder writes a phantom-style report from ticked findings, refuses impossible sizes, and T→F runs on it', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs(['frontal']);
    const builder = page.getByTestId('report-builder');
    await builder.getByText('Write the report from findings').click();
    await builder.getByLabel('cardiomegaly').check();
    await builder.getByLabel('pleural effusion', { exact: true }).check();
    await builder.getByLabel('pleural effusion: side').selectOption('right');
    await builder.getByLabel('pleural effusion: size').selectOption('small');
    await builder.getByLabel('endotracheal tube', { exact: true }).check();
    const text =
      'FINDINGS: There is moderate cardiomegaly. There is a small right pleural effusion. No pneumothorax. The lungs are otherwise clear. ' +
      'Endotracheal tube terminates 4 cm above the carina. IMPRESSION: Moderate cardiomegaly with small right pleural effusion.';
    await expect(page.getByTestId('report-builder-preview')).toHaveText(text);
    await page.locator('.composer').screenshot({ path: screenshot('report-builder.png') });

    // A nodule larger than any the phantom makes: a clear message, and nothing to use.
    await builder.getByLabel('nodule or mass', { exact: true }).check();
    await builder.getByLabel(/nodule or mass: diameter in cm/).fill('3.5');
    await expect(builder.getByRole('alert')).toHaveText('A nodule in the phantom measures 2.0–2.9 cm; 3.5 cm is outside that.');
    await expect(page.getByTestId('report-builder-use')).toBeDisabled();
    await builder.getByLabel('nodule or mass', { exact: true }).uncheck();

    await page.getByTestId('report-builder-use').click();
    await expect(studio.report).toHaveValue(text);
    await studio.setSettings({ steps: 4, seed: '11', previewEvery: 0 });
    await studio.generateButton.click();
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
    await expect(page.getByTestId('result-frontal')).toBeVisible();
    await expect(page.getByTestId('image-findings-frontal')).toContainText('Phantom classifier:');
  });

  test('F→T: frontal image in, report out, highlighted by the labeler', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs(['report']);
    await page.getByTestId('load-example').click();
    await expect(page.getByRole('img', { name: /Frontal image input/i })).toBeVisible();
    await studio.setSettings({ steps: 4, seed: '7', maxTokens: 40 });
    await expect(studio.generateButton).toContainText('F → T');
    await page.keyboard.press('Control+Enter');
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 150_000 });
    const report = page.getByTestId('result-report');
    await expect(report.getByText('SYNTHETIC', { exact: true })).toBeVisible();
    await expect(report.locator('.report-text')).not.toBeEmpty();
    await expect(studio.results).toContainText('F → T · seed 7 · 4 steps');
    await page.screenshot({ path: screenshot('studio-f2t.png'), fullPage: true });
  });

  test('F→T with 3 report candidates keeps the consensus report, which its own seed reproduces alone', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs(['report']);
    await page.getByTestId('load-example').click();
    await expect(page.getByRole('img', { name: /Frontal image input/i })).toBeVisible();
    await studio.setSettings({ steps: 4, seed: '7', maxTokens: 40, reportCandidates: 3 });
    await studio.generateButton.click();
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 150_000 });
    const consensus = page.getByTestId('result-consensus');
    await expect(consensus).toContainText(/^Consensus of 3 reports \(seeds 7–9\): kept seed [789], whose findings agree with the others on \d+% of labels/);
    const kept = /kept seed (\d)/.exec((await consensus.textContent()) ?? '')?.[1] ?? '';
    await expect(studio.results).toContainText(`F → T · seed ${kept} · 4 steps · consensus of 3`);
    const consensusReport = await page.getByTestId('result-report').locator('.report-text').textContent();
    expect(consensusReport?.trim()).not.toBe('');
    await expect(page.getByTestId('consensus-votes')).toHaveText(/^(Findings across the 3 candidates: .+ [0-3]\/3|No candidate states a finding)/);
    await page.getByText('All 3 candidate reports').click();
    const candidates = consensus.locator('.consensus-candidates li');
    await expect(candidates).toHaveCount(3);
    await expect(candidates.filter({ hasText: '· kept' })).toHaveCount(1);
    expect(await candidates.filter({ hasText: '· kept' }).locator('p').textContent()).toBe(consensusReport);

    // The kept candidate is an ordinary run with its own seed.
    await studio.setSettings({ seed: kept, reportCandidates: 1 });
    await studio.generateButton.click();
    await expect(studio.results).toContainText(`F → T · seed ${kept} · 4 steps ·`, { timeout: 150_000 });
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 150_000 });
    await expect(page.getByTestId('result-consensus')).toHaveCount(0);
    expect(await page.getByTestId('result-report').locator('.report-text').textContent()).toBe(consensusReport);
  });

  test('Escape cancels mid-loop and the next job runs normally', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs(['frontal']);
    await studio.report.fill('Moderate cardiomegaly. Small left pleural effusion.');
    // 250 divides the 1000 training steps, so the DDIM grid has exactly 250 steps.
    await studio.setSettings({ steps: 250, seed: '5', previewEvery: 0 });
    await studio.generateButton.click();
    await expect(studio.progressLabel).toHaveText(/Denoising: step \d+ of 250/, { timeout: 120_000 });
    await expect(studio.cancelButton).toBeEnabled();
    await page.keyboard.press('Escape');
    await expect(studio.progressLabel).toHaveText('Cancelled', { timeout: 30_000 });
    await expect(studio.results).toHaveCount(0);

    await studio.setSettings({ steps: 3 });
    await studio.generateButton.click();
    await expect(studio.progressLabel).toHaveText('Done', { timeout: 120_000 });
    await expect(studio.results).toContainText('seed 5 · 3 steps');
  });

  test('Variations sweep guidance at one seed: bad values are refused, then one saved result per value, compared', async ({ page, studio }) => {
    await studio.open();
    await studio.chooseOutputs(['frontal']);
    await studio.report.fill('Moderate cardiomegaly.');
    await studio.setSettings({ steps: 4, seed: '11', previewEvery: 0 });
    await page.getByLabel('Vary', { exact: true }).selectOption('guidance');
    // The form's own Guidance field is not used while guidance is swept.
    await expect(page.getByLabel('Guidance', { exact: true })).toBeDisabled();
    await expect(page.getByLabel('Steps', { exact: true })).toBeEnabled();
    const values = page.getByLabel('Guidance values');
    await values.fill('3');
    await expect(studio.problems).toContainText('Guidance values must be 2 to 4 different numbers from 0 to 30, separated by commas (e.g. 3, 7.5).');
    await expect(studio.generateButton).toBeDisabled();
    await values.fill('3, 7.5');
    await expect(studio.problems).toHaveCount(0);
    await expect(page.getByTestId('sweep-hint')).toHaveText('Makes 2 results, guidance 3 and 7.5, all at the same seed');
    await studio.generateButton.click();
    await expect(studio.results).toContainText('T → F · seed 11 · 4 steps', { timeout: 120_000 });
    const compare = await studio.compareVariations(2, 120_000);
    await expect(compare.getByTestId('compare-summary')).toHaveText('They differ in: guidance.');
    const guidance = compare.getByTestId('compare-settings').getByRole('row', { name: /^Guidance/ });
    await expect(guidance.getByRole('cell')).toHaveText(['3', '7.5']);
  });
});
