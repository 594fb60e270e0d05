/**
 * @file TypeScript port of the phantom report labeler (toolchain/medcodi/phantom/labeler.py): NegEx-style cues
 * within word windows, CheXpert-style aggregation. The rules are data (labeler_rules.json, whose `algorithm` field
 * spells out the procedure); this file follows those eight steps exactly, and labeler.test.ts checks it against
 * outputs of the Python labeler. On top of the labels it also returns character ranges of every mention, normal
 * statement and cue, so the report view can highlight them.
 *
 * Result values: 1 positive, 0 negated (or covered by a "normal" statement), -1 uncertain, null not mentioned.
 */

export type LabelValue = 1 | 0 | -1 | null;

export interface LabelerRules {
  readonly labels: readonly string[];
  readonly sentence_split_pattern: string;
  readonly token_pattern: string;
  readonly window: { readonly pre: number; readonly post: number };
  readonly mentions: Readonly<Record<string, readonly string[]>>;
  readonly normal: readonly { readonly phrases: readonly string[]; readonly set: Readonly<Record<string, number>> }[];
  readonly pre_negation: readonly string[];
  readonly post_negation: readonly string[];
  readonly pre_uncertainty: readonly string[];
  readonly post_uncertainty: readonly string[];
  readonly terminators: readonly string[];
  readonly pseudo: readonly string[];
}

const CUE_LISTS = ['pre_negation', 'post_negation', 'pre_uncertainty', 'post_uncertainty', 'terminators', 'pseudo'] as const;
type CueList = (typeof CUE_LISTS)[number];

type Role = { readonly kind: 'mention'; readonly label: string } | { readonly kind: 'normal'; readonly index: number } | { readonly kind: CueList };

interface Token {
  readonly text: string;
  /** Character offsets in the whole report. */
  readonly start: number;
  readonly end: number;
}

interface Span {
  /** Token range [s, e) within the sentence. */
  readonly s: number;
  readonly e: number;
  readonly roles: readonly Role[];
}

/** A highlighted stretch of the report. */
export interface LabelerHighlight {
  readonly start: number;
  readonly end: number;
  /** positive / negated / uncertain: a finding mention with its verdict; normal: a "normal" statement; cue: a negation/uncertainty word. */
  readonly kind: 'positive' | 'negated' | 'uncertain' | 'normal' | 'cue';
  readonly labels: readonly string[];
}

export interface LabelerResult {
  readonly labels: Readonly<Record<string, LabelValue>>;
  readonly highlights: readonly LabelerHighlight[];
}

export interface CompiledRules {
  readonly rules: LabelerRules;
  readonly tokenRe: RegExp;
  readonly splitRe: RegExp;
  readonly table: ReadonlyMap<string, readonly Role[]>;
  readonly maxLength: number;
}

const KEY_SEPARATOR = '\u0000';

function sameRole(a: Role, b: Role): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'mention' && b.kind === 'mention') return a.label === b.label;
  if (a.kind === 'normal' && b.kind === 'normal') return a.index === b.index;
  return true;
}

/** Step 3: tokenises every phrase and builds the phrase table. Throws on rules that name unknown labels or empty phrases. */
export function compileRules(rules: LabelerRules): CompiledRules {
  // `u`: match code points like Python's str regexes do; `g` for findall-style iteration.
  const tokenRe = new RegExp(rules.token_pattern, 'gu');
  const splitRe = new RegExp(rules.sentence_split_pattern, 'gu');
  const table = new Map<string, Role[]>();
  const tokenize = (s: string) => Array.from(s.matchAll(tokenRe), (m) => m[0]);
  const add = (phrase: string, role: Role) => {
    const tokens = tokenize(phrase.toLowerCase());
    if (tokens.length === 0) throw new Error(`labeler rules: empty phrase ${JSON.stringify(phrase)}`);
    const key = tokens.join(KEY_SEPARATOR);
    const roles = table.get(key) ?? [];
    if (!roles.some((r) => sameRole(r, role))) roles.push(role);
    table.set(key, roles);
  };
  for (const [label, phrases] of Object.entries(rules.mentions)) {
    if (!rules.labels.includes(label)) throw new Error(`labeler rules: mentions name unknown label "${label}"`);
    for (const p of phrases) add(p, { kind: 'mention', label });
  }
  rules.normal.forEach((rule, index) => {
    for (const p of rule.phrases) add(p, { kind: 'normal', index });
  });
  for (const list of CUE_LISTS) for (const p of rules[list]) add(p, { kind: list });
  const maxLength = Math.max(...Array.from(table.keys(), (k) => k.split(KEY_SEPARATOR).length));
  return { rules, tokenRe, splitRe, table, maxLength };
}

/** Step 1: sentences of the lower-cased text with their offsets (empty ones dropped later by tokenising). */
function sentences(compiled: CompiledRules, lower: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  for (const match of lower.matchAll(compiled.splitRe)) {
    out.push({ text: lower.slice(start, match.index), offset: start });
    start = match.index + match[0].length;
  }
  out.push({ text: lower.slice(start), offset: start });
  return out;
}

/** Step 2: a token is a WORD when its first character is [a-z0-9]. */
function isWord(token: string): boolean {
  const c = token[0] ?? '';
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/** Step 4: longest-match spans, left to right. */
function findSpans(compiled: CompiledRules, tokens: readonly Token[]): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < tokens.length) {
    let found: Span | null = null;
    for (let length = Math.min(compiled.maxLength, tokens.length - i); length > 0; length -= 1) {
      const key = tokens
        .slice(i, i + length)
        .map((t) => t.text)
        .join(KEY_SEPARATOR);
      const roles = compiled.table.get(key);
      if (roles) {
        found = { s: i, e: i + length, roles };
        break;
      }
    }
    if (found) {
      spans.push(found);
      i = found.e;
    } else {
      i += 1;
    }
  }
  return spans;
}

const hasKind = (span: Span, kind: Role['kind']) => span.roles.some((r) => r.kind === kind);

/** Steps 5–6 for one sentence: observations, plus highlights with character ranges. */
function labelSentence(
  compiled: CompiledRules,
  tokens: readonly Token[],
  observe: (label: string, value: 1 | 0 | -1) => void,
  highlight: (h: LabelerHighlight) => void,
): void {
  const { rules } = compiled;
  const spans = findSpans(compiled, tokens);
  const wordsBefore = [0];
  for (const t of tokens) wordsBefore.push((wordsBefore[wordsBefore.length - 1] ?? 0) + (isWord(t.text) ? 1 : 0));
  const words = (a: number, b: number) => (b > a ? (wordsBefore[b] ?? 0) - (wordsBefore[a] ?? 0) : 0);
  const range = (span: Span) => ({ start: tokens[span.s]?.start ?? 0, end: tokens[span.e - 1]?.end ?? 0 });

  spans.forEach((span, si) => {
    for (const role of span.roles) {
      if (role.kind !== 'normal') continue;
      const set = rules.normal[role.index]?.set ?? {};
      for (const [label, value] of Object.entries(set)) observe(label, Math.trunc(value) as 1 | 0 | -1);
      highlight({ ...range(span), kind: 'normal', labels: Object.keys(set) });
    }
    const mentions = span.roles.flatMap((r) => (r.kind === 'mention' ? [r.label] : []));
    if (mentions.length === 0) {
      const cue = ['pre_negation', 'post_negation', 'pre_uncertainty', 'post_uncertainty'].some((k) => hasKind(span, k as CueList));
      if (cue && !hasKind(span, 'normal')) highlight({ ...range(span), kind: 'cue', labels: [] });
      return;
    }
    let negated = false;
    let uncertain = false;
    for (let sj = si - 1; sj >= 0; sj -= 1) {
      const other = spans[sj];
      if (!other || hasKind(other, 'terminators') || words(other.e, span.s) > rules.window.pre) break;
      negated ||= hasKind(other, 'pre_negation');
      uncertain ||= hasKind(other, 'pre_uncertainty');
    }
    for (let sj = si + 1; sj < spans.length; sj += 1) {
      const other = spans[sj];
      if (!other || hasKind(other, 'terminators') || words(span.e, other.s) > rules.window.post) break;
      negated ||= hasKind(other, 'post_negation');
      uncertain ||= hasKind(other, 'post_uncertainty');
    }
    const value = uncertain ? -1 : negated ? 0 : 1;
    for (const label of mentions) observe(label, value);
    highlight({ ...range(span), kind: value === 1 ? 'positive' : value === 0 ? 'negated' : 'uncertain', labels: mentions });
  });
}

/** Labels a report (steps 1–7) and returns highlight ranges into the original text. */
export function labelReport(text: string, compiled: CompiledRules): LabelerResult {
  const lower = text.toLowerCase();
  // Offsets map back to `text` only when lower-casing kept every character's length (true for ASCII reports).
  const offsetsValid = lower.length === text.length;
  const seen = new Map<string, Set<number>>(compiled.rules.labels.map((l) => [l, new Set<number>()]));
  const highlights: LabelerHighlight[] = [];
  for (const sentence of sentences(compiled, lower)) {
    const tokens: Token[] = Array.from(sentence.text.matchAll(compiled.tokenRe), (m) => ({
      text: m[0],
      start: sentence.offset + m.index,
      end: sentence.offset + m.index + m[0].length,
    }));
    if (tokens.length === 0) continue;
    labelSentence(
      compiled,
      tokens,
      (label, value) => seen.get(label)?.add(value),
      (h) => {
        if (offsetsValid) highlights.push(h);
      },
    );
  }
  const labels: Record<string, LabelValue> = {};
  for (const label of compiled.rules.labels) {
    const values = seen.get(label) ?? new Set<number>();
    labels[label] = values.has(1) ? 1 : values.has(-1) ? -1 : values.has(0) ? 0 : null;
  }
  return { labels, highlights };
}

/** A label as people read it: `pleural_effusion` → "pleural effusion". */
export function findingName(label: string): string {
  return label.replace(/_/g, ' ');
}

/** Step 8: uncertain counts as positive; negated and unmentioned as negative. */
export function labelsToBinary(labels: Readonly<Record<string, LabelValue>>): Record<string, 0 | 1> {
  return Object.fromEntries(Object.entries(labels).map(([label, v]) => [label, v === 1 || v === -1 ? 1 : 0]));
}

/** Splits text into plain and highlighted pieces for rendering (highlights do not overlap: spans never do). */
export function segmentText(text: string, highlights: readonly LabelerHighlight[]): { text: string; highlight: LabelerHighlight | null }[] {
  const sorted = [...highlights].sort((a, b) => a.start - b.start);
  const pieces: { text: string; highlight: LabelerHighlight | null }[] = [];
  let at = 0;
  for (const h of sorted) {
    if (h.start < at) continue;
    if (h.start > at) pieces.push({ text: text.slice(at, h.start), highlight: null });
    pieces.push({ text: text.slice(h.start, h.end), highlight: h });
    at = h.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), highlight: null });
  return pieces;
}
