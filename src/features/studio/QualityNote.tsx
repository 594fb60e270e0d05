/** What the model's evaluation measured for the direction being composed, at the nearest evaluated step count. */
import { useQuery } from '@tanstack/react-query';
import type { Direction } from '../../contracts/modality';
import { directionQuality, qualityNote } from '../../domain/model-quality';
import { modelEvaluationQuery } from '../../queries/engine';

export function QualityNote({ modelId, direction, steps, guidance }: { readonly modelId: string; readonly direction: Direction; readonly steps: number; readonly guidance: number }) {
  const evaluation = useQuery(modelEvaluationQuery(modelId));
  if (!evaluation.data) return null; // no evaluation shipped, or not loaded: say nothing rather than guess
  const quality = directionQuality(evaluation.data, direction.id, steps);
  return (
    <p className={`quality-note muted ${quality?.verdict ?? 'unmeasured'}`} data-testid="quality-note" aria-live="polite">
      {qualityNote(quality, direction.label, { measured: evaluation.data.guidance, chosen: guidance })}
    </p>
  );
}
