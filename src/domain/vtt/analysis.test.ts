import { describe, expect, it } from 'vitest';
import { gradient, plainAnswer, reportScenarioStudy, scenarioStudy, scriptedSession, type ScriptedAnswer } from './__fixtures__/scenario';
import { buildStudy, keyByCase, type StimulusCandidate } from './build-study';
import { DEFAULT_SETTINGS } from './study';
import { analyseStudy, collectReadings } from './analysis';
import { toAnswersCsv, toResultsJson } from './exports';
import { appendAnswer, createSession, currentCaseId, type ReaderSession } from './reader-session';

async function scenario() {
  const study = scenarioStudy();
  const sessions = [await scriptedSession(study, 'R1', 'reader-1'), await scriptedSession(study, 'R2', 'reader-2')];
  return { study, sessions, analysis: analyseStudy(study, sessions) };
}

describe('analyseStudy on the worked scenario (see __fixtures__/scenario.ts)', () => {
  it('counts the cues each call rested on, by call and truth', async () => {
    const { study, analysis } = await scenario();
    expect(analysis.cues).toMatchObject({ readings: 16, withCues: 6 });
    const phantom00 = study.key.find((k) => k.source.kind === 'bundled-example' && k.source.exampleId === 'phantom-00')?.caseId;
    expect(analysis.cues?.comments).toEqual([
      { secondReading: false, readerId: 'reader-2', readerLabel: 'R2', caseId: phantom00, truth: 'real', call: 'synthetic', comment: 'Grainy lung fields, "too smooth" ribs' },
    ]);
    const byCue = Object.fromEntries((analysis.cues?.byCue ?? []).map((c) => [c.cue, c]));
    expect(Object.keys(byCue)).toEqual(['Lines or devices', 'Ribs or bones', 'Texture or noise', 'Markers or text', 'Anatomy']);
    expect(byCue['Texture or noise']).toMatchObject({ cited: 4, syntheticCalledSynthetic: 3, realCalledSynthetic: 1, calledReal: 0 });
    expect(byCue['Texture or noise']?.correct).toMatchObject({ successes: 3, n: 4 });
    expect(byCue['Ribs or bones']).toMatchObject({ cited: 2, syntheticCalledSynthetic: 2, realCalledSynthetic: 0, calledReal: 0 });
    expect(byCue['Anatomy']).toMatchObject({ cited: 1, syntheticCalledSynthetic: 0, calledReal: 1 });
    expect(byCue['Anatomy']?.correct).toMatchObject({ successes: 0, n: 1 });
    expect(byCue['Lines or devices']).toMatchObject({ cited: 0, correct: { successes: 0, n: 0 } });
  });

  it('counts the readings that used the viewing tools', async () => {
    const { analysis } = await scenario();
    expect(analysis.viewing).toEqual({ readings: 16, anyTool: 1, windowLevel: 1, zoom: 1, pan: 0 });
  });

  it('keeps second readings out of the accuracy numbers and measures each reader against themselves', async () => {
    const study = scenarioStudy(2);
    // R1 reads every repeated case the same way again; R2 changes the call on every second reading (same confidence).
    const flip = (_: string, first: ScriptedAnswer): ScriptedAnswer => ({ ...first, call: first.call === 'real' ? 'synthetic' : 'real' });
    const sessions = [await scriptedSession(study, 'R1', 'reader-1'), await scriptedSession(study, 'R2', 'reader-2', flip)];
    expect(sessions.map((s) => s.answers.length)).toEqual([10, 10]);
    const analysis = analyseStudy(study, sessions);
    // The same numbers as the scenario without repeats.
    expect(analysis.counts).toMatchObject({ readings: 16, unreadable: 0, missing: 0 });
    expect(analysis.readers.map((r) => r.auc?.auc)).toEqual([0.96875, 0.875]);
    expect(analysis.agreement.result?.kappa).toBeCloseTo(-1 / 15, 12);
    const [r1, r2, pooled] = analysis.intraReader;
    expect(r1).toMatchObject({ label: 'R1', ratingDifference: 0, call: { n: 2, observed: 1 } });
    expect(r2).toMatchObject({ label: 'R2', call: { n: 2, observed: 0 } });
    // Flipping the call at confidence c moves the rating from 4 − c to 3 + c (or back): |2c − 1|.
    const repeated = collectReadings(study, sessions).repeats.filter((p) => p.readerId === 'reader-2');
    expect(repeated.map((p) => p.second.call)).toEqual(repeated.map((p) => (p.first.call === 'real' ? 'synthetic' : 'real')));
    expect(r2?.ratingDifference).toBe(repeated.reduce((sum, p) => sum + Math.abs(2 * p.first.confidence - 1), 0) / 2);
    expect(pooled).toMatchObject({ label: 'Pooled', call: { n: 4, observed: 0.5 } });
    expect(analysis.counts.remaining).toBe(0);
    // One reader with repeats: no pooled line that would only repeat theirs.
    expect(analyseStudy(study, [sessions[0] as ReaderSession]).intraReader.map((a) => a.label)).toEqual(['R1']);
    // Second readings still to do keep the study from being complete.
    const unfinished = { ...(sessions[0] as ReaderSession), answers: (sessions[0] as ReaderSession).answers.slice(0, 8) };
    expect(analyseStudy(study, [unfinished]).counts).toMatchObject({ missing: 0, remaining: 2 });
    // A comment on a second reading is listed too, marked as such.
    const firstReader = sessions[0] as ReaderSession;
    const second = firstReader.answers.findIndex((a, i) => firstReader.answers.findIndex((b) => b.caseId === a.caseId) !== i);
    const commented = { ...firstReader, answers: firstReader.answers.map((a, i) => (i === second ? { ...a, comment: 'Seen this one before?' } : a)) };
    expect(analyseStudy(study, [commented]).cues?.comments).toEqual([expect.objectContaining({ secondReading: true, readerLabel: 'R1', comment: 'Seen this one before?' })]);
  });

  it('lists every comment, also in a report study, which asks no cues', async () => {
    const { analysis } = await scenario();
    expect(analysis.comments).toEqual(analysis.cues?.comments);
    expect(analysis.comments).toHaveLength(1);
    const reportStudy = reportScenarioStudy();
    let session = createSession(reportStudy, { readerId: 'r', label: 'R', role: '', yearsExperience: null }, 'now');
    for (let i = 0; i < 4; i += 1) session = await appendAnswer(session, plainAnswer(currentCaseId(session) as string, i, { comment: i === 0 ? 'Too tidy.' : null }), 'now');
    const reports = analyseStudy(reportStudy, [session]);
    expect(reports.cues).toBeNull();
    expect(reports.comments.map((c) => c.comment)).toEqual(['Too tidy.']);
    // an image study that asks no cues asks no comment either
    const { study, sessions } = await scenario();
    const noCues = { ...study, settings: { ...study.settings, questions: { ...study.settings.questions, askCues: false } } };
    expect(analyseStudy(noCues, sessions).comments).toEqual([]);
  });

  it('has no intra-reader agreement without repeats', async () => {
    const { analysis } = await scenario();
    expect(analysis.intraReader).toEqual([]);
  });

  it('has no cue analysis for a study that did not ask for cues', async () => {
    const { study, sessions } = await scenario();
    const older = { ...study, settings: { ...study.settings, questions: { ...study.settings.questions, askCues: false } } };
    expect(analyseStudy(older, sessions).cues).toBeNull();
  });

  it('computes per-reader accuracy, sensitivity, specificity and AUC', async () => {
    const { analysis } = await scenario();
    const [r1, r2] = analysis.readers;
    expect(r1?.label).toBe('R1');
    expect(r1?.confusion).toEqual({ tp: 3, fn: 1, tn: 4, fp: 0 });
    expect(r1?.accuracy.estimate).toBe(7 / 8);
    expect(r1?.sensitivity.estimate).toBe(3 / 4);
    expect(r1?.specificity.estimate).toBe(1);
    expect(r1?.auc?.auc).toBe(0.96875);
    expect(r2?.confusion).toEqual({ tp: 2, fn: 2, tn: 3, fp: 1 });
    expect(r2?.accuracy.estimate).toBe(5 / 8);
    expect(r2?.foolingRate).toBe(0.5);
    expect(r2?.auc?.auc).toBe(0.875);
    expect(analysis.readerAveragedAuc).toBe((0.96875 + 0.875) / 2);
  });

  it('pools readings and reports Wilson intervals', async () => {
    const { analysis } = await scenario();
    expect(analysis.pooled?.accuracy).toMatchObject({ successes: 12, n: 16, estimate: 0.75 });
    expect(analysis.pooled?.sensitivity.estimate).toBe(5 / 8);
    expect(analysis.pooled?.specificity.estimate).toBe(7 / 8);
    // Wilson 95% for 12/16: 0.5050–0.8982.
    expect(analysis.pooled?.accuracy.ci.lower).toBeCloseTo(0.505, 3);
    expect(analysis.pooled?.accuracy.ci.upper).toBeCloseTo(0.8982, 3);
    expect(analysis.counts).toMatchObject({ cases: 8, real: 4, synthetic: 4, readers: 2, readings: 16, unreadable: 0, missing: 0 });
  });

  it("computes Cohen's kappa for two readers", async () => {
    const { analysis } = await scenario();
    expect(analysis.agreement.method).toBe('cohen');
    expect(analysis.agreement.result?.kappa).toBeCloseTo(-1 / 15, 12);
    expect(analysis.agreement.result?.observed).toBe(0.5);
  });

  it("gives Krippendorff's α between the readers on every answer scale, with bootstrap intervals", async () => {
    const { study, sessions, analysis } = await scenario();
    const scales = analysis.scaleAgreement;
    if (scales === null) throw new Error('expected scale agreement for two readers');
    // Reference: Python `krippendorff` 0.9.0 on the scenario's two rows per item (see __fixtures__/scenario.ts):
    // ratings 3,6,6,6,3,2,2,2 / 5,5,2,2,4,1,1,1; realism 4,2,2,2,4,5,5,5 / 2,2,4,4,3,5,5,5.
    expect(scales.rating).toMatchObject({ metric: 'ordinal', units: 8, values: 16 });
    expect(scales.rating.alpha).toBeCloseTo(0.34375, 12);
    expect(scales.realism.alpha).toBeCloseTo(0.7042682926829269, 12);
    // calls: 4 of 8 agree with 6 of 16 "synthetic" → D_o = D_e = 0.5, α = 0 (Cohen's κ −1/15 on the same calls)
    expect(scales.call.alpha).toBeCloseTo(0, 12);
    expect(scales.plausible?.alpha).toBeCloseTo(0, 12);
    for (const item of [scales.rating, scales.realism]) {
      const ci = item.ci;
      if (ci === null) throw new Error('expected an interval');
      expect(ci.lower).toBeLessThan(item.alpha);
      expect(ci.upper).toBeGreaterThan(item.alpha);
    }
    // the same study analysed again gives the same intervals (seeded by the study id)
    expect(analyseStudy(study, sessions).scaleAgreement).toEqual(scales);
    // one reader: nothing to agree on
    expect(analyseStudy(study, sessions.slice(0, 1)).scaleAgreement).toBeNull();
  });

  it('summarises realism, plausibility and time', async () => {
    const { analysis } = await scenario();
    const [r1, r2] = analysis.readers;
    expect(r1?.realism.real.mean).toBe(4.75);
    expect(r1?.realism.synthetic.mean).toBe(2.5);
    expect(r2?.realism.real.mean).toBe(4.5);
    expect(r2?.realism.synthetic.mean).toBe(3);
    expect(analysis.pooled?.realism.real.mean).toBe(4.625);
    expect(r1?.plausible.synthetic.estimate).toBe(1 / 4);
    // Scripted times are 1 s … 8 s in reading order: median 4.5 s.
    expect(r1?.timeMs.median).toBe(4500);
    // Mann-Whitney, synthetic realism (2×5, 4×3) against real (3, 4, 5×6): U = 3 × (1 + 0.5) = 4.5; with the tie
    // correction (ties 5, 1, 4, 6: Σ t³−t = 390) the variance is 64/12 × (17 − 390/240) = 82, z = (4.5 − 32)/√82.
    expect(analysis.realismTest?.u).toBe(4.5);
    expect(analysis.realismTest?.z).toBeCloseTo(-27.5 / Math.sqrt(82), 10);
    expect(analysis.realismTest?.p).toBeCloseTo(0.00239, 4);
  });

  it("uses Fleiss' kappa for three readers and leaves skipped cases out", async () => {
    const { study, sessions } = await scenario();
    // A third reader who skips the first case as unreadable and then answers everything "synthetic, 1".
    let third = createSession(study, { readerId: 'reader-3', label: 'R3', role: '', yearsExperience: null }, 'now');
    for (let i = 0; i < study.cases.length; i += 1) {
      const caseId = currentCaseId(third) as string;
      const skipped = i === 0;
      third = await appendAnswer(
        third,
        {
          caseId,
          orderIndex: i,
          status: skipped ? 'unreadable' : 'answered',
          call: skipped ? null : 'synthetic',
          confidence: skipped ? null : 1,
          rating: skipped ? null : 4,
          realism: skipped ? null : 3,
          plausible: skipped ? null : true,
          findings: [],
          timing: { shownAt: 'now', firstInputMs: null, answerMs: 100, pauses: 0 },
          note: skipped ? 'unreadable' : null,
        },
        'now',
      );
    }
    const analysis = analyseStudy(study, [...sessions, third]);
    expect(analysis.counts.unreadable).toBe(1);
    expect(analysis.counts.readings).toBe(23);
    expect(analysis.agreement.method).toBe('fleiss');
    expect(analysis.agreement.result?.n).toBe(7);
    expect(analysis.agreement.pairwise).toHaveLength(3);
    expect(analysis.readers[2]?.readings).toBe(7);
  });
});

describe("readers' findings against the cases' known findings", () => {
  const NORMAL = { cardiomegaly: 0, pleural_effusion: 0, pneumothorax: 0, consolidation: 0, nodule_or_mass: 0, pulmonary_edema: 0, endotracheal_tube: 0, central_line: 0 };
  const CHECKLIST = ['Cardiomegaly', 'Pleural effusion', 'Rib fracture', 'No finding'];

  /** 3 real phantoms (2 with cardiomegaly), a local file (findings unknown), 4 synthetic made from cases (2 with cardiomegaly). */
  function findingsStudy(findings: readonly string[] = CHECKLIST, repeats = 0) {
    const candidates: StimulusCandidate[] = [
      ...[1, 1, 0].map((cardio, i): StimulusCandidate => ({
        truth: 'real',
        source: { kind: 'bundled-example', exampleId: `phantom-0${i}`, view: 'frontal', phantom: true },
        image: gradient(64, 64, i),
        labels: { ...NORMAL, cardiomegaly: cardio },
      })),
      { truth: 'real', source: { kind: 'local-file', fileName: 'own.png', fileType: 'png' }, image: gradient(64, 64, 5) },
      ...[1, 1, 0, 0].map((cardio, i): StimulusCandidate => ({
        truth: 'synthetic',
        source: { kind: 'history', resultId: `h${i + 1}`, modelId: 'medcodi-nano', modelVersion: '0.2.1', directionId: 'T>F', seed: i, steps: 8, guidanceScale: 7.5, view: 'frontal' },
        image: gradient(64, 64, 10 + i),
        labels: { ...NORMAL, cardiomegaly: cardio },
      })),
    ];
    const built = buildStudy({
      settings: { ...DEFAULT_SETTINGS, caseCount: 8, syntheticShare: 0.5, seed: 7, resolution: 32, repeats, questions: { ...DEFAULT_SETTINGS.questions, findings } },
      candidates,
      studyId: 'study-findings',
      createdAt: 'now',
      appVersion: 'test',
    });
    if (!built.ok) throw new Error(built.problems.join(' '));
    return built.study;
  }

  /**
   * One reader who ticks, per source: cardiomegaly on phantom-00, h1 and h3; "No finding" on phantom-02 and h4;
   * calls h1 and h3 synthetic and everything else real. A second reading (study repeats) ticks "Pleural effusion"
   * and calls the case the other way, so it would show wherever it leaked in.
   */
  async function reader(study: ReturnType<typeof findingsStudy>) {
    const ticks: Record<string, string[]> = { 'phantom-00': ['Cardiomegaly'], h1: ['Cardiomegaly'], h3: ['Cardiomegaly'], 'phantom-02': ['No finding'], h4: ['No finding'], 'own.png': ['Cardiomegaly'] };
    const key = keyByCase(study);
    let session = createSession(study, { readerId: 'reader-1', label: 'R1', role: 'radiologist', yearsExperience: 3 }, 'now');
    const seen = new Set<string>();
    for (let i = 0; i < session.order.length; i += 1) {
      const caseId = currentCaseId(session) as string;
      const source = key.get(caseId)?.source;
      const name = source?.kind === 'history' ? source.resultId : source?.kind === 'bundled-example' ? source.exampleId : 'own.png';
      const call = name === 'h1' || name === 'h3' ? 'synthetic' : 'real';
      const again = seen.has(caseId);
      seen.add(caseId);
      const answer = again
        ? plainAnswer(caseId, i, { call: call === 'real' ? 'synthetic' : 'real', findings: ['Pleural effusion'] })
        : plainAnswer(caseId, i, { call, findings: ticks[name] ?? [] });
      session = await appendAnswer(session, answer, 'now');
    }
    return session;
  }

  it('records what each case is known to show in the hidden key', () => {
    const study = findingsStudy();
    const bySource = new Map(study.key.map((k) => [k.source.kind === 'history' ? k.source.resultId : k.source.kind === 'bundled-example' ? k.source.exampleId : 'own.png', k.findingTruth]));
    expect(bySource.get('phantom-00')).toEqual({ Cardiomegaly: true, 'Pleural effusion': false, 'No finding': false });
    expect(bySource.get('h4')).toEqual({ Cardiomegaly: false, 'Pleural effusion': false, 'No finding': true });
    expect(bySource.get('own.png')).toBeUndefined();
    // a study that asks no findings keeps none
    expect(findingsStudy([]).key.every((k) => k.findingTruth === undefined)).toBe(true);
  });

  it('gives, per item and truth, how often readers ticked it when the case has it and when it does not', async () => {
    const study = findingsStudy();
    const session = await reader(study);
    const findings = analyseStudy(study, [session]).findings;
    if (findings === null) throw new Error('expected a findings analysis');
    // 7 known (not own.png); phantom-01 and h2 ticked nothing, which with "No finding" on offer is a skipped question
    expect(findings).toMatchObject({ readings: 8, withKnownFindings: 7, unansweredLeftOut: 2 });
    // "Rib fracture" is settled by no case, so it has no row
    expect(findings.items.map((f) => f.item)).toEqual(['Cardiomegaly', 'Pleural effusion', 'No finding']);
    const [cardio, effusion, normal] = findings.items;
    // real: phantom-00 has it and was ticked; phantom-02 has not and was not
    expect(cardio?.real.whenPresent).toMatchObject({ successes: 1, n: 1 });
    expect(cardio?.real.whenAbsent).toMatchObject({ successes: 0, n: 1 });
    // synthetic: h1 was made with it (ticked); h3 and h4 without (ticked on h3)
    expect(cardio?.synthetic.whenPresent).toMatchObject({ successes: 1, n: 1 });
    expect(cardio?.synthetic.whenAbsent).toMatchObject({ successes: 1, n: 2 });
    // no case has an effusion
    expect(effusion?.real.whenPresent.n).toBe(0);
    expect(effusion?.synthetic.whenAbsent).toMatchObject({ successes: 0, n: 3 });
    expect(normal?.real.whenPresent).toMatchObject({ successes: 1, n: 1 });
    expect(normal?.synthetic.whenPresent).toMatchObject({ successes: 1, n: 2 });
    expect(normal?.synthetic.whenAbsent).toMatchObject({ successes: 0, n: 1 });
    // the call on cases with each finding, from every reading (ticked or not): R1 called h1 and h3 synthetic
    expect(cardio?.callRight.real).toMatchObject({ successes: 2, n: 2 });
    expect(cardio?.callRight.synthetic).toMatchObject({ successes: 1, n: 2 });
    expect(normal?.callRight.real).toMatchObject({ successes: 1, n: 1 });
    expect(normal?.callRight.synthetic).toMatchObject({ successes: 1, n: 2 });
    expect(effusion?.callRight.real.n).toBe(0);

    // Without "No finding" on the checklist, ticking nothing is an answer ("none of these") and counts.
    const plain = findingsStudy(['Cardiomegaly', 'Pleural effusion']);
    const plainFindings = analyseStudy(plain, [await reader(plain)]).findings;
    expect(plainFindings).toMatchObject({ withKnownFindings: 7, unansweredLeftOut: 0 });
    expect(plainFindings?.items[0]?.real.whenPresent).toMatchObject({ successes: 1, n: 2 });
    expect(plainFindings?.items[0]?.synthetic.whenPresent).toMatchObject({ successes: 1, n: 2 });

    // the answers CSV gives each case's known findings beside the reader's ticks
    const csv = toAnswersCsv(study, [session]).trimEnd().split('\n');
    const header = (csv[0] ?? '').split(',');
    expect(header.slice(-1)).toEqual(['case_findings']);
    const rowOf = (name: string) => csv.find((line) => line.includes(name)) ?? '';
    expect(rowOf('own.png').endsWith(',unknown')).toBe(true);
    expect(rowOf('phantom-00').endsWith(',Cardiomegaly: present; Pleural effusion: absent; No finding: absent')).toBe(true);
    expect(rowOf('phantom-02').endsWith(',Cardiomegaly: absent; Pleural effusion: absent; No finding: present')).toBe(true);
    // and the results JSON carries them in its key
    const json = JSON.parse(toResultsJson(study, [session], analyseStudy(study, [session]), { exportedAt: 'then', studyDigest: 'x' })) as {
      key: { source: { exampleId?: string }; findingTruth?: Record<string, boolean> }[];
      analysis: { findings: { unansweredLeftOut: number } };
    };
    expect(json.key.find((k) => k.source.exampleId === 'phantom-00')?.findingTruth).toEqual({ Cardiomegaly: true, 'Pleural effusion': false, 'No finding': false });
    expect(json.key.filter((k) => k.findingTruth === undefined)).toHaveLength(1);
    expect(json.analysis.findings.unansweredLeftOut).toBe(2);
  });

  it('leaves second readings out of the findings tables', async () => {
    const once = findingsStudy();
    const twice = findingsStudy(CHECKLIST, 2);
    expect((await reader(twice)).answers).toHaveLength(10);
    expect(analyseStudy(twice, [await reader(twice)]).findings).toEqual(analyseStudy(once, [await reader(once)]).findings);
  });

  it('leaves second readings out of α', async () => {
    const once = scenarioStudy();
    const twice = scenarioStudy(2);
    // second readings flip every call and the realism: were they counted, α would move
    const flip = (_: string, first: ScriptedAnswer): ScriptedAnswer => ({ ...first, call: first.call === 'real' ? 'synthetic' : 'real', realism: 6 - first.realism });
    const a = analyseStudy(once, [await scriptedSession(once, 'R1', 'reader-1'), await scriptedSession(once, 'R2', 'reader-2')]).scaleAgreement;
    const b = analyseStudy(twice, [await scriptedSession(twice, 'R1', 'reader-1', flip), await scriptedSession(twice, 'R2', 'reader-2', flip)]).scaleAgreement;
    for (const item of ['call', 'rating', 'realism'] as const) expect(b?.[item].alpha).toBeCloseTo(a?.[item].alpha ?? Number.NaN, 12);
    expect(b?.rating.units).toBe(8);
  });

  it('is absent when the study asks no findings', async () => {
    const { analysis } = await scenario();
    expect(analysis.findings).toBeNull();
  });
});
