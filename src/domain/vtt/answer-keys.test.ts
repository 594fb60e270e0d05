import { describe, expect, it } from 'vitest';
import { applyKey, emptyDraft, keyLegend, missingAnswers, questionsFor, ratingFor, type AnswerDraft, type KeyOutcome } from './answer-keys';
import { activeMs, markInput, pauseClock, resumeClock, startClock } from './case-clock';
import { CUES, type StudyQuestions } from './study';

const questions: StudyQuestions = { confidenceLevels: 3, askPlausibility: true, findings: ['Cardiomegaly', 'Pleural effusion'] };

function press(keys: readonly string[], q: StudyQuestions = questions): { draft: AnswerDraft; last: KeyOutcome } {
  let draft = emptyDraft();
  let last: KeyOutcome = { kind: 'ignored' };
  for (const key of keys) {
    last = applyKey(draft, key, q);
    if (last.kind === 'update' || last.kind === 'incomplete') draft = last.draft;
  }
  return { draft, last };
}

describe('applyKey', () => {
  it('answers a case with one key per answer, the highlight following along', () => {
    const { draft, last } = press(['s', '3', '4', 'y', 'Enter']);
    expect(draft).toMatchObject({ call: 'synthetic', confidence: 3, realism: 4, plausible: true });
    expect(last.kind).toBe('submit');
  });

  it('moves the highlight call → confidence → realism → plausible → findings', () => {
    expect(press(['r']).draft.active).toBe('confidence');
    expect(press(['r', '2']).draft.active).toBe('realism');
    expect(press(['r', '2', '5']).draft.active).toBe('plausible');
    expect(press(['r', '2', '5', 'n']).draft.active).toBe('findings');
  });

  it('sends digits to the highlighted question only, within its range', () => {
    // "4" is out of range for 3-level confidence: ignored, nothing answered.
    expect(press(['r', '4']).draft.confidence).toBeNull();
    // On the call question digits do nothing.
    expect(press(['2']).draft).toEqual(emptyDraft());
    // Realism accepts 1–5 but not 6.
    expect(press(['r', '1', '6']).draft.realism).toBeNull();
  });

  it('toggles findings in checklist order and clears them with 0', () => {
    expect(press(['r', '1', '1', 'y', '2', '1']).draft.findings).toEqual(['Cardiomegaly', 'Pleural effusion']);
    expect(press(['r', '1', '1', 'y', '1', '1']).draft.findings).toEqual([]);
    expect(press(['r', '1', '1', 'y', '1', '2', '0']).draft.findings).toEqual([]);
  });

  it('refuses Enter until every required answer is given and highlights the first missing one', () => {
    const { last } = press(['s', 'Enter']);
    expect(last.kind).toBe('incomplete');
    if (last.kind === 'incomplete') {
      expect(last.missing).toEqual(['confidence', 'realism', 'plausible']);
      expect(last.draft.active).toBe('confidence');
    }
  });

  it('lets the reader revise with arrows and pause with P', () => {
    const { draft } = press(['s', '3', '4', 'ArrowUp', 'ArrowUp', '1']);
    expect(draft.confidence).toBe(1);
    expect(press(['p']).last.kind).toBe('pause');
    expect(press(['P']).last.kind).toBe('pause');
  });

  it('ignores Y/N when plausibility is not asked', () => {
    const q = { ...questions, askPlausibility: false, findings: [] };
    expect(questionsFor(q)).toEqual(['call', 'confidence', 'realism']);
    expect(press(['y'], q).last.kind).toBe('ignored');
    expect(press(['s', '2', '3', 'Enter'], q).last.kind).toBe('submit');
    expect(missingAnswers(emptyDraft(), q)).toEqual(['call', 'confidence', 'realism']);
  });
});

describe('cues', () => {
  const withCues: StudyQuestions = { ...questions, askCues: true };

  it('are asked after plausibility and before findings, and the highlight lands on them once the rest is answered', () => {
    expect(questionsFor(withCues)).toEqual(['call', 'confidence', 'realism', 'plausible', 'cues', 'findings']);
    expect(press(['s', '3', '2', 'n'], withCues).draft.active).toBe('cues');
    // Optional: a case with no cue ticked is complete.
    expect(press(['s', '3', '2', 'n', 'Enter'], withCues).last.kind).toBe('submit');
  });

  it('toggle in CUES order with their digits, 0 clears, and findings keep their own digits', () => {
    const typed = press(['s', '3', '2', 'n', '5', '3', '1', '1'], withCues).draft;
    expect(typed.cues).toEqual([CUES[2], CUES[4]]);
    expect(press(['s', '3', '2', 'n', '2', '0'], withCues).draft.cues).toEqual([]);
    expect(press(['s', '3', '2', 'n', '6'], withCues).last.kind).toBe('ignored'); // 5 cues only
    const findings = press(['s', '3', '2', 'n', '2', 'ArrowDown', '2'], withCues).draft;
    expect(findings).toMatchObject({ cues: [CUES[1]], findings: ['Pleural effusion'], active: 'findings' });
  });

  it('are not asked in studies made before they existed', () => {
    expect(questionsFor(questions)).not.toContain('cues');
    expect(press(['s', '3', '2', 'n', '1'], questions).draft).toMatchObject({ cues: [], findings: ['Cardiomegaly'] });
    expect(keyLegend(questions).map((r) => r.action)).not.toContain('tick cues (when highlighted), clear');
    expect(keyLegend(withCues)).toContainEqual({ keys: '1–5, 0', action: 'tick cues (when highlighted), clear' });
  });
});

describe('ratingFor', () => {
  it('maps call × confidence to 1 (certain real) … 2L (certain synthetic)', () => {
    expect([3, 2, 1].map((c) => ratingFor('real', c, 3))).toEqual([1, 2, 3]);
    expect([1, 2, 3].map((c) => ratingFor('synthetic', c, 3))).toEqual([4, 5, 6]);
    expect(ratingFor('synthetic', 5, 5)).toBe(10);
  });
});

describe('keyLegend', () => {
  it('lists every key the reader can use', () => {
    const text = keyLegend(questions).map((r) => `${r.keys} ${r.action}`).join('\n');
    expect(text).toMatch(/R \/ S real \/ synthetic/);
    expect(text).toMatch(/1–3 confidence/);
    expect(text).toMatch(/Y \/ N/);
    expect(text).toMatch(/Enter save and next case/);
    expect(text).toMatch(/P pause/);
  });
});

describe('case clock', () => {
  it('counts active time only, and the first input', () => {
    let clock = startClock(1000);
    clock = markInput(clock, 1500);
    clock = pauseClock(clock, 2000);
    expect(activeMs(clock, 9000)).toBe(1000);
    clock = resumeClock(clock, 9000);
    clock = markInput(clock, 9500);
    expect(clock.firstInputMs).toBe(500);
    expect(clock.pauses).toBe(1);
    expect(activeMs(clock, 10000)).toBe(2000);
  });
});
