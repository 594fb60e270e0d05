/**
 * One manifest model: description, variant choice (when it offers several), files and sizes, cached state,
 * requirement check, download and evict. Everything below the variant select is about the chosen variant (or the
 * engine's automatic pick).
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { JobEvent } from '../../contracts/job';
import type { ModelEntry } from '../../contracts/manifest-schema';
import { summarizeModel } from '../../domain/model-summary';
import { offeredVariantIds, variantToEvict } from '../../domain/variant-options';
import { modelStatusQuery, requirementsQuery, useEvictModel, usePrepareModel } from '../../queries/engine';
import { selectModelId, selectVariantChoice } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';
import { formatBytes } from '../../ui/format';
import { ProgressBar } from '../../ui/ProgressBar';
import { DeviceCheck } from './DeviceCheck';
import { ModelQuality } from './ModelQuality';
import { VariantSelect } from './VariantSelect';

export function ModelCard({ model, engineReady }: { readonly model: ModelEntry; readonly engineReady: boolean }) {
  const choice = useStudio(selectVariantChoice(model.id));
  const offered = offeredVariantIds(model);
  const requirements = useQuery({ ...requirementsQuery(model.id, choice), enabled: engineReady });
  const status = useQuery({ ...modelStatusQuery(model.id, choice), enabled: engineReady });
  const [download, setDownload] = useState<{ file: string; loaded: number; total: number } | null>(null);
  const prepare = usePrepareModel(model.id, (event: JobEvent) => {
    if (event.type === 'download') setDownload({ file: event.file, loaded: event.loaded, total: event.total });
  });
  const evict = useEvictModel(model.id);
  const selected = useStudio(selectModelId) === model.id;
  const summary = summarizeModel(model, choice ?? requirements.data?.variant);
  const cached = new Map(status.data?.files.map((f) => [f.path, f.cached]));
  const busy = prepare.isPending || evict.isPending;
  return (
    <section className="panel model-card" aria-labelledby={`model-${model.id}`} data-testid={`model-${model.id}`}>
      <header className="panel-header">
        <h2 id={`model-${model.id}`}>
          {model.displayName} <span className="muted">v{model.version}</span>
        </h2>
        {selected ? (
          <span className="pill">In use</span>
        ) : (
          <button type="button" onClick={() => studioStore.getState().selectModel(model.id)}>
            Use this model
          </button>
        )}
      </header>
      {model.description ? <p>{model.description}</p> : null}
      <p className="muted">
        {model.synthetic ? 'Everything it makes is synthetic. ' : ''}Images {model.imageSize}×{model.imageSize} px · variant{' '}
        {summary.components[0]?.variant ?? '—'} · {formatBytes(summary.totalBytes)} to download
      </p>
      {offered.length > 1 ? <VariantSelect model={model} choice={choice} engineReady={engineReady} disabled={busy} /> : null}

      <h3>Can this device run it?</h3>
      {!engineReady ? <p className="muted">Waiting for the engine…</p> : null}
      {requirements.error ? <p className="error-text">{requirements.error.message}</p> : null}
      {requirements.data ? (
        <div className={requirements.data.ok ? 'check ok' : 'check bad'}>
          <p>
            {requirements.data.ok ? 'Yes' : 'Not fully'} — runs on {requirements.data.backend === 'webgpu' ? 'WebGPU' : 'WASM (CPU)'}, variant{' '}
            {requirements.data.variant}.
          </p>
          {requirements.data.messages.length > 0 ? (
            <ul>
              {requirements.data.messages.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <h3>Measured quality</h3>
      <ModelQuality modelId={model.id} engineReady={engineReady} />
      {model.classifier ? (
        <>
          <h3>Check on this device</h3>
          <DeviceCheck model={model} engineReady={engineReady} />
        </>
      ) : null}

      <h3>Files{offered.length > 1 && status.data ? ` of variant ${status.data.variant}` : ''}</h3>
      <p className="muted" data-testid="cache-summary">
        {status.data
          ? status.data.complete
            ? `All files cached on this device (${formatBytes(status.data.cachedBytes)}).`
            : `${formatBytes(status.data.cachedBytes)} of ${formatBytes(status.data.totalBytes)} cached.`
          : 'Cache state unknown until the engine starts.'}
      </p>
      <table className="files" aria-label="Model files">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Role</th>
            <th scope="col">Files</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Cached</th>
          </tr>
        </thead>
        <tbody>
          {summary.components.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>
                {c.role}
                {c.modality ? ` (${c.modality})` : ''}
              </td>
              <td className="paths">{c.files.map((f) => f.path).join(', ')}</td>
              <td className="num">{formatBytes(c.bytes)}</td>
              <td>{c.files.every((f) => cached.get(f.path)) ? 'yes' : status.data ? 'no' : '—'}</td>
            </tr>
          ))}
          {summary.extras.map((e) => (
            <tr key={e.name}>
              <td>{e.name}</td>
              <td>data</td>
              <td className="paths">{e.file.path}</td>
              <td className="num">{formatBytes(e.file.bytes)}</td>
              <td>{cached.get(e.file.path) ? 'yes' : status.data ? 'no' : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="model-actions">
        <button
          type="button"
          className="primary"
          disabled={!engineReady || busy || status.data?.complete === true}
          onClick={() => {
            setDownload(null);
            prepare.mutate(choice);
          }}
          data-testid="download-model"
        >
          {status.data?.complete ? 'Downloaded' : 'Download for offline use'}
        </button>
        <button
          type="button"
          disabled={!engineReady || busy || !status.data || status.data.cachedBytes === 0}
          onClick={() => evict.mutate(variantToEvict(offered, status.data?.variant))}
          data-testid="evict-model"
        >
          Remove from this device
        </button>
      </div>
      {prepare.isPending && download ? (
        <div aria-live="polite">
          <ProgressBar value={download.total > 0 ? download.loaded / download.total : 0} label={`Downloading ${download.file}`} />
          <p className="muted">
            {download.file}: {formatBytes(download.loaded)} of {formatBytes(download.total)}
          </p>
        </div>
      ) : null}
      {prepare.error ? <p className="error-text" role="alert">Download failed: {prepare.error.message}</p> : null}
      {evict.error ? <p className="error-text" role="alert">Could not remove the files: {evict.error.message}</p> : null}
    </section>
  );
}
