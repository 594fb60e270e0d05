import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { pngText } from './png';

/** Writes result records straight into the studio's IndexedDB store, as a finished job would. */
async function seedResults(page: Page, records: { id: string; createdAt: string; directionId: string; seed: number; report?: string; frontal?: boolean }[]) {
  await page.evaluate(async (rows) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('medcodi-results');
      open.onupgradeneeded = () => open.result.createObjectStore('results');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('results', 'readwrite');
    for (const row of rows) {
      const size = 64;
      const pixels = new Uint8ClampedArray(size * size);
      for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i % size) * 3 + Math.floor(i / size);
      tx.objectStore('results').put(
        {
          recordVersion: 1,
          id: row.id,
          createdAt: row.createdAt,
          modelId: 'medcodi-nano',
          modelVersion: '0.1.0',
          variant: 'fp32',
          backend: 'wasm',
          directionId: row.directionId,
          settings: { steps: 8, guidanceScale: 7.5, seed: row.seed, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 50 },
          inputs: [],
          inputNames: {},
          outputs: {
            ...(row.frontal ? { frontal: { width: size, height: size, pixels } } : {}),
            ...(row.report !== undefined ? { report: row.report } : {}),
          },
          timings: { totalMs: 1234, sessionRunMs: 1000, stepsRun: 8 },
          synthetic: true,
        },
        row.id,
      );
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, records);
}

test.describe('history', () => {
  test('survives reload, reopens with badges and highlights, exports marked files, deletes', async ({ page, studio }) => {
    await studio.open();
    await seedResults(page, [
      { id: 'r-image', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 42, frontal: true },
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
});
