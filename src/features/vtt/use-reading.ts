/**
 * @file The reading screen's controller: loads the study and the reader's session, turns key presses into answers
 * through the pure answer-keys machine, times each case (case-clock), and saves every answer to IndexedDB before
 * the next case is shown. The component only renders what this returns.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { applyKey, emptyDraft, QUESTION_TITLES, ratingFor, type AnswerDraft, type QuestionId } from '../../domain/vtt/answer-keys';
import { activeMs, markInput, pauseClock, resumeClock, startClock, type CaseClock } from '../../domain/vtt/case-clock';
import { sha256Hex } from '../../domain/vtt/canonical-json';
import type { DisplayCheck } from '../../domain/vtt/display-check';
import type { ProfileAnswers } from '../../domain/vtt/reader-profile';
import {
  appendAnswer,
  countViewing,
  currentCaseId,
  hasStartedReading,
  NO_VIEWING,
  sessionProgress,
  type CaseAnswer,
  type ReaderSession,
  nextPracticeCase,
  recordPractice,
  type ViewingAction,
  type ViewingCounts,
} from '../../domain/vtt/reader-session';
import { MAX_COMMENT_LENGTH, stimulusKind, stimulusProblem, studyInstructions, type PracticeCase, type Study, type StudyCase, type Truth } from '../../domain/vtt/study';
import { saveReaderStep, vttDb, type ReaderSave } from '../../storage/vtt-db';
import { invalidateVtt } from './vtt-queries';

export type ReadingStatus = 'loading' | 'display-check' | 'practice' | 'practice-feedback' | 'reading' | 'saving' | 'paused' | 'done' | 'missing';

/** What the reader is told after a practice answer (already saved): the case stays on screen with its truth. */
export interface PracticeFeedback {
  readonly practiceCase: PracticeCase;
  /** 0-based position among the practice cases. */
  readonly index: number;
  readonly call: Truth;
  readonly confidence: number;
}

/** The feedback stays at least this long before Enter goes on (ms). */
const FEEDBACK_MIN_MS = 400;

export interface Reading {
  readonly status: ReadingStatus;
  readonly study: Study | null;
  readonly session: ReaderSession | null;
  /** The case on screen: a study case, or a practice case while practising. */
  readonly current: StudyCase | null;
  /** While practising: which practice case (0-based) of how many, and the feedback once answered. */
  readonly practice: { readonly index: number; readonly total: number; readonly feedback: PracticeFeedback | null } | null;
  /** Why the current image (or report) cannot be shown (the reader skips it with Enter); null when it can. */
  readonly imageProblem: string | null;
  readonly draft: AnswerDraft;
  readonly progress: { done: number; total: number };
  /** A sentence for the reader (missing answers, a failed save); null when none. */
  readonly message: string | null;
  /** Feeds a key as if typed; with `question`, that question is highlighted first (on-screen buttons). */
  press(key: string, question?: QuestionId): void;
  /** The comment field's text (cut to MAX_COMMENT_LENGTH). */
  setComment(text: string): void;
  /** Counts one window/level, zoom, pan or reset gesture on the current case (saved with its answer). */
  noteViewing(action: ViewingAction): void;
  /**
   * Saves the start screen (profile, consent and, in image studies, the display check) to the session, then shows
   * the first case (its clock starts then); `check` is null in report studies, which have no display check.
   */
  saveStart(profile: ProfileAnswers, check: Omit<DisplayCheck, 'checkedAt'> | null): void;
}

/** Keys the reader screen owns; anything else (browser shortcuts, Tab) is left alone. */
const HANDLED = /^(?:[rsynp0-9]|Enter|ArrowUp|ArrowDown)$/i;

export const ELSEWHERE_MESSAGE = 'This reader went on in another tab or window. Their saved answers are loaded here; nothing was written over them.';

/** Whether the stored session moved on since this tab read it (another tab of the same reader saved) — used by the start screen. */
function changedElsewhere(mine: ReaderSession, stored: ReaderSession | undefined): boolean {
  return stored !== undefined && (stored.answers.length !== mine.answers.length || stored.updatedAt !== mine.updatedAt);
}

/** What Enter says when questions are unanswered (the same in practice and in the study). */
const stillToAnswer = (missing: readonly QuestionId[]) => `Still to answer: ${missing.map((q) => QUESTION_TITLES[q]).join(', ')}`;

/** Where a reader who has passed the start screen goes: practice cases first, then the study, then done. */
function phaseOf(study: Study, session: ReaderSession): ReadingStatus {
  if (currentCaseId(session) === null) return 'done';
  return nextPracticeCase(study, session) ? 'practice' : 'reading';
}

function displayContext() {
  return {
    screenWidth: window.screen.width,
    screenHeight: window.screen.height,
    viewportWidth: window.innerWidth,
    viewportHeight: window.innerHeight,
    devicePixelRatio: window.devicePixelRatio,
    userAgent: navigator.userAgent,
  };
}

export function useReading(studyId: string, readerId: string): Reading {
  const [study, setStudy] = useState<Study | null>(null);
  const [session, setSession] = useState<ReaderSession | null>(null);
  const [status, setStatus] = useState<ReadingStatus>('loading');
  const [draft, setDraft] = useState<AnswerDraft>(emptyDraft);
  const [message, setMessage] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<PracticeFeedback | null>(null);
  const feedbackShownAt = useRef(Number.NEGATIVE_INFINITY);
  const clock = useRef<CaseClock>(startClock(performance.now()));
  const shownAt = useRef<string>(new Date().toISOString());
  const viewing = useRef<ViewingCounts>(NO_VIEWING);
  // Set synchronously, so a second Enter in the same tick cannot submit the case twice.
  const saving = useRef(false);
  // The key handler reads the latest values through this ref, so it can stay attached once.
  const latest = useRef({ study, session, status, draft, feedback });
  latest.current = { study, session, status, draft, feedback };

  /** A case appears: fresh clock and empty answers, set in the same render as the case (no stale draft). */
  const showCase = useCallback(() => {
    clock.current = startClock(performance.now());
    shownAt.current = new Date().toISOString();
    viewing.current = NO_VIEWING;
    setDraft(emptyDraft());
    setMessage(null);
  }, []);

  /** Shows `stored` where it stands (practice, the next case or done); a finished reader refreshes the study lists. */
  const showPhase = useCallback(
    (s: Study, stored: ReaderSession) => {
      setSession(stored);
      showCase();
      const phase = phaseOf(s, stored);
      setStatus(phase);
      if (phase === 'done') void invalidateVtt();
    },
    [showCase],
  );

  /** Another tab of this reader saved since this one read the session: go on from there, and say so. */
  const goOnFrom = useCallback(
    (s: Study, stored: ReaderSession) => {
      showPhase(s, stored);
      setMessage(ELSEWHERE_MESSAGE);
    },
    [showPhase],
  );

  /**
   * What every save does when it did not write here: the session was deleted in another tab or window (stop rather
   * than write it back as an orphan; `unsaved` says what was lost), or another tab of this reader went on (follow
   * it). The saved session when it did write, otherwise null.
   */
  const settle = useCallback(
    (s: Study, saved: ReaderSave, unsaved = ''): ReaderSession | null => {
      if (saved.kind === 'saved') return saved.session;
      if (saved.kind === 'elsewhere') goOnFrom(s, saved.session);
      else {
        setStatus('missing');
        setMessage(`This reader is no longer on this machine (removed in another tab or window)${unsaved}.`);
      }
      return null;
    },
    [goOnFrom],
  );

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const db = vttDb();
      const [loadedStudy, loadedSession] = await Promise.all([db.getStudy(studyId), db.getSession(studyId, readerId)]);
      if (cancelled) return;
      if (!loadedStudy || !loadedSession) {
        setStatus('missing');
        return;
      }
      let ready = loadedSession;
      if (ready.display === null) {
        // Record the screen once; another tab of this reader may have done it (or gone on) meanwhile.
        const saved = await saveReaderStep(db, studyId, readerId, (stored) => stored.display === null, (stored) => ({ ...stored, display: displayContext() }));
        if (saved.kind === 'gone') {
          if (!cancelled) setStatus('missing');
          return;
        }
        ready = saved.session;
      }
      if (cancelled) return;
      setStudy(loadedStudy);
      setSession(ready);
      showCase();
      // A new reader answers the start screen first; a session already under way goes on.
      setStatus(currentCaseId(ready) === null ? 'done' : hasStartedReading(ready) ? phaseOf(loadedStudy, ready) : 'display-check');
    })().catch((error: unknown) => {
      if (!cancelled) {
        setMessage(error instanceof Error ? error.message : String(error));
        setStatus('missing');
      }
    });
    return () => {
      cancelled = true;
    };
  }, [studyId, readerId, showCase]);

  // Practising: answering a practice case, saving it, or reading its truth.
  const practising =
    status === 'practice' || status === 'practice-feedback' || (status === 'saving' && study !== null && session !== null && nextPracticeCase(study, session) !== null);
  // During the feedback the answered case stays on screen (the session has already moved past it).
  const practiceCase = status === 'practice-feedback' ? (feedback?.practiceCase ?? null) : practising && study && session ? nextPracticeCase(study, session) : null;
  const caseId = session ? currentCaseId(session) : null;
  const current = practiceCase ?? ((caseId !== null && study?.cases.find((c) => c.caseId === caseId)) || null);
  const problem = !practising && study && caseId !== null ? stimulusProblem(current ?? undefined, study.settings) : null;

  /**
   * A practice answer: saved first (outside the answer chain), and only then the truth is shown, so a reload or
   * Leave during the feedback can neither lose the answer nor let the reader answer again knowing the truth.
   */
  const savePractice = useCallback(
    async (given: AnswerDraft) => {
      const { study: s, session: mine } = latest.current;
      if (!s || !mine || saving.current || given.call === null || given.confidence === null) return;
      const shown = nextPracticeCase(s, mine);
      if (!shown) return;
      const call = given.call;
      const confidence = given.confidence;
      saving.current = true;
      setStatus('saving');
      try {
        const saved = await saveReaderStep(
          vttDb(),
          mine.studyId,
          mine.reader.readerId,
          (stored) => stored.answers.length === mine.answers.length && (stored.practice?.length ?? 0) === (mine.practice?.length ?? 0),
          (stored) => recordPractice(stored, shown, call, confidence, new Date().toISOString()),
        );
        const stored = settle(s, saved, '; the practice answer was not saved');
        if (stored) {
          setSession(stored);
          feedbackShownAt.current = performance.now();
          setFeedback({ practiceCase: shown, index: mine.practice?.length ?? 0, call, confidence });
          setStatus('practice-feedback');
        }
      } catch (error) {
        setMessage(`The practice answer was not saved: ${error instanceof Error ? error.message : String(error)} Press Enter to try again.`);
        setStatus('practice');
      } finally {
        saving.current = false;
      }
    },
    [settle],
  );

  /** Past the feedback: the next practice case, or the study. */
  const leaveFeedback = useCallback(() => {
    const { study: s, session: mine } = latest.current;
    // An Enter pressed twice in a row must not skip the truth unread.
    if (!s || !mine || performance.now() - feedbackShownAt.current < FEEDBACK_MIN_MS) return;
    setFeedback(null);
    showPhase(s, mine);
  }, [showPhase]);

  const submit = useCallback(async (answerDraft: AnswerDraft, skipReason: string | null) => {
    const { study: s, session: current } = latest.current;
    const id = current ? currentCaseId(current) : null;
    if (!s || !current || id === null || saving.current) return;
    saving.current = true;
    const now = performance.now();
    const levels = s.settings.questions.confidenceLevels;
    const answered = skipReason === null && answerDraft.call !== null && answerDraft.confidence !== null;
    const answer: CaseAnswer = {
      caseId: id,
      orderIndex: current.answers.length,
      status: answered ? 'answered' : 'unreadable',
      call: answered ? answerDraft.call : null,
      confidence: answered ? answerDraft.confidence : null,
      rating: answered && answerDraft.call !== null && answerDraft.confidence !== null ? ratingFor(answerDraft.call, answerDraft.confidence, levels) : null,
      realism: answered ? answerDraft.realism : null,
      plausible: answered && s.settings.questions.askPlausibility ? answerDraft.plausible : null,
      findings: answered ? answerDraft.findings : [],
      cues: answered ? answerDraft.cues : [],
      comment: answered && answerDraft.comment.trim() !== '' ? answerDraft.comment.trim() : null,
      // a report has no window/level, zoom or pan to count
      ...(stimulusKind(s.settings) === 'image' ? { viewing: viewing.current } : {}),
      timing: { shownAt: shownAt.current, firstInputMs: clock.current.firstInputMs, answerMs: activeMs(clock.current, now), pauses: clock.current.pauses },
      note: skipReason,
    };
    setStatus('saving');
    try {
      // The same reader open in another tab may have gone on: never write over answers saved there (the lock keeps
      // the other tab from saving between this read and this write).
      // Answered further in another tab (even if that tab now shows this case again, as a second reading): go on
      // from there. Same answers but a newer save (the start screen done there): append to the stored session.
      const saved = await saveReaderStep(
        vttDb(),
        current.studyId,
        current.reader.readerId,
        (stored) => stored.answers.length === current.answers.length,
        (stored) => appendAnswer(stored, answer, new Date().toISOString()),
      );
      // Durable first, then the next case: a reload can never skip or repeat an answer.
      const stored = settle(s, saved, '; the answer was not saved');
      if (stored) showPhase(s, stored);
    } catch (error) {
      setMessage(`The answer was not saved: ${error instanceof Error ? error.message : String(error)} Press Enter to try again.`);
      setStatus('reading');
    } finally {
      saving.current = false;
    }
  }, [settle, showPhase]);

  const press = useCallback(
    (key: string, question?: QuestionId) => {
      const { study: s, status: st, draft: current, session: sess } = latest.current;
      const d = question ? { ...current, active: question } : current;
      if (!s || !sess) return;
      if (st === 'paused') {
        if (key.toLowerCase() === 'p') {
          clock.current = resumeClock(clock.current, performance.now());
          setStatus('reading');
        }
        return;
      }
      if (st === 'practice-feedback') {
        if (key === 'Enter') leaveFeedback();
        return;
      }
      if (st === 'practice') {
        // The same keys as the study; Enter shows the truth instead of saving (and there is no pause).
        const outcome = applyKey(d, key, s.settings.questions);
        if (outcome.kind === 'update') {
          setDraft(outcome.draft);
          setMessage(null);
        } else if (outcome.kind === 'incomplete') {
          setDraft(outcome.draft);
          setMessage(stillToAnswer(outcome.missing));
        } else if (outcome.kind === 'submit') {
          void savePractice(d);
        }
        return;
      }
      if (st !== 'reading') return;
      const id = currentCaseId(sess);
      const shownCase = s.cases.find((c) => c.caseId === id);
      const unreadable = stimulusProblem(shownCase, s.settings);
      if (unreadable !== null) {
        if (key === 'Enter') void submit(d, `${stimulusKind(s.settings)} could not be shown: ${unreadable}`);
        return;
      }
      const outcome = applyKey(d, key, s.settings.questions);
      switch (outcome.kind) {
        case 'update':
          clock.current = markInput(clock.current, performance.now());
          setDraft(outcome.draft);
          setMessage(null);
          break;
        case 'incomplete':
          setDraft(outcome.draft);
          setMessage(stillToAnswer(outcome.missing));
          break;
        case 'submit':
          void submit(d, null);
          break;
        case 'pause':
          clock.current = pauseClock(clock.current, performance.now());
          setStatus('paused');
          break;
        case 'ignored':
          break;
      }
    },
    [submit, savePractice, leaveFeedback],
  );

  const saveStart = useCallback(
    (profile: ProfileAnswers, answers: Omit<DisplayCheck, 'checkedAt'> | null) => {
      const { session: current, status: st, study: s } = latest.current;
      if (!current || !s || st !== 'display-check' || saving.current) return;
      saving.current = true;
      void (async () => {
        // Done in another tab already (or reading began there): go on from there rather than write over it.
        const saved = await saveReaderStep(
          vttDb(),
          current.studyId,
          current.reader.readerId,
          (stored) => !(changedElsewhere(current, stored) && hasStartedReading(stored)),
          async (base) => {
            const now = new Date().toISOString();
            // The reader agreed to these instructions (the start button needs it): record which text, by its hash.
            const instructions = studyInstructions(s.settings);
            const consent = instructions !== null ? { instructionsSha256: await sha256Hex(instructions), agreedAt: now } : undefined;
            const { subspecialty, ...rest } = profile;
            const reader = { ...base.reader, ...rest, ...(subspecialty.trim() === '' ? {} : { subspecialty: subspecialty.trim() }) };
            // A report study asks no display questions (answers is null): only the screen's size is kept.
            const display = { ...(base.display ?? displayContext()), ...(answers ? { check: { ...answers, checkedAt: now } } : {}) };
            return { ...base, reader, ...(consent ? { consent } : {}), updatedAt: now, startedAt: now, display };
          },
        );
        const stored = settle(s, saved, '; your answers were not saved');
        if (stored) showPhase(s, stored);
      })()
        .catch((error: unknown) => setMessage(`Your answers were not saved: ${error instanceof Error ? error.message : String(error)} Try again.`))
        .finally(() => {
          saving.current = false;
        });
    },
    [settle, showPhase],
  );

  const noteViewing = useCallback((action: ViewingAction) => {
    if (latest.current.status === 'reading') viewing.current = countViewing(viewing.current, action);
  }, []);

  const setComment = useCallback((text: string) => {
    const st = latest.current.status;
    if (st !== 'reading' && st !== 'practice') return;
    clock.current = markInput(clock.current, performance.now());
    setDraft((d) => ({ ...d, comment: text.slice(0, MAX_COMMENT_LENGTH) }));
  }, []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // The display check is an ordinary form: its buttons and radios keep their keys.
      if (latest.current.status === 'display-check') return;
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
      if (!HANDLED.test(event.key)) return;
      event.preventDefault();
      press(event.key);
    };
    // Leaving the tab pauses the clock, so time per case measures reading, not absence.
    const onVisibility = () => {
      if (document.visibilityState === 'hidden' && latest.current.status === 'reading') press('p');
    };
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [press]);

  return {
    status,
    study,
    session,
    current,
    imageProblem: problem,
    practice: practising && study?.practice ? { index: feedback?.index ?? session?.practice?.length ?? 0, total: study.practice.length, feedback } : null,
    draft,
    progress: session ? sessionProgress(session) : { done: 0, total: 0 },
    message,
    press,
    setComment,
    noteViewing,
    saveStart,
  };
}
