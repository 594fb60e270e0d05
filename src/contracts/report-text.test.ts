import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanDecodedReport, restoreReportCase } from './report-text';

describe('cleanDecodedReport', () => {
  it('removes special tokens, undoes tokenisation spaces, collapses whitespace', () => {
    expect(cleanDecodedReport('<BOS> the heart is normal in size . no effusion , no pneumothorax .<EOS><PAD><PAD>')).toBe(
      'the heart is normal in size. no effusion, no pneumothorax.',
    );
    expect(cleanDecodedReport("<|startoftext|>there is n't any change ; patient 's lungs are clear !  ok ?<|endoftext|>")).toBe(
      "there isn't any change ; patient's lungs are clear! ok?",
    );
    expect(cleanDecodedReport(" we 've seen , they 're fine , i 'm sure")).toBe("we've seen, they're fine, i'm sure");
    expect(cleanDecodedReport('  \n ')).toBe('');
  });
});

describe('restoreReportCase', () => {
  it('writes a lower-cased report as a radiologist would', () => {
    const decoded = 'findings: the patient is slightly rotated. cardiomediastinal silhouette is within normal limits. a right ij line ends in the svc. no pneumothorax. impression: no acute cardiopulmonary disease.';
    expect(restoreReportCase(decoded)).toBe(
      'FINDINGS: The patient is slightly rotated. Cardiomediastinal silhouette is within normal limits. A right IJ line ends in the SVC. No pneumothorax. IMPRESSION: No acute cardiopulmonary disease.',
    );
  });

  it('keeps the length (character offsets stay valid) and changes nothing but the case', () => {
    const decoded = 'findings: consolidation in the rll, 2.5 cm nodule in the lul. pacemaker leads overlie the heart. gap? ap view! impression: as above.';
    const restored = restoreReportCase(decoded);
    expect(restored.length).toBe(decoded.length);
    expect(restored.toLowerCase()).toBe(decoded);
    expect(restored).toContain('in the RLL, 2.5 cm nodule in the LUL. Pacemaker leads');
    expect(restored).toContain('Gap? AP view! IMPRESSION: As above.');
    expect(restoreReportCase(restored)).toBe(restored); // a cased text is left alone
  });

  it('leaves a report that already has capitals as it is, and an empty one empty', () => {
    expect(restoreReportCase('FINDINGS: heart size normal. impression: normal.')).toBe('FINDINGS: heart size normal. impression: normal.');
    expect(restoreReportCase('')).toBe('');
  });
});

describe('the bundled phantom reports', () => {
  it('come back unchanged from lower case through the clean-up and case pipeline (a report study shows real and generated reports alike)', () => {
    const cases = JSON.parse(readFileSync(new URL('../../public/examples/cases.json', import.meta.url), 'utf8')) as { id: string; report: string }[];
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const c of cases) expect(restoreReportCase(cleanDecodedReport(c.report.toLowerCase())), c.id).toBe(c.report.replace(/\s+/g, ' ').trim());
  });
});
