/**
 * What the model's evaluation measured for the direction being composed, at the nearest evaluated step count; when
 * the evaluation also measured a guidance scale that did better there, it says so and offers to use it.
 */
import { useQuery } from '@tanstack/react-query';
import type { Direction } from '../../contracts/modality';
import { betterGuidance, describeAlternative, directionQuality, qualityNote } from '../../domain/model-quality';
import { modelEvaluationQuery } from '../../queries/engine';
import { studioStore } from '../../state/studio';

export function QualityNote({ modelId, direction, steps, guidance }: { readonly modelId: string; readonly direction: Direction; readonly steps: number; readonly guidance: number }) {
  const evaluation = useQuery(modelEvaluationQuery(modelId));
  if (!evaluation.data) return null; // no evaluation shipped, or not loaded: say nothing rather than guess
  const quality = directionQuality(evaluation.data, direction.id, steps);
  const alternative = quality ? betterGuidance(evaluation.data, quality) : null;
  return (
    <div className={`quality-note muted ${quality?.verdict ?? 'unmeasured'}`} aria-live="polite">
      <p data-testid="quality-note">{qualityNote(quality, direction.label, { measured: evaluation.data.guidance, chosen: guidance })}</p>
      {alternative && alternative.guidance !== guidance ? (
        <p data-testid="quality-alternative">
          {describeAlternative(alternative)}{' '}
          <button type="button" className="link-button" onClick={() => studioStore.getState().updateSettings({ guidanceScale: alternative.guidance })}>
            Use guidance {alternative.guidance}
          </button>
        </p>
      ) : null}
    </div>
  );
}
