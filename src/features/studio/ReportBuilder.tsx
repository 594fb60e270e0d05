/**
 * Tick findings, pick their details, and get a report in the phantom's phrasing to condition on
 * (src/domain/report-builder.ts writes it; this only holds the checklist and shows the text).
 */
import { useId, useMemo, useState, type ReactNode } from 'react';
import { findingName } from '../../domain/labeler';
import {
  buildReport,
  DEFAULT_DETAILS,
  DEVICES,
  DIAMETER_RANGE_CM,
  EDEMA_SEVERITIES,
  ETT_RANGE_CM,
  LINE_ACCESS,
  LINE_TIPS,
  LOBES,
  PATHOLOGIES,
  PHANTOM_MAX_WORDS,
  SEVERITIES,
  SIZES,
  wordCount,
  type BuilderFinding,
  type FindingDetails,
  type ReportChecklist,
} from '../../domain/report-builder';
import { selectReport } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';

function Choice<T extends string>({ label, value, options, onChange, names }: { label: string; value: T; options: readonly T[]; onChange: (v: T) => void; names?: Readonly<Record<string, string>> }) {
  const id = useId();
  return (
    <span className="builder-choice">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {names?.[o] ?? o}
          </option>
        ))}
      </select>
    </span>
  );
}

function Amount({ label, value, min, max, step, onChange }: { label: string; value: number; min: number; max: number; step: number; onChange: (v: number) => void }) {
  return (
    <span className="builder-choice">
      <input type="number" aria-label={label} value={Number.isFinite(value) ? value : ''} min={min} max={max} step={step} onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))} />{' '}
      cm
    </span>
  );
}

const LOBE_KEYS = Object.keys(LOBES) as (keyof typeof LOBES)[];
const TIP_KEYS = Object.keys(LINE_TIPS) as (keyof typeof LINE_TIPS)[];

/** The detail controls of one ticked finding. */
function Details<K extends BuilderFinding>({ label, details, set }: { label: K; details: FindingDetails[K]; set: (d: FindingDetails[K]) => void }): ReactNode {
  const name = findingName(label);
  const update = (patch: Partial<FindingDetails[K]>) => set({ ...details, ...patch });
  switch (label) {
    case 'cardiomegaly':
    case 'pulmonary_edema': {
      const d = details as FindingDetails['cardiomegaly'];
      const options = label === 'cardiomegaly' ? SEVERITIES : EDEMA_SEVERITIES;
      return <Choice label={`${name}: severity`} value={d.severity} options={options} onChange={(severity) => update({ severity } as never)} />;
    }
    case 'pleural_effusion':
    case 'pneumothorax': {
      const d = details as FindingDetails['pleural_effusion'];
      const sides = label === 'pleural_effusion' ? (['left', 'right', 'bilateral'] as const) : (['left', 'right'] as const);
      return (
        <>
          <Choice label={`${name}: size`} value={d.size} options={SIZES} onChange={(size) => update({ size } as never)} />
          <Choice label={`${name}: side`} value={d.side} options={sides} onChange={(side) => update({ side } as never)} />
        </>
      );
    }
    case 'consolidation': {
      const d = details as FindingDetails['consolidation'];
      return <Choice label={`${name}: lobe`} value={d.lobe} options={LOBE_KEYS} names={LOBES} onChange={(lobe) => update({ lobe } as never)} />;
    }
    case 'nodule_or_mass': {
      const d = details as FindingDetails['nodule_or_mass'];
      const [lo, hi] = DIAMETER_RANGE_CM[d.kind];
      return (
        <>
          <Choice
            label={`${name}: kind`}
            value={d.kind}
            options={['nodule', 'mass'] as const}
            onChange={(kind) => update({ kind, diameterCm: kind === d.kind ? d.diameterCm : DIAMETER_RANGE_CM[kind][0] + 0.5 } as never)}
          />
          <Amount label={`${name}: diameter in cm (${lo}–${hi})`} value={d.diameterCm} min={lo} max={hi} step={0.1} onChange={(diameterCm) => update({ diameterCm } as never)} />
          <Choice label={`${name}: lobe`} value={d.lobe} options={LOBE_KEYS} names={LOBES} onChange={(lobe) => update({ lobe } as never)} />
        </>
      );
    }
    case 'endotracheal_tube': {
      const d = details as FindingDetails['endotracheal_tube'];
      return (
        <span className="builder-choice">
          tip{' '}
          <Amount label={`${name}: tip above the carina in cm (${ETT_RANGE_CM[0]}–${ETT_RANGE_CM[1]})`} value={d.tipAboveCarinaCm} min={ETT_RANGE_CM[0]} max={ETT_RANGE_CM[1]} step={1} onChange={(tipAboveCarinaCm) => update({ tipAboveCarinaCm } as never)} />{' '}
          above the carina
        </span>
      );
    }
    case 'central_line': {
      const d = details as FindingDetails['central_line'];
      return (
        <>
          <Choice label={`${name}: access`} value={d.access} options={LINE_ACCESS} onChange={(access) => update({ access } as never)} />
          <Choice label={`${name}: tip`} value={d.tip} options={TIP_KEYS} names={LINE_TIPS} onChange={(tip) => update({ tip } as never)} />
        </>
      );
    }
    default:
      return null;
  }
}

export function ReportBuilder() {
  const [checklist, setChecklist] = useState<ReportChecklist>({});
  const current = useStudio(selectReport);
  const built = useMemo(() => {
    try {
      return { text: buildReport(checklist), error: null };
    } catch (error) {
      return { text: null, error: error instanceof Error ? error.message : String(error) };
    }
  }, [checklist]);
  const toggle = (label: BuilderFinding, on: boolean) =>
    setChecklist((c) => {
      const next: Record<string, unknown> = { ...c };
      if (on) next[label] = DEFAULT_DETAILS[label];
      else delete next[label];
      return next as ReportChecklist;
    });
  const setDetails = <K extends BuilderFinding>(label: K, details: FindingDetails[K]) => setChecklist((c) => ({ ...c, [label]: details }));
  const words = built.text ? wordCount(built.text) : 0;
  return (
    <details className="report-builder" data-testid="report-builder">
      <summary>Write the report from findings</summary>
      <p className="muted small">Tick findings and pick their details; the report is written in the phrasing the bundled model was trained on.</p>
      {[PATHOLOGIES, DEVICES].map((group, g) => (
        <ul key={g} className="builder-list" aria-label={g === 0 ? 'Findings' : 'Support devices'}>
          {group.map((label) => {
            const details = checklist[label];
            return (
              <li key={label}>
                <label className="builder-check">
                  <input type="checkbox" checked={details !== undefined} onChange={(e) => toggle(label, e.target.checked)} /> {findingName(label)}
                </label>
                {details !== undefined ? <Details label={label} details={details as FindingDetails[typeof label]} set={(d) => setDetails(label, d)} /> : null}
              </li>
            );
          })}
        </ul>
      ))}
      {built.text !== null ? (
        <p className="builder-preview" data-testid="report-builder-preview">
          {built.text}
        </p>
      ) : (
        <p role="alert" className="error-text">
          {built.error}
        </p>
      )}
      {built.text !== null && words > PHANTOM_MAX_WORDS ? (
        <p className="muted small">
          {words} words: the phantom's reports stay under {PHANTOM_MAX_WORDS}, and the text encoder reads only the first part of a long report.
        </p>
      ) : null}
      <button type="button" disabled={built.text === null} onClick={() => built.text !== null && studioStore.getState().setReport(built.text)} data-testid="report-builder-use">
        {current.trim() === '' || current === built.text ? 'Use this report' : 'Replace the report above with this one'}
      </button>
    </details>
  );
}
