/** Gallery of past results on this device: reopen in the Studio, compare two to four, delete one, or clear all. */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { recordCaption, recordOutputs, type ResultRecord } from '../../domain/result-record';
import { buildHistoryArchive, historyArchiveName } from '../../domain/io/history-archive';
import { downloadBlob } from '../../domain/export-image';
import { resultsQuery, useClearResults, useDeleteResult, useImportHistory } from '../../queries/results';
import { studioStore } from '../../state/studio';
import { formatDateTime } from '../../ui/format';
import { GreyCanvas } from '../../ui/GreyCanvas';
import { SectionBoundary } from '../../ui/SectionBoundary';
import { SyntheticBadge } from '../../ui/SyntheticBadge';
import { CompareView } from './CompareView';
import { MAX_COMPARED, compareStore, useCompare } from './compare-store';
import { describeImport } from '../../storage/history-transfer';

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
  const picked = useCompare((s) => s.selected.includes(record.id));
  const thumb = record.outputs.frontal ?? record.outputs.lateral;
  return (
    <li className={picked ? 'history-card picked' : 'history-card'} data-testid="history-card">
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
      <label className="compare-pick">
        <input type="checkbox" checked={picked} onChange={() => compareStore.getState().toggle(record.id)} aria-label={`Compare ${recordCaption(record)}, ${formatDateTime(record.createdAt)}`} /> Compare
      </label>
      {remove.error ? <p className="error-text" role="alert">{remove.error.message}</p> : null}
    </li>
  );
}

/** Export every result as one ZIP, or add the results of such a ZIP (nothing already here is replaced). */
function TransferBar({ records }: { readonly records: readonly ResultRecord[] }) {
  const importer = useImportHistory();
  const [exportNote, setExportNote] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const summary = importer.data;
  return (
    <div className="history-transfer">
      <button
        type="button"
        disabled={records.length === 0}
        onClick={() => {
          setExportNote(null);
          try {
            const now = new Date();
            const archive = buildHistoryArchive(records, now);
            downloadBlob(new Blob([archive.bytes], { type: 'application/zip' }), historyArchiveName(archive.count, now));
            if (archive.skipped.length > 0) setExportNote(`Exported ${archive.count}. ${archive.skipped.join(' ')}`);
          } catch (e) {
            setExportNote(`The export failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }}
      >
        Export all ({records.length}) as ZIP
      </button>
      <button type="button" disabled={importer.isPending} onClick={() => fileInput.current?.click()}>
        {importer.isPending ? 'Importing…' : 'Import a History ZIP…'}
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".zip,application/zip"
        hidden
        data-testid="history-import-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) importer.mutate(file);
        }}
      />
      {exportNote ? (
        <p className="error-text" role="alert">
          {exportNote}
        </p>
      ) : null}
      {importer.error ? (
        <p className="error-text" role="alert" data-testid="history-import-result">
          {importer.error.message} Nothing in History was changed.
        </p>
      ) : null}
      {/* Rendered empty before any import, so screen readers announce the outcome when it appears. */}
      <div role="status" data-testid={summary ? 'history-import-result' : undefined}>
        {summary ? <p className={summary.stoppedBy ? 'error-text' : undefined}>{describeImport(summary)}</p> : null}
        {summary && summary.skipped.length > 0 ? (
          <details>
            <summary>What was left out</summary>
            <ul>
              {summary.skipped.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
    </div>
  );
}

/** The picked results (`picked`: those of them History holds), the Compare button, and why a fifth pick was refused. */
function CompareBar({ picked }: { readonly picked: readonly ResultRecord[] }) {
  const selected = useCompare((s) => s.selected);
  const refused = useCompare((s) => s.refused);
  if (selected.length === 0 && !refused) {
    return <p className="muted small">Tick "Compare" on two to {MAX_COMPARED} results to see them side by side.</p>;
  }
  return (
    <div className="compare-bar" data-testid="compare-bar">
      <span>
        {selected.length} of at most {MAX_COMPARED} picked{picked.length > 0 ? `: ${picked.map(recordCaption).join('; ')}` : ''}.
      </span>
      <button type="button" className="primary" disabled={selected.length < 2} onClick={() => compareStore.getState().openCompare()}>
        Compare {selected.length}
      </button>
      <button type="button" onClick={() => compareStore.getState().clear()}>
        Clear the picks
      </button>
      {refused ? (
        <p className="error-text" role="alert">
          At most {MAX_COMPARED} results can be compared at once. Untick one first.
        </p>
      ) : null}
    </div>
  );
}

export function HistoryView() {
  const results = useQuery(resultsQuery());
  const clear = useClearResults();
  const records = results.data ?? [];
  const compareOpen = useCompare((s) => s.open);
  const selected = useCompare((s) => s.selected);
  // A deleted (or cleared) result leaves the comparison. Only against a fresh list: a cached one may not hold the
  // results just made (Studio → "Compare the variations" arrives here while History refetches).
  const settled = results.isSuccess && !results.isFetching;
  useEffect(() => {
    if (settled && results.data) compareStore.getState().prune(results.data.map((r) => r.id));
  }, [settled, results.data]);
  // One array per change of picks or records, so Compare computes its difference images once.
  const compared = useMemo(() => selected.flatMap((id) => records.filter((r) => r.id === id)), [selected, records]);
  if (compareOpen && compared.length >= 2) {
    return (
      <SectionBoundary
        name="comparison"
        resetKey={selected.join(',')}
        fallback={(error) => (
          <section className="panel" role="alert" data-testid="compare-failed">
            <h2>Compare</h2>
            <p>These results could not be compared: {error.message}</p>
            <p className="muted">
              One of them may have been saved by another version of the studio ({compared.map((r) => r.id).join(', ')}). Each one is still in History and
              nothing was changed: compare the others, or delete the one that fails.
            </p>
            <button type="button" onClick={() => compareStore.getState().closeCompare()}>
              Back to History
            </button>
          </section>
        )}
      >
        <CompareView records={compared} />
      </SectionBoundary>
    );
  }
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
      <p className="muted">
        Results are kept only in this browser (IndexedDB). Inputs are not stored, only their hashes. Export them to keep them elsewhere or to take them
        to another machine.
      </p>
      <TransferBar records={records} />
      {results.isPending ? <p className="muted">Loading…</p> : null}
      {results.error ? <p className="error-text" role="alert">{results.error.message}</p> : null}
      {clear.error ? <p className="error-text" role="alert">{clear.error.message}</p> : null}
      {results.isSuccess && records.length === 0 ? <p data-testid="history-empty">Nothing generated yet.</p> : null}
      {records.length >= 2 ? <CompareBar picked={compared} /> : null}
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
