/** "Generate N synthetic images now" inside the study builder: runs the engine and hands back the new records. */
import { useEffect, useId, useRef, useState } from 'react';
import type { ExampleCase } from '../../domain/example-cases';
import type { ResultRecord } from '../../domain/result-record';
import { GENERATION_DIRECTIONS } from '../../domain/vtt/plan-generation';
import type { StudySettings } from '../../domain/vtt/study';
import { selectVariantChoice } from '../../state/selectors';
import { useStudio } from '../../state/studio';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';
import { useSelectedModel } from '../studio/use-selected-model';
import { generateNow } from './generate-synthetic';

export function GenerateNowPanel({ settings, examples, onGenerated }: { settings: StudySettings; examples: readonly ExampleCase[]; onGenerated: (records: ResultRecord[]) => void }) {
  const [count, setCount] = useState(4);
  const [steps, setSteps] = useState(50);
  const [directionId, setDirectionId] = useState<string>(GENERATION_DIRECTIONS[0].id);
  const [progress, setProgress] = useState<{ done: number; total: number; step: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  // The model and variant the user chose in Models (Automatic when none): the study's synthetic images come from
  // the same weights the Studio would use.
  const { model } = useSelectedModel();
  const variant = useStudio(selectVariantChoice(model?.id ?? ''));
  const selectId = useId();
  // the panel goes away (the builder switched to a report study, or closed): stop generating for it
  useEffect(() => () => abort.current?.abort(), []);

  const start = () => {
    const direction = GENERATION_DIRECTIONS.find((d) => d.id === directionId);
    if (!model || !direction) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setProgress({ done: 0, total: count, step: 'starting' });
    generateNow({
      count,
      direction,
      steps,
      studySeed: settings.seed,
      modelId: model.id,
      ...(variant !== undefined ? { variant } : {}),
      imageSize: model.imageSize,
      examples,
      signal: controller.signal,
      onProgress: (done, total, event) =>
        setProgress({ done, total, step: event?.type === 'denoise' ? `step ${event.step}/${event.totalSteps}` : (event?.type ?? '') }),
    })
      .then(onGenerated)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        abort.current = null;
        setProgress(null);
      });
  };

  return (
    <details className="vtt-generate">
      <summary>Generate N synthetic images now</summary>
      {!model ? <p className="muted small">No model is installed (see Models), so nothing can be generated here; use the history instead.</p> : null}
      <div className="field-grid">
        <NumberField label="How many" value={count} min={1} max={200} onChange={setCount} />
        <NumberField label="Denoising steps" value={steps} min={1} max={1000} onChange={setSteps} hint="50 is the reference; fewer is faster" />
        <div className="field">
          <label htmlFor={selectId}>Direction</label>
          <select id={selectId} value={directionId} onChange={(e) => setDirectionId(e.target.value)}>
            {GENERATION_DIRECTIONS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted small">Conditions come from the bundled phantom cases; seeds follow the study seed ({settings.seed} + 1, + 2, …). Results are saved to History.</p>
      <div className="card-actions">
        <button type="button" disabled={!model || progress !== null || !(count >= 1) || examples.length === 0} onClick={start}>
          Generate {Number.isFinite(count) ? count : ''} now
        </button>
        {progress ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        ) : null}
      </div>
      {progress ? (
        <>
          <ProgressBar value={progress.total > 0 ? progress.done / progress.total : 0} label="Generating synthetic images" />
          <p className="muted small">
            Image {Math.min(progress.done + 1, progress.total)} of {progress.total} {progress.step}
          </p>
        </>
      ) : null}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </details>
  );
}
