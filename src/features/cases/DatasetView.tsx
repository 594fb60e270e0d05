/**
 * Balanced synthetic dataset: the user sets cases per finding (+ normal), directions, seed and steps; generation
 * runs case by case in the engine worker with progress, pause, resume (also after a reload) and cancel; every case
 * is checked by the classifier and the labeler; the ZIP holds images, reports, labels.csv and manifest.json.
 */
import { findingName } from '../../domain/labeler';
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { downloadBlob } from '../../domain/export-image';
import { NORMAL, checkDatasetSpec, type DatasetSpec } from '../../domain/io/dataset-plan';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';
import { useSelectedModel } from '../studio/use-selected-model';
import { datasetStore } from './dataset-instance';

const REPORT_DIRECTIONS = ['T>F', 'T>L', 'T>F+L'] as const;

/** Saved cases are only discarded after the user says so (nothing asks when there are none). */
function confirmDiscard(saved: number, action: string): boolean {
  if (saved === 0) return true;
  return window.confirm(`${saved} generated case${saved === 1 ? ' is' : 's are'} saved in this browser. To ${action}, ${saved === 1 ? 'it' : 'they'} will be deleted. Download the ZIP first to keep ${saved === 1 ? 'it' : 'them'}. Delete and go on?`);
}

export function DatasetView() {
  const { model } = useSelectedModel();
  const state = useStore(datasetStore);
  const labels = model?.classifier?.labels ?? [];
  const [perLabel, setPerLabel] = useState(1);
  const [normal, setNormal] = useState(1);
  const [directions, setDirections] = useState<string[]>(['T>F']);
  const [seed, setSeed] = useState(1);
  const [steps, setSteps] = useState(20);
  const [zipError, setZipError] = useState<string | null>(null);
  useEffect(() => {
    void datasetStore.getState().restore();
  }, []);

  const spec: DatasetSpec | null = model
    ? { perLabel: Object.fromEntries(labels.map((l) => [l, perLabel])), normal, directions, seed, steps, modelId: model.id }
    : null;
  const problems = spec ? checkDatasetSpec(spec, labels) : ['Loading the model list…'];
  const active = state.status === 'running' || state.status === 'pausing';
  const done = state.checks.size;
  const total = state.plan.length;
  const download = () => {
    setZipError(null);
    state
      .buildZip()
      .then(({ fileName, bytes }) => downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), fileName))
      .catch((e: unknown) => setZipError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <section className="panel dataset" aria-labelledby="dataset-title" data-testid="dataset-view">
      <h2 id="dataset-title">Balanced synthetic dataset</h2>
      <p className="muted">Each case is generated from a report asking for one finding, then checked by the classifier and the labeler.</p>
      <div className="dataset-form">
        <NumberField label="Cases per finding" value={perLabel} onChange={setPerLabel} min={0} max={10000} disabled={active} />
        <NumberField label="Normal cases" value={normal} onChange={setNormal} min={0} max={10000} disabled={active} />
        <NumberField label="Dataset seed" value={seed} onChange={setSeed} min={0} disabled={active} />
        <NumberField label="Dataset steps" value={steps} onChange={setSteps} min={1} max={200} disabled={active} />
        <fieldset disabled={active}>
          <legend>Directions</legend>
          {REPORT_DIRECTIONS.map((d) => (
            <label key={d}>
              <input
                type="checkbox"
                checked={directions.includes(d)}
                onChange={(e) => setDirections(e.target.checked ? [...directions, d] : directions.filter((x) => x !== d))}
                data-testid={`dataset-direction-${d}`}
              />{' '}
              {d.replace('>', ' → ')}
            </label>
          ))}
        </fieldset>
        <p className="muted">
          {labels.length} findings × {Number.isFinite(perLabel) ? perLabel : 0} + {Number.isFinite(normal) ? normal : 0} normal ={' '}
          {labels.length * (Number.isFinite(perLabel) ? perLabel : 0) + (Number.isFinite(normal) ? normal : 0)} cases
        </p>
      </div>
      {problems.length > 0 && !active ? (
        <ul className="error-text" data-testid="dataset-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="dataset-actions">
        {!active ? (
          <button type="button" className="primary" disabled={problems.length > 0} onClick={() => spec && confirmDiscard(done, 'start a new dataset') && void state.start(spec, labels)} data-testid="dataset-start">
            {state.meta ? 'Start a new dataset' : 'Generate dataset'}
          </button>
        ) : null}
        {state.status === 'running' ? (
          <button type="button" onClick={() => state.pause()} data-testid="dataset-pause">
            Pause
          </button>
        ) : null}
        {state.status === 'paused' || state.status === 'error' ? (
          <button type="button" onClick={() => void state.resume()} data-testid="dataset-resume">
            Resume ({done} of {total} done)
          </button>
        ) : null}
        {state.meta ? (
          <button type="button" onClick={() => confirmDiscard(done, 'discard this dataset') && void state.cancel()} data-testid="dataset-cancel">
            Cancel and discard
          </button>
        ) : null}
        {done > 0 ? (
          <button type="button" onClick={download} data-testid="dataset-download">
            Download ZIP{state.status === 'done' ? '' : ' (so far)'}
          </button>
        ) : null}
      </div>
      {state.meta ? (
        <div aria-live="polite" data-testid="dataset-progress">
          <p>
            {state.status === 'pausing' ? 'Pausing after this case… ' : null}
            {state.status === 'paused' ? 'Paused. ' : null}
            {state.status === 'done' ? 'Done. ' : null}
            {done} of {total} cases
          </p>
          <ProgressBar value={total === 0 ? 0 : (done + (active ? state.caseProgress : 0)) / total} label="Dataset progress" />
        </div>
      ) : null}
      {state.error ? (
        <p role="alert" className="error-text">
          {state.error}
        </p>
      ) : null}
      {zipError ? (
        <p role="alert" className="error-text">
          {zipError}
        </p>
      ) : null}
      {state.summary.length > 0 ? (
        <table className="dataset-summary" data-testid="dataset-summary">
          <caption>Cases that carry the requested label (classifier on images, labeler on reports)</caption>
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">Cases</th>
              <th scope="col">Generated</th>
              <th scope="col">Carrying it</th>
            </tr>
          </thead>
          <tbody>
            {state.summary.map((row) => (
              <tr key={row.target}>
                <th scope="row">{row.target === NORMAL ? 'normal (no finding)' : findingName(row.target)}</th>
                <td>{row.requested}</td>
                <td>{row.generated}</td>
                <td>{row.carrying}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
