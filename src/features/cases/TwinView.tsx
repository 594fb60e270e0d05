/**
 * The anonymisation twin: a real case in (images and/or report, held in memory only), a fully synthetic twin out,
 * side by side with the findings of both. The flow lives in twin-store.ts; this renders and dispatches.
 */
import { findingName } from '../../domain/labeler';
import { useState } from 'react';
import { useStore } from 'zustand';
import type { GenerationSettings } from '../../contracts/job';
import { compareFindings } from '../../domain/io/twin-plan';
import { FINDING_TEXT } from '../../domain/result-findings';
import { ReportView } from '../studio/ReportView';
import { useSelectedModel } from '../studio/use-selected-model';
import { GreyCanvas } from '../../ui/GreyCanvas';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';
import { SyntheticBadge } from '../../ui/SyntheticBadge';
import { ExportMenu } from './ExportMenu';
import { ImportPanel } from './ImportPanel';
import { twinStore } from './twin-instance';

export function TwinView() {
  const { model, imageSize } = useSelectedModel();
  const state = useStore(twinStore);
  const [steps, setSteps] = useState(20);
  const [seed, setSeed] = useState(1);
  const labels = model?.classifier?.labels ?? null;
  const comparison = state.findings && labels ? compareFindings(state.findings.real, state.findings.twin, labels) : null;
  const running = state.status === 'running';
  const settings: GenerationSettings = {
    steps,
    guidanceScale: model?.sampling.guidanceScale ?? 7.5,
    seed,
    sampler: 'ddim',
    eta: model?.sampling.eta ?? 1,
    previewEvery: 0,
    temperature: 1,
    topP: 1,
    maxTokens: 100,
  };
  return (
    <section className="panel twin" aria-labelledby="twin-title" data-testid="twin-view">
      <h2 id="twin-title">Anonymisation twin</h2>
      <p className="muted">
        The real case stays in this tab's memory only: it is never saved or exported. The twin is made in two steps, so nothing real is copied
        into it.
      </p>
      <div className="twin-columns">
        <div className="twin-real">
          <h3>Real case</h3>
          <ImportPanel imageSize={imageSize} targets={['frontal', 'lateral']} onUse={(m, image, name) => state.setRealImage(m, image, name)} testId="twin-import" />
          <div className="twin-real-images">
            {(['frontal', 'lateral'] as const).map((m) =>
              state.real[m] ? (
                <figure key={m} data-testid={`twin-real-${m}`}>
                  <GreyCanvas image={state.real[m]} label={`Real ${m}: ${state.realNames[m] ?? ''}`} />
                  <figcaption>
                    Real {m}{' '}
                    <button type="button" className="link-button" onClick={() => state.setRealImage(m, null)}>
                      Remove
                    </button>
                  </figcaption>
                </figure>
              ) : null,
            )}
          </div>
          <label className="field">
            Real report (optional)
            <textarea value={state.real.report ?? ''} onChange={(e) => state.setRealReport(e.target.value)} rows={4} data-testid="twin-real-report" />
          </label>
          <button type="button" className="link-button" onClick={() => state.clearReal()}>
            Forget the real case
          </button>
        </div>
        <div className="twin-controls">
          <NumberField label="Steps" value={steps} onChange={setSteps} min={1} max={200} />
          <NumberField label="Seed" value={seed} onChange={setSeed} min={0} />
          {running ? (
            <button type="button" onClick={() => state.cancel()} data-testid="twin-cancel">
              Cancel
            </button>
          ) : (
            <button type="button" className="primary" disabled={!model} onClick={() => model && void state.run(model.id, settings, labels)} data-testid="twin-run">
              Make the synthetic twin
            </button>
          )}
          {state.stepLabel ? <p aria-live="polite">{state.stepLabel}</p> : null}
          {running ? <ProgressBar value={state.progress} label="Twin progress" /> : null}
          {state.error ? (
            <p role="alert" className="error-text" data-testid="twin-error">
              {state.error}
            </p>
          ) : null}
          {state.status === 'cancelled' ? <p className="muted">Cancelled.</p> : null}
        </div>
      </div>
      {state.status === 'done' || state.twin.frontal || state.twin.report ? (
        <div className="twin-result" data-testid="twin-result">
          <h3>
            Synthetic twin <SyntheticBadge small />
          </h3>
          <div className="twin-images">
            {(['frontal', 'lateral'] as const).map((m) =>
              state.twin[m] ? (
                <figure key={m} data-testid={`twin-${m}`}>
                  <GreyCanvas image={state.twin[m]} label={`Synthetic twin ${m}`} watermark />
                  <figcaption>Twin {m}</figcaption>
                </figure>
              ) : null,
            )}
          </div>
          {state.twin.report !== undefined ? <ReportView text={state.twin.report} /> : null}
        </div>
      ) : null}
      {comparison ? (
        <table className="twin-findings" data-testid="twin-findings">
          <caption>Findings: real vs twin (labeler on reports, classifier on images) · agreement {Math.round(comparison.agreement * 100)}%</caption>
          <thead>
            <tr>
              <th scope="col">Finding</th>
              <th scope="col">Real</th>
              <th scope="col">Twin</th>
            </tr>
          </thead>
          <tbody>
            {comparison.rows.map((row) => (
              <tr key={row.label} className={row.agree ? 'agree' : 'disagree'}>
                <th scope="row">{findingName(row.label)}</th>
                <td>{FINDING_TEXT[row.real]}</td>
                <td>{FINDING_TEXT[row.twin]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {state.status === 'done' ? <TwinExport /> : null}
    </section>
  );
}

/** Exports the twin as one case: the last step's record carrying every twin output (images and report). */
function TwinExport() {
  const records = useStore(twinStore, (s) => s.records);
  const last = records.at(-1);
  if (!last) return null;
  const outputs = Object.assign({}, ...records.map((r) => r.outputs)) as typeof last.outputs;
  return <ExportMenu record={{ ...last, outputs }} />;
}
