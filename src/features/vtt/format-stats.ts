/** @file Display formatting for reader-study numbers (pure). Undefined statistics show as an em dash. */
import type { Interval, Proportion, Spread } from '../../domain/vtt/stats';

const DASH = '—';

export function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : DASH;
}

export function fixed(value: number | null | undefined, digits = 3): string {
  return value !== null && value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : DASH;
}

export function interval(ci: Interval, format: (v: number) => string): string {
  return Number.isFinite(ci.lower) && Number.isFinite(ci.upper) ? `${format(ci.lower)}–${format(ci.upper)}` : DASH;
}

/** "87.5% (7/8; 52.9–97.8%)" */
export function proportionText(p: Proportion): string {
  if (p.n === 0) return DASH;
  return `${percent(p.estimate)} (${p.successes}/${p.n}; ${interval(p.ci, (v) => (v * 100).toFixed(1))}%)`;
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return DASH;
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** Mean ± SD (n) of a Likert score. */
export function likertText(s: Spread): string {
  return s.n === 0 ? DASH : `${s.mean.toFixed(2)} ± ${Number.isFinite(s.sd) ? s.sd.toFixed(2) : '0.00'} (n=${s.n})`;
}

/** Median [IQR] of a Likert score: "5 [4.75–5]" (quartiles interpolate, so up to two decimals). */
export function likertMedianText(s: Spread): string {
  const v = (x: number) => String(Number(x.toFixed(2)));
  return s.n === 0 ? DASH : `${v(s.median)} [${v(s.q1)}–${v(s.q3)}]`;
}

/** Median [IQR] of milliseconds as seconds. */
export function secondsText(s: Spread): string {
  return s.n === 0 ? DASH : `${(s.median / 1000).toFixed(1)} s [${(s.q1 / 1000).toFixed(1)}–${(s.q3 / 1000).toFixed(1)}]`;
}
