/**
 * The phantom classifier's findings on results' generated images (TanStack Query, once per result and image), the
 * labeler's on their reports, and whether each result's model has a classifier at all. One result for the Studio's
 * result view, several for History → Compare (one query list, so the number of results can change between renders).
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ClassifierResult } from '../../contracts/engine-api';
import type { GreyImage } from '../../contracts/job';
import { labelPhantomReport } from '../../domain/labeler-rules';
import type { OutputFindings } from '../../domain/result-findings';
import type { ImageModality } from '../../contracts/modality';
import type { ResultRecord } from '../../domain/result-record';
import { classificationQuery } from '../../queries/engine';
import { manifestQuery } from '../../queries/manifest';

export interface ClassifiedImage {
  readonly modality: ImageModality;
  readonly result: ClassifierResult | undefined;
  readonly error: Error | null;
  readonly pending: boolean;
}

export interface ResultFindings {
  readonly hasClassifier: boolean;
  /** The classifier's labels (the labeler's are the same names). */
  readonly labels: readonly string[];
  readonly images: readonly ClassifiedImage[];
  /** What every output says so far (an image's entry appears once the classifier has read it). */
  readonly findings: OutputFindings;
  /** Some image is still being classified. */
  readonly waiting: boolean;
}

const IMAGE_MODALITIES = ['frontal', 'lateral'] as const;

/** Findings of every record, in order. */
export function useResultsFindings(records: readonly ResultRecord[]): ResultFindings[] {
  const manifest = useQuery(manifestQuery());
  const labelsOf = (modelId: string): readonly string[] => manifest.data?.models.find((m) => m.id === modelId)?.classifier?.labels ?? [];
  const images = records.flatMap((record) =>
    IMAGE_MODALITIES.filter((m) => record.outputs[m] !== undefined).map((modality) => ({ record, modality, image: record.outputs[modality] as GreyImage })),
  );
  const queries = useQueries({
    queries: images.map(({ record, modality, image }) => ({
      ...classificationQuery(record.id, record.modelId, modality, image),
      enabled: labelsOf(record.modelId).length > 0,
    })),
  });
  // The labeler reads each report once, not on every render (the key changes only when a report does).
  const reportsKey = records.map((r) => `${r.id}\u0000${r.outputs.report ?? ''}`).join('\u0001');
  const reportLabels = useMemo(
    () => records.map((r) => (r.outputs.report !== undefined ? labelPhantomReport(r.outputs.report).labels : undefined)),
    [reportsKey],
  );
  return records.map((record, r) => {
    const labels = labelsOf(record.modelId);
    const hasClassifier = labels.length > 0;
    const own = images.flatMap((entry, i) => (entry.record === record ? [{ entry, query: queries[i] }] : []));
    const classified: ClassifiedImage[] = own.map(({ entry, query }) => ({
      modality: entry.modality,
      result: query?.data,
      error: query?.error ?? null,
      pending: hasClassifier && (query?.isPending ?? true),
    }));
    const report = reportLabels[r];
    const frontal = classified.find((i) => i.modality === 'frontal')?.result;
    const lateral = classified.find((i) => i.modality === 'lateral')?.result;
    const findings: OutputFindings = { ...(report ? { report } : {}), ...(frontal ? { frontal } : {}), ...(lateral ? { lateral } : {}) };
    return { hasClassifier, labels, images: classified, findings, waiting: classified.some((i) => i.pending && !i.error) };
  });
}

export function useResultFindings(record: ResultRecord): ResultFindings {
  return useResultsFindings([record])[0] as ResultFindings;
}
