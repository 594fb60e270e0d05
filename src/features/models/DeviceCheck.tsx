/**
 * "Check on this device": one direction over the bundled phantom cases with this browser's variant and backend,
 * each output compared with the case's known findings. The flow lives in device-check-store.ts.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useStore } from 'zustand';
import type { ModelEntry } from '../../contracts/manifest-schema';
import { MODALITY_NAMES } from '../../domain/compose-request';
import { CHECK_DIRECTION_IDS, type CheckDirectionId } from '../../domain/device-check';
import { examplesQuery } from '../../queries/examples';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';
import { deviceCheckStore } from './device-check-instance';

const percent = (x: number) => `${Math.round(x * 100)}%`;

const IDLE = { status: 'idle', direction: null, total: 0, results: [], summary: [], ranOn: null, error: null } as const;

export function DeviceCheck({ model, engineReady }: { readonly model: ModelEntry; readonly engineReady: boolean }) {
  const shared = useStore(deviceCheckStore);
  // One store serves every model card: another model's check shows only as "busy" here.
  const busyElsewhere = shared.status === 'running' && shared.modelId !== model.id;
  const state = shared.modelId === model.id ? shared : IDLE;
  const examples = useQuery(examplesQuery());
  const [direction, setDirection] = useState<CheckDirectionId>('F>T');
  const [steps, setSteps] = useState(20);
  const [seed, setSeed] = useState(1);
  const selectId = useId();
  const cases = examples.data?.cases ?? [];
  const running = state.status === 'running';
  const start = () =>
    void deviceCheckStore.getState().run({
      modelId: model.id,
      labels: model.classifier?.labels ?? [],
      imageSize: model.imageSize,
      cases,
      direction,
      settings: { steps, guidanceScale: model.sampling.guidanceScale, seed, sampler: 'ddim', eta: model.sampling.eta, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 100 },
    });
  const outputs = state.summary.map((s) => s.modality);
  return (
    <div className="device-check" data-testid="device-check">
      <p className="muted">
        Runs one direction over the {cases.length} bundled phantom cases with the variant and backend this browser uses, and compares every output with
        each case's known findings (reports read by the labeler, images by the phantom classifier). A quick check beside the measured quality above, not a
        replacement for it: {cases.length} cases, not 200.
      </p>
      <div className="device-check-form">
        <div className="field">
          <label htmlFor={selectId}>Direction</label>
          <select id={selectId} value={direction} disabled={running} onChange={(e) => setDirection(e.target.value as CheckDirectionId)}>
            {CHECK_DIRECTION_IDS.map((id) => (
              <option key={id} value={id}>
                {id.replace('>', ' → ')}
              </option>
            ))}
          </select>
        </div>
        <NumberField label="Check steps" value={steps} onChange={setSteps} min={1} max={200} disabled={running} />
        <NumberField label="Check seed" value={seed} onChange={setSeed} min={0} disabled={running} />
        {running ? (
          <button type="button" onClick={() => deviceCheckStore.getState().cancel()} data-testid="device-check-cancel">
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={busyElsewhere || !engineReady || cases.length === 0 || !Number.isInteger(steps) || steps < 1 || !Number.isInteger(seed) || seed < 0}
            onClick={start}
            data-testid="device-check-run"
          >
            Check on this device
          </button>
        )}
      </div>
      {examples.isSuccess && cases.length === 0 ? <p className="muted">This build bundles no example cases, so there is nothing to check against.</p> : null}
      {examples.error ? <p className="error-text">The bundled cases could not be loaded: {examples.error.message}</p> : null}
      {busyElsewhere ? <p className="muted">Another model's check is running; this one can start when it ends.</p> : null}
      {state.status !== 'idle' && state.direction ? (
        <div aria-live="polite" data-testid="device-check-progress">
          <p>
            {state.direction.replace('>', ' → ')}: {state.results.length} of {state.total} cases
            {state.status === 'done' ? ' · done' : state.status === 'cancelled' ? ' · cancelled' : ''}
            {state.ranOn ? ` · ${state.ranOn}` : ''}
          </p>
          {running ? <ProgressBar value={state.total === 0 ? 0 : state.results.length / state.total} label="Check progress" /> : null}
        </div>
      ) : null}
      {state.error ? (
        <p role="alert" className="error-text">
          {state.error}
        </p>
      ) : null}
      {state.summary.length > 0 ? (
        <table className="findings-table" data-testid="device-check-summary">
          <thead>
            <tr>
              <th scope="col">Synthetic output</th>
              <th scope="col">Case findings it shows</th>
              <th scope="col">Labels agreeing with the cases</th>
              <th scope="col">Cases right on every label</th>
            </tr>
          </thead>
          <tbody>
            {state.summary.map((s) => (
              <tr key={s.modality}>
                <th scope="row">{MODALITY_NAMES[s.modality]}</th>
                <td>
                  {s.presentFound} of {s.presentTotal}
                </td>
                <td>{percent(s.labelAgreement)}</td>
                <td>
                  {s.exactCases} of {s.cases}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {state.results.length > 0 ? (
        <details>
          <summary>Each case</summary>
          <table className="findings-table" data-testid="device-check-cases">
            <thead>
              <tr>
                <th scope="col">Case</th>
                {outputs.map((m) => (
                  <th key={m} scope="col">
                    {MODALITY_NAMES[m]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {state.results.map((r) => (
                <tr key={r.caseId}>
                  <th scope="row">{r.title ?? r.caseId}</th>
                  {outputs.map((m) => {
                    const a = r.comparison.agreement[m];
                    return <td key={m} className={a && a.agree < a.of ? 'differs' : undefined}>{a ? `${a.agree} of ${a.of}` : '—'}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
