/**
 * @file A report from a checklist of findings, in the phantom's own phrasing (toolchain/medcodi/phantom/report.py:
 * for each finding its first template that states the finding's details, its impression phrase, and the phantom's
 * explicit negatives), so a report-conditioned
 * generation sees text like the text the model was trained on. The labeler reads every report this writes back
 * to exactly the findings chosen (report-builder.test.ts checks it over random checklists).
 */

export const SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export const EDEMA_SEVERITIES = ['mild', 'moderate'] as const;
export const SIZES = ['small', 'moderate', 'large'] as const;
export const LOBES = { RUL: 'right upper lobe', RML: 'right middle lobe', RLL: 'right lower lobe', LUL: 'left upper lobe', LLL: 'left lower lobe', lingula: 'lingula' } as const;
export const LINE_ACCESS = ['right internal jugular', 'left internal jugular', 'right subclavian', 'left subclavian'] as const;
export const LINE_TIPS = { SVC: 'in the SVC', 'cavoatrial junction': 'at the cavoatrial junction', 'right atrium': 'in the right atrium' } as const;
/** Nodule and mass diameters the phantom draws (cm): a report outside them describes a case it never made. */
export const DIAMETER_RANGE_CM = { nodule: [2.0, 2.9], mass: [4.0, 6.5] } as const;
export const ETT_RANGE_CM = [2, 7] as const;

export type Lobe = keyof typeof LOBES;
export type LineTip = keyof typeof LINE_TIPS;

export interface FindingDetails {
  readonly cardiomegaly: { readonly severity: (typeof SEVERITIES)[number] };
  readonly pleural_effusion: { readonly side: 'left' | 'right' | 'bilateral'; readonly size: (typeof SIZES)[number] };
  readonly pneumothorax: { readonly side: 'left' | 'right'; readonly size: (typeof SIZES)[number] };
  readonly consolidation: { readonly lobe: Lobe };
  readonly nodule_or_mass: { readonly kind: 'nodule' | 'mass'; readonly lobe: Lobe; readonly diameterCm: number };
  readonly pulmonary_edema: { readonly severity: (typeof EDEMA_SEVERITIES)[number] };
  readonly endotracheal_tube: { readonly tipAboveCarinaCm: number };
  readonly central_line: { readonly access: (typeof LINE_ACCESS)[number]; readonly tip: LineTip };
}

export type BuilderFinding = keyof FindingDetails;

/** The checklist: a finding is present when it has details. */
export type ReportChecklist = { readonly [K in BuilderFinding]?: FindingDetails[K] };

export const PATHOLOGIES = ['cardiomegaly', 'pleural_effusion', 'pneumothorax', 'consolidation', 'nodule_or_mass', 'pulmonary_edema'] as const;
export const DEVICES = ['endotracheal_tube', 'central_line'] as const;

/** What a newly ticked finding starts with. */
export const DEFAULT_DETAILS: FindingDetails = {
  cardiomegaly: { severity: 'moderate' },
  pleural_effusion: { side: 'left', size: 'moderate' },
  pneumothorax: { side: 'right', size: 'moderate' },
  consolidation: { lobe: 'RLL' },
  nodule_or_mass: { kind: 'nodule', lobe: 'RUL', diameterCm: 2.5 },
  pulmonary_edema: { severity: 'moderate' },
  endotracheal_tube: { tipAboveCarinaCm: 4 },
  central_line: { access: 'right internal jugular', tip: 'SVC' },
};

/** The phantom's explicit negative for an absent pathology (its first template). */
const NEGATIVE: Readonly<Record<(typeof PATHOLOGIES)[number], string>> = {
  cardiomegaly: 'Heart size is normal.',
  pleural_effusion: 'No pleural effusion.',
  pneumothorax: 'No pneumothorax.',
  consolidation: 'No focal consolidation.',
  nodule_or_mass: 'No pulmonary nodule or mass.',
  pulmonary_edema: 'No pulmonary edema.',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The nodule or mass diameter as the report writes it (one decimal), after checking the phantom's range. */
function diameterText(d: FindingDetails['nodule_or_mass']): string {
  const [lo, hi] = DIAMETER_RANGE_CM[d.kind];
  if (!Number.isFinite(d.diameterCm)) throw new Error(`Enter the ${d.kind}'s diameter: ${lo.toFixed(1)}–${hi.toFixed(1)} cm.`);
  if (d.diameterCm < lo || d.diameterCm > hi) {
    throw new Error(`A ${d.kind} in the phantom measures ${lo.toFixed(1)}–${hi.toFixed(1)} cm; ${d.diameterCm} cm is outside that.`);
  }
  return d.diameterCm.toFixed(1);
}

function ettText(cm: number): string {
  if (!Number.isFinite(cm)) throw new Error(`Enter how far above the carina the endotracheal tube tip lies: ${ETT_RANGE_CM[0]}–${ETT_RANGE_CM[1]} cm.`);
  if (!Number.isInteger(cm) || cm < ETT_RANGE_CM[0] || cm > ETT_RANGE_CM[1]) {
    throw new Error(`The phantom's endotracheal tube tip lies ${ETT_RANGE_CM[0]}–${ETT_RANGE_CM[1]} cm above the carina (whole cm); ${cm} is outside that.`);
  }
  return String(cm);
}

/** Per finding: [FINDINGS sentence, IMPRESSION phrase] for its details. */
const PHRASES: { readonly [K in BuilderFinding]: (d: FindingDetails[K]) => [string, string] } = {
  cardiomegaly: ({ severity }) => [`There is ${severity} cardiomegaly.`, `${severity} cardiomegaly`],
  pleural_effusion: ({ side, size }) =>
    side === 'bilateral'
      ? [`There are ${size} bilateral pleural effusions.`, `${size} bilateral pleural effusions`]
      : [`There is a ${size} ${side} pleural effusion.`, `${size} ${side} pleural effusion`],
  pneumothorax: ({ side, size }) => [`There is a ${size} ${side} pneumothorax.`, `${size} ${side} pneumothorax`],
  consolidation: ({ lobe }) => [`There is consolidation in the ${LOBES[lobe]}.`, `${LOBES[lobe]} consolidation`],
  nodule_or_mass: (n) => {
    const size = diameterText(n);
    return [`There is a ${size} cm ${n.kind} in the ${LOBES[n.lobe]}.`, `${size} cm ${LOBES[n.lobe]} ${n.kind}`];
  },
  pulmonary_edema: ({ severity }) => [`There is ${severity} pulmonary edema.`, `${severity} pulmonary edema`],
  endotracheal_tube: ({ tipAboveCarinaCm }) => [`Endotracheal tube terminates ${ettText(tipAboveCarinaCm)} cm above the carina.`, 'endotracheal tube in place'],
  central_line: ({ access, tip }) => [`${cap(access)} central venous catheter terminates ${LINE_TIPS[tip]}.`, `${access} central line ${LINE_TIPS[tip]}`],
};

function positive<K extends BuilderFinding>(label: K, details: FindingDetails[K]): [string, string] {
  return PHRASES[label](details);
}

/**
 * The report for a checklist: "FINDINGS: … IMPRESSION: …". Present pathologies first, then the phantom's negatives
 * for pleural effusion and pneumothorax when absent (the two it states most), "The lungs are otherwise clear." when
 * there is no consolidation or edema, then devices. No pathology: the phantom's normal report, devices included.
 */
export function buildReport(checklist: ReportChecklist): string {
  const pathologies = PATHOLOGIES.filter((l) => checklist[l] !== undefined);
  const devices = DEVICES.map((l) => (checklist[l] !== undefined ? positive(l, checklist[l] as FindingDetails[typeof l]) : null)).filter(
    (p): p is [string, string] => p !== null,
  );
  if (pathologies.length === 0) {
    const findings = ['The lungs are clear.', 'No focal consolidation, pleural effusion or pneumothorax.', 'Cardiomediastinal silhouette is within normal limits.', ...devices.map((d) => d[0])];
    const impression = devices.length > 0 ? `${cap(devices.map((d) => d[1]).join(' and '))}. No acute cardiopulmonary process.` : 'No acute cardiopulmonary process.';
    return `FINDINGS: ${findings.join(' ')} IMPRESSION: ${impression}`;
  }
  const present = pathologies.map((l) => positive(l, checklist[l] as FindingDetails[typeof l]));
  const negatives: string[] = [];
  const noEffusion = checklist.pleural_effusion === undefined;
  const noPneumothorax = checklist.pneumothorax === undefined;
  if (noEffusion && noPneumothorax) negatives.push('No pleural effusion or pneumothorax.');
  else if (noEffusion) negatives.push(NEGATIVE.pleural_effusion);
  else if (noPneumothorax) negatives.push(NEGATIVE.pneumothorax);
  if (checklist.consolidation === undefined && checklist.pulmonary_edema === undefined) negatives.push('The lungs are otherwise clear.');
  const phrases = present.map((p) => p[1]);
  const impression = phrases.length === 1 ? `${cap(phrases[0] as string)}.` : `${cap(phrases[0] as string)} with ${phrases.slice(1).join(' and ')}.`;
  const findings = [...present.map((p) => p[0]), ...negatives, ...devices.map((d) => d[0])];
  return `FINDINGS: ${findings.join(' ')} IMPRESSION: ${impression}`;
}

/** The phantom's reports stay under this many words (report.py MAX_WORDS); longer ones are out of its range. */
export const PHANTOM_MAX_WORDS = 70;

export function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}
