/**
 * The phantom classifier's findings on a result's generated images (TanStack Query, once per result and image),
 * and whether the result's model has a classifier at all.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ClassifierResult } from '../../contracts/engine-api';
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

export function useResultFindings(record: ResultRecord): ResultFindings {
  const manifest = useQuery(manifestQuery());
  const labels = manifest.data?.models.find((m) => m.id === record.modelId)?.classifier?.labels ?? [];
  const hasClassifier = labels.length > 0;
  const modalities = (['frontal', 'lateral'] as const).filter((m) => record.outputs[m] !== undefined);
  const queries = useQueries({
    queries: modalities.map((m) => ({
      ...classificationQuery(record.id, record.modelId, m, record.outputs[m] as NonNullable<ResultRecord['outputs'][typeof m]>),
      enabled: hasClassifier,
    })),
  });
  const images = modalities.map((modality, i) => ({
    modality,
    result: queries[i]?.data,
    error: queries[i]?.error ?? null,
    pending: hasClassifier && (queries[i]?.isPending ?? true),
  }));
  const report = record.outputs.report;
  const reportLabels = useMemo(() => (report !== undefined ? labelPhantomReport(report).labels : undefined), [report]);
  const frontal = images.find((i) => i.modality === 'frontal')?.result;
  const lateral = images.find((i) => i.modality === 'lateral')?.result;
  const findings = useMemo<OutputFindings>(
    () => ({ ...(reportLabels ? { report: reportLabels } : {}), ...(frontal ? { frontal } : {}), ...(lateral ? { lateral } : {}) }),
    [reportLabels, frontal, lateral],
  );
  return { hasClassifier, labels, images, findings, waiting: images.some((i) => i.pending && !i.error) };
}
