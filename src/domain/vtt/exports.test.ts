import { describe, expect, it } from 'vitest';
import { scenarioStudy, scriptedSession, sourceName } from './__fixtures__/scenario';
import { analyseStudy } from './analysis';
import { csvField, numbering, toAnswersCsv, toImrmc, toLongCsv, toResultsJson } from './exports';

async function scenario() {
  const study = scenarioStudy();
  const sessions = [await scriptedSession(study, 'R2', 'reader-2'), await scriptedSession(study, 'R1', 'reader-1')];
  return { study, sessions };
}

describe('iMRMC export', () => {
  it('writes the header counts, one truth row per case and one score row per reading', async () => {
    const { study, sessions } = await scenario();
    const text = toImrmc(study, sessions);
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain('NR: 2');
    expect(lines).toContain('N0: 4');
    expect(lines).toContain('N1: 4');
    expect(lines).toContain('NM: 1');
    const data = lines.slice(lines.indexOf('BEGIN DATA:') + 1);
    expect(data).toHaveLength(8 + 16);
    const truthRows = data.filter((l) => l.startsWith('-1,'));
    expect(truthRows).toHaveLength(8);
    expect(truthRows.every((l) => /^-1,\d+,0,[01]$/.test(l))).toBe(true);
    expect(truthRows.filter((l) => l.endsWith(',1'))).toHaveLength(4);
    // Integer reader/case/modality ids (RJafroc requires them); readers sorted by label: R1 = 1, R2 = 2.
    const scoreRows = data.filter((l) => !l.startsWith('-1,'));
    expect(scoreRows.every((l) => /^[12],\d+,1,[1-6]$/.test(l))).toBe(true);
    // Reader 1's score for the case that is h1 is 3 (real, confidence 1).
    const ids = numbering(study, sessions);
    const h1 = study.key.find((k) => sourceName(k.source) === 'h1');
    expect(scoreRows).toContain(`1,${ids.cases.get(h1?.caseId ?? '')},1,3`);
    // No header keyword hides in the description (RJafroc scans for "N0:" … before BEGIN DATA).
    const description = lines.slice(0, lines.indexOf('NR: 2'));
    expect(description.some((l) => /^(NR|N0|N1|NM)\s*:/.test(l))).toBe(false);
  });
});

describe('long CSV export', () => {
  it('has the MRMCaov / RJafroc columns with integer ids', async () => {
    const { study, sessions } = await scenario();
    const lines = toLongCsv(study, sessions).trimEnd().split('\n');
    expect(lines[0]).toBe('reader,treatment,case,truth,rating');
    expect(lines).toHaveLength(17);
    expect(lines.slice(1).every((l) => /^[12],1,\d+,[01],[1-6]$/.test(l))).toBe(true);
    // Reader 2 (R2) rated phantom-00 (truth 0) as 4.
    const ids = numbering(study, sessions);
    const p0 = study.key.find((k) => sourceName(k.source) === 'phantom-00');
    expect(lines).toContain(`2,1,${ids.cases.get(p0?.caseId ?? '')},0,4`);
  });
});

describe('answers CSV and JSON', () => {
  it('lists every recorded field per reading', async () => {
    const { study, sessions } = await scenario();
    const lines = toAnswersCsv(study, sessions).trimEnd().split('\n');
    expect(lines).toHaveLength(17);
    const header = (lines[0] ?? '').split(',');
    const row = (lines[1] ?? '').split(',');
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('reader_label')).toBe('R1');
    expect(cell('status')).toBe('answered');
    expect(['0', '1']).toContain(cell('correct'));
    expect(csvField('a, "b"')).toBe('"a, ""b"""');
  });

  it('writes the cues and the comment, quoted where needed', async () => {
    const { study, sessions } = await scenario();
    const text = toAnswersCsv(study, sessions);
    const header = (text.split('\n')[0] ?? '').split(',');
    expect(header.slice(header.indexOf('findings'), header.indexOf('findings') + 2)).toEqual(['findings', 'cues']);
    expect(header.slice(-2)).toEqual(['comment', 'case_findings']);
    const ids = numbering(study, sessions);
    const rowOf = (reader: string, source: string) => {
      const entry = study.key.find((k) => sourceName(k.source) === source);
      return text.split('\n').find((l) => l.startsWith(`study-scenario,${reader === 'R1' ? 1 : 2},${reader},reader-${reader === 'R1' ? 1 : 2},radiologist,${ids.cases.get(entry?.caseId ?? '')},`));
    };
    const r2p0 = rowOf('R2', 'phantom-00');
    expect(r2p0).toContain(',Texture or noise,');
    expect(r2p0?.endsWith(',"Grainy lung fields, ""too smooth"" ribs",unknown')).toBe(true);
    expect(rowOf('R1', 'h3')).toContain(',Ribs or bones; Texture or noise,');
    // no comment: an empty field; the scenario asks no findings, so the case's are unknown
    expect(rowOf('R1', 'phantom-01')?.endsWith(',,unknown')).toBe(true);
    // Viewing counts: R1 windowed twice and zoomed once on h1.
    const cellOf = (row: string | undefined, column: string) => {
      const fields = (row ?? '').match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((f) => f.replace(/,$/, '')) ?? [];
      return fields[header.indexOf(column)];
    };
    expect(['wl_events', 'zoom_events', 'pan_events', 'view_resets'].map((c) => cellOf(rowOf('R1', 'h1'), c))).toEqual(['2', '1', '0', '0']);
    expect(['wl_events', 'zoom_events'].map((c) => cellOf(rowOf('R2', 'phantom-00'), c))).toEqual(['0', '0']);
  });

  it('gives MRMC tools one rating per reader and case, and flags second readings in the answers CSV', async () => {
    const study = scenarioStudy(2);
    const sessions = [await scriptedSession(study, 'R1', 'reader-1'), await scriptedSession(study, 'R2', 'reader-2')];
    const long = toLongCsv(study, sessions).trimEnd().split('\n').slice(1);
    expect(long).toHaveLength(16);
    expect(new Set(long.map((l) => l.split(',').slice(0, 3).join(','))).size).toBe(16);
    expect(toImrmc(study, sessions).trimEnd().split('\n').filter((l) => /^[12],/.test(l))).toHaveLength(16);
    const answers = toAnswersCsv(study, sessions).trimEnd().split('\n');
    const header = (answers[0] ?? '').split(',');
    expect(answers).toHaveLength(1 + 20);
    const repeatColumn = answers.slice(1).map((l) => l.split(',')[header.indexOf('repeat')]);
    expect(repeatColumn.filter((v) => v === '1')).toHaveLength(4);
  });

  it('keeps free text that starts like a spreadsheet formula from running', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1 looks odd')).toBe("'+1 looks odd");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField(-1)).toBe('-1');
    expect(csvField('plain')).toBe('plain');
  });

  it('carries the key, the answers and the analysis, with undefined statistics as null', async () => {
    const { study, sessions: scripted } = await scenario();
    // R1 finished the start screen in this version (startedAt); R2's session is from before it
    const sessions = scripted.map((x) => (x.reader.label === 'R1' ? { ...x, startedAt: '2026-12-08T09:00:00.000Z' } : x));
    const json = JSON.parse(toResultsJson(study, sessions, analyseStudy(study, sessions), { exportedAt: 'then', studyDigest: 'abc' })) as {
      study: { digest: string; ratingPoints: number };
      key: unknown[];
      readers: { label: string; answers: unknown[]; startedAt: string | null }[];
      analysis: {
        pooled: { accuracy: { estimate: number } };
        agreement: { result: { kappa: number } };
        scaleAgreement: { rating: { metric: string; alpha: number; units: number; ci: { lower: number; upper: number } } };
      };
    };
    expect(json.study.digest).toBe('abc');
    expect(json.study.ratingPoints).toBe(6);
    expect(json.key).toHaveLength(8);
    expect(json.readers.map((r) => r.label)).toEqual(['R1', 'R2']);
    expect(json.readers[0]?.answers).toHaveLength(8);
    expect(json.readers.map((r) => r.startedAt)).toEqual(['2026-12-08T09:00:00.000Z', null]);
    expect(json.analysis.pooled.accuracy.estimate).toBe(0.75);
    expect(json.analysis.agreement.result.kappa).toBeCloseTo(-1 / 15, 12);
    expect(json.analysis.scaleAgreement.rating).toMatchObject({ metric: 'ordinal', units: 8 });
    // the comments are written once: under the cues when the study asked them
    expect('comments' in json.analysis).toBe(false);
    expect(json.analysis.scaleAgreement.rating.alpha).toBeCloseTo(0.34375, 12);
    expect(json.analysis.scaleAgreement.rating.ci.lower).toBeLessThan(0.34375);
  });
});
