/** The device probe from the engine: WebGPU adapter, fp16, limits, isolation and WASM threads. */
import type { UseQueryResult } from '@tanstack/react-query';
import { useId } from 'react';
import { selectBackendPreference } from '../../state/selectors';
import type { BackendPreference } from '../../state/settings-slice';
import { studioStore, useStudio } from '../../state/studio';
import type { DeviceCapabilities } from '../../contracts/engine-api';
import { formatBytes } from '../../ui/format';

type EngineInfo = { readonly capabilities: DeviceCapabilities; readonly modelIds: readonly string[] };

export function DeviceCard({ engine }: { readonly engine: UseQueryResult<EngineInfo> }) {
  const caps = engine.data?.capabilities;
  const preference = useStudio(selectBackendPreference);
  const backendId = useId();
  return (
    <section className="panel device" aria-labelledby="device-title" data-testid="device-card">
      <h2 id="device-title">This device</h2>
      {engine.isPending ? <p className="muted">Starting the engine…</p> : null}
      {engine.error ? <p className="error-text">The engine could not start: {engine.error.message}</p> : null}
      {caps ? (
        <dl className="facts">
          <dt>WebGPU</dt>
          <dd>
            {caps.webgpu ? `yes — ${caps.adapterDescription || 'adapter'}${caps.isFallbackAdapter ? ' (software fallback, slow)' : ''}` : 'no (WASM on the CPU)'}
          </dd>
          <dt>fp16 shaders</dt>
          <dd>{caps.shaderF16 ? 'yes' : 'no'}</dd>
          <dt>Max GPU buffer</dt>
          <dd>{caps.maxBufferSize !== null ? formatBytes(caps.maxBufferSize) : '—'}</dd>
          <dt>Cross-origin isolated</dt>
          <dd>{caps.crossOriginIsolated ? 'yes' : 'no (WASM runs single-threaded)'}</dd>
          <dt>WASM threads</dt>
          <dd>{caps.wasmThreads}</dd>
        </dl>
      ) : null}
      <div className="field backend-choice">
        <label htmlFor={backendId}>Backend</label>
        <select
          id={backendId}
          value={preference}
          onChange={(e) => studioStore.getState().setBackendPreference(e.target.value as BackendPreference)}
          data-testid="backend-preference"
        >
          <option value="auto">Automatic (recommended)</option>
          <option value="webgpu">WebGPU when available</option>
          <option value="wasm">WASM (CPU)</option>
        </select>
      </div>
    </section>
  );
}
