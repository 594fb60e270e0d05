/**
 * @file The tiny interface the engine uses instead of importing onnxruntime directly.
 *
 * The browser build gets it from `ort-env.ts` (onnxruntime-web/webgpu, the only module that imports ORT); node
 * integration tests inject onnxruntime-node through the same shape, so the whole pipeline runs unchanged in both.
 */
import type { Backend } from '../../src/contracts/job';

export type TensorType = 'float32' | 'int64';
export type TensorData = Float32Array | BigInt64Array;

/** What the engine needs from an ORT tensor. `data` is read only for CPU-located tensors. */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  readonly location?: string;
  getData?(): Promise<unknown>;
  dispose?(): void;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

export interface ExternalDataFile {
  /** Exactly the `location` string stored in the .onnx file. */
  readonly path: string;
  readonly data: Uint8Array;
}

export interface CreateSessionOptions {
  readonly backend: Backend;
  readonly externalData?: readonly ExternalDataFile[];
  /** Outputs to leave in GPU memory between runs (WebGPU only; other backends read every output back). */
  readonly deviceOutputs?: readonly string[];
}

export interface OrtBinding {
  /** e.g. 'onnxruntime-web 1.30.0 (webgpu build)' — for logs and reports. */
  readonly name: string;
  /** WASM threads in use (1 when not cross-origin isolated); node reports its own. */
  readonly wasmThreads: number;
  createTensor(type: TensorType, data: TensorData, dims: readonly number[]): OrtTensorLike;
  createSession(model: Uint8Array, options: CreateSessionOptions): Promise<OrtSessionLike>;
}

/**
 * Session config entries for onnxruntime-node's intra-op thread pool (cli/node-engine.ts: batch CLI, bench, parity
 * tests). When the pool has as many threads as the machine has cores, its threads' busy-wait after each run
 * (spinning) takes the cores Node's own thread needs between runs: on the 2-core machine, 2 threads ran nano T→F+L
 * in 7.4 s spinning and 3.1 s not (npm run bench -- --only node --repeat 7, 2026-12-07). With spare cores, spinning
 * saves the wake-up after each short graph, so it stays. The browser keeps ORT's default (ort-env.ts).
 */
export function threadPoolConfig(threads: number, cores: number): { session: { intra_op: { allow_spinning: '0' | '1' } } } {
  return { session: { intra_op: { allow_spinning: threads > 1 && threads >= cores ? '0' : '1' } } };
}
