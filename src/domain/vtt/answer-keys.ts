/**
 * @file The reader's keyboard, as a pure state machine: one key per answer, one highlighted question at a time.
 *
 * Key map (shown on screen by the reader view from `keyLegend`):
 * - R / S: real / synthetic (any time);
 * - digits answer the highlighted question: confidence 1…L, realism 1…5, findings 1…9 and cues 1…5 toggle
 *   (0 clears);
 * - Y / N: clinically plausible yes / no (when asked);
 * - ↑ / ↓: move the highlight;  Enter: next case once every required answer is given;  P: pause / resume.
 * After an answer the highlight moves to the next unanswered question, so a reader types e.g. `S 3 4 Y Enter`.
 */
import { CUES, REALISM_LEVELS, type StudyQuestions, type Truth } from './study';

export type QuestionId = 'call' | 'confidence' | 'realism' | 'plausible' | 'cues' | 'findings';

export interface AnswerDraft {
  readonly call: Truth | null;
  readonly confidence: number | null;
  readonly realism: number | null;
  readonly plausible: boolean | null;
  readonly findings: readonly string[];
  /** Ticked cues, in `CUES` order. */
  readonly cues: readonly string[];
  /** The reader's free-text comment (typed in a text field, not through keys); '' when none. */
  readonly comment: string;
  /** The highlighted question, which digit keys answer. */
  readonly active: QuestionId;
}

export type KeyOutcome =
  | { readonly kind: 'update'; readonly draft: AnswerDraft }
  | { readonly kind: 'submit' }
  | { readonly kind: 'incomplete'; readonly draft: AnswerDraft; readonly missing: readonly QuestionId[] }
  | { readonly kind: 'pause' }
  | { readonly kind: 'ignored' };

export const QUESTION_TITLES: Readonly<Record<QuestionId, string>> = {
  call: 'Real or synthetic?',
  confidence: 'How sure are you?',
  realism: 'How realistic does it look?',
  plausible: 'Clinically plausible?',
  cues: 'What did you base the call on?',
  findings: 'Findings you see',
};

export function emptyDraft(): AnswerDraft {
  return { call: null, confidence: null, realism: null, plausible: null, findings: [], cues: [], comment: '', active: 'call' };
}

/** The questions this study asks, in screen order. */
export function questionsFor(questions: StudyQuestions): QuestionId[] {
  const list: QuestionId[] = ['call', 'confidence', 'realism'];
  if (questions.askPlausibility) list.push('plausible');
  if (questions.askCues === true) list.push('cues');
  if (questions.findings.length > 0) list.push('findings');
  return list;
}

/** The optional checklists (any number ticked, digits toggle, 0 clears), in screen order. */
const CHECKLISTS: readonly QuestionId[] = ['cues', 'findings'];

/** The items of a checklist question. */
export function checklistItems(id: 'cues' | 'findings', questions: StudyQuestions): readonly string[] {
  return id === 'cues' ? CUES : questions.findings;
}

/** Toggles one item, keeping the checklist's order so exports do not depend on the order of key presses. */
function toggleItem(items: readonly string[], ticked: readonly string[], item: string): string[] {
  const on = ticked.includes(item);
  return items.filter((i) => (i === item ? !on : ticked.includes(i)));
}

function isAnswered(draft: AnswerDraft, id: QuestionId): boolean {
  switch (id) {
    case 'call':
      return draft.call !== null;
    case 'confidence':
      return draft.confidence !== null;
    case 'realism':
      return draft.realism !== null;
    case 'plausible':
      return draft.plausible !== null;
    case 'cues':
    case 'findings':
      return true; // optional: ticking nothing means "none of these"
  }
}

/** Required questions still unanswered, in screen order. */
export function missingAnswers(draft: AnswerDraft, questions: StudyQuestions): QuestionId[] {
  return questionsFor(questions).filter((id) => !isAnswered(draft, id));
}

/** After answering `from`: the next unanswered question (wrapping), else the first checklist, else stay. */
function nextActive(draft: AnswerDraft, from: QuestionId, questions: StudyQuestions): QuestionId {
  const list = questionsFor(questions);
  const start = list.indexOf(from);
  for (let step = 1; step <= list.length; step += 1) {
    const id = list[(start + step) % list.length] as QuestionId;
    if (!isAnswered(draft, id)) return id;
  }
  return list.find((id) => CHECKLISTS.includes(id)) ?? from;
}

function answered(draft: AnswerDraft, from: QuestionId, questions: StudyQuestions): KeyOutcome {
  return { kind: 'update', draft: { ...draft, active: nextActive(draft, from, questions) } };
}

/** Applies one key (KeyboardEvent.key) to the draft. */
export function applyKey(draft: AnswerDraft, key: string, questions: StudyQuestions): KeyOutcome {
  const list = questionsFor(questions);
  const k = key.length === 1 ? key.toLowerCase() : key;
  if (k === 'r' || k === 's') return answered({ ...draft, call: k === 'r' ? 'real' : 'synthetic' }, 'call', questions);
  if ((k === 'y' || k === 'n') && questions.askPlausibility) return answered({ ...draft, plausible: k === 'y' }, 'plausible', questions);
  if (k === 'p') return { kind: 'pause' };
  if (k === 'ArrowDown' || k === 'ArrowUp') {
    const index = list.indexOf(draft.active);
    const next = list[(index + (k === 'ArrowDown' ? 1 : list.length - 1)) % list.length] as QuestionId;
    return { kind: 'update', draft: { ...draft, active: next } };
  }
  if (k === 'Enter') {
    const missing = missingAnswers(draft, questions);
    if (missing.length === 0) return { kind: 'submit' };
    return { kind: 'incomplete', missing, draft: { ...draft, active: missing[0] as QuestionId } };
  }
  if (!/^[0-9]$/.test(k)) return { kind: 'ignored' };
  const digit = Number(k);
  switch (draft.active) {
    case 'confidence':
      if (digit < 1 || digit > questions.confidenceLevels) return { kind: 'ignored' };
      return answered({ ...draft, confidence: digit }, 'confidence', questions);
    case 'realism':
      if (digit < 1 || digit > REALISM_LEVELS) return { kind: 'ignored' };
      return answered({ ...draft, realism: digit }, 'realism', questions);
    case 'cues':
    case 'findings': {
      const field = draft.active;
      if (digit === 0) return { kind: 'update', draft: { ...draft, [field]: [] } };
      const items = checklistItems(field, questions);
      const item = items[digit - 1];
      if (item === undefined) return { kind: 'ignored' };
      return { kind: 'update', draft: { ...draft, [field]: toggleItem(items, draft[field], item) } };
    }
    default:
      return { kind: 'ignored' };
  }
}

/** The ordinal ROC rating: certain-real = 1 … certain-synthetic = 2L (L = confidence levels). */
export function ratingFor(call: Truth, confidence: number, confidenceLevels: number): number {
  return call === 'synthetic' ? confidenceLevels + confidence : confidenceLevels + 1 - confidence;
}

/** Labels of the confidence levels: 1 = guessing … L = certain. */
export function confidenceLabels(levels: number): string[] {
  const named: Record<number, string[]> = {
    2: ['unsure', 'sure'],
    3: ['guessing', 'fairly sure', 'certain'],
    4: ['guessing', 'somewhat sure', 'fairly sure', 'certain'],
    5: ['guessing', 'unsure', 'somewhat sure', 'fairly sure', 'certain'],
  };
  return named[levels] ?? Array.from({ length: levels }, (_, i) => `level ${i + 1}`);
}

export const REALISM_LABELS: readonly string[] = ['clearly artificial', 'mostly artificial', 'uncertain', 'mostly realistic', 'indistinguishable from real'];

export interface LegendRow {
  readonly keys: string;
  readonly action: string;
}

/** The key map as rows for the on-screen legend. */
export function keyLegend(questions: StudyQuestions): LegendRow[] {
  const rows: LegendRow[] = [
    { keys: 'R / S', action: 'real / synthetic' },
    { keys: `1–${questions.confidenceLevels}`, action: 'confidence (when highlighted)' },
    { keys: `1–${REALISM_LEVELS}`, action: 'realism (when highlighted)' },
  ];
  if (questions.askPlausibility) rows.push({ keys: 'Y / N', action: 'clinically plausible' });
  if (questions.askCues === true) rows.push({ keys: `1–${CUES.length}, 0`, action: 'tick cues (when highlighted), clear' });
  if (questions.findings.length > 0) rows.push({ keys: `1–${questions.findings.length}, 0`, action: 'tick findings (when highlighted), clear' });
  rows.push({ keys: '↑ / ↓', action: 'move highlight' }, { keys: 'Enter', action: 'save and next case' }, { keys: 'P', action: 'pause / resume' });
  return rows;
}
