/**
 * @file `merge` (copy shard folders into one, refusing conflicting bytes) and `verify` (every case intact, and with
 * `--count`, every case present). logs/ is per shard and not merged.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { caseId } from './batch-plan';
import { caseProblems, listedCases, sha256 } from './case-files';

export async function mergeShards(out: string, sources: readonly string[], log: (line: string) => void = console.log): Promise<{ copied: number; identical: number }> {
  const target = resolve(out);
  await mkdir(target, { recursive: true });
  let runJson: string | null = existsSync(join(target, 'run.json')) ? await readFile(join(target, 'run.json'), 'utf8') : null;
  let copied = 0;
  let identical = 0;
  for (const source of sources.map((s) => resolve(s))) {
    const sourceRun = join(source, 'run.json');
    if (!existsSync(sourceRun)) throw new Error(`${source} is not a batch output folder (no run.json).`);
    const text = await readFile(sourceRun, 'utf8');
    if (runJson !== null && runJson !== text) throw new Error(`${source} belongs to a different run (run.json differs); shards of one run must share every option but --shard.`);
    runJson = text;
    for (const name of await readdir(source)) {
      if (name === 'logs' || name.includes('.partial-')) continue;
      const from = join(source, name);
      const to = join(target, name);
      const bytes = await readFile(from);
      if (existsSync(to)) {
        if (sha256(await readFile(to)) !== sha256(bytes)) throw new Error(`${name} differs between ${source} and ${target}: the shards disagree.`);
        identical += 1;
        continue;
      }
      await copyFile(from, to);
      copied += 1;
    }
  }
  log(`merged ${sources.length} folder(s) into ${target}: ${copied} files copied, ${identical} already identical`);
  return { copied, identical };
}

export async function verifyRun(out: string, count: number | undefined, log: (line: string) => void = console.log): Promise<{ ok: boolean; problems: string[] }> {
  const dir = resolve(out);
  const problems: string[] = [];
  const present = await listedCases(dir);
  for (const index of present) for (const p of await caseProblems(dir, index)) problems.push(`${caseId(index)}: ${p}`);
  const expected = count ?? (existsSync(join(dir, 'run.json')) ? (JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as { count?: number }).count : undefined);
  if (expected !== undefined) {
    const have = new Set(present);
    const missing = Array.from({ length: expected }, (_, i) => i).filter((i) => !have.has(i));
    if (missing.length > 0) problems.push(`${missing.length} of ${expected} cases are missing (first: ${missing.slice(0, 5).map(caseId).join(', ')})`);
  }
  log(problems.length === 0 ? `${dir}: ${present.length} cases, all intact${expected !== undefined ? ' and complete' : ''}` : problems.join('\n'));
  return { ok: problems.length === 0, problems };
}
