/** @file Bundled example cases (public/examples/cases.json); absent file → no examples, not an error. */
import { queryOptions } from '@tanstack/react-query';
import { parseExampleCases, type ParsedExampleCases } from '../domain/example-cases';
import { queryKeys } from './keys';

export function exampleUrl(path: string): string {
  return new URL(path, document.baseURI).href;
}

export async function fetchExampleCases(signal?: AbortSignal): Promise<ParsedExampleCases> {
  const response = await fetch(exampleUrl('examples/cases.json'), { signal: signal ?? null });
  // The preview server answers unknown paths with index.html, so a non-JSON answer also means "no examples".
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('json')) return { cases: [], problems: [] };
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    return { cases: [], problems: ['examples/cases.json is not valid JSON.'] };
  }
  return parseExampleCases(json);
}

export const examplesQuery = () =>
  queryOptions({ queryKey: queryKeys.examples(), queryFn: ({ signal }) => fetchExampleCases(signal) });

/** Fetches an example image as a Blob (used by the prompt slice when loading an example). */
export async function fetchBlob(path: string): Promise<Blob> {
  const response = await fetch(exampleUrl(path));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.blob();
}
