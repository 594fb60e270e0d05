import { describe, expect, it } from 'vitest';
import { labelsToBinary } from './labeler';
import { createSeededRandom } from './vtt/prng';
import { labelPhantomReport } from './labeler-rules';
import {
  buildReport,
  DEFAULT_DETAILS,
  DEVICES,
  EDEMA_SEVERITIES,
  LINE_ACCESS,
  LINE_TIPS,
  LOBES,
  PATHOLOGIES,
  PHANTOM_MAX_WORDS,
  SEVERITIES,
  SIZES,
  wordCount,
  type FindingDetails,
  type Lobe,
  type ReportChecklist,
} from './report-builder';

function randomChecklist(r: () => number): ReportChecklist {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const lobes = Object.keys(LOBES) as Lobe[];
  const kind = pick(['nodule', 'mass'] as const);
  const all: FindingDetails = {
    cardiomegaly: { severity: pick(SEVERITIES) },
    pleural_effusion: { side: pick(['left', 'right', 'bilateral'] as const), size: pick(SIZES) },
    pneumothorax: { side: pick(['left', 'right'] as const), size: pick(SIZES) },
    consolidation: { lobe: pick(lobes) },
    nodule_or_mass: { kind, lobe: pick(lobes), diameterCm: kind === 'nodule' ? 2 + Math.round(r() * 9) / 10 : 4 + Math.round(r() * 25) / 10 },
    pulmonary_edema: { severity: pick(EDEMA_SEVERITIES) },
    endotracheal_tube: { tipAboveCarinaCm: 2 + Math.floor(r() * 6) },
    central_line: { access: pick(LINE_ACCESS), tip: pick(Object.keys(LINE_TIPS) as (keyof typeof LINE_TIPS)[]) },
  };
  const checklist: Record<string, unknown> = {};
  for (const label of [...PATHOLOGIES, ...DEVICES]) if (r() < 0.3) checklist[label] = all[label];
  return checklist as ReportChecklist;
}

describe('buildReport', () => {
  it('writes the phantom normal report when nothing is ticked', () => {
    expect(buildReport({})).toBe(
      'FINDINGS: The lungs are clear. No focal consolidation, pleural effusion or pneumothorax. Cardiomediastinal silhouette is within normal limits. IMPRESSION: No acute cardiopulmonary process.',
    );
  });

  it('states positives with their details, the usual negatives, devices last, and one impression', () => {
    expect(
      buildReport({
        cardiomegaly: { severity: 'moderate' },
        pleural_effusion: { side: 'left', size: 'small' },
        endotracheal_tube: { tipAboveCarinaCm: 4 },
      }),
    ).toBe(
      'FINDINGS: There is moderate cardiomegaly. There is a small left pleural effusion. No pneumothorax. The lungs are otherwise clear. ' +
        'Endotracheal tube terminates 4 cm above the carina. IMPRESSION: Moderate cardiomegaly with small left pleural effusion.',
    );
    expect(buildReport({ nodule_or_mass: { kind: 'mass', lobe: 'LLL', diameterCm: 5 }, central_line: { access: 'left subclavian', tip: 'cavoatrial junction' } })).toBe(
      'FINDINGS: There is a 5.0 cm mass in the left lower lobe. No pleural effusion or pneumothorax. The lungs are otherwise clear. ' +
        'Left subclavian central venous catheter terminates at the cavoatrial junction. IMPRESSION: 5.0 cm left lower lobe mass.',
    );
    expect(buildReport({ central_line: DEFAULT_DETAILS.central_line })).toContain('IMPRESSION: Right internal jugular central line in the SVC. No acute cardiopulmonary process.');
  });

  it('is read back by the labeler as exactly the ticked findings (300 random checklists)', () => {
    const r = createSeededRandom(20261207); // the same 300 checklists on every run
    const labels = [...PATHOLOGIES, ...DEVICES];
    for (let n = 0; n < 300; n++) {
      const checklist = randomChecklist(r);
      const report = buildReport(checklist);
      const got = labelsToBinary(labelPhantomReport(report).labels);
      const want = Object.fromEntries(labels.map((l) => [l, checklist[l] !== undefined ? 1 : 0]));
      expect({ report, labels: got }).toEqual({ report, labels: want });
    }
  });

  it('stays within the phantom report length for up to three pathologies and both devices', () => {
    const worst: ReportChecklist = {
      pleural_effusion: { side: 'bilateral', size: 'moderate' },
      nodule_or_mass: { kind: 'nodule', lobe: 'RML', diameterCm: 2.9 },
      pulmonary_edema: { severity: 'moderate' },
      endotracheal_tube: DEFAULT_DETAILS.endotracheal_tube,
      central_line: { access: 'right internal jugular', tip: 'cavoatrial junction' },
    };
    expect(wordCount(buildReport(worst))).toBeLessThanOrEqual(PHANTOM_MAX_WORDS);
  });

  it('refuses sizes the phantom never makes, naming the range', () => {
    expect(() => buildReport({ nodule_or_mass: { kind: 'nodule', lobe: 'RUL', diameterCm: 3.5 } })).toThrow('A nodule in the phantom measures 2.0–2.9 cm; 3.5 cm is outside that.');
    // An emptied field (NaN) asks for a value instead of echoing "NaN".
    expect(() => buildReport({ nodule_or_mass: { kind: 'mass', lobe: 'RUL', diameterCm: Number.NaN } })).toThrow(/^Enter the mass's diameter: 4\.0–6\.5 cm\.$/);
    expect(() => buildReport({ endotracheal_tube: { tipAboveCarinaCm: Number.NaN } })).toThrow(/^Enter how far above the carina the endotracheal tube tip lies: 2–7 cm\.$/);
    expect(() => buildReport({ endotracheal_tube: { tipAboveCarinaCm: 9 } })).toThrow(/2–7 cm above the carina/);
    expect(() => buildReport({ endotracheal_tube: { tipAboveCarinaCm: 3.5 } })).toThrow(/whole cm/);
  });
});
