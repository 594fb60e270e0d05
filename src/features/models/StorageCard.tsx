/** Storage estimate for this site and the persistent-storage request. */
import { useQuery } from '@tanstack/react-query';
import { storageQuery, useRequestPersistence } from '../../queries/engine';
import { formatBytes } from '../../ui/format';

export function StorageCard({ engineReady }: { readonly engineReady: boolean }) {
  const storage = useQuery({ ...storageQuery(), enabled: engineReady });
  const persist = useRequestPersistence();
  const info = storage.data;
  return (
    <section className="panel storage" aria-labelledby="storage-title">
      <h2 id="storage-title">Storage on this device</h2>
      {info ? (
        <>
          <p>
            Using {formatBytes(info.usage)} of about {formatBytes(info.quota)} the browser allows this site.
          </p>
          <p>
            {info.persisted
              ? 'Storage is persistent: the browser will not evict cached models under pressure.'
              : 'Storage is best-effort: the browser may evict cached models when the disk fills up.'}
          </p>
          {!info.persisted ? (
            <button type="button" disabled={persist.isPending} onClick={() => persist.mutate()}>
              Ask to keep data persistently
            </button>
          ) : null}
          {persist.data && !persist.data.persisted ? (
            <p className="muted" role="status">
              The browser declined for now (it often grants this after the site is installed or used more).
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted">{storage.error ? storage.error.message : 'Waiting for the engine…'}</p>
      )}
    </section>
  );
}
