import { describe, expect, it } from 'vitest';
import { imageOf, scenarioStudy, scriptedSession } from './__fixtures__/scenario';
import { analyseStudy } from './analysis';
import { appendAnswer, verifyAnswerChain, type ReaderSession } from './reader-session';
import { buildStudy } from './build-study';
import { DEFAULT_SETTINGS, type StudyImage } from './study';
import { TAMPERED_MESSAGE, exportStudyFile, importStudyFile, studyDigest } from './study-file';

/** The session as a studio from before cues were asked would have recorded it (no cues or comment fields). */
async function withoutCues(session: ReaderSession): Promise<ReaderSession> {
  let older: ReaderSession = { ...session, answers: [] };
  for (const answer of session.answers) {
    const { chain: _chain, cues: _cues, comment: _comment, ...rest } = answer;
    older = await appendAnswer(older, rest, session.updatedAt);
  }
  return older;
}

const exportedAt = '2026-01-03T00:00:00.000Z';

describe('study files', () => {
  it('round-trip a study and its sessions exactly', async () => {
    const study = scenarioStudy();
    const session = await scriptedSession(study, 'R1', 'reader-1');
    const text = await exportStudyFile(study, [session], exportedAt);
    const result = await importStudyFile(text);
    if (!result.ok) throw new Error(result.message);
    expect(result.exportedAt).toBe(exportedAt);
    expect(result.sessions).toEqual([session]);
    expect(result.study.key).toEqual(study.key);
    expect(result.study.cases.map((c) => Array.from(imageOf(c).pixels))).toEqual(study.cases.map((c) => Array.from(imageOf(c).pixels)));
    expect(await studyDigest(result.study)).toBe(await studyDigest(study));
  });

  it("keep each answer's cues and comment, so the answer chain still verifies after import", async () => {
    const study = scenarioStudy();
    const session = await scriptedSession(study, 'R2', 'reader-2');
    expect(session.answers.map((a) => a.comment).filter(Boolean)).toEqual(['Grainy lung fields, "too smooth" ribs']);
    const result = await importStudyFile(await exportStudyFile(study, [session], exportedAt));
    if (!result.ok) throw new Error(result.message);
    expect(result.study.settings.questions.askCues).toBe(true);
    expect(result.sessions).toEqual([session]);
    expect(await verifyAnswerChain(result.sessions[0] as ReaderSession)).toBe(true);
  });

  it('keep practice cases and practice answers, and refuse practice that does not fit the study', async () => {
    const built = scenarioStudy();
    const first = built.cases[0] as (typeof built.cases)[number];
    // A practice image of its own: the first case's image, inverted.
    const own: StudyImage = { width: imageOf(first).width, height: imageOf(first).height, pixels: imageOf(first).pixels.map((v) => 255 - v) };
    const practiceCase = { caseId: 'p1', image: own, truth: 'synthetic' as const, source: { kind: 'local-file' as const, fileName: 'practice.png', fileType: 'png' as const } };
    const study = { ...built, settings: { ...built.settings, practiceCases: 1 }, practice: [practiceCase] };
    const scripted = await scriptedSession(study, 'R1', 'reader-1');
    const session: ReaderSession = { ...scripted, practice: [{ caseId: 'p1', call: 'real', confidence: 2, correct: false, answeredAt: 'then' }] };
    const result = await importStudyFile(await exportStudyFile(study, [session], exportedAt));
    if (!result.ok) throw new Error(result.message);
    expect(result.study.practice).toEqual(study.practice);
    expect(await studyDigest(result.study)).toBe(await studyDigest(study));
    expect(await studyDigest(study)).not.toBe(await studyDigest(built));
    expect(result.sessions).toEqual([session]);

    const refused = async (bad: typeof study, sessions: ReaderSession[], why: string) =>
      expect(await importStudyFile(await exportStudyFile(bad, sessions, exportedAt))).toMatchObject({ ok: false, message: expect.stringContaining(why) });
    await refused({ ...study, practice: [{ ...practiceCase, image: { ...own, pixels: new Uint8Array(10) } }] }, [], 'practice case p1 is unusable');
    await refused({ ...study, practice: [{ ...practiceCase, image: imageOf(first) }] }, [], "practice case p1 shows one of the study's own images");
    await refused({ ...study, practice: [{ ...practiceCase, caseId: first.caseId }] }, [], 'is used twice');
    await refused({ ...study, practice: [] }, [], 'it has 0 practice cases but its settings say 1');
    const many = Array.from({ length: 6 }, (_, i) => ({ ...practiceCase, caseId: `p${i}`, image: { ...own, pixels: own.pixels.map((v) => (v + i + 1) % 256) } }));
    await refused({ ...study, settings: { ...study.settings, practiceCases: 6 }, practice: many }, [], 'it has 6 practice cases, more than 5');
    const wrongMark = { ...session, practice: [{ caseId: 'p1', call: 'real' as const, confidence: 2, correct: true, answeredAt: 'then' }] };
    await refused(study, [wrongMark], "reader R1's practice answers do not match the practice cases");
  });

  it("keep each reader's profile and display check", async () => {
    const study = scenarioStudy();
    const scripted = await scriptedSession(study, 'R1', 'reader-1');
    const check = { darkStepVisible: true, brightStepVisible: false, monitor: 'laptop', roomLight: 'office', checkedAt: '2026-01-02T00:00:00.000Z' } as const;
    const display = { screenWidth: 1920, screenHeight: 1080, viewportWidth: 1900, viewportHeight: 1000, devicePixelRatio: 2, userAgent: 'test', check };
    const reader = { ...scripted.reader, role: 'Radiologist', yearsExperience: 12, subspecialty: 'Thoracic', priorSyntheticExposure: false };
    const consent = { instructionsSha256: 'c'.repeat(64), agreedAt: '2026-01-02T00:00:00.000Z' };
    const session: ReaderSession = { ...scripted, reader, display, consent, startedAt: '2026-01-02T00:00:00.000Z' };
    const result = await importStudyFile(await exportStudyFile(study, [session], exportedAt));
    if (!result.ok) throw new Error(result.message);
    expect(result.sessions[0]?.display).toEqual(display);
    expect(result.sessions[0]?.startedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(result.sessions[0]?.reader).toEqual(reader);
    expect(result.sessions[0]?.consent).toEqual(consent);
    expect(result.study.settings.instructions).toBe(study.settings.instructions);
    expect(await verifyAnswerChain(result.sessions[0] as ReaderSession)).toBe(true);
    // A check with a value this version does not know is refused with where it is.
    const odd = JSON.parse(await exportStudyFile(study, [{ ...session, display: { ...display, check: { ...check, monitor: 'crt' as 'laptop' } } }], exportedAt)) as unknown;
    const refused = await importStudyFile(JSON.stringify(odd));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('sessions[0].display.check.monitor') });
  });

  it('import files from before cues were asked: no cue question, no cue analysis, chains intact', async () => {
    const built = scenarioStudy();
    const { askCues: _askCues, ...questions } = built.settings.questions;
    const { instructions: _instructions, ...settings } = built.settings;
    const study = { ...built, settings: { ...settings, questions } };
    const session = await withoutCues(await scriptedSession(study, 'R1', 'reader-1'));
    expect(session.answers[0]).not.toHaveProperty('cues');
    const result = await importStudyFile(await exportStudyFile(study, [session], exportedAt));
    if (!result.ok) throw new Error(result.message);
    expect(result.study.settings.questions).not.toHaveProperty('askCues');
    expect(result.study.settings).not.toHaveProperty('instructions');
    // The older study keeps its digest: nothing new is filled in on import.
    expect(await studyDigest(result.study)).toBe(await studyDigest(study));
    expect(result.sessions).toEqual([session]);
    expect(await verifyAnswerChain(result.sessions[0] as ReaderSession)).toBe(true);
    expect(analyseStudy(result.study, result.sessions).cues).toBeNull();
  });

  it('round-trip a study with repeats, and refuse an order that shows a case three times', async () => {
    const study = scenarioStudy(2);
    const session = await scriptedSession(study, 'R1', 'reader-1');
    expect(session.order).toHaveLength(10);
    const result = await importStudyFile(await exportStudyFile(study, [session], exportedAt));
    if (!result.ok) throw new Error(result.message);
    expect(result.study.settings.repeats).toBe(2);
    expect(result.sessions).toEqual([session]);
    // A file asking for more repeats than the study size allows is refused (new readers could not get them).
    const wordy = { ...study, settings: { ...study.settings, instructions: 'x'.repeat(4001) } };
    expect(await importStudyFile(await exportStudyFile(wordy, [], exportedAt))).toMatchObject({ ok: false, message: expect.stringContaining('instructions are longer than 4000') });
    const greedy = { ...study, settings: { ...study.settings, repeats: 3 } };
    expect(await importStudyFile(await exportStudyFile(greedy, [], exportedAt))).toMatchObject({ ok: false, message: expect.stringContaining('asks for 3 cases read twice') });
    const repeated = session.order.find((id, i) => session.order.indexOf(id) !== i) as string;
    const other = session.order.find((id) => id !== repeated && session.order.filter((o) => o === id).length === 2) as string;
    const secondOfOther = session.order.lastIndexOf(other);
    const thrice = { ...session, answers: [], order: session.order.map((id, i) => (i === secondOfOther ? repeated : id)) };
    expect(thrice.order.filter((id) => id === repeated)).toHaveLength(3);
    const refused = await importStudyFile(await exportStudyFile(study, [thrice], exportedAt));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining("reader R1's case order does not match the cases") });
  });

  it('refuse a file whose truth was edited after export', async () => {
    const study = scenarioStudy();
    const file = JSON.parse(await exportStudyFile(study, [], exportedAt)) as { content: { study: { key: { truth: string }[] } } };
    const entry = file.content.study.key[0];
    if (!entry) throw new Error('no key');
    entry.truth = entry.truth === 'real' ? 'synthetic' : 'real';
    const result = await importStudyFile(JSON.stringify(file));
    expect(result).toEqual({ ok: false, message: TAMPERED_MESSAGE });
    expect(TAMPERED_MESSAGE).toBe('This study file was modified after export (checksum mismatch); it was not imported.');
  });

  it('refuse a file with an image swapped (pixels changed)', async () => {
    const study = scenarioStudy();
    const file = JSON.parse(await exportStudyFile(study, [], exportedAt)) as { content: { study: { cases: { image: { pixels: string } }[] } } };
    const image = file.content.study.cases[0]?.image;
    if (!image) throw new Error('no case');
    image.pixels = `A${image.pixels.slice(1)}`;
    expect((await importStudyFile(JSON.stringify(file))).ok).toBe(false);
  });

  it('refuse a truncated file as incomplete', async () => {
    const text = await exportStudyFile(scenarioStudy(), [], exportedAt);
    const result = await importStudyFile(text.slice(0, Math.floor(text.length / 2)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^This study file is incomplete or damaged \(.*cut short\); it was not imported\.$/);
  });

  it("keep the cases' known findings, and refuse known findings off the study's checklist", async () => {
    const built = scenarioStudy();
    const study = {
      ...built,
      settings: { ...built.settings, questions: { ...built.settings.questions, findings: ['Cardiomegaly', 'No finding'] } },
      key: built.key.map((k, i) => (i < 3 ? { ...k, findingTruth: { Cardiomegaly: i === 0, 'No finding': i !== 0 } } : k)),
    };
    const result = await importStudyFile(await exportStudyFile(study, [], exportedAt));
    if (!result.ok) throw new Error(result.message);
    expect(result.study.key).toEqual(study.key);
    expect(result.study.key.filter((k) => k.findingTruth !== undefined)).toHaveLength(3);
    expect(await studyDigest(result.study)).toBe(await studyDigest(study));
    const off = { ...study, key: study.key.map((k, i) => (i === 0 ? { ...k, findingTruth: { Pneumothorax: true } } : k)) };
    expect(await importStudyFile(await exportStudyFile(off, [], exportedAt))).toMatchObject({
      ok: false,
      message: expect.stringContaining(`the known findings of case ${study.key[0]?.caseId} names an item that is not on the study's findings checklist`),
    });
    for (const [findingTruth, why] of [
      [{}, 'lists no finding'],
      [{ Cardiomegaly: true, 'No finding': true }, 'says both "No finding" and a finding'],
    ] as const) {
      const bad = { ...study, key: study.key.map((k, i) => (i === 0 ? { ...k, findingTruth } : k)) };
      expect(await importStudyFile(await exportStudyFile(bad, [], exportedAt))).toMatchObject({ ok: false, message: expect.stringContaining(why) });
    }
  });

  it('round-trip a report study, and refuse a report case without text or an image in it', async () => {
    const built = buildStudy({
      settings: { ...DEFAULT_SETTINGS, caseCount: 4, syntheticShare: 0.5, seed: 5, stimulus: 'report', questions: { ...DEFAULT_SETTINGS.questions, askCues: false } },
      candidates: ['a', 'b', 'c', 'd'].map((x, i) =>
        i < 2
          ? { truth: 'real' as const, source: { kind: 'bundled-example' as const, exampleId: `phantom-0${i}`, view: 'report' as const, phantom: true as const }, report: `Report ${x}.` }
          : {
              truth: 'synthetic' as const,
              source: { kind: 'history' as const, resultId: `h${i}`, modelId: 'm', modelVersion: '1', directionId: 'F>T', seed: i, steps: 50, guidanceScale: 7.5, view: 'report' as const },
              report: `Report ${x}.`,
            },
      ),
      studyId: 'report-study',
      createdAt: 'now',
      appVersion: 'test',
    });
    if (!built.ok) throw new Error(built.problems.join(' '));
    const study = built.study;
    const text = await exportStudyFile(study, [], exportedAt);
    // version 2, so an older studio says "made by a newer version" rather than "damaged"; image studies stay 1
    expect((JSON.parse(text) as { formatVersion: number }).formatVersion).toBe(2);
    expect((JSON.parse(await exportStudyFile(scenarioStudy(), [], exportedAt)) as { formatVersion: number }).formatVersion).toBe(1);
    const result = await importStudyFile(text);
    if (!result.ok) throw new Error(result.message);
    expect(result.study).toEqual(study);
    expect(await studyDigest(result.study)).toBe(await studyDigest(study));
    const first = study.cases[0]?.caseId;
    const refused = async (cases: typeof study.cases, why: string) =>
      expect(await importStudyFile(await exportStudyFile({ ...study, cases }, [], exportedAt))).toMatchObject({ ok: false, message: expect.stringContaining(why) });
    await refused(
      study.cases.map((c, i) => (i === 0 ? { caseId: c.caseId, report: '   ' } : c)),
      `the report of case ${first} is unusable: the case has no report text`,
    );
    await refused(
      study.cases.map((c, i) => (i === 0 ? { caseId: c.caseId, image: { width: 64, height: 64, pixels: new Uint8Array(64 * 64) } } : c)),
      `the report of case ${first} is unusable: it is an image in a report study`,
    );
    const cueing = { ...study, settings: { ...study.settings, questions: { ...study.settings.questions, askCues: true } } };
    expect(await importStudyFile(await exportStudyFile(cueing, [], exportedAt))).toMatchObject({ ok: false, message: expect.stringContaining('it asks the image cue question in a report study') });
    // and an image study refuses a report case
    const images = scenarioStudy();
    const withReport = { ...images, cases: images.cases.map((c, i) => (i === 0 ? { caseId: c.caseId, report: 'text' } : c)) };
    expect(await importStudyFile(await exportStudyFile(withReport, [], exportedAt))).toMatchObject({
      ok: false,
      message: expect.stringContaining('is unusable: it is a report in an image study'),
    });
  });

  it('refuse a file whose checksum is consistent but content is incomplete', async () => {
    // Someone deletes a case and recomputes the checksum: the schema/completeness checks still refuse it.
    const study = scenarioStudy();
    const shorter = { ...study, cases: study.cases.slice(1) };
    const result = await importStudyFile(await exportStudyFile(shorter, [], exportedAt));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/incomplete or damaged \(it has 7 cases but its settings say 8\)/);
  });

  it('refuse other files with a clear sentence', async () => {
    const notOurs = await importStudyFile('{"hello": "world"}');
    expect(notOurs.ok).toBe(false);
    if (!notOurs.ok) expect(notOurs.message).toMatch(/not a MedCoDi Studio reader-study file/);
    const noDigest = await importStudyFile('{"format":"medcodi-vtt-study-file","formatVersion":1,"content":{}}');
    expect(noDigest.ok).toBe(false);
    if (!noDigest.ok) expect(noDigest.message).toMatch(/checksum or its content section is missing/);
    for (const version of [3, 99]) {
      expect(await importStudyFile(`{"format":"medcodi-vtt-study-file","formatVersion":${version},"content":{}}`)).toMatchObject({ ok: false, message: expect.stringContaining('made by a newer version') });
    }
    for (const version of [0, -1, 1.5, '"1"']) {
      expect(await importStudyFile(`{"format":"medcodi-vtt-study-file","formatVersion":${version},"content":{}}`)).toMatchObject({
        ok: false,
        message: expect.stringContaining('its format version is not a whole number from 1'),
      });
    }
  });
});
