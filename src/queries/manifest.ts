/**
 * @file The models manifest as the UI reads it (model cards, image size for decoding inputs). Fetched from the
 * app's own origin and validated with the shared schema, so a broken manifest shows its problems in plain words.
 */
import { queryOptions } from '@tanstack/react-query';
import { parseManifest, type Manifest } from '../contracts/manifest-schema';
import { queryKeys } from './keys';

/** Absolute URL of the manifest next to the app (the worker resolves relative URLs against its own script). */
export function manifestUrl(): string {
  return new URL('models-manifest.json', document.baseURI).href;
}

export class ManifestMissingError extends Error {
  override readonly name = 'ManifestMissingError';
}

export async function fetchManifest(signal?: AbortSignal): Promise<Manifest> {
  let response: Response;
  try {
    response = await fetch(manifestUrl(), { signal: signal ?? null, cache: 'no-cache' });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ManifestMissingError('The models manifest could not be fetched (offline and not cached yet?).');
  }
  // A static host (and `vite preview`) may answer a missing file with index.html, so HTML also means "missing".
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 404 || (response.ok && type.includes('text/html'))) {
    throw new ManifestMissingError('No models manifest is installed (models-manifest.json is missing), so there is no model to run yet.');
  }
  if (!response.ok) throw new Error(`The models manifest could not be fetched: HTTP ${response.status}.`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new Error('models-manifest.json is not valid JSON.');
  }
  return parseManifest(json);
}

export const manifestQuery = () =>
  queryOptions({ queryKey: queryKeys.manifest(), queryFn: ({ signal }) => fetchManifest(signal) });
