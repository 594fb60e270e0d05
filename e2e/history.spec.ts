import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { pngText } from './png';
import { seedResults } from './seed-results';

test.describe('history', () => {
  test('survives reload, reopens with badges and highlights, exports marked files, deletes', async ({ page, studio }) => {
    await studio.open();
    await seedResults(page, [
      { id: 'r-image', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 42, frontalSlope: 1 },
      {
        id: 'r-report',
        createdAt: '2026-11-27T11:00:00.000Z',
        directionId: 'F>T',
        seed: 7,
        report: 'FINDINGS: The heart is enlarged. No pleural effusion. Possible pneumothorax. IMPRESSION: Cardiomegaly.',
      },
    ]);
    await page.reload();
    await studio.nav('history').click();
    const cards = page.getByTestId('history-card');
    await expect(cards).toHaveCount(2);
    await expect(cards.first()).toContainText('F → T · seed 7');

    // Reopen the report: highlighted findings and the synthetic badge.
    await cards.first().getByRole('button', { name: 'Reopen' }).click();
    await expect(studio.results).toBeVisible();
    const report = page.getByTestId('result-report');
    await expect(report.getByText('SYNTHETIC').first()).toBeVisible();
    await expect(report.locator('mark.hl-positive', { hasText: 'heart is enlarged' })).toBeVisible();
    await expect(report.locator('mark.hl-negated', { hasText: 'pleural effusion' })).toBeVisible();
    await expect(report.locator('mark.hl-uncertain', { hasText: 'pneumothorax' })).toBeVisible();
    await expect(report.getByRole('list', { name: 'Findings found by the labeler' })).toContainText('cardiomegaly: positive');
    const txtDownload = page.waitForEvent('download');
    await report.getByRole('button', { name: /Download report/ }).click();
    const txt = await txtDownload;
    expect(txt.suggestedFilename()).toBe('synthetic_F-to-T_7_20261127T110000Z.txt');
    const text = await readFile((await txt.path()) ?? '', 'utf8');
    expect(text.startsWith('# SYNTHETIC REPORT')).toBe(true);

    // Reopen the image: viewer with W/L drag, zoom, and a watermarked PNG export.
    await studio.nav('history').click();
    await cards.nth(1).getByRole('button', { name: 'Reopen' }).click();
    const viewer = page.getByTestId('result-frontal').getByRole('img', { name: /Synthetic frontal image/ });
    await expect(viewer).toBeVisible();
    await expect(viewer).toHaveAttribute('aria-label', /W 256 L 128/);
    const box = await viewer.boundingBox();
    if (!box) throw new Error('viewer has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2 + 20, { steps: 5 });
    await page.mouse.up();
    await expect(viewer).toHaveAttribute('aria-label', /W 156 L 148/);
    await viewer.focus();
    await page.keyboard.press('0');
    await expect(viewer).toHaveAttribute('aria-label', /W 256 L 128/);
    // A click that moves the pointer by a pixel or two is not a drag: window/level stays.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2 + 1);
    await page.mouse.up();
    await expect(viewer).toHaveAttribute('aria-label', /W 256 L 128/);

    // Pixel readout: the seeded image's pixel (x, y) holds (y + 3x) mod 256.
    const frontal = page.getByTestId('result-frontal');
    const probe = frontal.getByTestId('pixel-probe');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await expect(probe).toHaveText(/^x \d+, y \d+: \d+$/);
    const [px, py, pv] = ((await probe.textContent()) ?? '').match(/\d+/g)?.map(Number) ?? [];
    if (px === undefined || py === undefined) throw new Error('no pixel read out');
    expect(pv).toBe((py + 3 * px) % 256);
    const shownAt = (x: number, y: number) =>
      frontal.locator('canvas.viewer-canvas').evaluate((c, [cx, cy]) => (c as HTMLCanvasElement).getContext('2d')?.getImageData(cx ?? 0, cy ?? 0, 1, 1).data[0], [x, y]);
    expect(await shownAt(px, py)).toBe(pv);
    await page.mouse.move(box.x - 20, box.y - 20);
    await expect(probe).toHaveText('');

    // Invert (I or the button) shows the negative; auto W/L spans the image's 1st to 99th percentile.
    await viewer.focus();
    await page.keyboard.press('i');
    await expect(viewer).toHaveAttribute('aria-label', /W 256 L 128 · inverted/);
    await expect(frontal.getByRole('button', { name: 'Invert' })).toHaveAttribute('aria-pressed', 'true');
    expect(await shownAt(px, py)).toBe(255 - (pv ?? 0));
    const values = Array.from({ length: 64 * 64 }, (_, i) => (Math.floor(i / 64) + (i % 64) * 3) % 256).sort((a, b) => a - b);
    const [low, high] = [values[40] ?? 0, values[4095 - 40] ?? 0];
    await frontal.getByRole('button', { name: 'Auto W/L' }).click();
    await expect(viewer).toHaveAttribute('aria-label', new RegExp(`W ${high - low + 1} L ${Math.round((low + high) / 2)} · inverted`));
    await frontal.getByRole('button', { name: 'Invert' }).click();
    await expect(frontal.getByRole('button', { name: 'Invert' })).toHaveAttribute('aria-pressed', 'false');
    await expect(viewer).not.toHaveAttribute('aria-label', /inverted/);
    await frontal.getByRole('button', { name: 'Reset view' }).click();
    await expect(viewer).toHaveAttribute('aria-label', /W 256 L 128 · \d+%/);
    const before = (await viewer.getAttribute('aria-label')) ?? '';
    const zoomOf = (label: string) => Number(/· (\d+)%/.exec(label)?.[1]);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => zoomOf((await viewer.getAttribute('aria-label')) ?? '')).toBeGreaterThan(zoomOf(before));

    const pngDownload = page.waitForEvent('download');
    await page.getByTestId('result-frontal').getByRole('button', { name: 'Download PNG' }).click();
    const png = await pngDownload;
    expect(png.suggestedFilename()).toBe('synthetic_T-to-F_42_20261127T100000Z.png');
    const bytes = await readFile((await png.path()) ?? '');
    expect(pngText(bytes)['Title']).toBe('SYNTHETIC frontal (T -> F)');
    expect(pngText(bytes)['Description']).toMatch(/Synthetic image generated by MedCoDi-M/);
    // The band is burned into the pixels: decode the export in the page and look for white text on the dark band.
    const band = await page.evaluate(async (b64) => {
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) return null;
      ctx.drawImage(bitmap, 0, 0);
      const data = ctx.getImageData(0, bitmap.height - 8, bitmap.width, 7).data;
      let white = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 255) white += 1;
      return { width: bitmap.width, white };
    }, bytes.toString('base64'));
    expect(band?.width).toBe(64);
    expect(band?.white).toBeGreaterThan(50);

    // Delete one, reload, the other survives; clear all.
    await studio.nav('history').click();
    await cards.first().getByRole('button', { name: /^Delete/ }).click();
    await expect(cards).toHaveCount(1);
    await page.reload();
    await studio.nav('history').click();
    await expect(cards).toHaveCount(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Clear all' }).click();
    await expect(page.getByTestId('history-empty')).toBeVisible();
  });

  test('compares two to four results side by side: differing settings, linked viewers, findings, limits and deletion', async ({ page, studio }) => {
    await studio.open();
    // Newest first in History: the three reports, then the two images.
    await seedResults(page, [
      { id: 'c-img-a', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 42, frontalSlope: 1 },
      { id: 'c-img-b', createdAt: '2026-11-27T10:01:00.000Z', directionId: 'T>F', seed: 43, frontalSlope: 3 },
      { id: 'c-rep-a', createdAt: '2026-11-27T10:02:00.000Z', directionId: 'F>T', seed: 7, report: 'FINDINGS: The heart is enlarged. No pleural effusion. IMPRESSION: Cardiomegaly.' },
      { id: 'c-rep-b', createdAt: '2026-11-27T10:03:00.000Z', directionId: 'F>T', seed: 8, report: 'FINDINGS: Heart size is normal. Small left pleural effusion. IMPRESSION: Small left pleural effusion.' },
      { id: 'c-rep-c', createdAt: '2026-11-27T10:04:00.000Z', directionId: 'F>T', seed: 9, report: 'No acute cardiopulmonary process.' },
    ]);
    await page.reload();
    await studio.nav('history').click();
    const cards = page.getByTestId('history-card');
    await expect(cards).toHaveCount(5);
    const pick = (caption: RegExp) => page.getByRole('checkbox', { name: caption });
    const bar = page.getByTestId('compare-bar');

    // Five picks: the fifth is refused with a reason, and nothing is lost.
    for (const seed of [9, 8, 7, 43]) await pick(new RegExp(`^Compare .* seed ${seed} `)).check();
    await expect(bar).toContainText('4 of at most 4 picked');
    await pick(/^Compare T → F · seed 42 /).click();
    await expect(bar.getByRole('alert')).toHaveText('At most 4 results can be compared at once. Untick one first.');
    await expect(pick(/^Compare T → F · seed 42 /)).not.toBeChecked();
    await expect(bar).toContainText('4 of at most 4 picked');

    // Two reports: their findings disagree on cardiomegaly and pleural effusion, and only the seed differs.
    await pick(/seed 9 /).uncheck();
    await pick(/seed 43 /).uncheck();
    await expect(bar.getByRole('alert')).toHaveCount(0);
    await bar.getByRole('button', { name: 'Compare 2' }).click();
    const compare = page.getByTestId('compare');
    await expect(compare.getByRole('heading', { name: 'Compare 2 results' })).toBeVisible();
    await expect(compare.getByTestId('compare-summary')).toHaveText('They differ in: seed.');
    await expect(compare.getByTestId('compare-column')).toHaveCount(2);
    await expect(compare.getByTestId('compare-column').first()).toContainText('Result 1: F → T · seed 8 · 8 steps');
    const settingRow = (name: string) => compare.getByTestId('compare-settings').getByRole('row', { name: new RegExp(`^${name}`) });
    await expect(settingRow('Seed')).toContainText('≠');
    await expect(settingRow('Seed')).toHaveClass(/differs-row/);
    await expect(settingRow('Direction')).not.toContainText('≠');
    await expect(compare.getByTestId('compare-findings-summary')).toContainText('Outputs of the same kind disagree on 2 of 8 findings (marked ≠).');
    const findingRow = (name: string) => compare.getByTestId('compare-findings').getByRole('row', { name: new RegExp(`^${name}`, 'i') });
    await expect(findingRow('cardiomegaly')).toContainText('absent');
    await expect(findingRow('cardiomegaly')).toContainText('present');
    await expect(findingRow('cardiomegaly')).toHaveClass(/differs-row/);
    await expect(findingRow('pneumothorax')).not.toHaveClass(/differs-row/);
    await expect(compare.getByTestId('compare-report').first().locator('mark.hl-positive', { hasText: 'pleural effusion' }).first()).toBeVisible();
    await expect(compare.getByText('Where the images differ')).toHaveCount(0);

    // Back, then the two images: linked viewers move together; unlinked, each keeps its own.
    await compare.getByRole('button', { name: 'Back to History' }).click();
    await expect(compare).toHaveCount(0);
    await bar.getByRole('button', { name: 'Clear the picks' }).click();
    await pick(/seed 42 /).check();
    await pick(/seed 43 /).check();
    await bar.getByRole('button', { name: 'Compare 2' }).click();
    await expect(compare.getByTestId('compare-summary')).toHaveText('They differ in: seed.');
    const first = compare.getByRole('img', { name: /^Result 1, synthetic frontal image/ });
    const second = compare.getByRole('img', { name: /^Result 2, synthetic frontal image/ });
    await expect(first).toHaveAttribute('aria-label', /W 256 L 128/);
    const zoomOf = async (viewer: typeof first) => Number(/· (\d+)%/.exec((await viewer.getAttribute('aria-label')) ?? '')?.[1]);
    const fitted = await zoomOf(first);
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('+');
    await expect(first).toHaveAttribute('aria-label', /W 264 L 128/);
    await expect(second).toHaveAttribute('aria-label', /W 264 L 128/);
    await expect.poll(() => zoomOf(first)).toBeGreaterThan(fitted);
    expect(await zoomOf(second)).toBe(await zoomOf(first));
    const zoomed = await zoomOf(first);
    // Unlinked, each viewer goes on from the linked state, on its own.
    await compare.getByRole('checkbox', { name: /Link the viewers/ }).uncheck();
    await expect(first).toHaveAttribute('aria-label', /W 264 L 128/);
    expect(await zoomOf(first)).toBe(zoomed);
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(first).toHaveAttribute('aria-label', /W 280 L 128/);
    await expect(second).toHaveAttribute('aria-label', /W 264 L 128/);
    expect(await zoomOf(second)).toBe(zoomed);
    // The difference image of the two frontals, with its numbers (the seeded images: row·slope + 3·column, mod 256).
    const size = 64;
    const seeded = (slope: number, i: number) => (Math.floor(i / size) * slope + (i % size) * 3) % 256;
    const deltas = Array.from({ length: size * size }, (_, i) => Math.abs(seeded(1, i) - seeded(3, i)));
    const mean = (deltas.reduce((a, b) => a + b, 0) / deltas.length).toFixed(1);
    const difference = compare.getByTestId('compare-difference-frontal');
    await expect(difference).toContainText(`Mean |difference| ${mean} of 255, largest ${Math.max(...deltas)};`);
    await expect(difference.getByRole('img', { name: /^Difference \|1 − 2\|, frontal image/ })).toBeVisible();
    // Both frontals as one PNG, each panel marked, named and described as synthetic.
    const sideBySide = page.waitForEvent('download');
    await compare.getByRole('button', { name: 'Download the frontal images side by side (PNG)' }).click();
    const png = await sideBySide;
    expect(png.suggestedFilename()).toMatch(/^synthetic_compare_frontal_42-43_\d{8}T\d{6}Z\.png$/);
    const bytes = await readFile((await png.path()) ?? '');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([64 + 4 + 64, 64]);
    expect(pngText(bytes)['Title']).toBe('SYNTHETIC frontal images of 2 results, side by side');
    expect(pngText(bytes)['Source']).toMatch(/^panel 1: T-to-F, .*seed 42, .*; panel 2: T-to-F, .*seed 43, /);
    // Each image is read by the real phantom classifier; every finding gets a verdict per image.
    await expect(compare.getByTestId('compare-findings-summary')).not.toContainText('Still reading', { timeout: 60_000 });
    await expect(compare.getByTestId('compare-findings').getByRole('columnheader')).toHaveText(['Finding', 'Result 1, frontal image', 'Result 2, frontal image']);
    await expect(compare.getByTestId('compare-findings').locator('tbody tr')).toHaveCount(8);
    await expect(compare.getByTestId('compare-findings').locator('tbody td', { hasText: /^(present|absent)$/ })).toHaveCount(16);

    // Deleting a compared result takes it out of the comparison.
    await compare.getByRole('button', { name: 'Back to History' }).click();
    await cards.filter({ hasText: 'seed 43' }).getByRole('button', { name: /^Delete/ }).click();
    await expect(cards).toHaveCount(4);
    await expect(bar).toContainText('1 of at most 4 picked');
    await expect(bar.getByRole('button', { name: 'Compare 1' })).toBeDisabled();
  });

  test('three image results: the spread image shows where they vary, with its numbers', async ({ page, studio }) => {
    await studio.open();
    const slopes = [1, 3, 5];
    await seedResults(page, slopes.map((slope, k) => ({ id: `s-${k}`, createdAt: `2026-11-27T10:0${k}:00.000Z`, directionId: 'T>F', seed: 50 + k, frontalSlope: slope })));
    await page.reload();
    await studio.nav('history').click();
    for (const k of [0, 1, 2]) await page.getByRole('checkbox', { name: new RegExp(`^Compare .* seed ${50 + k} `) }).check();
    await page.getByTestId('compare-bar').getByRole('button', { name: 'Compare 3' }).click();
    const compare = page.getByTestId('compare');
    await expect(compare.getByRole('heading', { name: 'Compare 3 results' })).toBeVisible();
    // The seeded images hold row·slope + 3·column (mod 256); the spread is the largest minus the smallest per pixel.
    const size = 64;
    const spreads = Array.from({ length: size * size }, (_, i) => {
      const values = slopes.map((slope) => (Math.floor(i / size) * slope + (i % size) * 3) % 256);
      return Math.max(...values) - Math.min(...values);
    });
    const mean = (spreads.reduce((a, b) => a + b, 0) / spreads.length).toFixed(1);
    const spread = compare.getByTestId('compare-difference-frontal');
    await expect(spread.getByRole('img', { name: /^Spread of results 1, 2, 3 \(largest − smallest\), frontal image/ })).toBeVisible();
    await expect(spread).toContainText(`Mean spread ${mean} of 255, largest ${Math.max(...spreads)};`);
    await expect(spread).toContainText('Only the seed differs, so this is where the model itself varies');
  });

  test('exports every result as one ZIP and imports it back; a wrong file is refused; a second import adds nothing', async ({ page, studio }) => {
    await studio.open();
    await seedResults(page, [
      { id: 'x-image', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 42, frontalSlope: 2 },
      { id: 'x-report', createdAt: '2026-11-27T11:00:00.000Z', directionId: 'F>T', seed: 7, report: 'FINDINGS: The heart is enlarged. IMPRESSION: Cardiomegaly.' },
    ]);
    await page.reload();
    await studio.nav('history').click();
    const cards = page.getByTestId('history-card');
    await expect(cards).toHaveCount(2);
    // The image's PNG export before: the same bytes must come back after the round trip.
    const pngBytes = async () => {
      await studio.nav('history').click();
      await cards.nth(1).getByRole('button', { name: 'Reopen' }).click();
      const png = page.waitForEvent('download');
      await page.getByTestId('result-frontal').getByRole('button', { name: 'Download PNG' }).click();
      const file = await png;
      expect(file.suggestedFilename()).toBe('synthetic_T-to-F_42_20261127T100000Z.png');
      const bytes = await readFile((await file.path()) ?? '');
      await studio.nav('history').click();
      return bytes;
    };
    const before = await pngBytes();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export all (2) as ZIP' }).click();
    const zip = await download;
    expect(zip.suggestedFilename()).toMatch(/^synthetic_history_\d{8}T\d{6}Z_2results\.zip$/);
    const zipPath = (await zip.path()) ?? '';

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Clear all' }).click();
    await expect(page.getByTestId('history-empty')).toBeVisible();

    const input = page.getByTestId('history-import-input');
    const result = page.getByTestId('history-import-result');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a zip') });
    await expect(result).toHaveText('"notes.txt" is not a ZIP archive, so it is not a History export of this studio. Nothing in History was changed.');
    await expect(page.getByTestId('history-empty')).toBeVisible();

    await input.setInputFiles(zipPath);
    await expect(result).toHaveText('Imported 2 results.');
    await expect(cards).toHaveCount(2);
    await expect(cards.first()).toContainText('F → T · seed 7');
    await input.setInputFiles(zipPath);
    await expect(result).toHaveText('Imported 0 results. 2 results were already here and are left as they are.');
    await expect(cards).toHaveCount(2);
    // The imported image is the same image (its PNG export is byte for byte the one before), the report the same text.
    expect((await pngBytes()).equals(before)).toBe(true);
    await cards.first().getByRole('button', { name: 'Reopen' }).click();
    await expect(page.getByTestId('result-report')).toContainText('The heart is enlarged.');
  });

  test('a damaged saved result is shown as damaged and can be deleted; one that cannot be drawn closes; nothing else breaks', async ({ page, studio }) => {
    await studio.open();
    await seedResults(page, [
      { id: 'r-good', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 42, frontalSlope: 1 },
      // No settings and no direction: the card itself cannot be drawn.
      { id: 'r-no-settings', createdAt: '2026-11-27T11:00:00.000Z', directionId: 'T>F', seed: 1, frontalSlope: 2, omit: ['settings', 'directionId'] },
      // A consensus without its reports (written by another version): the card is fine, the result view is not.
      { id: 'r-odd-consensus', createdAt: '2026-11-27T12:00:00.000Z', directionId: 'F>T', seed: 3, report: 'No acute disease.', override: { consensus: { seeds: [3, 4] } } },
    ]);
    await page.reload();
    await studio.nav('history').click();
    await expect(page.getByTestId('history-card')).toHaveCount(2);
    const damaged = page.getByTestId('history-card-damaged');
    await expect(damaged).toHaveCount(1);
    await expect(damaged).toContainText(/^This saved result could not be shown \(.+\)\. The others are not affected\./);

    // Reopening the odd one: the result area says so and closes; the rest of the studio works.
    await page.getByTestId('history-card').first().getByRole('button', { name: 'Reopen' }).click();
    await expect(page.getByTestId('result-failed')).toContainText('This result could not be shown:');
    await page.getByTestId('result-failed').getByRole('button', { name: 'Close it' }).click();
    await expect(page.getByTestId('result-failed')).toHaveCount(0);
    await expect(studio.generateButton).toBeVisible();

    await studio.nav('history').click();
    await damaged.getByRole('button', { name: 'Delete it' }).click();
    await expect(damaged).toHaveCount(0);
    await expect(page.getByTestId('history-card')).toHaveCount(2);
    await page.getByTestId('history-card').last().getByRole('button', { name: 'Reopen' }).click();
    await expect(page.getByTestId('result-frontal')).toBeVisible();
  });
});
