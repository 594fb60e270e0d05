/**
 * @file Schema of `models-manifest.json` (schemaVersion 1, see docs/model-contract.md) and `parseManifest()`.
 *
 * Shared by both threads: the UI shows model cards from it, the engine worker downloads and runs what it lists.
 * The manifest is data from the network, so it is parsed at the boundary and every problem is reported with its
 * JSON path in plain words (e.g. `models[0].components[3].variants[0].files[0].sha256: should be 64 hex digits`).
 * Unknown keys are ignored (dropped) so a newer toolchain can add fields without breaking older studios.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const name = z.string().min(1);

/** A path relative to the model's baseUrl. No absolute paths, no `..`: files must stay inside the model folder. */
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(p), {
    message: 'should be a path relative to the model baseUrl, not an absolute path or URL',
  })
  .refine((p) => !p.split('/').includes('..'), { message: 'should not contain ".." segments' });

export const manifestFileSchema = z.object({
  path: relativePath,
  bytes: nonNegativeInt,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'should be a sha256 digest: 64 lowercase hex digits' }),
});

/** I/O description (informational: the engine feeds by the contract's names; dtype as the exporter names it). */
const tensorSpecSchema = z.object({
  name,
  dtype: name,
  shape: z.array(z.union([nonNegativeInt, z.string().min(1)])),
});

export const variantSchema = z.object({
  id: name,
  /** fp32 | fp16 | q8 | q4 | q4f16 …; fp16-family variants need WebGPU with shader-f16. */
  dtype: name,
  files: z.array(manifestFileSchema).min(1),
});

/** Contract roles; other roles (e.g. the exporter's `encoder-latent` for vae_encoder) are accepted and ignored. */
export const KNOWN_COMPONENT_ROLES = ['encoder', 'denoiser', 'env', 'decoder', 'classifier', 'sampler-step'] as const;
export const componentRoleSchema = z.string().min(1);

export const componentSchema = z.object({
  name,
  role: componentRoleSchema,
  modality: z.string().min(1).optional(),
  inputs: z.array(tensorSpecSchema),
  outputs: z.array(tensorSpecSchema),
  variants: z.array(variantSchema).min(1),
});

const modelSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, { message: 'should use only letters, digits, ".", "_" and "-"' }),
    version: name,
    displayName: name,
    description: z.string().default(''),
    config: z.string().optional(),
    baseUrl: z.string(),
    synthetic: z.boolean(),
    imageSize: positiveInt,
    latents: z.object({
      image: z.object({ channels: positiveInt, size: positiveInt, scaleFactor: z.number().positive() }),
      text: z.object({ dim: positiveInt, scaleFactor: z.number().positive() }),
    }),
    embedDim: positiveInt,
    hconDim: positiveInt,
    schedule: z.object({
      numTrainTimesteps: positiveInt,
      betaStart: z.number().positive(),
      betaEnd: z.number().positive(),
      betaSchedule: z.enum(['scaled_linear', 'linear']),
      predictionType: z.enum(['epsilon']),
    }),
    sampling: z.object({
      steps: positiveInt,
      guidanceScale: z.number().nonnegative(),
      eta: z.number().nonnegative(),
    }),
    clipImage: z.object({
      size: positiveInt,
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
      resample: z.enum(['bicubic', 'bilinear']).default('bicubic'),
    }),
    textEncoder: z.object({
      contextLength: positiveInt,
      tokenizer: name,
      /** Optional explicit special ids; otherwise the tokenizer's `<|startoftext|>` / `<|endoftext|>`. */
      bosTokenId: nonNegativeInt.optional(),
      eosTokenId: nonNegativeInt.optional(),
    }),
    textDecoder: z.object({
      tokenizer: name,
      bosTokenId: nonNegativeInt,
      eosTokenId: nonNegativeInt,
      padTokenId: nonNegativeInt,
      maxLength: positiveInt,
      layers: positiveInt,
      heads: positiveInt,
      headDim: positiveInt,
      vocabSize: positiveInt,
    }),
    classifier: z.object({ labels: z.array(name).min(1) }).optional(),
    components: z.array(componentSchema).min(1),
    tokenizers: z.array(z.object({ name, kind: z.enum(['clip-bpe', 'gpt2-bpe']), file: manifestFileSchema })),
    assets: z.array(z.object({ name, file: manifestFileSchema })),
    requirements: z
      .object({
        memoryMB: z.number().nonnegative().optional(),
        webgpu: z
          .object({
            features: z.array(z.string()).default([]),
            maxBufferSize: nonNegativeInt.optional(),
            maxStorageBufferBindingSize: nonNegativeInt.optional(),
          })
          .optional(),
      })
      .default({}),
    provenance: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((model, ctx) => {
    const seen = new Set<string>();
    model.components.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({ code: 'custom', path: ['components', i, 'name'], message: `duplicate component name "${c.name}"` });
      }
      seen.add(c.name);
      const variantIds = new Set<string>();
      c.variants.forEach((v, j) => {
        if (variantIds.has(v.id)) {
          ctx.addIssue({ code: 'custom', path: ['components', i, 'variants', j, 'id'], message: `duplicate variant id "${v.id}"` });
        }
        variantIds.add(v.id);
      });
    });
    const tokenizerNames = new Set(model.tokenizers.map((t) => t.name));
    if (!tokenizerNames.has(model.textEncoder.tokenizer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['textEncoder', 'tokenizer'],
        message: `names tokenizer "${model.textEncoder.tokenizer}", which is not in this model's tokenizers list`,
      });
    }
    if (!tokenizerNames.has(model.textDecoder.tokenizer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['textDecoder', 'tokenizer'],
        message: `names tokenizer "${model.textDecoder.tokenizer}", which is not in this model's tokenizers list`,
      });
    }
    if (model.schedule.betaEnd <= model.schedule.betaStart) {
      ctx.addIssue({ code: 'custom', path: ['schedule', 'betaEnd'], message: 'should be larger than betaStart' });
    }
  });

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(1, { message: 'should be 1 (this studio reads schemaVersion 1 manifests)' }),
    models: z.array(modelSchema).min(1),
  })
  .superRefine((manifest, ctx) => {
    const ids = new Set<string>();
    manifest.models.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id "${m.id}"` });
      ids.add(m.id);
    });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ModelEntry = Manifest['models'][number];
export type ManifestComponent = z.infer<typeof componentSchema>;
export type ManifestVariant = z.infer<typeof variantSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type ComponentRole = z.infer<typeof componentRoleSchema>;

/** `['models', 0, 'components', 3, 'name']` → `models[0].components[3].name`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const typeWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  tuple: 'a list',
  record: 'an object',
};

type Issue = z.core.$ZodIssue;

/** One issue → plain words (without the path). */
function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is missing';
      return `should be ${typeWords[issue.expected] ?? issue.expected}, but is ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `should have at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return 'should not be empty';
      return `should be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `should have at most ${String(issue.maximum)} entries`;
      return `should be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'invalid_value':
      if (issue.message && !issue.message.startsWith('Invalid')) return issue.message;
      return `should be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_union':
      return `does not match any allowed form (${issue.message})`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `has the wrong format (${issue.format})` : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Validates parsed JSON against the schemaVersion 1 manifest schema.
 * @throws Error whose message lists every problem on its own line as `<json path>: <plain words>`.
 */
export function parseManifest(json: unknown): Manifest {
  const result = manifestSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  throw new Error(invalidMessage('The model manifest is not valid', result.error.issues));
}

/** `<what> (N problems):` then one `- <json path>: <plain words>` line per issue; shared by every schema here. */
export function invalidMessage(what: string, issues: readonly Issue[]): string {
  const lines = issues.map((issue) => `- ${formatJsonPath(issue.path)}: ${describeIssue(issue)}`);
  return `${what} (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}
