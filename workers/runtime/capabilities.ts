/**
 * @file Device probe (WebGPU adapter, WASM threads) and the manifest `requirements` check.
 *
 * The probe only asks for an adapter (cheap); ORT creates its own device on the first WebGPU session.
 * A fallback adapter (SwiftShader: WebGPU emulated on the CPU) is 50-100x slower than WASM for our graphs
 * (../../../shared/docs/environment.md §3), so the automatic backend choice treats it like "no WebGPU".
 */
import type { DeviceCapabilities, RequirementCheck } from '../../src/contracts/engine-api';
import type { Backend } from '../../src/contracts/job';
import type { ModelEntry } from '../../src/contracts/manifest-schema';

export interface DeviceProbe {
  readonly capabilities: DeviceCapabilities;
  /** Every adapter feature (the contract's capabilities only expose shader-f16). */
  readonly features: ReadonlySet<string>;
}

/** WASM threads ORT gets here: min(2, cores) when cross-origin isolated (threads need SharedArrayBuffer), else 1. */
export function defaultWasmThreads(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return globalThis.crossOriginIsolated ? Math.max(1, Math.min(2, cores)) : 1;
}

/** Probes `navigator.gpu`; never throws (no WebGPU → webgpu: false). */
export async function probeDevice(wasmThreads: number): Promise<DeviceProbe> {
  const isolated = Boolean(globalThis.crossOriginIsolated);
  const none: DeviceProbe = {
    capabilities: {
      webgpu: false,
      adapterDescription: null,
      isFallbackAdapter: false,
      shaderF16: false,
      maxBufferSize: null,
      maxStorageBufferBindingSize: null,
      crossOriginIsolated: isolated,
      wasmThreads,
    },
    features: new Set(),
  };
  const gpu = typeof navigator !== 'undefined' ? (navigator as { gpu?: GPU }).gpu : undefined;
  if (!gpu) return none;
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return none;
  }
  if (!adapter) return none;
  const info = adapter.info as GPUAdapterInfo | undefined;
  // Chrome ≥ 136 moved isFallbackAdapter from the adapter to GPUAdapterInfo.
  const fallback = Boolean(
    (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ??
      (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  const features = new Set<string>();
  adapter.features.forEach((f) => features.add(f));
  const description = info
    ? [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' ')
    : '';
  return {
    capabilities: {
      webgpu: true,
      adapterDescription: description || 'unknown adapter',
      isFallbackAdapter: fallback,
      shaderF16: features.has('shader-f16'),
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      crossOriginIsolated: isolated,
      wasmThreads,
    },
    features,
  };
}

/** fp16-family variants need WebGPU with shader-f16; ORT's WASM EP has no usable fp16 path. */
export function variantNeedsF16(dtype: string): boolean {
  return /f16|fp16/i.test(dtype);
}

/** Variant ids the model offers (union over components), fp32 first. */
export function modelVariantIds(model: ModelEntry): string[] {
  const ids = new Set<string>();
  for (const c of model.components) for (const v of c.variants) ids.add(v.id);
  return [...ids].sort((a, b) => (a === 'fp32' ? -1 : b === 'fp32' ? 1 : 0));
}

function variantDtype(model: ModelEntry, variant: string): string | null {
  for (const c of model.components) {
    const v = c.variants.find((x) => x.id === variant);
    if (v) return v.dtype;
  }
  return null;
}

const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

/**
 * Decides backend and variant for a model on this device and explains the decision in sentences.
 * `preferBackend` forces a backend when it can work; `failedWebgpu` is set after a device loss in this session.
 */
export function checkModelRequirements(
  model: ModelEntry,
  probe: DeviceProbe,
  options: { readonly variant?: string | undefined; readonly preferBackend?: Backend | undefined; readonly webgpuFailure?: string | null } = {},
): RequirementCheck {
  const caps = probe.capabilities;
  const messages: string[] = [];
  const req = model.requirements.webgpu;

  // Can WebGPU run this model at all?
  const webgpuProblems: string[] = [];
  if (!caps.webgpu) webgpuProblems.push('WebGPU is not available in this browser');
  else {
    for (const f of req?.features ?? []) {
      if (!probe.features.has(f)) webgpuProblems.push(`the GPU lacks the "${f}" feature`);
    }
    if (req?.maxBufferSize !== undefined && caps.maxBufferSize !== null && caps.maxBufferSize < req.maxBufferSize) {
      webgpuProblems.push(`the GPU allows buffers up to ${mb(caps.maxBufferSize)}, the model needs ${mb(req.maxBufferSize)}`);
    }
    if (
      req?.maxStorageBufferBindingSize !== undefined &&
      caps.maxStorageBufferBindingSize !== null &&
      caps.maxStorageBufferBindingSize < req.maxStorageBufferBindingSize
    ) {
      webgpuProblems.push(
        `the GPU allows storage bindings up to ${mb(caps.maxStorageBufferBindingSize)}, the model needs ${mb(req.maxStorageBufferBindingSize)}`,
      );
    }
    if (options.webgpuFailure) webgpuProblems.push(`WebGPU failed earlier in this session (${options.webgpuFailure})`);
  }
  const webgpuUsable = webgpuProblems.length === 0;

  let backend: Backend;
  if (options.preferBackend === 'wasm') backend = 'wasm';
  else if (options.preferBackend === 'webgpu') backend = webgpuUsable ? 'webgpu' : 'wasm';
  else backend = webgpuUsable && !caps.isFallbackAdapter ? 'webgpu' : 'wasm';

  if (backend === 'wasm') {
    if (!webgpuUsable) messages.push(`Running on WASM (CPU) because ${webgpuProblems.join('; ')}.`);
    else if (caps.isFallbackAdapter && options.preferBackend !== 'wasm') {
      messages.push('The WebGPU adapter is a software fallback (e.g. SwiftShader), which is slower than WASM; running on WASM.');
    } else messages.push('Running on WASM (CPU) as requested.');
  } else if (caps.isFallbackAdapter) {
    messages.push('Running on a software WebGPU adapter (e.g. SwiftShader): expect it to be much slower than WASM.');
  }
  if (backend === 'wasm' && !caps.crossOriginIsolated) {
    messages.push('The page is not cross-origin isolated, so WASM runs on a single thread (slower).');
  }

  // Variant: requested, else the best one the backend supports.
  const offered = modelVariantIds(model);
  let variant = options.variant;
  let ok = true;
  if (variant !== undefined) {
    const dtype = variantDtype(model, variant);
    if (dtype === null) {
      ok = false;
      messages.push(`Model ${model.id} has no variant "${variant}" (it offers ${offered.join(', ')}).`);
    } else if (variantNeedsF16(dtype) && !(backend === 'webgpu' && caps.shaderF16)) {
      ok = false;
      messages.push(`Variant "${variant}" (${dtype}) needs WebGPU with shader-f16, which this device does not offer.`);
    }
  } else {
    const f16Ok = backend === 'webgpu' && caps.shaderF16;
    variant =
      offered.find((id) => f16Ok && variantNeedsF16(variantDtype(model, id) ?? '')) ??
      offered.find((id) => !variantNeedsF16(variantDtype(model, id) ?? '')) ??
      offered[0] ??
      'fp32';
    if (variantNeedsF16(variantDtype(model, variant) ?? '') && !f16Ok) {
      ok = false;
      messages.push(`Model ${model.id} only ships fp16 variants, which need WebGPU with shader-f16.`);
    }
  }

  const deviceMemoryGB = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  if (model.requirements.memoryMB !== undefined && deviceMemoryGB !== undefined && deviceMemoryGB * 1024 < model.requirements.memoryMB) {
    messages.push(
      `The model needs about ${model.requirements.memoryMB} MB of memory; this device reports ${deviceMemoryGB * 1024} MB, so it may fail or be slow.`,
    );
  }
  return { ok, messages, backend, variant };
}
