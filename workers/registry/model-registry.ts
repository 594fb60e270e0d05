/**
 * @file What a model consists of: manifest → the files of a variant (graphs, tokenizers, assets) with their URLs.
 * Pure: no fetch, no cache. URLs resolve against the model's `baseUrl`, which itself resolves against the
 * manifest's URL (so `models/medcodi-nano/` next to `/models-manifest.json` means `/models/medcodi-nano/`).
 */
import type { Manifest, ManifestComponent, ManifestFile, ManifestVariant, ModelEntry } from '../../src/contracts/manifest-schema';

export type ModelFileKind = 'component' | 'tokenizer' | 'asset';

export interface ModelFile extends ManifestFile {
  readonly kind: ModelFileKind;
  /** Component, tokenizer or asset name the file belongs to. */
  readonly owner: string;
  readonly url: string;
}

export class ModelRegistry {
  constructor(
    readonly manifest: Manifest,
    /** Absolute URL the manifest was loaded from. */
    readonly manifestUrl: string,
  ) {}

  get modelIds(): string[] {
    return this.manifest.models.map((m) => m.id);
  }

  model(modelId: string): ModelEntry {
    const model = this.manifest.models.find((m) => m.id === modelId);
    if (!model) throw new Error(`Unknown model "${modelId}". The manifest lists: ${this.modelIds.join(', ')}.`);
    return model;
  }

  /** Absolute URL of a file path of a model. */
  resolveUrl(model: ModelEntry, path: string): string {
    const base = new URL(model.baseUrl.endsWith('/') || model.baseUrl === '' ? model.baseUrl : `${model.baseUrl}/`, this.manifestUrl);
    return new URL(path, base).href;
  }

  component(model: ModelEntry, name: string): ManifestComponent {
    const component = model.components.find((c) => c.name === name);
    if (!component) throw new Error(`Model ${model.id} has no "${name}" component.`);
    return component;
  }

  hasComponent(model: ModelEntry, name: string): boolean {
    return model.components.some((c) => c.name === name);
  }

  /** The component's files for `variant`; a component without that variant uses fp32, else its first variant. */
  componentVariant(component: ManifestComponent, variant: string): ManifestVariant {
    return (
      component.variants.find((v) => v.id === variant) ??
      component.variants.find((v) => v.id === 'fp32') ??
      (component.variants[0] as ManifestVariant)
    );
  }

  componentFiles(model: ModelEntry, componentName: string, variant: string): ModelFile[] {
    const component = this.component(model, componentName);
    return this.componentVariant(component, variant).files.map((f) => ({
      ...f,
      kind: 'component' as const,
      owner: component.name,
      url: this.resolveUrl(model, f.path),
    }));
  }

  tokenizerFile(model: ModelEntry, name: string): ModelFile {
    const t = model.tokenizers.find((x) => x.name === name);
    if (!t) throw new Error(`Model ${model.id} has no tokenizer "${name}".`);
    return { ...t.file, kind: 'tokenizer', owner: t.name, url: this.resolveUrl(model, t.file.path) };
  }

  assetFile(model: ModelEntry, name: string): ModelFile {
    const a = model.assets.find((x) => x.name === name);
    if (!a) throw new Error(`Model ${model.id} has no asset "${name}".`);
    return { ...a.file, kind: 'asset', owner: a.name, url: this.resolveUrl(model, a.file.path) };
  }

  /** Every file of a variant: all components, tokenizers and assets (deduplicated by sha256). */
  variantFiles(model: ModelEntry, variant: string): ModelFile[] {
    return dedupe([
      ...model.components.flatMap((c) => this.componentFiles(model, c.name, variant)),
      ...model.tokenizers.map((t) => this.tokenizerFile(model, t.name)),
      ...model.assets.map((a) => this.assetFile(model, a.name)),
    ]);
  }

  /** The files a job needs: the named components plus the named tokenizers and assets. */
  filesFor(
    model: ModelEntry,
    variant: string,
    need: { readonly components: readonly string[]; readonly tokenizers?: readonly string[]; readonly assets?: readonly string[] },
  ): ModelFile[] {
    return dedupe([
      ...need.components.flatMap((c) => this.componentFiles(model, c, variant)),
      ...(need.tokenizers ?? []).map((t) => this.tokenizerFile(model, t)),
      ...(need.assets ?? []).map((a) => this.assetFile(model, a)),
    ]);
  }
}

function dedupe(files: ModelFile[]): ModelFile[] {
  const seen = new Set<string>();
  return files.filter((f) => (seen.has(f.sha256) ? false : (seen.add(f.sha256), true)));
}
