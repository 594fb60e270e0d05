/**
 * @file What the Models view lists for a manifest model: its components with the files and bytes of one variant,
 * plus tokenizers and assets, and the total download.
 */
import type { ManifestFile, ModelEntry } from '../contracts/manifest-schema';
import { componentVariantFor, offeredVariantIds } from './variant-options';

export interface ComponentRow {
  readonly name: string;
  readonly role: string;
  readonly modality: string | null;
  readonly variant: string;
  readonly files: readonly ManifestFile[];
  readonly bytes: number;
}

export interface ModelSummary {
  readonly variants: readonly string[];
  readonly components: readonly ComponentRow[];
  /** Tokenizers and assets (unconditional embeddings, labeler rules …). */
  readonly extras: readonly { readonly name: string; readonly file: ManifestFile }[];
  readonly totalBytes: number;
}

const sum = (files: readonly ManifestFile[]) => files.reduce((n, f) => n + f.bytes, 0);

/** Summarises `model` for `variant` (components without that variant use fp32, else their first one, as the engine does). */
export function summarizeModel(model: ModelEntry, variant?: string): ModelSummary {
  const variants = offeredVariantIds(model);
  const components = model.components.map((c): ComponentRow => {
    const chosen = componentVariantFor(c, variant);
    return { name: c.name, role: c.role, modality: c.modality ?? null, variant: chosen.id, files: chosen.files, bytes: sum(chosen.files) };
  });
  const extras = [...model.tokenizers.map((t) => ({ name: `tokenizer ${t.name}`, file: t.file })), ...model.assets];
  const totalBytes = components.reduce((n, c) => n + c.bytes, 0) + sum(extras.map((e) => e.file));
  return { variants, components, extras, totalBytes };
}
