/**
 * @file How big a reader study needs to be (pure), shown while it is designed: how wide the 95 % interval of a
 * reader's accuracy would be if they were guessing, and how many cases one reader needs for a given accuracy to be
 * told from guessing. One-sample binomial planning with the normal approximation (Fleiss, Levin & Paik, Statistical
 * Methods for Rates and Proportions, 3rd ed., §2.5); the MRMC analysis of the export is what decides in the end.
 */
import { Z95, wilsonInterval, type Interval } from './stats';

/** z for 80 % power (one-sided β = 0.2). */
const Z_POWER_80 = 0.8416212335729143;

/**
 * Cases one reader must read so that a true accuracy of `accuracy` is told from 50 % (two-sided α = 0.05) with 80 %
 * power: n = ((z₁₋α/₂·√(p₀q₀) + z₁₋β·√(p₁q₁)) / (p₁ − p₀))², rounded up. Infinity at or below 50 %.
 */
export function casesToTellFromChance(accuracy: number): number {
  if (!(accuracy > 0.5) || accuracy >= 1) return accuracy >= 1 ? 1 : Number.POSITIVE_INFINITY;
  const root = Z95 * Math.sqrt(0.25) + Z_POWER_80 * Math.sqrt(accuracy * (1 - accuracy));
  return Math.ceil((root / (accuracy - 0.5)) ** 2);
}

export interface StudyPower {
  readonly cases: number;
  readonly readers: number;
  /** The Wilson 95 % interval of a reader who scores 50 % over `cases` readings. */
  readonly perReaderAtChance: Interval;
  /** The same for all readings pooled (readers as independent, which they are not: a lower bound on the width). */
  readonly pooledAtChance: Interval;
  /** Cases one reader needs for 60 % and for 70 % accuracy to be told from guessing. */
  readonly casesFor60: number;
  readonly casesFor70: number;
}

export function studyPower(cases: number, readers: number): StudyPower | null {
  if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(readers) || readers < 1) return null;
  const pooled = cases * readers;
  return {
    cases,
    readers,
    perReaderAtChance: wilsonInterval(cases / 2, cases),
    pooledAtChance: wilsonInterval(pooled / 2, pooled),
    casesFor60: casesToTellFromChance(0.6),
    casesFor70: casesToTellFromChance(0.7),
  };
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

/** The sentence the study builder shows. */
export function describeStudyPower(power: StudyPower): string {
  const verdict =
    power.cases >= power.casesFor60
      ? 'enough for one reader to tell 60% accuracy from guessing'
      : power.cases >= power.casesFor70
        ? `enough to tell 70% accuracy from guessing, not 60% (that needs ${power.casesFor60} cases)`
        : `too few to tell even 70% accuracy from guessing (that needs ${power.casesFor70} cases; 60% needs ${power.casesFor60})`;
  return (
    `A reader who scores 50% on ${power.cases} cases has a 95% interval of ${pct(power.perReaderAtChance.lower)}–${pct(power.perReaderAtChance.upper)} ` +
    'for their accuracy' +
    (power.readers > 1 ? `; all ${power.readers} readers pooled, ${pct(power.pooledAtChance.lower)}–${pct(power.pooledAtChance.upper)} at best` : '') +
    `. ${power.cases} cases are ${verdict} (80% power, two-sided 5%).`
  );
}
