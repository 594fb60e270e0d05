/**
 * @file Verified model bytes → what the runtime and pipeline consume: ONNX bytes (+ external data) per component
 * for the SessionPool, and the parsed small assets (unconditional embeddings, tokenizers), memoised per model and
 * file hash so later jobs skip re-reading and re-hashing them. Failed loads are forgotten so a retry works.
 */
import type { ModelEntry } from '../src/contracts/manifest-schema';
import type { TextTools, Unconditional } from './pipeline/context';
import { parseUnconditional } from './pipeline/encode-conditions';
import { buildTextTools } from './pipeline/text-tools';
import type { ModelFile, ModelRegistry } from './registry/model-registry';
import type { EnsureOptions, ModelStore } from './registry/model-store';
import type { ComponentLoader } from './runtime/session-pool';

/** The ONNX file of a component and its external-data files. */
export function splitModelFiles(files: readonly ModelFile[]): { main: ModelFile; external: ModelFile[] } {
  const main = files.find((f) => f.path.endsWith('.onnx')) ?? (files[0] as ModelFile);
  return { main, external: files.filter((f) => f !== main) };
}

/** External data paths as stored in the .onnx file: relative to the .onnx file's folder. */
export function relativeTo(mainPath: string, path: string): string {
  const dir = mainPath.includes('/') ? mainPath.slice(0, mainPath.lastIndexOf('/') + 1) : '';
  return dir && path.startsWith(dir) ? path.slice(dir.length) : path;
}

function memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = load();
    map.set(key, p);
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
  }
  return p;
}

export class ModelAssets {
  private readonly unconditional = new Map<string, Promise<Unconditional>>();
  private readonly textTools = new Map<string, Promise<TextTools>>();
  /** `${modelId}|${sha256}` of every file parsed into one of the maps above. */
  private readonly parsedFiles = new Set<string>();

  constructor(private readonly store: ModelStore) {}

  /** Reads a component's verified files for session creation. */
  componentLoader(registry: ModelRegistry, model: ModelEntry, variant: string, options: EnsureOptions): ComponentLoader {
    return async (component) => {
      const { main, external } = splitModelFiles(registry.componentFiles(model, component, variant));
      const bytes = await this.store.read(model.id, main, options);
      const externalData = [];
      for (const f of external) {
        externalData.push({ path: relativeTo(main.path, f.path), data: await this.store.read(model.id, f, options) });
      }
      return { model: bytes, externalData };
    };
  }

  loadUnconditional(registry: ModelRegistry, model: ModelEntry, options: EnsureOptions): Promise<Unconditional> {
    const file = registry.assetFile(model, 'unconditional');
    return memo(this.unconditional, `${model.id}|${file.sha256}`, async () => {
      const parsed = parseUnconditional(await this.store.read(model.id, file, options), model.embedDim);
      this.parsedFiles.add(`${model.id}|${file.sha256}`);
      return parsed;
    });
  }

  loadTextTools(
    registry: ModelRegistry,
    model: ModelEntry,
    needs: { readonly clip: boolean; readonly gpt2: boolean },
    options: EnsureOptions,
  ): Promise<TextTools> {
    const clipFile = needs.clip ? registry.tokenizerFile(model, model.textEncoder.tokenizer) : null;
    const gptFile = needs.gpt2 ? registry.tokenizerFile(model, model.textDecoder.tokenizer) : null;
    return memo(this.textTools, `${model.id}|${clipFile?.sha256 ?? '-'}|${gptFile?.sha256 ?? '-'}`, async () => {
      const files: { clip?: Uint8Array; gpt2?: Uint8Array } = {};
      if (clipFile) files.clip = await this.store.read(model.id, clipFile, options);
      if (gptFile) files.gpt2 = await this.store.read(model.id, gptFile, options);
      const tools = buildTextTools(model, files);
      for (const f of [clipFile, gptFile]) if (f) this.parsedFiles.add(`${model.id}|${f.sha256}`);
      return tools;
    });
  }

  /** Forgets parsed assets of one model (after eviction) or of all models (manifest reload). */
  forget(modelId?: string): void {
    for (const keys of [this.unconditional, this.textTools, this.parsedFiles] as { keys(): Iterable<string>; delete(k: string): boolean }[]) {
      for (const key of [...keys.keys()]) if (modelId === undefined || key.startsWith(`${modelId}|`)) keys.delete(key);
    }
  }

  /** Whether a file of the model is already parsed and held in memory (it is not read again). */
  holdsFile(modelId: string, sha256: string): boolean {
    return this.parsedFiles.has(`${modelId}|${sha256}`);
  }
}
