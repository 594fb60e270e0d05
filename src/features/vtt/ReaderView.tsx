/**
 * The blinded reading screen: full screen, dark, one image and the questions, keyboard first (the key map is on
 * screen), progress, pause. Shows nothing that could give the answer away (no file name, source or case id).
 */
import { checklistItems, confidenceLabels, keyLegend, QUESTION_TITLES, questionsFor, REALISM_LABELS, type QuestionId } from '../../domain/vtt/answer-keys';
import { asksComment, caseMix, MAX_COMMENT_LENGTH, stimulusKind, studyInstructions, type StudyQuestions } from '../../domain/vtt/study';
import { ProgressBar } from '../../ui/ProgressBar';
import { BeforeReadingView } from './BeforeReadingView';
import { ReadingViewer } from './ReadingViewer';
import { useReading, type Reading } from './use-reading';
import { useVttNav } from './vtt-nav';

interface Option {
  readonly key: string;
  readonly label: string;
  readonly selected: boolean;
}

function optionsFor(id: QuestionId, reading: Reading, questions: StudyQuestions): Option[] {
  const { draft } = reading;
  switch (id) {
    case 'call':
      return [
        { key: 'R', label: 'Real', selected: draft.call === 'real' },
        { key: 'S', label: 'Synthetic', selected: draft.call === 'synthetic' },
      ];
    case 'confidence':
      return confidenceLabels(questions.confidenceLevels).map((label, i) => ({ key: String(i + 1), label, selected: draft.confidence === i + 1 }));
    case 'realism':
      return REALISM_LABELS.map((label, i) => ({ key: String(i + 1), label, selected: draft.realism === i + 1 }));
    case 'plausible':
      return [
        { key: 'Y', label: 'Yes', selected: draft.plausible === true },
        { key: 'N', label: 'No', selected: draft.plausible === false },
      ];
    case 'cues':
    case 'findings': {
      const ticked = draft[id];
      return checklistItems(id, questions).map((label, i) => ({ key: String(i + 1), label, selected: ticked.includes(label) }));
    }
  }
}

/**
 * The optional comment. Keys typed here stay in the field (the reader's key handler ignores text fields); Enter
 * saves the case as it does elsewhere, and Escape leaves the field so the answer keys work again.
 */
function CommentField({ reading }: { readonly reading: Reading }) {
  return (
    <label className="vtt-comment">
      <span>
        Comment <span className="muted small">(optional; Enter saves, Esc leaves the field)</span>
      </span>
      <input
        type="text"
        value={reading.draft.comment}
        maxLength={MAX_COMMENT_LENGTH}
        data-testid="vtt-comment"
        onChange={(e) => reading.setComment(e.target.value)}
        onKeyDown={(e) => {
          // Enter that confirms an input method's composition (Japanese, Chinese…) is not a submit.
          if (e.nativeEvent.isComposing || e.keyCode === 229) return;
          if (e.key === 'Enter') {
            e.preventDefault();
            e.currentTarget.blur();
            reading.press('Enter');
          } else if (e.key === 'Escape') {
            // Only leaves the field: the studio's global Escape (cancel a running job) is not for this key press.
            e.stopPropagation();
            e.currentTarget.blur();
          }
        }}
      />
    </label>
  );
}

function Questions({ reading, questions }: { readonly reading: Reading; readonly questions: StudyQuestions }) {
  return (
    <div className="vtt-questions">
      {questionsFor(questions).map((id) => {
        const active = reading.draft.active === id;
        return (
          <fieldset key={id} className={active ? 'vtt-question active' : 'vtt-question'} data-testid={`vtt-q-${id}`} aria-current={active ? 'step' : undefined}>
            <legend>
              {QUESTION_TITLES[id]}
              {id === 'findings' || id === 'cues' ? <span className="muted small"> (optional; 0 clears)</span> : null}
            </legend>
            <div className="vtt-options">
              {optionsFor(id, reading, questions).map((option) => (
                <button
                  key={option.key}
                  type="button"
                  tabIndex={-1}
                  className={option.selected ? 'vtt-option selected' : 'vtt-option'}
                  aria-pressed={option.selected}
                  onClick={() => reading.press(option.key, id)}
                >
                  <kbd>{option.key}</kbd> {option.label}
                </button>
              ))}
            </div>
          </fieldset>
        );
      })}
      {/* Practice keeps only the call and confidence: no comment field to type into for nothing. */}
      {asksComment({ questions, stimulus: reading.study?.settings.stimulus }) && reading.practice === null ? <CommentField reading={reading} /> : null}
    </div>
  );
}

/**
 * A report study's stimulus: the report's text, the same for real and generated reports (normalised when the study
 * was built), in a plain reading panel. No viewing tools, nothing that tells its source.
 */
function ReportStimulus({ text, label }: { readonly text: string; readonly label: string }) {
  return (
    <article className="vtt-report" aria-label={label} data-testid="vtt-report-stimulus">
      <p>{text}</p>
    </article>
  );
}

export function ReaderView({ studyId, readerId }: { readonly studyId: string; readonly readerId: string }) {
  const reading = useReading(studyId, readerId);
  const go = useVttNav((s) => s.go);
  const leave = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    go({ kind: 'list' });
  };
  const { study, session, progress, status } = reading;
  const questions = study?.settings.questions;
  const caseNumber = Math.min(progress.done + 1, progress.total);
  const kind = study ? stimulusKind(study.settings) : 'image';

  return (
    <div className="vtt-reader" role="dialog" aria-modal="true" aria-label="Reader study" data-testid="vtt-reader">
      <header className="vtt-reader-bar">
        <span>Reader {session?.reader.label ?? ''}</span>
        {study?.settings.prevalenceDisclosed ? (
          <span className="muted">
            {/* A share, not "k of n": with cases read twice the reader reads more than n images. */}
            {Math.round((caseMix(study.settings).synthetic / study.cases.length) * 1000) / 10} % of the study's cases are synthetic
          </span>
        ) : null}
        {reading.practice ? (
          <span data-testid="vtt-progress" aria-live="polite">
            Practice case {reading.practice.index + 1} of {reading.practice.total} (not scored)
          </span>
        ) : status !== 'done' && progress.total > 0 ? (
          <span data-testid="vtt-progress" aria-live="polite">
            Case {caseNumber} of {progress.total}
          </span>
        ) : null}
        <div className="vtt-reader-progress">
          <ProgressBar value={progress.total > 0 ? progress.done / progress.total : 0} label="Study progress" />
        </div>
        <button type="button" tabIndex={-1} onClick={() => reading.press('p')} disabled={status !== 'reading' && status !== 'paused'}>
          {status === 'paused' ? 'Resume (P)' : 'Pause (P)'}
        </button>
        <button type="button" tabIndex={-1} onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
          Full screen
        </button>
        <button type="button" tabIndex={-1} onClick={leave}>
          Leave (answers are saved)
        </button>
      </header>

      {status === 'loading' ? <p className="vtt-centre">Loading…</p> : null}
      {status === 'display-check' ? <BeforeReadingView instructions={study ? studyInstructions(study.settings) : null} kind={kind} onDone={reading.saveStart} message={reading.message} /> : null}
      {status === 'missing' ? (
        <p className="vtt-centre" role="alert">
          {reading.message ?? 'This study or reader is no longer on this machine.'}
        </p>
      ) : null}
      {status === 'done' ? (
        <div className="vtt-centre" data-testid="vtt-done">
          <h2>All {progress.total} cases answered. Thank you.</h2>
          <p>Your answers are saved on this machine.</p>
          <button type="button" className="primary" onClick={leave}>
            Back to the studies
          </button>
        </div>
      ) : null}

      {study && questions && (status === 'reading' || status === 'saving' || status === 'paused' || status === 'practice' || status === 'practice-feedback') ? (
        <div className="vtt-reader-body">
          <div className="vtt-stage">
            {status === 'paused' ? (
              <div className="vtt-paused" data-testid="vtt-paused">
                <p>Paused. The clock is stopped.</p>
                <p>
                  Press <kbd>P</kbd> to resume.
                </p>
              </div>
            ) : reading.imageProblem !== null ? (
              <div className="vtt-unreadable" role="alert" data-testid="vtt-unreadable">
                <p>
                  This {kind} could not be shown ({reading.imageProblem}).
                </p>
                <p>
                  Press <kbd>Enter</kbd> to skip it; it will be left out of the analysis and the study goes on.
                </p>
              </div>
            ) : null}
            {reading.current && reading.imageProblem === null ? (
              // Hidden, not unmounted, while paused: the reader's window/level and zoom survive the pause.
              <div hidden={status === 'paused'}>
                {reading.current.report !== undefined ? (
                  <ReportStimulus text={reading.current.report} label={reading.practice ? `Practice case ${reading.practice.index + 1}` : `Case ${caseNumber}`} />
                ) : (
                  <ReadingViewer
                    key={reading.practice ? `practice-${reading.practice.index}` : progress.done}
                    image={reading.current.image}
                    label={reading.practice ? `Practice case ${reading.practice.index + 1}` : `Case ${caseNumber}`}
                    onView={reading.noteViewing}
                  />
                )}
              </div>
            ) : null}
          </div>
          <aside className="vtt-panel">
            {reading.practice?.feedback ? (
              <div className="vtt-practice-feedback" role="status" data-testid="vtt-practice-feedback">
                <p>
                  This {kind} is <strong>{reading.practice.feedback.practiceCase.truth}</strong>. You called it {reading.practice.feedback.call}:{' '}
                  {reading.practice.feedback.call === reading.practice.feedback.practiceCase.truth ? 'right.' : 'not right.'}
                </p>
                <p>
                  Press <kbd>Enter</kbd> to go on
                  {reading.practice.index + 1 < reading.practice.total ? ' to the next practice case.' : ' to the study. From now on you will not be told.'}
                </p>
              </div>
            ) : null}
            {reading.imageProblem === null ? <Questions reading={reading} questions={questions} /> : null}
            <p className="vtt-message" role="status" data-testid="vtt-message">
              {status === 'saving' ? 'Saving…' : (reading.message ?? '')}
            </p>
            <table className="vtt-keys" aria-label="Keys">
              <tbody>
                {keyLegend(questions)
                  // Practice: Enter shows the truth, and there is no pause.
                  .filter((row) => reading.practice === null || row.keys !== 'P')
                  .map((row) => (reading.practice !== null && row.keys === 'Enter' ? { ...row, action: 'show the truth, then go on' } : row))
                  .map((row) => (
                  <tr key={row.keys}>
                    <th scope="row">
                      <kbd>{row.keys}</kbd>
                    </th>
                    <td>{row.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </aside>
        </div>
      ) : null}
    </div>
  );
}
