/**
 * Issue 5 end to end, in the production build with the real nano model (WASM):
 * import a real-looking DICOM (MONOCHROME1, 12-bit, with a patient name) → header and preview → synthetic twin
 * (real image → twin report → twin frontal + lateral) with findings → export the twin as a case ZIP, whose every
 * file is checked: SHA256SUMS, "synthetic" in names, PNG text chunks and DICOM tags, and no trace of the real case.
 * Then a small balanced dataset: generate, pause, reload the page, resume, and check the ZIP.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { decodeDicom } from '../src/domain/io/decode-dicom';
import { decodePng } from '../src/domain/io/png-decode';
import { imageElements, writeDicom } from '../src/domain/io/testing/dicom-writer';
import { expect, test } from './fixtures';

/** A 12-bit MONOCHROME1 chest-like phantom: bright (dense) body, dark lungs; higher values are darker. */
function realCaseDicom(syntax: string = 'explicit-le'): Buffer {
  const rows = 120;
  const columns = 100;
  const cells: number[] = [];
  for (let y = 0; y < rows; y += 1) {
    for (let x = 0; x < columns; x += 1) {
      const lung = Math.hypot((x - 30) / 18, (y - 60) / 40) < 1 || Math.hypot((x - 70) / 18, (y - 60) / 40) < 1;
      cells.push(lung ? 3600 : 900);
    }
  }
  const bytes = writeDicom(
    imageElements({
      rows,
      columns,
      bitsStored: 12,
      photometric: 'MONOCHROME1',
      cells,
      extra: [
        { tag: 0x00185101, vr: 'CS', value: 'PA' },
        { tag: 0x00281050, vr: 'DS', value: '2048' },
        { tag: 0x00281051, vr: 'DS', value: '4096' },
        { tag: 0x00181164, vr: 'DS', value: '0.139\\0.139' },
      ],
    }),
    { syntax },
  );
  return Buffer.from(bytes);
}

test.describe('cases: import, twin, export', () => {
  test('DICOM import → synthetic twin → validated case ZIP', async ({ page, studio, offOrigin }) => {
    test.setTimeout(300_000);
    await studio.open();
    await page.getByTestId('nav-cases').click();
    await expect(page.getByTestId('twin-view')).toBeVisible();

    await page.getByTestId('twin-import-file').setInputFiles({ name: 'real-case.dcm', mimeType: 'application/dicom', buffer: realCaseDicom() });
    const header = page.getByTestId('twin-import-header');
    await expect(header).toContainText('MONOCHROME1');
    await expect(header).toContainText('PA');
    await expect(header).toContainText('12 stored of 16, high bit 11, unsigned');
    await expect(header).toContainText('0.139 × 0.139 mm (ImagerPixelSpacing)');
    await expect(header).toContainText('C 2048 W 4096 (LINEAR, from the file)');
    await expect(header).toContainText('present in the file — not shown, not stored, never exported');
    await expect(header).not.toContainText('DOE');
    await expect(page.getByRole('img', { name: 'Model input preview: real-case.dcm' })).toBeVisible();
    // ViewPosition PA makes "frontal" the suggested slot.
    await expect(page.getByTestId('twin-import-use-frontal')).toHaveText('Use as frontal (ViewPosition)');
    await page.getByTestId('twin-import-use-frontal').click();
    await expect(page.getByTestId('twin-real-frontal')).toBeVisible();

    await page.getByLabel('Steps', { exact: true }).fill('2');
    await page.getByTestId('twin-run').click();
    await expect(page.getByTestId('twin-findings')).toBeVisible({ timeout: 240_000 });
    await expect(page.getByTestId('twin-frontal')).toBeVisible();
    await expect(page.getByTestId('twin-lateral')).toBeVisible();
    await expect(page.getByTestId('twin-findings')).toContainText('cardiomegaly');

    await page.getByTestId('twin-view').getByTestId('export-menu').locator('summary').click();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('twin-view').getByTestId('export-case-zip').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^synthetic_case_T-to-FL_\d+_\d{8}T\d{6}Z\.zip$/);
    const zip = readFileSync(await download.path());
    const files = unzipSync(new Uint8Array(zip));
    const names = Object.keys(files).sort();
    expect(names).toEqual(expect.arrayContaining(['SHA256SUMS', 'case.json']));
    expect(names.filter((n) => n.endsWith('.png'))).toHaveLength(2);
    expect(names.filter((n) => n.endsWith('.dcm'))).toHaveLength(2);
    expect(names.filter((n) => n.endsWith('.txt'))).toHaveLength(1);
    const sums = new TextDecoder().decode(files['SHA256SUMS']).trim().split('\n');
    expect(sums).toHaveLength(names.length - 1);
    for (const line of sums) {
      const [hash, path] = [line.slice(0, 64), line.slice(66)];
      expect(createHash('sha256').update(files[path]!).digest('hex'), path).toBe(hash);
    }
    for (const name of names.filter((n) => !['SHA256SUMS', 'case.json'].includes(n))) {
      expect(name).toMatch(/^synthetic_/);
      const bytes = files[name]!;
      if (name.endsWith('.png')) expect(decodePng(bytes, name).text['Synthetic']).toBe('yes');
      if (name.endsWith('.dcm')) expect(decodeDicom(bytes, name).header).toMatchObject({ syntheticMarked: true, hasPatientIdentity: false, sopClass: 'Secondary Capture Image Storage' });
      if (name.endsWith('.txt')) expect(new TextDecoder().decode(bytes)).toMatch(/^# SYNTHETIC REPORT/);
      // Nothing of the real case travels: not its patient name, id or file name.
      expect(Buffer.from(bytes).includes('DOE^JANE')).toBe(false);
      expect(Buffer.from(bytes).includes('MRN-0001')).toBe(false);
    }
    const bundle = JSON.parse(new TextDecoder().decode(files['case.json'])) as { synthetic: boolean; inputs: { included: boolean; sha256: string }[] };
    expect(bundle.synthetic).toBe(true);
    expect(bundle.inputs.every((i) => !i.included && /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(Buffer.from(zip).includes('real-case.dcm')).toBe(false);
    expect(offOrigin).toEqual([]);
  });

  test('a compressed DICOM and a broken one get clear messages', async ({ page, studio }) => {
    await studio.open();
    await page.getByTestId('nav-cases').click();
    const file = page.getByTestId('twin-import-file');
    await file.setInputFiles({ name: 'j2k.dcm', mimeType: 'application/dicom', buffer: realCaseDicom('1.2.840.10008.1.2.4.90') });
    await expect(page.getByTestId('twin-import-error')).toHaveText(
      'This DICOM uses JPEG 2000 Lossless (1.2.840.10008.1.2.4.90) compression, which the studio cannot decode yet. Export it as uncompressed DICOM or PNG.',
    );
    await file.setInputFiles({ name: 'cut.dcm', mimeType: 'application/dicom', buffer: realCaseDicom().subarray(0, 4000) });
    await expect(page.getByTestId('twin-import-error')).toHaveText(/^"cut\.dcm" is a broken DICOM file: the pixel data is cut short: \d+ of 24000 bytes are in the file\.$/);
    // The studio's own drop zones read DICOM too.
    await page.getByTestId('nav-studio').click();
    await studio.fileInput('frontal').setInputFiles({ name: 'real-case.dcm', mimeType: 'application/dicom', buffer: realCaseDicom() });
    await expect(page.getByRole('img', { name: 'Frontal image input: real-case.dcm' })).toBeVisible();
  });

  test('a small balanced dataset: pause, reload, resume, validated ZIP', async ({ page, studio }) => {
    test.setTimeout(300_000);
    await studio.open();
    await page.getByTestId('nav-cases').click();
    const view = page.getByTestId('dataset-view');
    await view.getByLabel('Cases per finding').fill('1');
    await view.getByLabel('Normal cases').fill('1');
    await view.getByLabel('Dataset steps').fill('2');
    await view.getByLabel('Dataset seed').fill('5');
    await expect(view).toContainText('8 findings × 1 + 1 normal = 9 cases');
    await page.getByTestId('dataset-start').click();
    await expect(page.getByTestId('dataset-progress')).toContainText(/[1-8] of 9 cases/, { timeout: 120_000 });
    await page.getByTestId('dataset-pause').click();
    await expect(page.getByTestId('dataset-progress')).toContainText('Paused.', { timeout: 60_000 });

    // A reload keeps the finished cases (IndexedDB) and offers to resume.
    await page.reload();
    await page.getByTestId('nav-cases').click();
    await expect(page.getByTestId('dataset-resume')).toContainText(/Resume \([1-8] of 9 done\)/);
    await page.getByTestId('dataset-resume').click();
    await expect(page.getByTestId('dataset-progress')).toContainText('Done. 9 of 9 cases', { timeout: 180_000 });
    const summary = page.getByTestId('dataset-summary');
    await expect(summary.locator('tbody tr')).toHaveCount(9);

    const downloading = page.waitForEvent('download');
    await page.getByTestId('dataset-download').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^synthetic_dataset_9cases_5_\d{8}T\d{6}Z\.zip$/);
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const names = Object.keys(files).sort();
    expect(names.filter((n) => n.startsWith('images/synthetic_case-') && n.endsWith('_frontal.png'))).toHaveLength(9);
    for (const line of new TextDecoder().decode(files['SHA256SUMS']).trim().split('\n')) {
      const [hash, path] = [line.slice(0, 64), line.slice(66)];
      expect(createHash('sha256').update(files[path]!).digest('hex'), path).toBe(hash);
    }
    for (const name of names.filter((n) => n.endsWith('.png'))) expect(decodePng(files[name]!, name).text['Synthetic']).toBe('yes');
    const csv = new TextDecoder().decode(files['labels.csv']).trim().split('\n');
    expect(csv).toHaveLength(10);
    expect(csv[0]).toMatch(/^case_id,target,carries_target,direction,seed,files,cardiomegaly_prob/);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as { synthetic: boolean; complete: boolean; summary: { target: string; requested: number; generated: number; carrying: number }[] };
    expect(manifest.synthetic).toBe(true);
    expect(manifest.complete).toBe(true);
    expect(manifest.summary.map((r) => [r.requested, r.generated])).toEqual(Array.from({ length: 9 }, () => [1, 1]));
    // Each target's "carrying" count (how many depends on the model) is the number of its rows in labels.csv
    // whose carries_target is 1.
    const rows = csv.slice(1).map((line) => line.split(','));
    for (const row of manifest.summary) {
      const carried = rows.filter((r) => r[1] === row.target && r[2] === '1').length;
      expect(row.carrying, row.target).toBe(carried);
      expect(row.carrying).toBeLessThanOrEqual(row.generated);
    }

    // Starting another dataset asks before it deletes the 9 saved cases; saying no keeps them.
    const asked = page.waitForEvent('dialog');
    const click = page.getByTestId('dataset-start').click();
    const dialog = await asked;
    expect(dialog.message()).toBe('9 generated cases are saved in this browser. To start a new dataset, they will be deleted. Download the ZIP first to keep them. Delete and go on?');
    await dialog.dismiss();
    await click;
    await expect(page.getByTestId('dataset-progress')).toContainText('Done. 9 of 9 cases');
    await expect(page.getByTestId('dataset-download')).toBeVisible();
  });
});
