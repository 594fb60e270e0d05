/** @file Every TanStack Query key in the app, from one factory, so invalidations cannot drift from queries. */
export const queryKeys = {
  all: ['medcodi'] as const,
  manifest: () => [...queryKeys.all, 'manifest'] as const,
  engine: () => [...queryKeys.all, 'engine'] as const,
  model: (modelId: string) => [...queryKeys.all, 'model', modelId] as const,
  /** `variant` undefined = the engine's automatic pick (null in the key). */
  modelStatus: (modelId: string, variant?: string) => [...queryKeys.model(modelId), 'status', variant ?? null] as const,
  requirements: (modelId: string, variant?: string) => [...queryKeys.model(modelId), 'requirements', variant ?? null] as const,
  /** Not under model(): evicting a model must not refetch its evaluation (it never changes for a manifest entry). */
  evaluation: (modelId: string) => [...queryKeys.all, 'evaluation', modelId] as const,
  storage: () => [...queryKeys.all, 'storage'] as const,
  examples: () => [...queryKeys.all, 'examples'] as const,
  results: () => [...queryKeys.all, 'results'] as const,
  result: (id: string) => [...queryKeys.results(), id] as const,
  /** The classifier's findings on one generated image of one result (a result's outputs never change). */
  classification: (resultId: string, modality: string) => [...queryKeys.all, 'classification', resultId, modality] as const,
};
