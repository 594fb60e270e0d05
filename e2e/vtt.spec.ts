/**
 * Visual Turing Test end to end, in the production build: build a study from the bundled phantom cases ("real
 * (phantom)") and history results (synthetic), read it as two readers with the keyboard only, reload mid-study
 * and resume at the same case, then check that the analysis shows exactly what the scripted answers imply and
 * that the exports and study files carry them. The scripted answers and the numbers they imply are the worked
 * scenario of src/domain/vtt/__fixtures__/scenario.ts (same table, same expected values).
 *
 * The test knows which case is on screen by reading the hidden key and the reader's saved order from IndexedDB,
 * exactly as an organiser with the answer key could; the screen itself shows nothing but the image.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { phantomPng } from './png';
import { readResults, seedResults } from './seed-results';

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}`, import.meta.url));

/** Synthetic T>F results in the history store, each with a visibly different frontal image. */
const seedHistory = (page: Page, ids: readonly string[]) =>
  seedResults(page, ids.map((id, k) => ({ id, createdAt: `2026-11-27T10:0${k}:00.000Z`, directionId: 'T>F', seed: 100 + k, frontalSlope: 2 + k })));

type Call = 'real' | 'synthetic';
interface Scripted {
  call: Call;
  confidence: number;
  realism: number;
  plausible: boolean;
}

const a = (call: Call, confidence: number, realism: number, plausible: boolean): Scripted => ({ call, confidence, realism, plausible });

/** Answers per source (history result id or phantom id); see scenario.ts for what they imply. */
const ANSWERS: Record<'R1' | 'R2', Record<string, Scripted>> = {
  R1: {
    h1: a('real', 1, 4, true),
    h2: a('synthetic', 3, 2, false),
    h3: a('synthetic', 3, 2, false),
    h4: a('synthetic', 3, 2, false),
    'phantom-00': a('real', 1, 4, true),
    'phantom-01': a('real', 2, 5, true),
    'phantom-02': a('real', 2, 5, true),
    'phantom-03': a('real', 2, 5, true),
  },
  R2: {
    h1: a('synthetic', 2, 2, false),
    h2: a('synthetic', 2, 2, false),
    h3: a('real', 2, 4, true),
    h4: a('real', 2, 4, true),
    'phantom-00': a('synthetic', 1, 3, false),
    'phantom-01': a('real', 3, 5, true),
    'phantom-02': a('real', 3, 5, true),
    'phantom-03': a('real', 3, 5, true),
  },
};

/** Cue keys (1 lines or devices, 2 ribs or bones, 3 texture or noise, 4 markers or text, 5 anatomy) and comments, as scenario.ts's SCENARIO_CUES. */
const CUE_KEYS: Record<'R1' | 'R2', Record<string, { keys: string[]; cues: string[]; comment?: string }>> = {
  R1: { h2: { keys: ['3'], cues: ['Texture or noise'] }, h3: { keys: ['3', '2'], cues: ['Ribs or bones', 'Texture or noise'] }, h4: { keys: ['2'], cues: ['Ribs or bones'] } },
  R2: {
    h1: { keys: ['3'], cues: ['Texture or noise'] },
    h3: { keys: ['5'], cues: ['Anatomy'] },
    'phantom-00': { keys: ['3'], cues: ['Texture or noise'], comment: 'Grainy lung fields, "too smooth" ribs' },
  },
};

interface StoredKey {
  caseId: string;
  truth: Call;
  source: { kind: string; resultId?: string; exampleId?: string };
  findingTruth?: Record<string, boolean>;
}
interface StoredSession {
  readerId: string;
  label: string;
  order: string[];
  /** Practice answers saved. */
  practiced: number;
  answers: { caseId: string; call: Call | null; rating: number | null; cues?: string[] | undefined; comment?: string | null | undefined; viewing?: Record<string, number> | undefined }[];
  /** When the start screen was saved; null before that (and in sessions from before the field). */
  startedAt: string | null;
  /** Whether the session holds a display check (image studies only). */
  displayChecked: boolean;
}

/** The study's hidden key and every reader session, read straight from the studio's IndexedDB store. */
async function readVttStore(page: Page): Promise<{ studyId: string; key: StoredKey[]; sessions: StoredSession[] }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('medcodi-vtt');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<{ keys: IDBValidKey[]; values: unknown[] }>((resolve, reject) => {
      const store = db.transaction('vtt').objectStore('vtt');
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => resolve({ keys: keys.result, values: values.result });
      values.onerror = () => reject(values.error);
    });
    db.close();
    type Study = { studyId: string; key: StoredKey[] };
    type Session = { reader: { readerId: string; label: string }; order: string[]; answers: StoredSession['answers']; practice?: unknown[]; startedAt?: string; display: { check?: unknown } | null };
    const study = all.values[all.keys.findIndex((k) => String(k).startsWith('study/'))] as Study;
    const sessions = all.keys
      .map((k, i) => [String(k), all.values[i]] as const)
      .filter(([k]) => k.startsWith('session/'))
      .map(([, v]) => {
        const s = v as Session;
        return {
          readerId: s.reader.readerId,
          label: s.reader.label,
          order: s.order,
          practiced: s.practice?.length ?? 0,
          answers: s.answers.map((x) => ({ caseId: x.caseId, call: x.call, rating: x.rating, cues: x.cues, comment: x.comment, viewing: x.viewing })),
          startedAt: s.startedAt ?? null,
          displayChecked: s.display?.check !== undefined,
        };
      });
    return { studyId: study.studyId, key: study.key, sessions };
  });
}

/** A minimal uncompressed DICOM (explicit VR little endian, 16-bit MONOCHROME2, 12 bits stored) with a PatientName. */
function tinyDicom(size: number): Buffer {
  const parts: Buffer[] = [Buffer.alloc(128), Buffer.from('DICM', 'latin1')];
  const element = (group: number, el: number, vr: string, value: Buffer) => {
    const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
    const head = Buffer.alloc(long ? 12 : 8);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(el, 2);
    head.write(vr, 4, 'latin1');
    if (long) head.writeUInt32LE(value.length, 8);
    else head.writeUInt16LE(value.length, 6);
    parts.push(head, value);
  };
  const us = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    return b;
  };
  element(0x0002, 0x0010, 'UI', Buffer.from('1.2.840.10008.1.2.1\0', 'latin1'));
  element(0x0010, 0x0010, 'PN', Buffer.from('Test^Patient', 'latin1'));
  element(0x0028, 0x0002, 'US', us(1));
  element(0x0028, 0x0004, 'CS', Buffer.from('MONOCHROME2 ', 'latin1'));
  element(0x0028, 0x0010, 'US', us(size));
  element(0x0028, 0x0011, 'US', us(size));
  element(0x0028, 0x0100, 'US', us(16));
  element(0x0028, 0x0101, 'US', us(12));
  element(0x0028, 0x0103, 'US', us(0));
  const pixels = Buffer.alloc(size * size * 2);
  for (let i = 0; i < size * size; i += 1) pixels.writeUInt16LE(((i % size) * 64 + Math.floor(i / size) * 8) % 4096, 2 * i);
  element(0x7fe0, 0x0010, 'OW', pixels);
  return Buffer.concat(parts);
}

/** Cuts a stored case image short, as a damaged disk or a bad import might. */
async function corruptCaseImage(page: Page, caseId: string) {
  await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('medcodi-vtt');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const store = db.transaction('vtt', 'readwrite').objectStore('vtt');
    await new Promise<void>((resolve, reject) => {
      const keys = store.getAllKeys();
      keys.onsuccess = () => {
        const key = keys.result.find((k) => String(k).startsWith('study/'));
        if (key === undefined) return reject(new Error('no study'));
        const get = store.get(key);
        get.onsuccess = () => {
          const study = get.result as { cases: { caseId: string; image: { pixels: Uint8Array } }[] };
          const target = study.cases.find((c) => c.caseId === id);
          if (!target) return reject(new Error('no such case'));
          target.image.pixels = target.image.pixels.slice(0, 10);
          const put = store.put(study, key);
          put.onsuccess = () => resolve();
          put.onerror = () => reject(put.error);
        };
      };
    });
    db.close();
  }, caseId);
}

const sourceName = (k: StoredKey) => k.source.resultId ?? k.source.exampleId ?? '';

async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string; download: Download }> {
  const pending = page.waitForEvent('download');
  await click();
  const download = await pending;
  return { name: download.suggestedFilename(), text: await readFile((await download.path()) ?? '', 'utf8'), download };
}

/** Answers the case on screen as `label` would, with one key per answer, and checks it is saved before the next. */
async function answerCurrentCase(page: Page, label: 'R1' | 'R2', caseNumber: number) {
  await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${caseNumber} of 8`);
  const store = await readVttStore(page);
  const session = store.sessions.find((s) => s.label === label);
  if (!session) throw new Error(`no session for ${label}`);
  expect(session.answers).toHaveLength(caseNumber - 1);
  const caseId = session.order[caseNumber - 1];
  const key = store.key.find((k) => k.caseId === caseId);
  if (!key) throw new Error('case not in key');
  const answer = ANSWERS[label][sourceName(key)];
  if (!answer) throw new Error(`no scripted answer for ${sourceName(key)}`);
  // The screen is blinded: no case id, file name or source anywhere in the reader view.
  const readerText = await page.getByTestId('vtt-reader').innerText();
  expect(readerText).not.toContain(sourceName(key));
  expect(readerText).not.toContain(key.caseId);
  for (const k of [answer.call === 'real' ? 'r' : 's', String(answer.confidence), String(answer.realism), answer.plausible ? 'y' : 'n']) {
    await page.keyboard.press(k);
  }
  // The highlight is now on the cues: their digits tick them; a comment is typed, and Enter in it saves the case.
  const cues = CUE_KEYS[label][sourceName(key)];
  for (const k of cues?.keys ?? []) await page.keyboard.press(k);
  if (cues?.comment) {
    await page.getByTestId('vtt-comment').fill(cues.comment);
    await page.getByTestId('vtt-comment').press('Enter');
  } else {
    await page.keyboard.press('Enter');
  }
  if (caseNumber < 8) await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${caseNumber + 1} of 8`);
  else await expect(page.getByTestId('vtt-done')).toBeVisible();
  // The answer was in IndexedDB by the time the next case appeared.
  const after = (await readVttStore(page)).sessions.find((s) => s.label === label);
  expect(after?.answers).toHaveLength(caseNumber);
  expect(after?.answers[caseNumber - 1]).toMatchObject({ caseId, call: answer.call, cues: cues?.cues ?? [], comment: cues?.comment ?? null });
}

/**
 * Answers the start screen every new reader sees first: the profile, the consent and, in image studies, the display
 * check; with `poor`, each warning shows before reading starts. A report study shows text, so it has no display check.
 */
async function passDisplayCheck(
  page: Page,
  { poor = false, instructions = 'You will see chest X-rays one at a time.', kind = 'image' }: { poor?: boolean; instructions?: string; kind?: 'image' | 'report' } = {},
) {
  const check = page.getByTestId('vtt-display-check');
  await expect(check).toBeVisible();
  await expect(page.getByTestId('vtt-check-done')).toBeDisabled();
  if (kind === 'report') {
    await expect(check.getByRole('img', { name: /Grey-step test pattern/ })).toHaveCount(0);
    await expect(page.getByTestId('vtt-check-dark')).toHaveCount(0);
  } else {
    await expect(check.getByRole('img', { name: /Grey-step test pattern/ })).toBeVisible();
  }
  await expect(page.getByTestId('vtt-instructions')).toContainText(instructions);
  const choose = (question: string, label: string) => page.getByTestId(question).getByLabel(label, { exact: true }).check();
  // About the reader: a bad number of years is refused in words and holds the start back.
  await choose('vtt-profile-role', poor ? 'Radiologist' : 'Radiology resident');
  await choose('vtt-profile-exposure', poor ? 'No' : 'Yes');
  if (poor) {
    await page.getByLabel('Years reading chest X-rays (optional)').fill('twelve');
    await expect(check.getByTestId('vtt-years-problem')).toHaveText('Years of experience must be a whole number from 0 to 60, or empty.');
    await expect(page.getByLabel('Years reading chest X-rays (optional)')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Years reading chest X-rays (optional)').fill('12');
    await page.getByLabel('Subspecialty (optional)').fill('Thoracic');
  }
  if (kind === 'image') {
    await choose('vtt-check-dark', poor ? 'No' : 'Yes');
    await choose('vtt-check-bright', 'Yes');
    await choose('vtt-check-monitor', poor ? 'Laptop screen' : 'Diagnostic (calibrated to DICOM GSDF)');
    await expect(page.getByTestId('vtt-check-done')).toBeDisabled();
    await choose('vtt-check-room', poor ? 'Bright (daylight, windows)' : 'Dimmed, as a reading room');
  }
  // Every question answered, but the instructions not yet agreed to: the start waits.
  await expect(page.getByTestId('vtt-check-done')).toBeDisabled();
  await page.getByTestId('vtt-consent').check();
  if (poor) {
    await expect(page.getByTestId('vtt-check-warnings').locator('li')).toHaveText([/5 % square was not visible/, /Bright room light/]);
    await page.getByTestId('vtt-check-warnings').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot('vtt-before-reading.png') });
  } else {
    await expect(page.getByTestId('vtt-check-warnings')).toHaveCount(0);
  }
  await page.getByTestId('vtt-check-done').click();
  await expect(check).toHaveCount(0);
}

test.describe('reader study (visual Turing test)', () => {
  test('build from bundled cases, read as two readers with the keyboard, resume after reload, analyse and export', async ({ page, studio, offOrigin }) => {
    test.setTimeout(240_000);
    await studio.open();
    await seedHistory(page, ['h1', 'h2', 'h3', 'h4']);
    await page.reload();
    await studio.nav('reader-study').click();
    await expect(page.getByTestId('vtt-empty')).toBeVisible();

    // ---- Build: 4 phantoms as "real (phantom)", 4 history results as synthetic, plus one unreadable file.
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Title', { exact: true }).fill('E2E study');
    await page.getByLabel('Number of cases', { exact: true }).fill('8');
    await page.getByLabel('Synthetic share (%)', { exact: true }).fill('50');
    await page.getByLabel('Seed', { exact: true }).fill('42');
    for (const id of ['phantom-00', 'phantom-01', 'phantom-02', 'phantom-03']) await page.getByTestId(`vtt-example-${id}`).check();
    for (const id of ['h1', 'h2', 'h3', 'h4']) await page.getByTestId(`vtt-history-${id}`).check();
    await page.getByTestId('vtt-real-files').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) });
    await page.screenshot({ path: test.info().outputPath('vtt-builder.png'), fullPage: true });
    await expect(page.getByTestId('vtt-chosen')).toContainText('Chosen: 5 real and 4 synthetic images; the study draws 4 real and 4 synthetic.');
    await expect(page.getByTestId('vtt-ask-cues')).toBeChecked(); // cues are asked by default
    await page.getByTestId('vtt-build').click();
    // The unreadable file is named and left out; the study is still built.
    await expect(page.getByTestId('vtt-notice')).toContainText('Study created.');
    await expect(page.getByTestId('vtt-notice')).toContainText('"broken.png"');
    await expect(page.getByTestId('vtt-notice')).toContainText('It was left out.');
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);

    const built = await readVttStore(page);
    expect(built.key).toHaveLength(8);
    expect(built.key.filter((k) => k.truth === 'synthetic').map(sourceName).sort()).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(built.sessions.map((s) => s.label).sort()).toEqual(['R1', 'R2']);
    const [first, second] = built.sessions;
    expect(first?.order).not.toEqual(second?.order); // each reader has their own seeded order

    // ---- Read as R1; pause, an incomplete Enter, and a reload mid-study.
    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    await expect(page.getByTestId('vtt-reader')).toBeVisible();
    await passDisplayCheck(page, { poor: true });
    expect((await readVttStore(page)).sessions.find((x) => x.label === 'R1')).toMatchObject({ displayChecked: true, startedAt: expect.stringMatching(/^\d{4}-/) });
    await expect(page.getByRole('img', { name: 'Case 1' })).toBeVisible();
    // The README's picture of reading shows the first of R1's cases that is a bundled phantom (an X-ray, where the
    // seeded history results are test patterns).
    const r1Order = built.sessions.find((x) => x.label === 'R1')?.order ?? [];
    const phantomCase = 1 + r1Order.findIndex((id) => /^phantom-/.test(sourceName(built.key.find((k) => k.caseId === id) as StoredKey)));
    expect(phantomCase).toBeGreaterThan(0);
    const readmeShot = async (caseNumber: number) => {
      if (caseNumber === phantomCase) await page.screenshot({ path: screenshot('vtt-reader.png') });
    };
    await page.keyboard.press('s');
    await readmeShot(1);
    await page.keyboard.press('p');
    await expect(page.getByTestId('vtt-paused')).toBeVisible();
    await expect(page.getByRole('img', { name: 'Case 1' })).toHaveCount(0);
    await page.keyboard.press('p');
    await page.keyboard.press('s');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('vtt-message')).toContainText('Still to answer: How sure are you?');
    await page.keyboard.press('r'); // change of mind; the scripted answer below overrides anyway
    // Viewing tools on the case: a W/L drag, a zoom (one wheel burst), a pan, a reset; each gesture is counted.
    const viewer = page.getByTestId('vtt-viewer');
    const vbox = await viewer.boundingBox();
    if (!vbox) throw new Error('no viewer');
    const [cx, cy] = [vbox.x + vbox.width / 2, vbox.y + vbox.height / 2];
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 60, cy + 10, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByTestId('vtt-viewer-status')).toContainText('W 196 L 138 · 100%');
    await page.mouse.wheel(0, 200); // out, at 100 % already: nothing changes, so no zoom is counted
    await expect(page.getByTestId('vtt-viewer-status')).toContainText('· 100%');
    await page.mouse.wheel(0, -200);
    await expect.poll(async () => Number(/· (\d+)%/.exec((await page.getByTestId('vtt-viewer-status').textContent()) ?? '')?.[1])).toBeGreaterThan(100);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(cx + 30, cy + 30, { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.mouse.dblclick(cx, cy);
    await expect(page.getByTestId('vtt-viewer-status')).toContainText('W 256 L 128 · 100%');
    for (let n = 1; n <= 3; n += 1) {
      if (n > 1) await readmeShot(n);
      await answerCurrentCase(page, 'R1', n);
    }
    const viewed = (await readVttStore(page)).sessions.find((x) => x.label === 'R1')?.answers;
    expect(viewed?.[0]?.viewing).toEqual({ windowLevel: 1, zoom: 1, pan: 1, resets: 1 });
    expect(viewed?.[1]?.viewing).toEqual({ windowLevel: 0, zoom: 0, pan: 0, resets: 0 });
    await page.reload();
    await expect(page.getByTestId('vtt-reader')).toBeVisible();
    await expect(page.getByTestId('vtt-progress')).toHaveText('Case 4 of 8');
    for (let n = 4; n <= 8; n += 1) {
      await readmeShot(n);
      await answerCurrentCase(page, 'R1', n);
    }
    await page.getByRole('button', { name: 'Back to the studies' }).click();
    await expect(page.getByTestId('vtt-reader-R1')).toContainText('R1: 8/8');

    // ---- Read as R2.
    await page.getByRole('button', { name: 'Start reading as R2' }).click();
    await passDisplayCheck(page);
    for (let n = 1; n <= 8; n += 1) await answerCurrentCase(page, 'R2', n);
    await page.getByRole('button', { name: 'Back to the studies' }).click();

    // ---- Analysis: the numbers the scripted answers imply (scenario.ts).
    await page.getByTestId('vtt-open-analysis').click();
    const row = (label: string) => page.getByTestId(`vtt-row-${label}`);
    await expect(row('R1').getByTestId('acc')).toHaveText('87.5% (7/8; 52.9–97.8%)');
    await expect(row('R1').getByTestId('sens')).toHaveText('75.0% (3/4; 30.1–95.4%)');
    await expect(row('R1').getByTestId('spec')).toHaveText('100.0% (4/4; 51.0–100.0%)');
    await expect(row('R1').getByTestId('auc')).toContainText('0.969');
    await expect(row('R1').getByTestId('realism-real')).toContainText('4.75');
    await expect(row('R1').getByTestId('realism-synthetic')).toContainText('2.50');
    await expect(row('R2').getByTestId('acc')).toHaveText('62.5% (5/8; 30.6–86.3%)');
    await expect(row('R2').getByTestId('sens')).toHaveText('50.0% (2/4; 15.0–85.0%)');
    await expect(row('R2').getByTestId('spec')).toHaveText('75.0% (3/4; 30.1–95.4%)');
    await expect(row('R2').getByTestId('auc')).toContainText('0.875');
    await expect(row('Pooled').getByTestId('acc')).toHaveText('75.0% (12/16; 50.5–89.8%)');
    await expect(row('Pooled').getByTestId('sens')).toHaveText('62.5% (5/8; 30.6–86.3%)');
    await expect(row('Pooled').getByTestId('spec')).toHaveText('87.5% (7/8; 52.9–97.8%)');
    await expect(row('Pooled').getByTestId('auc')).toContainText('0.867');
    await expect(page.getByTestId('vtt-kappa')).toContainText("Cohen's κ = -0.067 (8 cases, observed agreement 50.0%)");
    await expect(page.getByTestId('vtt-analysis')).toContainText('Realism, synthetic vs real (pooled readings): median [IQR] 2 [2–4] vs 5 [4.75–5], Mann–Whitney U = 4.5');
    // Krippendorff's α on the same answers (reference values from Python `krippendorff`, see analysis.test.ts)
    const alpha = page.getByTestId('vtt-alpha');
    // calls agree on 4 of 8 cases: half the pairs agree exactly, and α is 0
    await expect(alpha.getByTestId('vtt-alpha-call').locator('td')).toHaveText(['nominal', '0.000', /^-?\d\.\d{3}–-?\d\.\d{3}$/, '50.0%', '8']);
    await expect(alpha.getByTestId('vtt-alpha-rating').locator('td').nth(1)).toHaveText('0.344');
    await expect(alpha.getByTestId('vtt-alpha-realism').locator('td').nth(1)).toHaveText('0.704');
    await expect(alpha.getByTestId('vtt-alpha-plausible')).toContainText('0.000');
    const r1Matrix = page.getByTestId('vtt-confusion-R1');
    await expect(r1Matrix.getByTestId('cm-tn')).toHaveText('4');
    await expect(r1Matrix.getByTestId('cm-fp')).toHaveText('0');
    await expect(r1Matrix.getByTestId('cm-fn')).toHaveText('1');
    await expect(r1Matrix.getByTestId('cm-tp')).toHaveText('3');
    await expect(page.getByTestId('vtt-roc').locator('path')).toHaveCount(3);
    await expect(page.getByTestId('vtt-analysis')).toContainText('answer log intact for every reader');
    await expect(page.getByTestId('vtt-viewing')).toHaveText('Viewing tools used in 1 of 16 readings (window/level 1, zoom 1, pan 1).');
    await expect(page.getByTestId('vtt-readers').locator('li')).toHaveText([
      /^R1: Radiologist, 12 years, Thoracic; new to synthetic X-rays\. Display: 5 % step not seen · Laptop screen · Bright \(daylight, windows\)\. Consent: agreed to the instructions on \d{4}-\d\d-\d\d\.$/,
      /^R2: Radiology resident; has seen synthetic X-rays before\. Display: both grey steps seen · Diagnostic \(calibrated to DICOM GSDF\) · Dimmed, as a reading room\. Consent: agreed to the instructions on \d{4}-\d\d-\d\d\.$/,
    ]);
    // Cues (CUE_KEYS): texture named 4 times (3 synthetic spotted, 1 false alarm), ribs twice, anatomy once with a "real" call.
    const cue = (name: string) => page.getByTestId(`vtt-cue-${name}`).locator('td');
    await expect(cue('Texture or noise')).toHaveText(['4', '3', '1', '0', '75.0% (3/4; 30.1–95.4%)']);
    await expect(cue('Ribs or bones')).toHaveText(['2', '2', '0', '0', /^100\.0% \(2\/2/]);
    await expect(cue('Anatomy')).toHaveText(['1', '0', '0', '1', /^0\.0% \(0\/1/]);
    await expect(cue('Lines or devices')).toHaveText(['0', '0', '0', '0', '—']);
    await expect(page.getByTestId('vtt-analysis')).toContainText('6 of 16 readings named at least one cue.');
    await page.getByTestId('vtt-comments').locator('summary').click();
    await expect(page.getByTestId('vtt-comments')).toContainText('R2, case');
    await expect(page.getByTestId('vtt-comments')).toContainText('(real, called synthetic): Grainy lung fields, "too smooth" ribs');
    await page.screenshot({ path: screenshot('vtt-analysis.png'), fullPage: true });

    // ---- Exports.
    const store = await readVttStore(page);
    const caseNumber = (source: string) => store.key.findIndex((k) => sourceName(k) === source) + 1;
    const imrmc = await downloadText(page, () => page.getByTestId('vtt-export-imrmc').click());
    expect(imrmc.name).toMatch(/\.imrmc$/);
    const lines = imrmc.text.trimEnd().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['NR: 2', 'N0: 4', 'N1: 4', 'NM: 1', 'BEGIN DATA:']));
    const data = lines.slice(lines.indexOf('BEGIN DATA:') + 1);
    expect(data.filter((l) => l.startsWith('-1,'))).toHaveLength(8);
    expect(data.filter((l) => !l.startsWith('-1,'))).toHaveLength(16);
    expect(data).toContain(`-1,${caseNumber('h1')},0,1`);
    expect(data).toContain(`-1,${caseNumber('phantom-00')},0,0`);
    expect(data).toContain(`1,${caseNumber('h1')},1,3`); // R1 called h1 real, confidence 1 → rating 3
    expect(data).toContain(`2,${caseNumber('phantom-00')},1,4`); // R2 called phantom-00 synthetic, confidence 1 → 4

    const answersCsv = await downloadText(page, () => page.getByTestId('vtt-export-answers-csv').click());
    const csvLines = answersCsv.text.trimEnd().split('\n');
    expect(csvLines).toHaveLength(17);
    expect(csvLines[0]?.split(',').slice(-2)).toEqual(['comment', 'case_findings']);
    // no findings checklist in this study, so every case's findings are unknown
    expect(csvLines.filter((l) => l.endsWith(',"Grainy lung fields, ""too smooth"" ribs",unknown'))).toHaveLength(1);
    expect(csvLines.filter((l) => l.includes(',Ribs or bones; Texture or noise,'))).toHaveLength(1);
    const long = await downloadText(page, () => page.getByTestId('vtt-export-long-csv').click());
    expect(long.text.split('\n')[0]).toBe('reader,treatment,case,truth,rating');
    expect(long.text.trimEnd().split('\n')).toContain(`1,1,${caseNumber('h2')},1,6`);

    // the printable summary: one self-contained page with the same numbers
    const summary = await downloadText(page, () => page.getByTestId('vtt-export-summary-html').click());
    expect(summary.name).toMatch(/^E2E-study_.+_summary\.html$/);
    expect(summary.text).toContain('Agreement on real/synthetic: Cohen&#39;s κ = -0.067 (8 cases, observed agreement 50.0%).');
    expect(summary.text).not.toMatch(/<script|https?:\/\//);
    const printed = await page.context().newPage();
    await printed.setContent(summary.text);
    await expect(printed.getByRole('heading', { level: 1 })).toHaveText('Reader study: E2E study');
    await expect(printed.locator('table').first().locator('tbody tr')).toHaveCount(3); // R1, R2, pooled
    await printed.screenshot({ path: test.info().outputPath('summary.png'), fullPage: true });
    await printed.close();
    const json = JSON.parse((await downloadText(page, () => page.getByTestId('vtt-export-json').click())).text) as {
      study: { settings: { seed: number }; digest: string };
      key: unknown[];
      readers: { label: string; answers: unknown[] }[];
      analysis: { pooled: { accuracy: { successes: number; n: number } }; readers: { auc: { auc: number } }[]; agreement: { method: string; result: { kappa: number } } };
    };
    expect(json.study.settings.seed).toBe(42);
    expect(json.study.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(json.key).toHaveLength(8);
    expect(json.readers.map((r) => [r.label, r.answers.length])).toEqual([
      ['R1', 8],
      ['R2', 8],
    ]);
    // The consent records which instructions text each reader agreed to, by its SHA-256.
    const instructions = (json.study.settings as { instructions?: string }).instructions ?? '';
    expect(instructions).toContain('You will see chest X-rays one at a time.');
    const agreedTo = createHash('sha256').update(instructions, 'utf8').digest('hex');
    expect((json.readers as unknown as { consent: { instructionsSha256: string } }[]).map((r) => r.consent.instructionsSha256)).toEqual([agreedTo, agreedTo]);
    expect(json.readers[0]).toMatchObject({ label: 'R1', role: 'Radiologist', yearsExperience: 12, subspecialty: 'Thoracic', priorSyntheticExposure: false });
    expect(json.readers[1]).toMatchObject({ label: 'R2', role: 'Radiology resident', yearsExperience: null, priorSyntheticExposure: true });
    expect(json.readers[1]).not.toHaveProperty('subspecialty');
    expect(json.analysis.pooled.accuracy).toMatchObject({ successes: 12, n: 16 });
    expect(json.analysis.readers.map((r) => r.auc.auc)).toEqual([0.96875, 0.875]);
    expect(json.analysis.agreement.method).toBe('cohen');
    expect(json.analysis.agreement.result.kappa).toBeCloseTo(-1 / 15, 10);

    // ---- Study file: export, then a tampered and a truncated copy are refused; the original is recognised.
    const withAnswers = await downloadText(page, () => page.getByTestId('vtt-export-study-answers').click());
    await page.getByRole('button', { name: 'Back to studies' }).click();
    const studyFile = await downloadText(page, () => page.getByTestId('vtt-export-study').click());
    const parsed = JSON.parse(studyFile.text) as { content: { study: { key: { truth: string }[] } } };
    const entry = parsed.content.study.key[0];
    if (!entry) throw new Error('empty key');
    entry.truth = entry.truth === 'real' ? 'synthetic' : 'real';
    const importFile = (name: string, text: string) => page.getByTestId('vtt-import').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await importFile('tampered.vtt.json', JSON.stringify(parsed));
    await expect(page.getByTestId('vtt-import-message')).toHaveText('This study file was modified after export (checksum mismatch); it was not imported.');
    await importFile('truncated.vtt.json', studyFile.text.slice(0, Math.floor(studyFile.text.length * 0.6)));
    await expect(page.getByTestId('vtt-import-message')).toContainText('This study file is incomplete or damaged');
    await importFile('ok.vtt.json', studyFile.text);
    await expect(page.getByTestId('vtt-import-message')).toContainText('was already here; 0 reader sessions added');
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);
    // The same study with its answers (as from another reading machine): both readers are as far along here.
    await importFile('with-answers.vtt.json', withAnswers.text);
    await expect(page.getByTestId('vtt-import-message')).toHaveText('The study "E2E study" was already here; 0 reader sessions added. Already as far along here, left as they are: R1, R2.');
    expect((await readVttStore(page)).sessions.map((x) => x.answers.length)).toEqual([8, 8]);

    expect(offOrigin).toEqual([]);
  });
  test('a case read twice: unannounced, left out of the accuracy numbers, measured as agreement with oneself', async ({ page, studio }) => {
    await studio.open();
    await seedHistory(page, ['h1', 'h2', 'h3', 'h4']);
    await page.reload();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Number of cases', { exact: true }).fill('8');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    await page.getByLabel('Cases read twice', { exact: true }).fill('3');
    await expect(page.getByTestId('vtt-build-problems')).toContainText('Cases read twice must be a whole number from 0 to 2');
    await page.getByLabel('Cases read twice', { exact: true }).fill('2');
    // what a study of this size can tell, recomputed as the design changes
    await expect(page.getByTestId('vtt-power')).toContainText('A reader who scores 50% on 8 cases has a 95% interval of 22%–78% for their accuracy.');
    await expect(page.getByTestId('vtt-power')).toContainText('8 cases are too few to tell even 70% accuracy from guessing (that needs 47 cases; 60% needs 194)');
    await page.getByLabel('Tell readers the share of synthetic cases').check();
    for (const id of ['phantom-00', 'phantom-01', 'phantom-02', 'phantom-03']) await page.getByTestId(`vtt-example-${id}`).check();
    for (const id of ['h1', 'h2', 'h3', 'h4']) await page.getByTestId(`vtt-history-${id}`).check();
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);
    const store = await readVttStore(page);
    const order = store.sessions[0]?.order ?? [];
    expect(order).toHaveLength(10);
    expect(new Set(order).size).toBe(8);
    // The studies list (where readers start) gives progress as a share: "0/10" beside "8 cases" would tell.
    await expect(page.getByTestId('vtt-reader-R1')).toContainText('R1: 0 % read');

    // Read every case; the truth decides the call, so the second readings agree with the first.
    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    await passDisplayCheck(page);
    // The disclosed prevalence is a share: "4 of 8" beside "Case 1 of 10" would give the repeats away.
    await expect(page.getByTestId('vtt-reader')).toContainText("50 % of the study's cases are synthetic");
    for (const [index, caseId] of order.entries()) {
      if (index === 3) {
        // Mid-study, the analysis (truths, every call) asks first; declining keeps the list.
        await page.getByRole('button', { name: /Leave/ }).click();
        page.once('dialog', (dialog) => {
          expect(dialog.message()).toContain('R1 has not finished reading. The analysis shows which images are synthetic');
          void dialog.dismiss();
        });
        await page.getByTestId('vtt-open-analysis').click();
        await expect(page.getByTestId('vtt-analysis')).toHaveCount(0);
        await page.getByRole('button', { name: 'Resume reading as R1' }).click();
      }
      await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${index + 1} of 10`);
      // Nothing on screen says a case is a second reading.
      await expect(page.getByTestId('vtt-reader')).not.toContainText(/again|repeat|second/i);
      const truth = store.key.find((k) => k.caseId === caseId)?.truth;
      for (const k of [truth === 'synthetic' ? 's' : 'r', '2', '3', 'y', 'Enter']) await page.keyboard.press(k);
    }
    await expect(page.getByTestId('vtt-done')).toContainText('All 10 cases answered.');
    await page.getByRole('button', { name: 'Back to the studies' }).click();
    await page.getByTestId('vtt-open-analysis').click();
    await expect(page.getByTestId('vtt-analysis')).toContainText('8 cases (4 real, 4 synthetic) · 1 reader · 8 readings');
    await expect(page.getByTestId('vtt-row-R1').getByTestId('acc')).toContainText('100.0% (8/8;');
    // κ needs both calls among the repeated cases; the readers' random ids decide which cases come back.
    const repeatedTruths = new Set(order.filter((id, i) => order.indexOf(id) !== i).map((id) => store.key.find((k) => k.caseId === id)?.truth));
    const kappa = repeatedTruths.size === 2 ? 'κ = 1.000' : 'κ undefined (one call throughout)';
    await expect(page.getByTestId('vtt-intra')).toContainText(`R1 ${kappa} (2 cases, same call 100.0%, rating moved 0.00 points on average)`);
    const csv = await downloadText(page, () => page.getByTestId('vtt-export-answers-csv').click());
    const lines = csv.text.trimEnd().split('\n');
    const repeatAt = (lines[0] ?? '').split(',').indexOf('repeat');
    expect(lines.slice(1).map((l) => l.split(',')[repeatAt]).filter((v) => v === '1')).toHaveLength(2);
    const long = await downloadText(page, () => page.getByTestId('vtt-export-long-csv').click());
    expect(long.text.trimEnd().split('\n')).toHaveLength(1 + 8);
  });

  test('practice cases come first, tell the truth after each answer, and stay out of the analysis', async ({ page, studio }) => {
    await studio.open();
    await seedHistory(page, ['h1', 'h2', 'h3']);
    await page.reload();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Number of cases', { exact: true }).fill('4');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    await page.getByLabel('Practice cases', { exact: true }).fill('2');
    for (const id of ['phantom-00', 'phantom-01', 'phantom-02']) await page.getByTestId(`vtt-example-${id}`).check();
    for (const id of ['h1', 'h2', 'h3']) await page.getByTestId(`vtt-history-${id}`).check();
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);

    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    await passDisplayCheck(page);
    for (const n of [1, 2]) {
      await expect(page.getByTestId('vtt-progress')).toHaveText(`Practice case ${n} of 2 (not scored)`);
      await expect(page.getByRole('img', { name: `Practice case ${n}` })).toBeVisible();
      for (const k of ['r', '2', '3', 'y', 'Enter']) await page.keyboard.press(k);
      // The truth, and whether the call was right, before going on.
      const feedback = page.getByTestId('vtt-practice-feedback');
      await expect(feedback).toBeVisible();
      // An Enter at once (a double press) does not skip the truth: the feedback stays 400 ms at least.
      await page.keyboard.press('Enter');
      await expect(feedback).toContainText(/This image is (real|synthetic)\. You called it real: (right|not right)\./);
      const text = (await feedback.textContent()) ?? '';
      expect(text.includes('not right')).toBe(text.includes('This image is synthetic'));
      await expect(feedback).toContainText(n === 1 ? 'to the next practice case' : 'to the study. From now on you will not be told.');
      // The answer was saved before the truth was shown.
      expect((await readVttStore(page)).sessions[0]).toMatchObject({ practiced: n, answers: [] });
      await page.waitForTimeout(500); // the feedback's minimum time on screen (FEEDBACK_MIN_MS, 400 ms)
      await page.keyboard.press('Enter');
    }
    for (let n = 1; n <= 4; n += 1) {
      await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${n} of 4`);
      for (const k of ['s', '2', '3', 'n', 'Enter']) await page.keyboard.press(k);
      await expect(page.getByTestId('vtt-practice-feedback')).toHaveCount(0);
    }
    await expect(page.getByTestId('vtt-done')).toBeVisible();
    await page.getByRole('button', { name: 'Back to the studies' }).click();
    await page.getByTestId('vtt-open-analysis').click();
    await expect(page.getByTestId('vtt-analysis')).toContainText('4 cases (2 real, 2 synthetic) · 1 reader · 4 readings');
    await expect(page.getByTestId('vtt-readers')).toContainText(/Practice [0-2] of 2 right \(not analysed\)\./);
    const json = JSON.parse((await downloadText(page, () => page.getByTestId('vtt-export-json').click())).text) as {
      readers: { answers: unknown[]; practice: { call: string; correct: boolean }[] }[];
    };
    expect(json.readers[0]?.answers).toHaveLength(4);
    expect(json.readers[0]?.practice.map((p) => p.call)).toEqual(['real', 'real']);
  });

  test('the same reader in two tabs: a stale tab never writes over answers saved in the other', async ({ page, studio }) => {
    await studio.open();
    await seedHistory(page, ['h1', 'h2']);
    await page.reload();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Number of cases', { exact: true }).fill('4');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    for (const id of ['phantom-00', 'phantom-01']) await page.getByTestId(`vtt-example-${id}`).check();
    for (const id of ['h1', 'h2']) await page.getByTestId(`vtt-history-${id}`).check();
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);

    // Tab A opens the reader and stays on the display check; tab B passes it and answers two cases.
    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    await expect(page.getByTestId('vtt-display-check')).toBeVisible();
    const other = await page.context().newPage();
    await other.goto('/');
    await other.getByTestId('nav-reader-study').click();
    await other.getByRole('button', { name: 'Start reading as R1' }).click();
    await passDisplayCheck(other);
    for (const n of [1, 2]) {
      await expect(other.getByTestId('vtt-progress')).toHaveText(`Case ${n} of 4`);
      for (const k of ['r', '2', '3', 'y', 'Enter']) await other.keyboard.press(k);
    }
    await expect(other.getByTestId('vtt-progress')).toHaveText('Case 3 of 4');

    // Tab A finishes its (stale) display check: it goes on from tab B's answers instead of saving over them.
    await passDisplayCheck(page);
    await expect(page.getByTestId('vtt-progress')).toHaveText('Case 3 of 4');
    await expect(page.getByTestId('vtt-message')).toContainText('This reader went on in another tab or window.');
    expect((await readVttStore(page)).sessions[0]?.answers).toHaveLength(2);

    // Tab A answers case 3; tab B, still showing case 3, answers it too: B reloads A's answer instead of saving twice.
    for (const k of ['s', '2', '3', 'n', 'Enter']) await page.keyboard.press(k);
    await expect(page.getByTestId('vtt-progress')).toHaveText('Case 4 of 4');
    for (const k of ['r', '2', '3', 'y', 'Enter']) await other.keyboard.press(k);
    await expect(other.getByTestId('vtt-message')).toContainText('This reader went on in another tab or window.');
    await expect(other.getByTestId('vtt-progress')).toHaveText('Case 4 of 4');
    const answers = (await readVttStore(page)).sessions[0]?.answers ?? [];
    expect(answers.map((a) => a.call)).toEqual(['real', 'real', 'synthetic']);

    // Tab B leaves and deletes the study; tab A's next answer stops with a clear message instead of writing the
    // session back as an orphan.
    await other.getByRole('button', { name: 'Leave (answers are saved)' }).click();
    other.once('dialog', (dialog) => void dialog.accept());
    await other.getByTestId('vtt-study').getByRole('button', { name: 'Delete' }).click();
    await expect(other.getByTestId('vtt-study')).toHaveCount(0);
    for (const k of ['s', '2', '3', 'n', 'Enter']) await page.keyboard.press(k);
    await expect(page.getByRole('alert')).toHaveText('This reader is no longer on this machine (removed in another tab or window); the answer was not saved.');
    // nothing was written back: the store holds neither the study nor any session
    const keys = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('medcodi-vtt');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const all = await new Promise<IDBValidKey[]>((resolve, reject) => {
        const request = db.transaction('vtt').objectStore('vtt').getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return all.map(String);
    });
    expect(keys.filter((k) => k.startsWith('study/') || k.startsWith('session/'))).toEqual([]);
    await other.close();
  });

  test("findings: known for bundled phantoms and for images made from them, set against the readers' ticks", async ({ page, studio }) => {
    await studio.open();
    const labels = (cardiomegaly: 0 | 1) => ({ cardiomegaly, pleural_effusion: 0, pneumothorax: 0, consolidation: 0, nodule_or_mass: 0, pulmonary_edema: 0, endotracheal_tube: 0, central_line: 0 });
    // h1 was made from a case with cardiomegaly, h2 from a normal one (as the Studio records a bundled case's result)
    await seedResults(page, [
      { id: 'h1', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'T>F', seed: 1, frontalSlope: 2, override: { sourceCase: { id: 'phantom-02', labels: labels(1) } } },
      { id: 'h2', createdAt: '2026-11-27T10:01:00.000Z', directionId: 'T>F', seed: 2, frontalSlope: 3, override: { sourceCase: { id: 'phantom-01', labels: labels(0) } } },
    ]);
    await page.reload();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Number of cases', { exact: true }).fill('4');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    await page.getByLabel('Findings checklist').check();
    await expect(page.getByTestId('vtt-findings-hint')).toContainText('The study records what each case is known to show');
    for (const id of ['phantom-00', 'phantom-02']) await page.getByTestId(`vtt-example-${id}`).check();
    for (const id of ['h1', 'h2']) await page.getByTestId(`vtt-history-${id}`).check();
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);
    const store = await readVttStore(page);
    const sourceOf = (caseId: string) => {
      const source = store.key.find((k) => k.caseId === caseId)?.source;
      return source?.resultId ?? source?.exampleId ?? '?';
    };

    // Ticks (digits, after ArrowDown from the cues to the findings): 1 = Cardiomegaly, 8 = No finding.
    const ticks: Record<string, string[]> = { 'phantom-02': ['1'], 'phantom-00': ['8'], h1: ['8'], h2: ['1'] };
    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    await passDisplayCheck(page);
    for (const [index, caseId] of (store.sessions[0]?.order ?? []).entries()) {
      await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${index + 1} of 4`);
      await expect(page.getByRole('img', { name: `Case ${index + 1}` })).toBeVisible();
      for (const k of ['r', '2', '4', 'y', 'ArrowDown', ...(ticks[sourceOf(caseId)] ?? [])]) await page.keyboard.press(k);
      await expect(page.getByTestId('vtt-q-findings')).toHaveAttribute('aria-current', 'step');
      await page.keyboard.press('Enter');
    }
    await expect(page.getByTestId('vtt-done')).toContainText('All 4 cases answered.');
    await page.getByRole('button', { name: 'Back to the studies' }).click();
    await page.getByTestId('vtt-open-analysis').click();
    const table = page.getByTestId('vtt-findings');
    await expect(page.getByTestId('vtt-analysis')).toContainText('4 of 4 readings are of cases whose findings are known');
    // real with it (phantom-02) ticked; real without it (phantom-00) not; synthetic made with it (h1) not; without it (h2) ticked
    await expect(table.getByTestId('vtt-finding-Cardiomegaly').locator('td')).toHaveText([/^100\.0% \(1\/1;/, /^0\.0% \(0\/1;/, /^0\.0% \(0\/1;/, /^100\.0% \(1\/1;/]);
    // "No finding" ticked on phantom-00 (normal) and on h1 (made with cardiomegaly)
    await expect(table.getByTestId('vtt-finding-No finding').locator('td')).toHaveText([/^100\.0% \(1\/1;/, /^0\.0% \(0\/1;/, /^0\.0% \(0\/1;/, /^100\.0% \(1\/1;/]);
    await expect(page.getByTestId('vtt-analysis')).not.toContainText('ticked nothing');
    // R1 called every case real: right on the real phantom with cardiomegaly, wrong on the synthetic one made with it
    await expect(page.getByTestId('vtt-calls-by-finding').getByTestId('vtt-calls-Cardiomegaly').locator('td')).toHaveText([/^100\.0% \(1\/1;/, /^0\.0% \(0\/1;/]);
    // no case has an effusion: "with it" has no readings
    await expect(table.getByTestId('vtt-finding-Pleural effusion').locator('td')).toHaveText(['—', /^0\.0% \(0\/2;/, '—', /^0\.0% \(0\/2;/]);
    await page.getByTestId('vtt-analysis').screenshot({ path: test.info().outputPath('findings-analysis.png') });
    const csv = await downloadText(page, () => page.getByTestId('vtt-export-answers-csv').click());
    const [header, ...rows] = csv.text.trimEnd().split('\n');
    const columns = (header ?? '').split(',');
    const byCase = new Map(rows.map((row) => [row.split(',')[columns.indexOf('case_id')] ?? '', row.split(',')]));
    const cell = (caseId: string, column: string) => byCase.get(caseId)?.[columns.indexOf(column)];
    for (const k of store.key) {
      // the case's findings as "Item: present|absent" for every default checklist item, beside the reader's ticks
      const [made, ticked] = { 'phantom-00': [false, 'No finding'], 'phantom-02': [true, 'Cardiomegaly'], h1: [true, 'No finding'], h2: [false, 'Cardiomegaly'] }[sourceOf(k.caseId)] ?? [];
      const known = cell(k.caseId, 'case_findings') ?? '';
      expect(known, sourceOf(k.caseId)).toContain(`Cardiomegaly: ${made ? 'present' : 'absent'}; Pleural effusion: absent`);
      expect(known, sourceOf(k.caseId)).toContain(`No finding: ${made ? 'absent' : 'present'}`);
      expect(cell(k.caseId, 'findings'), sourceOf(k.caseId)).toBe(ticked);
    }
  });

  test('"Generate N now" makes the synthetic images through the engine from bundled cases, and the study knows what each was made to show', async ({ page, studio }) => {
    test.setTimeout(180_000);
    await studio.open();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Number of cases', { exact: true }).fill('4');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    await page.getByLabel('Findings checklist').check();
    await page.getByText('Generate N synthetic images now').click();
    await page.getByLabel('How many', { exact: true }).fill('2');
    await page.getByLabel('Denoising steps', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Generate 2 now' }).click();
    // the new results are chosen as the synthetic class once they are saved
    await expect(page.locator('[data-testid^="vtt-history-"]:checked')).toHaveCount(2, { timeout: 120_000 });
    for (const id of ['phantom-00', 'phantom-02']) await page.getByTestId(`vtt-example-${id}`).check();
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);

    type Stored = { id: string; directionId: string; inputNames: { frontal?: string }; outputs: { frontal?: unknown; lateral?: unknown }; sourceCase?: { id: string; labels: Record<string, number> } };
    const records = await readResults<Stored>(page);
    expect(records).toHaveLength(2);
    const cases = JSON.parse(await readFile(fileURLToPath(new URL('../public/examples/cases.json', import.meta.url)), 'utf8')) as { id: string; labels: Record<string, number> }[];
    const store = await readVttStore(page);
    for (const record of records) {
      expect(record.directionId).toBe('T>F');
      expect(record.outputs.frontal).toBeTruthy();
      // the record keeps the bundled case it was made from, with that case's ground truth
      const source = cases.find((c) => c.id === record.sourceCase?.id);
      expect(source, `record ${record.id} names its bundled case`).toBeTruthy();
      expect(record.sourceCase?.labels).toEqual(source?.labels);
      // and the study's key holds those findings in the checklist's words
      const key = store.key.find((k) => k.source.resultId === record.id);
      const has = (label: string) => (source?.labels[label] ?? 0) === 1;
      const anything = Object.values(source?.labels ?? {}).some((v) => v === 1);
      expect(key?.findingTruth?.['Cardiomegaly']).toBe(has('cardiomegaly'));
      expect(key?.findingTruth?.['Pleural effusion']).toBe(has('pleural_effusion'));
      expect(key?.findingTruth?.['Tube or line']).toBe(has('endotracheal_tube') || has('central_line'));
      expect(key?.findingTruth?.['No finding']).toBe(!anything);
    }

    // An image-conditioned direction keeps its bundled case too (the conditioning image is that case's frontal).
    await page.getByTestId('vtt-new-study').click();
    await page.getByText('Generate N synthetic images now').click();
    await page.getByLabel('How many', { exact: true }).fill('1');
    await page.getByLabel('Denoising steps', { exact: true }).fill('2');
    await page.getByLabel('Direction', { exact: true }).selectOption({ label: 'frontal → lateral' });
    await page.getByRole('button', { name: 'Generate 1 now' }).click();
    await expect(page.locator('[data-testid^="vtt-history-"]')).toHaveCount(3, { timeout: 120_000 });
    const lateral = (await readResults<Stored>(page)).find((r) => r.directionId === 'F>L');
    expect(lateral?.outputs.lateral).toBeTruthy();
    expect(lateral?.sourceCase?.id).toBe(lateral?.inputNames.frontal);
    expect(lateral?.sourceCase?.labels).toEqual(cases.find((c) => c.id === lateral?.sourceCase?.id)?.labels);
  });

  test('a report study: readers judge reports as text, real and generated alike, and the analysis says so', async ({ page, studio }) => {
    await studio.open();
    const labels = (cardiomegaly: 0 | 1) => ({ cardiomegaly, pleural_effusion: 0, pneumothorax: 0, consolidation: 0, nodule_or_mass: 0, pulmonary_edema: 0, endotracheal_tube: 0, central_line: 0 });
    await seedResults(page, [
      { id: 'r1', createdAt: '2026-11-27T10:00:00.000Z', directionId: 'F>T', seed: 1, report: 'FINDINGS: There is mild cardiomegaly.  No pleural effusion.', override: { sourceCase: { id: 'phantom-02', labels: labels(1) } } },
      { id: 'r2', createdAt: '2026-11-27T10:01:00.000Z', directionId: 'F>T', seed: 2, report: 'FINDINGS: The lungs are clear. IMPRESSION: No acute disease.' },
      // an image result: not offered in a report study
      { id: 'i1', createdAt: '2026-11-27T10:02:00.000Z', directionId: 'T>F', seed: 3, frontalSlope: 2 },
    ]);
    await page.reload();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByTestId('vtt-stimulus-report').check();
    await expect(page.getByTestId('vtt-real-files')).toHaveCount(0);
    await expect(page.getByTestId('vtt-ask-cues')).toHaveCount(0);
    await expect(page.getByTestId('vtt-view-frontal')).toHaveCount(0);
    await expect(page.getByTestId('vtt-history-i1')).toHaveCount(0);
    await page.getByLabel('Number of cases', { exact: true }).fill('4');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    for (const id of ['phantom-00', 'phantom-02']) await page.getByTestId(`vtt-example-${id}`).check();
    for (const id of ['r1', 'r2']) await page.getByTestId(`vtt-history-${id}`).check();
    await expect(page.getByTestId('vtt-chosen')).toContainText('Chosen: 2 real and 2 synthetic reports');
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);
    await expect(page.getByTestId('vtt-study')).toContainText('4 cases · reports · seed');
    const store = await readVttStore(page);
    const sourceOf = (caseId: string) => {
      const source = store.key.find((k) => k.caseId === caseId)?.source;
      return source?.resultId ?? source?.exampleId ?? '?';
    };
    const cases = JSON.parse(await readFile(fileURLToPath(new URL('../public/examples/cases.json', import.meta.url)), 'utf8')) as { id: string; report: string }[];
    const expectedText: Record<string, string> = {
      'phantom-00': (cases.find((c) => c.id === 'phantom-00')?.report ?? '').replace(/\s+/g, ' ').trim(),
      'phantom-02': (cases.find((c) => c.id === 'phantom-02')?.report ?? '').replace(/\s+/g, ' ').trim(),
      r1: 'FINDINGS: There is mild cardiomegaly. No pleural effusion.',
      r2: 'FINDINGS: The lungs are clear. IMPRESSION: No acute disease.',
    };

    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    // the report study's own default instructions (switched with the stimulus, since they were not edited)
    await expect(page.getByTestId('vtt-profile-exposure')).toContainText('Have you read synthetic (AI-generated) chest X-ray reports before?');
    await passDisplayCheck(page, { instructions: 'You will read chest X-ray reports one at a time.', kind: 'report' });
    // Past the start screen with no answer yet: saved as started, with no display check; a reload goes on to the
    // first case instead of asking again.
    await expect(page.getByTestId('vtt-progress')).toHaveText('Case 1 of 4');
    const started = (await readVttStore(page)).sessions[0];
    expect(started?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(started?.displayChecked).toBe(false);
    await page.reload();
    await expect(page.getByTestId('vtt-reader')).toBeVisible();
    await expect(page.getByTestId('vtt-display-check')).toHaveCount(0);
    // Leaving before the first answer: the studies list offers to resume, not to start again.
    await page.getByRole('button', { name: 'Leave (answers are saved)' }).click();
    await page.getByRole('button', { name: 'Resume reading as R1' }).click();
    await expect(page.getByTestId('vtt-progress')).toHaveText('Case 1 of 4');
    for (const [index, caseId] of (store.sessions[0]?.order ?? []).entries()) {
      await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${index + 1} of 4`);
      // no cue question: its cues are about images
      await expect(page.getByTestId('vtt-q-cues')).toHaveCount(0);
      // the report as text, nothing else: no image, no viewer
      await expect(page.getByTestId('vtt-report-stimulus')).toHaveText(expectedText[sourceOf(caseId)] ?? '?');
      await expect(page.getByTestId('vtt-report-stimulus')).toHaveAccessibleName(`Case ${index + 1}`);
      await expect(page.locator('.vtt-stage canvas')).toHaveCount(0);
      if (index === 0) {
        const scan = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        expect(scan.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
        await page.screenshot({ path: test.info().outputPath('report-reader.png') });
      }
      const truth = store.key.find((k) => k.caseId === caseId)?.truth;
      for (const k of [truth === 'synthetic' ? 's' : 'r', '2', '4', 'y']) await page.keyboard.press(k);
      if (sourceOf(caseId) === 'r1') {
        // a report study asks no cues but keeps the comment: Enter in it saves the case
        await page.getByTestId('vtt-comment').fill('Reads like a template: "No pleural effusion" after every finding');
        await page.getByTestId('vtt-comment').press('Enter');
      } else {
        await page.keyboard.press('Enter');
      }
    }
    await expect(page.getByTestId('vtt-done')).toContainText('All 4 cases answered.');
    await page.getByRole('button', { name: 'Back to the studies' }).click();
    await page.getByTestId('vtt-open-analysis').click();
    await expect(page.getByTestId('vtt-analysis')).toContainText('4 report cases (2 real, 2 synthetic) · 1 reader · 4 readings');
    await expect(page.getByTestId('vtt-row-R1').getByTestId('acc')).toContainText('100.0% (4/4;');
    await expect(page.getByTestId('vtt-analysis')).toContainText('real: bundled phantoms (report)');
    await expect(page.getByTestId('vtt-analysis')).toContainText('synthetic: F → T (report)');
    // no viewing tools in a report study, so no line about them
    await expect(page.getByTestId('vtt-viewing')).toHaveCount(0);
    // nor a display check: the reader line has no display part
    await expect(page.getByTestId('vtt-readers')).toContainText('R1: Radiology resident; has seen synthetic X-ray reports before. Consent: agreed to the instructions on');
    await expect(page.getByTestId('vtt-readers')).not.toContainText('Display');
    await expect(page.getByTestId('vtt-comments')).toContainText('(synthetic, called synthetic): Reads like a template: "No pleural effusion" after every finding');
  });

  test('local PNG and DICOM files as real images; an unreadable image is skipped with a clear message', async ({ page, studio }) => {
    await studio.open();
    await seedHistory(page, ['h1', 'h2']);
    await page.reload();
    await studio.nav('reader-study').click();
    await page.getByTestId('vtt-new-study').click();
    await page.getByLabel('Number of cases', { exact: true }).fill('4');
    await page.getByLabel('Readers (pseudonyms, comma-separated)').fill('R1');
    await page.getByTestId('vtt-real-files').setInputFiles([
      { name: 'chest.png', mimeType: 'image/png', buffer: phantomPng(128) },
      { name: 'chest.dcm', mimeType: 'application/dicom', buffer: tinyDicom(96) },
    ]);
    for (const id of ['h1', 'h2']) await page.getByTestId(`vtt-history-${id}`).check();
    await page.getByTestId('vtt-build').click();
    await expect(page.getByTestId('vtt-study')).toHaveCount(1);
    const store = await readVttStore(page);
    expect(store.key.filter((k) => k.truth === 'real').map((k) => (k.source as { fileType?: string }).fileType).sort()).toEqual(['dicom', 'png']);
    const firstCase = store.sessions[0]?.order[0];
    if (!firstCase) throw new Error('no order');
    await corruptCaseImage(page, firstCase);

    await page.getByRole('button', { name: 'Start reading as R1' }).click();
    await passDisplayCheck(page);
    await expect(page.getByTestId('vtt-unreadable')).toContainText('This image could not be shown (its pixel data is incomplete)');
    await page.keyboard.press('s'); // answer keys do nothing on an unreadable case
    await page.keyboard.press('Enter');
    for (let n = 2; n <= 4; n += 1) {
      await expect(page.getByTestId('vtt-progress')).toHaveText(`Case ${n} of 4`);
      for (const k of ['r', '2', '4', 'y', 'Enter']) await page.keyboard.press(k);
    }
    await expect(page.getByTestId('vtt-done')).toBeVisible();
    await page.getByRole('button', { name: 'Back to the studies' }).click();
    await page.getByTestId('vtt-open-analysis').click();
    await expect(page.getByTestId('vtt-analysis')).toContainText('3 readings · 1 skipped (unreadable)');
    await expect(page.getByTestId('vtt-row-R1').getByTestId('acc')).toContainText('/3;');
    const answers = (await readVttStore(page)).sessions[0]?.answers ?? [];
    expect(answers.map((x) => x.call)).toEqual([null, 'real', 'real', 'real']);
  });
});
