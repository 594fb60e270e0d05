/**
 * @file The app's QueryClient. Engine calls are local and expensive, so nothing retries by itself and the manifest
 * and device probe never go stale within a session; the history list refetches only when invalidated.
 */
import { QueryClient } from '@tanstack/react-query';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});
