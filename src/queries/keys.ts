/** @file Every TanStack Query key in the app, from one factory, so invalidations cannot drift from queries. */
export const queryKeys = {
  all: ['medcodi'] as const,
  manifest: () => [...queryKeys.all, 'manifest'] as const,
  engine: () => [...queryKeys.all, 'engine'] as const,
  model: (modelId: string) => [...queryKeys.all, 'model', modelId] as const,
  modelStatus: (modelId: string) => [...queryKeys.model(modelId), 'status'] as const,
  requirements: (modelId: string) => [...queryKeys.model(modelId), 'requirements'] as const,
  storage: () => [...queryKeys.all, 'storage'] as const,
  examples: () => [...queryKeys.all, 'examples'] as const,
  results: () => [...queryKeys.all, 'results'] as const,
  result: (id: string) => [...queryKeys.results(), id] as const,
};
