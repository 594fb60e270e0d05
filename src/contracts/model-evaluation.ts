/**
 * @file Schema of a model's `evaluation.json` asset (written by `toolchain/medcodi/evaluate.py`, listed in the
 * manifest's assets as `evaluation`): the quality measured on held-out cases, one row per direction, DDIM step
 * count and metric, with the bar the issue set and whether it was met. Shared by both threads: the engine reads
 * and checks the verified file, the UI shows it. Unknown keys are dropped, as in the manifest.
 */
import { z } from 'zod';
import { invalidMessage } from './manifest-schema';

export const evaluationRowSchema = z.object({
  /** Direction id as in `DIRECTIONS` (`T>F`, `F+L>T`, `T>F+L`); sanity rows use other labels (`real F`, steps 0). */
  direction: z.string().min(1),
  steps: z.number().int().nonnegative(),
  /** Generations (cases) behind the value. */
  n: z.number().int().positive(),
  metric: z.string().min(1),
  value: z.number().finite(),
  bar: z.number().finite().nullable().default(null),
  passed: z.boolean().nullable().default(null),
  note: z.string().default(''),
  /** Guidance scale behind the row; absent: the file's `guidance` (rows of the reference settings). */
  guidance: z.number().optional(),
});

export const modelEvaluationSchema = z.object({
  model: z.string().min(1),
  generatedAt: z.string().optional(),
  /** The toolchain command that reproduces the rows. */
  command: z.string().optional(),
  guidance: z.number().optional(),
  eta: z.number().optional(),
  reportTemperature: z.number().optional(),
  rows: z.array(evaluationRowSchema).min(1),
});

export type EvaluationRow = z.infer<typeof evaluationRowSchema>;
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;

/** Parses the bytes of an evaluation file; a clear message names the file and every problem. */
export function parseModelEvaluation(bytes: Uint8Array, path: string): ModelEvaluation {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result = modelEvaluationSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  throw new Error(invalidMessage(`${path} is not a valid model evaluation`, result.error.issues));
}
