/**
 * @file Engine-backed async resources: the device probe (engine init), requirement checks, cache status, storage
 * estimate, and the download/evict mutations. All calls go through the comlink-wrapped EngineApi from
 * engine-client; progress callbacks cross the worker boundary as comlink proxies and are released afterwards.
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { proxy } from 'comlink';
import type { Backend, GenerationRequest, GreyImage, JobEvent, JobResult } from '../contracts/job';
import type { ImageModality } from '../contracts/modality';
import { getEngine, requestPersistentStorage, runJob, type RunJobOptions } from '../engine-client/engine-client';
import { queryClient } from '../app/query-client';
import { queryKeys } from './keys';
import { manifestUrl } from './manifest';

let preferBackend: Backend | undefined;

/**
 * Starts the worker and loads the manifest there (with the user's backend preference); resolves to the device
 * capabilities and model ids.
 */
export const engineQuery = () =>
  queryOptions({
    queryKey: queryKeys.engine(),
    queryFn: async () => (await getEngine()).init(manifestUrl(), preferBackend ? { preferBackend } : {}),
  });

/** Changes the backend the engine should prefer: re-initialises it and refreshes everything that depends on it. */
export function setEnginePreference(preference: Backend | 'auto'): void {
  const next = preference === 'auto' ? undefined : preference;
  if (next === preferBackend) return;
  preferBackend = next;
  void queryClient.resetQueries({ queryKey: queryKeys.engine() });
  void queryClient.invalidateQueries({ queryKey: [...queryKeys.all, 'model'] });
}

/** The engine after init (init runs once per session; a failed init is retried on the next call). */
export async function readyEngine() {
  await queryClient.ensureQueryData(engineQuery());
  return getEngine();
}

/** runJob() once the engine is initialised: what the stores inject, so their first job also starts the engine. */
export async function runJobWhenReady(request: GenerationRequest, options?: RunJobOptions): Promise<JobResult> {
  await readyEngine();
  return runJob(request, options);
}

/** The engine's classifier once the engine is initialised. */
export async function classifyWhenReady(modelId: string, image: GreyImage) {
  await readyEngine();
  return getEngine().classify(modelId, image);
}

/** The phantom classifier on one generated image of a result; computed once per result and image. */
export const classificationQuery = (resultId: string, modelId: string, modality: ImageModality, image: GreyImage) =>
  queryOptions({
    queryKey: queryKeys.classification(resultId, modality),
    queryFn: () => classifyWhenReady(modelId, image),
  });

/** Whether this device can run the model (one variant, or the engine's automatic pick when `variant` is undefined). */
export const requirementsQuery = (modelId: string, variant?: string) =>
  queryOptions({
    queryKey: queryKeys.requirements(modelId, variant),
    queryFn: async () => (await readyEngine()).checkRequirements(modelId, variant),
  });

/** What is cached of one variant (the engine's automatic pick when `variant` is undefined). */
export const modelStatusQuery = (modelId: string, variant?: string) =>
  queryOptions({
    queryKey: queryKeys.modelStatus(modelId, variant),
    queryFn: async () => (await readyEngine()).cacheStatus(modelId, variant),
    staleTime: 0,
  });

/** The quality measured for a model (its evaluation asset), or null when it ships none. */
export const modelEvaluationQuery = (modelId: string) =>
  queryOptions({
    queryKey: queryKeys.evaluation(modelId),
    queryFn: async () => (await readyEngine()).modelEvaluation(modelId),
    staleTime: Infinity,
    retry: false,
  });

export const storageQuery = () =>
  queryOptions({ queryKey: queryKeys.storage(), queryFn: async () => (await readyEngine()).storageInfo(false), staleTime: 0 });

/** Downloads a variant for offline use: `mutate(variant)`, undefined = the engine's automatic pick. */
export function usePrepareModel(modelId: string, onEvent: (event: JobEvent) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (variant: string | undefined) => {
      const engine = await readyEngine();
      const callback = proxy(onEvent);
      return engine.prepareModel(modelId, variant, callback);
    },
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.model(modelId) }),
        client.invalidateQueries({ queryKey: queryKeys.storage() }),
      ]),
  });
}

/** Removes files from this device: `mutate(variant)` removes that variant's, undefined the whole model's. */
export function useEvictModel(modelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (variant: string | undefined) => (await readyEngine()).evictModel(modelId, variant),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.model(modelId) }),
        client.invalidateQueries({ queryKey: queryKeys.storage() }),
      ]),
  });
}

export function useRequestPersistence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await readyEngine();
      return requestPersistentStorage();
    },
    onSuccess: (info) => client.setQueryData(queryKeys.storage(), info),
  });
}
