/**
 * The manifest entry of the chosen model (selecting the first when none is chosen yet), and its image size. Also
 * forgets variant choices the manifest no longer offers, so they fall back to Automatic.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ModelEntry } from '../../contracts/manifest-schema';
import { offeredVariantsByModel } from '../../domain/variant-options';
import { manifestQuery } from '../../queries/manifest';
import { selectModelId } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';

/** Used for decoding inputs before a manifest is available; the full model's size. */
export const FALLBACK_IMAGE_SIZE = 256;

export function useSelectedModel(): { model: ModelEntry | null; imageSize: number; manifestError: Error | null; loading: boolean } {
  const manifest = useQuery(manifestQuery());
  const modelId = useStudio(selectModelId);
  const ids = manifest.data?.models.map((m) => m.id);
  const idsKey = ids?.join('\n');
  // Also when modelId changes: restored settings may name a model this manifest no longer has.
  useEffect(() => {
    if (idsKey !== undefined) studioStore.getState().ensureModel(idsKey.split('\n'));
  }, [idsKey, modelId]);
  const data = manifest.data;
  useEffect(() => {
    if (data) studioStore.getState().keepOfferedVariantChoices(offeredVariantsByModel(data));
  }, [data]);
  const model = manifest.data?.models.find((m) => m.id === modelId) ?? null;
  return { model, imageSize: model?.imageSize ?? FALLBACK_IMAGE_SIZE, manifestError: manifest.error, loading: manifest.isPending };
}
