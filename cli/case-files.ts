/**
 * @file Writing and checking one case's files. Files are written to a temporary name and renamed, and the case
 * JSON goes last, so a killed run never leaves a case that looks finished: a case is done only when its JSON
 * exists and every file it lists has the sha256 it records.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { caseJsonFile } from './batch-plan';

export interface CaseFileEntry {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** True when case i's JSON exists and every file it lists is present with its recorded hash. */
export async function isCaseDone(dir: string, index: number): Promise<boolean> {
  return (await caseProblems(dir, index)).length === 0;
}

/** What is wrong with case i in `dir` (empty = complete and intact). */
export async function caseProblems(dir: string, index: number): Promise<string[]> {
  const jsonPath = join(dir, caseJsonFile(index));
  if (!existsSync(jsonPath)) return [`${caseJsonFile(index)} is missing`];
  let record: { files?: CaseFileEntry[] };
  try {
    record = JSON.parse(await readFile(jsonPath, 'utf8')) as { files?: CaseFileEntry[] };
  } catch {
    return [`${caseJsonFile(index)} is not valid JSON`];
  }
  if (!Array.isArray(record.files) || record.files.length === 0) return [`${caseJsonFile(index)} lists no files`];
  const problems: string[] = [];
  for (const file of record.files) {
    const path = join(dir, file.path);
    if (!existsSync(path)) problems.push(`${file.path} is missing`);
    else if (sha256(await readFile(path)) !== file.sha256) problems.push(`${file.path} does not match its sha256`);
  }
  return problems;
}

/** Case indices that have a JSON file in `dir`. */
export async function listedCases(dir: string): Promise<number[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .map((name) => /^synthetic_case-(\d{6,})\.json$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
