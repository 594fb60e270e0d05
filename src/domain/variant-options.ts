/**
 * @file The model variant choice (fp32, q4f16, q4 …): which variant ids a manifest model offers, the files and
 * download size of each, the options of the Models view's "Variant" select (built from the engine's requirement
 * checks and cache status), and the persisted per-model choices. "Automatic" is the absence of a choice: the
 * request then carries no variant and the engine picks the best one this device supports.
 */
import type { ModelCacheStatus, RequirementCheck } from '../contracts/engine-api';
import type { Manifest, ManifestComponent, ManifestFile, ManifestVariant, ModelEntry } from '../contracts/manifest-schema';
import { formatBytes } from '../ui/format';

/** Label of the select's first option; choosing it clears the model's variant choice. */
export const AUTOMATIC_VARIANT_LABEL = 'Automatic (best for this device)';
/** The select's value for "Automatic" (variant ids are never empty, so it cannot clash with one). */
export const AUTOMATIC_VARIANT_VALUE = '';

/** Variant ids the model offers (the union over its components), in manifest order. */
export function offeredVariantIds(model: ModelEntry): string[] {
  return [...new Set(model.components.flatMap((c) => c.variants.map((v) => v.id)))];
}

/** The variant a component uses for `variantId`: that one, else fp32, else its first (the engine's rule). */
export function componentVariantFor(component: ManifestComponent, variantId: string | undefined): ManifestVariant {
  return (
    component.variants.find((v) => v.id === variantId) ??
    component.variants.find((v) => v.id === 'fp32') ??
    (component.variants[0] as ManifestVariant)
  );
}

/** Every file a variant needs: its component files plus tokenizers and assets, each file once (by sha256). */
export function variantFiles(model: ModelEntry, variantId: string): ManifestFile[] {
  const all = [
    ...model.components.flatMap((c) => componentVariantFor(c, variantId).files),
    ...model.tokenizers.map((t) => t.file),
    ...model.assets.map((a) => a.file),
  ];
  const seen = new Set<string>();
  return all.filter((f) => (seen.has(f.sha256) ? false : (seen.add(f.sha256), true)));
}

/** Total download size of a variant in bytes. */
export function variantDownloadBytes(model: ModelEntry, variantId: string): number {
  return variantFiles(model, variantId).reduce((n, f) => n + f.bytes, 0);
}

/** How much of a variant is on this device; `unknown` until the engine has answered. */
export type VariantCacheState = 'cached' | 'partial' | 'none' | 'unknown';

export interface VariantOption {
  readonly id: string;
  /** The manifest's dtype of the variant (from the first component that offers it). */
  readonly dtype: string;
  readonly downloadBytes: number;
  /** Whether this device can run it; null while the engine's check is pending. */
  readonly runnable: boolean | null;
  /** Why this device cannot run it (a sentence from the engine), null when it can or while unknown. */
  readonly reason: string | null;
  readonly cache: VariantCacheState;
  readonly cachedBytes: number;
  /** The option's text: id, size, cache state and, when it cannot run here, the reason. */
  readonly label: string;
}

/** The sentence that explains why `check` refuses `variantId`: the message naming it, else all messages. */
export function unrunnableReason(check: RequirementCheck, variantId: string): string | null {
  if (check.ok) return null;
  const named = check.messages.filter((m) => m.includes(`"${variantId}"`));
  const chosen = named.length > 0 ? named : check.messages;
  return chosen.length > 0 ? chosen.join(' ') : 'This device cannot run it.';
}

function cacheState(status: ModelCacheStatus | undefined): VariantCacheState {
  if (!status) return 'unknown';
  if (status.complete) return 'cached';
  return status.cachedBytes > 0 ? 'partial' : 'none';
}

function cacheWords(state: VariantCacheState, cachedBytes: number): string | null {
  switch (state) {
    case 'cached':
      return 'downloaded';
    case 'partial':
      return `${formatBytes(cachedBytes)} downloaded`;
    case 'none':
      return 'not downloaded';
    case 'unknown':
      return null;
  }
}

function variantDtype(model: ModelEntry, variantId: string): string {
  for (const c of model.components) {
    const v = c.variants.find((x) => x.id === variantId);
    if (v) return v.dtype;
  }
  return variantId;
}

/**
 * The select's variant options (after "Automatic"), one per offered variant id in manifest order. `checks` and
 * `statuses` are the engine's answers for single variants, matched by their `variant` field; missing ones are
 * shown as unknown.
 */
export function buildVariantOptions(
  model: ModelEntry,
  checks: readonly RequirementCheck[],
  statuses: readonly ModelCacheStatus[],
): VariantOption[] {
  return offeredVariantIds(model).map((id): VariantOption => {
    const dtype = variantDtype(model, id);
    const downloadBytes = variantDownloadBytes(model, id);
    const check = checks.find((c) => c.variant === id);
    const status = statuses.find((s) => s.modelId === model.id && s.variant === id);
    const runnable = check ? check.ok : null;
    const reason = check ? unrunnableReason(check, id) : null;
    const cache = cacheState(status);
    const cachedBytes = status?.cachedBytes ?? 0;
    const facts = [formatBytes(downloadBytes), cacheWords(cache, cachedBytes)].filter((s): s is string => s !== null);
    const name = dtype === id ? id : `${id} (${dtype})`;
    const label = `${name} — ${facts.join(', ')}${runnable === false ? ` — cannot run on this device: ${reason ?? ''}` : ''}`;
    return { id, dtype, downloadBytes, runnable, reason, cache, cachedBytes, label };
  });
}

/** The select's value → the choice to store (undefined = Automatic). */
export function variantChoiceFromSelect(value: string): string | undefined {
  return value === AUTOMATIC_VARIANT_VALUE ? undefined : value;
}

/** The variant the Remove button deletes: the shown one when the model offers several, else the whole model. */
export function variantToEvict(offered: readonly string[], shownVariant: string | undefined): string | undefined {
  return offered.length > 1 ? shownVariant : undefined;
}

/** Persisted variant choices: model id → variant id. A model without an entry uses Automatic. */
export type VariantChoices = Readonly<Record<string, string>>;

/** Variant ids per model id, for pruning stale choices. */
export function offeredVariantsByModel(manifest: Manifest): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(manifest.models.map((m) => [m.id, offeredVariantIds(m)]));
}

/**
 * Drops choices the manifest no longer backs (the model or the variant is gone), so a stale choice falls back to
 * Automatic instead of failing every job. Returns the same object when nothing changes.
 */
export function pruneVariantChoices(choices: VariantChoices, offered: Readonly<Record<string, readonly string[]>>): VariantChoices {
  const kept = Object.entries(choices).filter(([modelId, variant]) => offered[modelId]?.includes(variant) === true);
  return kept.length === Object.keys(choices).length ? choices : Object.fromEntries(kept);
}

/** Sets or (with undefined) clears one model's choice. */
export function withVariantChoice(choices: VariantChoices, modelId: string, variant: string | undefined): VariantChoices {
  const next: Record<string, string> = { ...choices };
  if (variant === undefined) delete next[modelId];
  else next[modelId] = variant;
  return next;
}

/** Validates persisted data: an object of non-empty strings keyed by model id; anything else is dropped. */
export function parseVariantChoices(raw: unknown): VariantChoices {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0),
  );
}

/**
 * The request with the user's variant choice for its model filled in. Jobs started outside the studio store (Cases
 * twin and dataset runs) go through this so they run the variant the Models view shows; a request that already
 * names a variant, or a model left on Automatic, is returned as it is.
 */
export function withChosenVariant<R extends { readonly modelId: string; readonly variant?: string }>(
  request: R,
  choices: VariantChoices,
): R {
  if (request.variant !== undefined) return request;
  const chosen = choices[request.modelId];
  return chosen === undefined ? request : { ...request, variant: chosen };
}
