/**
 * What a new reader answers before the first case: a few questions about themselves (role, experience,
 * subspecialty, prior exposure to synthetic X-rays), then, in image studies, the display check (the grey-step
 * pattern, whether its two squares are visible, the monitor and the room light). Display warnings appear as the
 * reader answers, so the display can be adjusted first. Report studies show text, so they skip the display check.
 */
import { useId, useMemo, useState } from 'react';
import {
  displayCheckWarnings,
  greyStepPattern,
  MONITOR_LABELS,
  ROOM_LIGHT_LABELS,
  type DisplayCheck,
  type MonitorKind,
  type RoomLight,
} from '../../domain/vtt/display-check';
import { MAX_SUBSPECIALTY_LENGTH, parseYears, READER_ROLES, type ProfileAnswers } from '../../domain/vtt/reader-profile';
import { StudyCanvas } from './StudyCanvas';

type Answers = Omit<DisplayCheck, 'checkedAt'>;

function Choice<T extends string | boolean>({
  legend,
  options,
  value,
  onChange,
  testId,
}: {
  readonly legend: string;
  readonly options: readonly (readonly [T, string])[];
  readonly value: T | null;
  readonly onChange: (value: T) => void;
  readonly testId: string;
}) {
  const name = useId();
  return (
    <fieldset className="vtt-check-question" data-testid={testId}>
      <legend>{legend}</legend>
      {options.map(([option, label]) => (
        <label key={String(option)} className="check-row">
          <input type="radio" name={name} checked={value === option} onChange={() => onChange(option)} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

/** "a, b and c". */
const listInWords = (items: readonly string[]) => (items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`);

const YES_NO: readonly (readonly [boolean, string])[] = [
  [true, 'Yes'],
  [false, 'No'],
];

export function BeforeReadingView({
  instructions,
  kind = 'image',
  onDone,
  message,
}: {
  /** The study's instructions (trimmed), which the reader must agree to; null in studies without them. */
  readonly instructions: string | null;
  /** What the study shows, for the prior-exposure question. */
  readonly kind?: 'image' | 'report';
  /** `check` is null in report studies, which ask no display questions. */
  readonly onDone: (profile: ProfileAnswers, check: Answers | null) => void;
  readonly message: string | null;
}) {
  const [agreed, setAgreed] = useState(false);
  const needsConsent = instructions !== null;
  const ids = { years: useId(), yearsProblem: useId(), subspecialty: useId() };
  const checksDisplay = kind === 'image';
  const pattern = useMemo(() => (checksDisplay ? greyStepPattern() : null), [checksDisplay]);
  const [role, setRole] = useState<string | null>(null);
  const [yearsText, setYearsText] = useState('');
  const [subspecialty, setSubspecialty] = useState('');
  const [exposure, setExposure] = useState<boolean | null>(null);
  const [dark, setDark] = useState<boolean | null>(null);
  const [bright, setBright] = useState<boolean | null>(null);
  const [monitor, setMonitor] = useState<MonitorKind | null>(null);
  const [room, setRoom] = useState<RoomLight | null>(null);
  const years = parseYears(yearsText);
  const yearsProblem = years !== null && typeof years === 'object' ? years.problem : null;
  const profile: ProfileAnswers | null =
    role !== null && exposure !== null && yearsProblem === null ? { role, yearsExperience: typeof years === 'number' ? years : null, subspecialty, priorSyntheticExposure: exposure } : null;
  const answers: Answers | null = dark !== null && bright !== null && monitor !== null && room !== null ? { darkStepVisible: dark, brightStepVisible: bright, monitor, roomLight: room } : null;
  const displayDone = !checksDisplay || answers !== null;
  const ready = displayDone && profile !== null && (!needsConsent || agreed);
  const stillToDo = [
    ...(needsConsent ? ['agree to the instructions'] : []),
    'give your role',
    `say whether you have seen synthetic ${kind === 'report' ? 'X-ray reports' : 'X-rays'} before`,
    ...(checksDisplay ? ['answer the four display questions'] : []),
  ];
  const warnings = !checksDisplay ? [] : displayCheckWarnings({ darkStepVisible: dark ?? true, brightStepVisible: bright ?? true, monitor: monitor ?? 'consumer', roomLight: room ?? 'office', checkedAt: '' });

  return (
    <div className="vtt-display-check" data-testid="vtt-display-check">
      <h2>Before the first case</h2>
      {needsConsent ? (
        <section aria-labelledby="vtt-instructions-title" data-testid="vtt-instructions">
          <h3 id="vtt-instructions-title">Instructions</h3>
          <div className="vtt-instructions-text">{instructions}</div>
          <label className="check-row">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} data-testid="vtt-consent" /> I have read these instructions and agree
            to take part.
          </label>
        </section>
      ) : null}
      <h3>About you</h3>
      <p className="muted small">Pseudonymous: your name is not asked. These answers go with your reading session into the study's exports.</p>
      <div className="vtt-check-questions">
        <Choice legend="Your role" options={READER_ROLES.map((r) => [r, r] as const)} value={role} onChange={setRole} testId="vtt-profile-role" />
        <div>
          <div className="field">
            <label htmlFor={ids.years}>Years reading chest X-rays (optional)</label>
            <input
              id={ids.years}
              type="text"
              inputMode="numeric"
              value={yearsText}
              onChange={(e) => setYearsText(e.target.value)}
              aria-invalid={yearsProblem !== null}
              aria-describedby={yearsProblem ? ids.yearsProblem : undefined}
            />
            {yearsProblem ? (
              <span id={ids.yearsProblem} className="error-text small" data-testid="vtt-years-problem">
                {yearsProblem}
              </span>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={ids.subspecialty}>Subspecialty (optional)</label>
            <input id={ids.subspecialty} type="text" maxLength={MAX_SUBSPECIALTY_LENGTH} value={subspecialty} onChange={(e) => setSubspecialty(e.target.value)} />
          </div>
          <Choice legend={kind === 'report' ? 'Have you read synthetic (AI-generated) chest X-ray reports before?' : 'Have you looked at synthetic (AI-generated) chest X-rays before?'} options={YES_NO} value={exposure} onChange={setExposure} testId="vtt-profile-exposure" />
        </div>
      </div>
      {pattern ? (
        <>
          <h3>Your display</h3>
          <p className="muted">
            Read at the screen brightness and room light you will use for the study. Each patch below has a square in its middle that differs from it by
            5 % of the grey scale.
          </p>
          <StudyCanvas image={pattern} label="Grey-step test pattern: a 5 % square in a black patch, a 95 % square in a white patch, and an 11-step ramp" className="vtt-check-pattern" />
          <div className="vtt-check-questions">
            <Choice legend="Can you see the dark grey square inside the black patch?" options={YES_NO} value={dark} onChange={setDark} testId="vtt-check-dark" />
            <Choice legend="Can you see the light grey square inside the white patch?" options={YES_NO} value={bright} onChange={setBright} testId="vtt-check-bright" />
            <Choice legend="Which screen are you reading on?" options={Object.entries(MONITOR_LABELS) as [MonitorKind, string][]} value={monitor} onChange={setMonitor} testId="vtt-check-monitor" />
            <Choice legend="The room light" options={Object.entries(ROOM_LIGHT_LABELS) as [RoomLight, string][]} value={room} onChange={setRoom} testId="vtt-check-room" />
          </div>
          {/* Always mounted, so that screen readers announce the first warning too. */}
          <div role="status">
            {warnings.length > 0 ? (
              <ul className="vtt-check-warnings" data-testid="vtt-check-warnings">
                {warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </>
      ) : null}
      {message ? (
        <p className="error-text" role="alert">
          {message}
        </p>
      ) : null}
      <button type="button" className="primary" disabled={!ready} onClick={() => ready && profile && onDone(profile, checksDisplay ? answers : null)} data-testid="vtt-check-done">
        Start reading
      </button>
      {!ready ? (
        <p className="muted small">To start, {listInWords(stillToDo)}.</p>
      ) : null}
    </div>
  );
}
