import { describe, expect, it } from 'vitest';
import { gradient, imageOf, scenarioCandidates } from './__fixtures__/scenario';
import { buildStudy, keyByCase, normaliseStimulus, sourcePatient, type StimulusCandidate } from './build-study';
import { createSeededRandom, hashToSeed, shuffled } from './prng';
import { MIN_REPEAT_GAP, readerOrder } from './reader-order';
import { DEFAULT_SETTINGS, caseMix, checkSettings, imageProblem, maxRepeats, stimulusProblem, studyInstructions, type CaseSource } from './study';

const settings = { ...DEFAULT_SETTINGS, caseCount: 6, syntheticShare: 0.5, seed: 7, resolution: 16 };
const input = (candidates: StimulusCandidate[] = scenarioCandidates(), seed = 7) => ({
  settings: { ...settings, seed },
  candidates,
  studyId: 's1',
  createdAt: '2026-01-01T00:00:00.000Z',
  appVersion: 'test',
});

describe('seeded randomness', () => {
  it('is reproducible and differs between seeds', () => {
    const a = createSeededRandom(1);
    const b = createSeededRandom(1);
    const c = createSeededRandom(2);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('hashes strings with FNV-1a', () => {
    // FNV-1a 32-bit reference values: "" → 0x811c9dc5, "a" → 0xe40c292c.
    expect(hashToSeed('')).toBe(0x811c9dc5);
    expect(hashToSeed('a')).toBe(0xe40c292c);
  });

  it('shuffles to a permutation', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, createSeededRandom(3));
    expect([...out].sort((x, y) => x - y)).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('buildStudy', () => {
  it('draws the requested mix with opaque ids and keeps truth only in the key', () => {
    const result = buildStudy(input());
    if (!result.ok) throw new Error(result.problems.join());
    const { study } = result;
    expect(study.cases).toHaveLength(6);
    const key = keyByCase(study);
    expect(study.cases.filter((c) => key.get(c.caseId)?.truth === 'synthetic')).toHaveLength(3);
    for (const c of study.cases) {
      expect(c.caseId).toMatch(/^c[0-9a-f]{12}$/);
      expect(Object.keys(c).sort()).toEqual(['caseId', 'image']);
      expect(Object.keys(imageOf(c)).sort()).toEqual(['height', 'pixels', 'width']);
      expect(imageProblem(c.image, 16)).toBeNull();
    }
    expect(result.notes.join(' ')).toMatch(/2 chosen images were not drawn/);
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = buildStudy(input());
    const b = buildStudy(input());
    const c = buildStudy(input(scenarioCandidates(), 8));
    if (!a.ok || !b.ok || !c.ok) throw new Error('build failed');
    expect(b.study.cases.map((x) => x.caseId)).toEqual(a.study.cases.map((x) => x.caseId));
    expect(b.study.key).toEqual(a.study.key);
    expect(c.study.cases.map((x) => x.caseId)).not.toEqual(a.study.cases.map((x) => x.caseId));
  });

  it('puts real and synthetic images through the same normalisation', () => {
    // A 40×20 "real" image and a 64×64 "synthetic" one both come out 16×16, 8-bit, pixels only.
    const wide = gradient(40, 20, 1);
    const square = gradient(64, 64, 2);
    const a = normaliseStimulus(wide, 16);
    const b = normaliseStimulus(square, 16);
    expect(a.pixels).toBeInstanceOf(Uint8Array);
    expect(b.pixels).toBeInstanceOf(Uint8Array);
    expect([a.width, a.height, a.pixels.length]).toEqual([16, 16, 256]);
    expect([b.width, b.height, b.pixels.length]).toEqual([16, 16, 256]);
    // Same-size input is copied unchanged (no hidden filtering that only one class would get).
    const same = gradient(16, 16, 3);
    expect(Array.from(normaliseStimulus(same, 16).pixels)).toEqual(Array.from(same.pixels));
  });

  it('explains what is missing when a pool is too small', () => {
    const onlyReal = scenarioCandidates().filter((c) => c.truth === 'real');
    const result = buildStudy(input(onlyReal));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/needs 3 synthetic images but only 0 are chosen/);
  });

  it('uses an image offered twice once', () => {
    const candidates = scenarioCandidates();
    const result = buildStudy({ ...input([...candidates, candidates[0] as StimulusCandidate]), settings: { ...settings, caseCount: 8 } });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.notes.join(' ')).toMatch(/offered twice/);
  });

  it('checks settings', () => {
    expect(checkSettings({ ...settings, syntheticShare: 1 })[0]).toMatch(/share of synthetic/);
    expect(checkSettings({ ...settings, questions: { ...settings.questions, findings: Array.from({ length: 10 }, (_, i) => `f${i}`) } })[0]).toMatch(/at most 9/);
    expect(caseMix({ caseCount: 10, syntheticShare: 0.3 })).toEqual({ real: 7, synthetic: 3 });
    expect(caseMix({ caseCount: 2, syntheticShare: 0.01 })).toEqual({ real: 1, synthetic: 1 });
  });
});

describe('readerOrder', () => {
  it('gives each reader a stable permutation of their own', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const r1 = readerOrder(ids, 42, 'reader-a');
    expect(readerOrder(ids, 42, 'reader-a')).toEqual(r1);
    expect([...r1].sort()).toEqual([...ids].sort());
    expect(readerOrder(ids, 42, 'reader-b')).not.toEqual(r1);
    expect(readerOrder(ids, 43, 'reader-a')).not.toEqual(r1);
  });

  it('shows repeated cases a second time in the second half, well after the first reading, and no case three times', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const plain = readerOrder(ids, 42, 'reader-a');
    // No repeats: the same order as before repeats existed (older sessions keep theirs).
    expect(readerOrder(ids, 42, 'reader-a', 0)).toEqual(plain);
    expect(plain).toEqual(shuffled(ids, createSeededRandom(hashToSeed('42:reader-a'))));
    for (const reader of ['reader-a', 'reader-b', 'reader-c', 'reader-d']) {
      const order = readerOrder(ids, 42, reader, 4);
      expect(readerOrder(ids, 42, reader, 4)).toEqual(order);
      expect(order).toHaveLength(24);
      expect(new Set(order).size).toBe(20);
      const twice = ids.filter((id) => order.filter((o) => o === id).length === 2);
      expect(twice).toHaveLength(4);
      for (const id of twice) {
        const first = order.indexOf(id);
        const second = order.lastIndexOf(id);
        expect(first).toBeLessThan(10);
        expect(second).toBeGreaterThanOrEqual(10);
        expect(second - first).toBeGreaterThan(MIN_REPEAT_GAP);
      }
      // Without the repeats, the reader's cases keep their plain order.
      expect(order.filter((id, i) => order.indexOf(id) === i)).toEqual(readerOrder(ids, 42, reader));
    }
  });

  it('limits repeats to a quarter of the cases and 50', () => {
    expect([maxRepeats(8), maxRepeats(10), maxRepeats(400), maxRepeats(0)]).toEqual([2, 2, 50, 0]);
    const settings = { ...DEFAULT_SETTINGS, caseCount: 8 };
    expect(checkSettings({ ...settings, repeats: 2 })).toEqual([]);
    expect(checkSettings({ ...settings, repeats: 3 })[0]).toMatch(/Cases read twice must be a whole number from 0 to 2/);
    expect(checkSettings({ ...settings, repeats: 1.5 })).toHaveLength(1);
    expect(checkSettings({ ...settings, repeats: -1 })).toHaveLength(1);
    expect(checkSettings({ ...settings, instructions: 'x'.repeat(4001) })).toEqual(['The instructions can be at most 4000 characters long.']);
    expect(checkSettings({ ...settings, instructions: 'x'.repeat(4000) })).toEqual([]);
    // Blank instructions are none: no consent is asked or recorded.
    expect([studyInstructions({ instructions: ' \n ' }), studyInstructions({}), studyInstructions({ instructions: ' Read. ' })]).toEqual([null, null, 'Read.']);
  });
});

describe('planGenerationJobs', () => {
  it('spreads N jobs over the cases with consecutive seeds after the study seed', async () => {
    const { planGenerationJobs } = await import('./plan-generation');
    const jobs = planGenerationJobs(5, 100, ['a', 'b', 'c']);
    expect(jobs.map((j) => j.seed)).toEqual([101, 102, 103, 104, 105]);
    const firstRound = jobs.slice(0, 3).map((j) => j.exampleId).sort();
    expect(firstRound).toEqual(['a', 'b', 'c']);
    expect(planGenerationJobs(5, 100, ['a', 'b', 'c'])).toEqual(jobs);
    expect(planGenerationJobs(0, 1, ['a'])).toEqual([]);
  });
});

describe('practice cases', () => {
  const extra = (): StimulusCandidate[] => [
    { truth: 'real', source: { kind: 'bundled-example', exampleId: 'phantom-09', view: 'frontal', phantom: true }, image: gradient(64, 64, 40) },
    { truth: 'synthetic', source: { kind: 'history', resultId: 'h9', modelId: 'm', modelVersion: '1', directionId: 'T>F', seed: 9, steps: 8, guidanceScale: 7.5, view: 'frontal' }, image: gradient(64, 64, 41) },
    { truth: 'synthetic', source: { kind: 'history', resultId: 'h8', modelId: 'm', modelVersion: '1', directionId: 'T>F', seed: 8, steps: 8, guidanceScale: 7.5, view: 'frontal' }, image: gradient(64, 64, 42) },
  ];
  const build = (practiceCases: number, candidates = [...scenarioCandidates(), ...extra()]) =>
    buildStudy({ settings: { ...DEFAULT_SETTINGS, caseCount: 8, seed: 42, resolution: 32, practiceCases }, candidates, studyId: 's', createdAt: 't', appVersion: 'v' });

  it('come from the chosen images the study leaves over, both kinds, and leave the study itself as it was', () => {
    const plain = build(0);
    const practised = build(2);
    if (!plain.ok || !practised.ok) throw new Error('not built');
    expect(plain.study.practice).toBeUndefined();
    // The same cases, ids and key with or without practice (practice is drawn after the study).
    expect(practised.study.cases).toEqual(plain.study.cases);
    expect(practised.study.key).toEqual(plain.study.key);
    const practice = practised.study.practice ?? [];
    expect(practice).toHaveLength(2);
    expect(practice.map((p) => p.truth).sort()).toEqual(['real', 'synthetic']);
    expect(practice.every((p) => p.caseId.startsWith('p') && imageOf(p).width === 32)).toBe(true);
    const studyIds = new Set(practised.study.cases.map((c) => c.caseId));
    expect(practice.some((p) => studyIds.has(p.caseId))).toBe(false);
    // Not one of the study's images.
    const studyPixels = new Set(practised.study.cases.map((c) => Array.from(imageOf(c).pixels).join()));
    expect(practice.some((p) => studyPixels.has(Array.from(imageOf(p).pixels).join()))).toBe(false);
    const again = build(2);
    expect(again.ok && again.study.practice).toEqual(practice);
  });

  it('are never the other view of a study case', () => {
    // Each scenario case offered in both views: the study takes 8 of the 16 images, the rest share patients with it.
    const laterals = scenarioCandidates().map((c, i) => ({ truth: c.truth, source: { ...c.source, view: 'lateral' as const } as CaseSource, image: gradient(64, 64, 60 + i) }));
    let built = 0;
    for (let seed = 1; seed <= 30; seed += 1) {
      const result = buildStudy({
        settings: { ...DEFAULT_SETTINGS, caseCount: 8, seed, resolution: 32, practiceCases: 1 },
        candidates: [...scenarioCandidates(), ...laterals],
        studyId: 's',
        createdAt: 't',
        appVersion: 'v',
      });
      if (!result.ok) {
        expect(result.problems[0]).toMatch(/nor another view of one it uses: only 0 of the chosen images are left for 1 practice case/);
        continue;
      }
      built += 1;
      const studyPatients = new Set(result.study.key.map((k) => sourcePatient(k.source)));
      for (const p of result.study.practice ?? []) expect(studyPatients.has(sourcePatient(p.source))).toBe(false);
    }
    expect(built).toBeGreaterThan(0);
  });

  it('are never a study image offered again under another name', () => {
    // Every scenario image offered twice, the second time as a local file copy.
    const copies = scenarioCandidates().map((c, i): StimulusCandidate => ({ ...c, source: { kind: 'local-file', fileName: `copy-${i}.png`, fileType: 'png' } }));
    let built = 0;
    for (let seed = 1; seed <= 20; seed += 1) {
      const result = buildStudy({
        settings: { ...DEFAULT_SETTINGS, caseCount: 8, seed, resolution: 32, practiceCases: 2 },
        candidates: [...scenarioCandidates(), ...copies],
        studyId: 's',
        createdAt: 't',
        appVersion: 'v',
      });
      if (!result.ok) continue;
      built += 1;
      const studyPixels = new Set(result.study.cases.map((c) => Array.from(imageOf(c).pixels).join()));
      for (const p of result.study.practice ?? []) expect(studyPixels.has(Array.from(imageOf(p).pixels).join())).toBe(false);
    }
    expect(built).toBeGreaterThan(0);
  });

  it('are refused when the chosen images leave too few over, and are at most 5', () => {
    const short = build(2, scenarioCandidates());
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.problems[0]).toBe('Practice cases must be images the study does not use: 2 practice cases need 2 more chosen images than the 8 cases, and none is left over. Choose more images or fewer practice cases.');
    expect(checkSettings({ ...DEFAULT_SETTINGS, practiceCases: 6 })).toEqual(['Practice cases must be a whole number from 0 to 5.']);
  });
});

describe('report studies', () => {
  const NORMAL = { cardiomegaly: 0, pleural_effusion: 0, pneumothorax: 0, consolidation: 0, nodule_or_mass: 0, pulmonary_edema: 0, endotracheal_tube: 0, central_line: 0 };
  const realReport = (i: number): StimulusCandidate => ({
    truth: 'real',
    source: { kind: 'bundled-example', exampleId: `phantom-0${i}`, view: 'report', phantom: true },
    report: `FINDINGS:   The heart size is normal.\n\nCase ${i}.  `,
    labels: { ...NORMAL, cardiomegaly: i % 2 },
  });
  const generatedReport = (i: number, text = `FINDINGS: There is mild cardiomegaly. Result ${i}.`): StimulusCandidate => ({
    truth: 'synthetic',
    source: { kind: 'history', resultId: `h${i}`, modelId: 'medcodi-nano', modelVersion: '0.2.1', directionId: 'F>T', seed: i, steps: 50, guidanceScale: 7.5, view: 'report' },
    report: text,
  });
  const settings = { ...DEFAULT_SETTINGS, caseCount: 4, syntheticShare: 0.5, seed: 3, stimulus: 'report' as const, questions: { ...DEFAULT_SETTINGS.questions, askCues: false, findings: ['Cardiomegaly', 'No finding'] } };

  it('show reports as text, real and generated normalised alike, with the known findings in the key', () => {
    const built = buildStudy({ settings, candidates: [realReport(0), realReport(1), generatedReport(1), generatedReport(2)], studyId: 's', createdAt: 't', appVersion: 'test' });
    if (!built.ok) throw new Error(built.problems.join(' '));
    expect(built.study.cases.every((c) => c.image === undefined && typeof c.report === 'string')).toBe(true);
    // whitespace collapsed and trimmed for both classes, nothing else changed
    expect(built.study.cases.map((c) => c.report).sort()).toEqual([
      'FINDINGS: The heart size is normal. Case 0.',
      'FINDINGS: The heart size is normal. Case 1.',
      'FINDINGS: There is mild cardiomegaly. Result 1.',
      'FINDINGS: There is mild cardiomegaly. Result 2.',
    ]);
    const phantom1 = built.study.key.find((k) => k.source.kind === 'bundled-example' && k.source.exampleId === 'phantom-01');
    expect(phantom1?.findingTruth).toEqual({ Cardiomegaly: true, 'No finding': false });
  });

  it('cannot ask the image cue question, and know a report from an image', () => {
    expect(checkSettings({ ...settings, questions: { ...settings.questions, askCues: true } })).toEqual([
      'The cue question (lines, ribs, texture, markers, anatomy) is about images; a report study cannot ask it.',
    ]);
    expect(checkSettings({ ...settings, questions: { ...settings.questions, askCues: false } })).toEqual([]);
    expect(stimulusProblem({ report: 'FINDINGS: clear.' }, settings)).toBeNull();
    expect(stimulusProblem({ report: ' \n ' }, settings)).toBe('the case has no report text');
    expect(stimulusProblem({ image: { width: 64, height: 64, pixels: new Uint8Array(4096) } }, settings)).toBe('it is an image in a report study');
    expect(stimulusProblem({ report: 'x' }, { ...settings, stimulus: undefined })).toBe('it is a report in an image study');
    expect(stimulusProblem({ image: { width: 64, height: 64, pixels: new Uint8Array(4096) } }, { ...settings, stimulus: undefined })).toBeNull();
  });

  it('leave out images, empty reports and over-long ones, saying why', () => {
    const image: StimulusCandidate = { truth: 'real', source: { kind: 'local-file', fileName: 'x.png', fileType: 'png' }, image: gradient(8, 8, 1) };
    const built = buildStudy({
      settings,
      candidates: [realReport(0), realReport(1), image, generatedReport(1), generatedReport(2), generatedReport(3, '   '), generatedReport(4, 'x'.repeat(4001))],
      studyId: 's',
      createdAt: 't',
      appVersion: 'test',
    });
    if (!built.ok) throw new Error(built.problems.join(' '));
    expect(built.notes).toContain('file:x.png is an image, and this study shows reports and was left out.');
    expect(built.notes).toContain('history:h3:report has an empty report and was left out.');
    expect(built.notes).toContain('history:h4:report has a report longer than 4000 characters and was left out.');
    // and an image study leaves out reports
    const imageStudy = buildStudy({ settings: { ...settings, stimulus: 'image' }, candidates: [...scenarioCandidates(), realReport(0)], studyId: 's', createdAt: 't', appVersion: 'test' });
    expect(imageStudy.ok && imageStudy.notes).toContain('example:phantom-00:report is a report, and this study shows images and was left out.');
  });

  it('use a text offered twice once, whatever its source or truth', () => {
    const twin = generatedReport(7, 'FINDINGS:  The heart size is normal.\nCase 0.');
    const built = buildStudy({ settings, candidates: [realReport(0), realReport(1), generatedReport(1), generatedReport(2), twin], studyId: 's', createdAt: 't', appVersion: 'test' });
    if (!built.ok) throw new Error(built.problems.join(' '));
    expect(built.notes).toContain('history:h7:report has the same text as example:phantom-00:report; it was left out.');
    expect(new Set(built.study.cases.map((c) => c.report)).size).toBe(4);
  });

  it('say "reports" when too few are chosen, and never use a study report again under another name for practice', () => {
    const short = buildStudy({ settings, candidates: [realReport(0), generatedReport(1)], studyId: 's', createdAt: 't', appVersion: 'test' });
    expect(!short.ok && short.problems[0]).toBe(
      'The study needs 2 real reports but only 1 is chosen. Choose more reports, or lower the number of cases or change the share of synthetic cases.',
    );
    // h9 says exactly what h1 says: it cannot be a practice case while h1 is a study case
    const same = generatedReport(9, 'FINDINGS: There is mild cardiomegaly. Result 1.');
    let withPractice = 0;
    for (let seed = 1; seed <= 20; seed += 1) {
      const built = buildStudy({
        settings: { ...settings, seed, practiceCases: 1 },
        candidates: [realReport(0), realReport(1), realReport(3), generatedReport(1), generatedReport(2), same],
        studyId: 's',
        createdAt: 't',
        appVersion: 'test',
      });
      if (!built.ok) continue;
      const studyTexts = new Set(built.study.cases.map((c) => c.report));
      for (const p of built.study.practice ?? []) expect(studyTexts.has(p.report)).toBe(false);
      withPractice += built.study.practice?.length ?? 0;
    }
    expect(withPractice).toBeGreaterThan(5);
  });
});
