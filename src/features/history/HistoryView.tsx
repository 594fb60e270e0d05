/** Gallery of past results on this device: reopen in the Studio, delete one, or clear all. */
import { useQuery } from '@tanstack/react-query';
import { recordCaption, recordOutputs, type ResultRecord } from '../../domain/result-record';
import { resultsQuery, useClearResults, useDeleteResult } from '../../queries/results';
import { studioStore } from '../../state/studio';
import { formatDateTime } from '../../ui/format';
import { GreyCanvas } from '../../ui/GreyCanvas';
import { SectionBoundary } from '../../ui/SectionBoundary';
import { SyntheticBadge } from '../../ui/SyntheticBadge';

function reopen(record: ResultRecord) {
  const { showResult, setView } = studioStore.getState();
  showResult(record);
  setView('studio');
}

/** A saved record this version cannot show (damaged, or written by another version): say so and let it go. */
function DamagedCard({ id, error }: { readonly id: string; readonly error: Error }) {
  const remove = useDeleteResult();
  return (
    <li className="history-card damaged" data-testid="history-card-damaged" role="alert">
      <p>This saved result could not be shown ({error.message}). The others are not affected.</p>
      <div className="card-actions">
        <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(id)}>
          Delete it
        </button>
      </div>
      {remove.error ? <p className="error-text">{remove.error.message}</p> : null}
    </li>
  );
}

function HistoryCard({ record }: { readonly record: ResultRecord }) {
  const remove = useDeleteResult();
  const thumb = record.outputs.frontal ?? record.outputs.lateral;
  return (
    <li className="history-card" data-testid="history-card">
      <div className="thumb">
        {thumb ? (
          <GreyCanvas image={thumb} watermark label={`Synthetic ${record.outputs.frontal ? 'frontal' : 'lateral'} image`} />
        ) : (
          <p className="thumb-report">{record.outputs.report?.slice(0, 140)}</p>
        )}
        <SyntheticBadge small />
      </div>
      <p className="caption">{recordCaption(record)}</p>
      <p className="muted small">
        {formatDateTime(record.createdAt)} · {recordOutputs(record).join(' + ')}
      </p>
      {record.sourceCase ? <p className="muted small">From {record.sourceCase.title ?? record.sourceCase.id} (simulated phantom)</p> : null}
      <div className="card-actions">
        <button type="button" onClick={() => reopen(record)}>
          Reopen
        </button>
        <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate(record.id)} aria-label={`Delete ${recordCaption(record)}`}>
          Delete
        </button>
      </div>
      {remove.error ? <p className="error-text" role="alert">{remove.error.message}</p> : null}
    </li>
  );
}

export function HistoryView() {
  const results = useQuery(resultsQuery());
  const clear = useClearResults();
  const records = results.data ?? [];
  return (
    <section className="panel history" aria-labelledby="history-title">
      <header className="panel-header">
        <h2 id="history-title">History</h2>
        <button
          type="button"
          className="danger"
          disabled={records.length === 0 || clear.isPending}
          onClick={() => {
            if (window.confirm(`Delete all ${records.length} saved results from this device?`)) clear.mutate();
          }}
        >
          Clear all
        </button>
      </header>
      <p className="muted">Results are kept only in this browser (IndexedDB). Inputs are not stored, only their hashes.</p>
      {results.isPending ? <p className="muted">Loading…</p> : null}
      {results.error ? <p className="error-text" role="alert">{results.error.message}</p> : null}
      {clear.error ? <p className="error-text" role="alert">{clear.error.message}</p> : null}
      {results.isSuccess && records.length === 0 ? <p data-testid="history-empty">Nothing generated yet.</p> : null}
      <ul className="history-grid">
        {records.map((r) => (
          <SectionBoundary key={r.id} name={`history card ${r.id}`} fallback={(error) => <DamagedCard id={r.id} error={error} />}>
            <HistoryCard record={r} />
          </SectionBoundary>
        ))}
      </ul>
    </section>
  );
}
