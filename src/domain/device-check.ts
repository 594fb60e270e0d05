/**
 * @file "Check on this device": one direction run over the bundled phantom cases with the variant and backend this
 * browser actually uses, each result compared label by label with its case's known findings (the same comparison
 * as a result's "Compared with the source case"). A quick live check beside the toolchain's 200-case evaluation,
 * e.g. of a quantized variant or of WebGPU against WASM, not a replacement for it. Pure: plan and summary.
 */
import type { GenerationSettings } from '../contracts/job';
import type { Modality } from '../contracts/modality';
import { DIRECTIONS } from '../contracts/modality';
import type { ExampleCase } from './example-cases';
import { compareWithSource, sourceCaseOf, type OutputFindings, type SourceComparison } from './result-findings';

/** The directions worth checking against ground truth (every output is judged; inputs come from the case). */
export const CHECK_DIRECTION_IDS = ['T>F', 'T>L', 'F>T', 'L>T', 'F+L>T', 'F>L', 'L>F', 'T>F+L'] as const;
export type CheckDirectionId = (typeof CHECK_DIRECTION_IDS)[number];

export interface CheckJob {
  readonly caseId: string;
  readonly inputs: readonly Modality[];
  readonly outputs: readonly Modality[];
  readonly settings: GenerationSettings;
}

export function checkDirection(id: CheckDirectionId): { readonly inputs: readonly Modality[]; readonly outputs: readonly Modality[] } {
  const direction = DIRECTIONS.find((d) => d.id === id);
  if (!direction) throw new Error(`Unknown direction ${id}`);
  return direction;
}

/** One job per case, each with its own seed (seed + case index), so a case's result does not depend on the others. */
export function planDeviceCheck(cases: readonly ExampleCase[], id: CheckDirectionId, base: GenerationSettings): CheckJob[] {
  if (cases.length === 0) throw new Error('This build bundles no example cases to check against.');
  const { inputs, outputs } = checkDirection(id);
  return cases.map((c, k) => ({ caseId: c.id, inputs, outputs, settings: { ...base, seed: (base.seed + k) >>> 0, previewEvery: 0 } }));
}

export interface CaseCheckResult {
  readonly caseId: string;
  readonly title?: string;
  readonly comparison: SourceComparison;
}

export function checkCase(example: ExampleCase, findings: OutputFindings, labels: readonly string[]): CaseCheckResult {
  return { caseId: example.id, ...(example.title !== undefined ? { title: example.title } : {}), comparison: compareWithSource(sourceCaseOf(example), findings, labels) };
}

export interface OutputSummary {
  readonly modality: Modality;
  /** Labels agreeing with the cases' known findings, over all cases. */
  readonly labelAgreement: number;
  /** Cases whose every label agrees. */
  readonly exactCases: number;
  readonly cases: number;
  /** Of the findings the cases have, how many the output shows (absent labels make agreement look easy). */
  readonly presentFound: number;
  readonly presentTotal: number;
}

/** Per output modality: label agreement and exact-match cases over the finished cases. */
export function summariseDeviceCheck(results: readonly CaseCheckResult[]): OutputSummary[] {
  const byModality = new Map<Modality, { agree: number; of: number; exact: number; cases: number; found: number; present: number }>();
  for (const r of results) {
    for (const [m, tally] of Object.entries(r.comparison.agreement) as [Modality, { agree: number; of: number }][]) {
      const acc = byModality.get(m) ?? { agree: 0, of: 0, exact: 0, cases: 0, found: 0, present: 0 };
      acc.agree += tally.agree;
      acc.of += tally.of;
      acc.cases += 1;
      if (tally.of > 0 && tally.agree === tally.of) acc.exact += 1;
      for (const row of r.comparison.rows) {
        if (row.source !== 'present') continue;
        acc.present += 1;
        if (row.outputs[m]?.finding === 'present') acc.found += 1;
      }
      byModality.set(m, acc);
    }
  }
  return (['frontal', 'lateral', 'report'] as const)
    .filter((m) => byModality.has(m))
    .map((m) => {
      const acc = byModality.get(m) as { agree: number; of: number; exact: number; cases: number; found: number; present: number };
      return { modality: m, labelAgreement: acc.of === 0 ? 0 : acc.agree / acc.of, exactCases: acc.exact, cases: acc.cases, presentFound: acc.found, presentTotal: acc.present };
    });
}
