/** Models: what the manifest offers, what is cached, whether this device can run it, and storage. */
import { useQuery } from '@tanstack/react-query';
import { manifestQuery } from '../../queries/manifest';
import { engineQuery } from '../../queries/engine';
import { DeviceCard } from './DeviceCard';
import { ModelCard } from './ModelCard';
import { StorageCard } from './StorageCard';

export function ModelsView() {
  const manifest = useQuery(manifestQuery());
  const engine = useQuery(engineQuery());
  return (
    <div className="models-view">
      <DeviceCard engine={engine} />
      {manifest.isPending ? <p className="muted">Reading the models manifest…</p> : null}
      {manifest.error ? (
        <section className="panel" role="status">
          <h2>No models</h2>
          <p className="error-text pre-line">{manifest.error.message}</p>
        </section>
      ) : null}
      {manifest.data?.models.map((m) => (
        <ModelCard key={m.id} model={m} engineReady={engine.isSuccess} />
      ))}
      <StorageCard engineReady={engine.isSuccess} />
    </div>
  );
}
