/** The result on screen: every output with its SYNTHETIC badge, viewer, report highlights and downloads. */
import { useState } from 'react';
import { MODALITY_NAMES } from '../../domain/compose-request';
import { downloadOutput } from '../../domain/export-image';
import { exportFileName, recordCaption, type ResultRecord } from '../../domain/result-record';
import { findingsForExport } from '../../domain/result-findings';
import { ConsensusView } from './ConsensusView';
import { selectIsRunning, selectResult, selectSaveState, selectVariations } from '../../state/selectors';
import { compareStore } from '../history/compare-store';
import { studioStore, useStudio } from '../../state/studio';
import { SectionBoundary } from '../../ui/SectionBoundary';
import { formatDateTime, formatDuration } from '../../ui/format';
import { SyntheticBadge } from '../../ui/SyntheticBadge';
import { ExportMenu } from '../cases/ExportMenu';
import { ImageFindings } from './ImageFindings';
import { ReportView, SyntheticReportHeading } from './ReportView';
import { SourceComparisonView } from './SourceComparisonView';
import { useResultFindings } from './use-result-findings';
import { XrayViewer } from './XrayViewer';

function DownloadButton({ record, modality }: { record: ResultRecord; modality: 'frontal' | 'lateral' | 'report' }) {
  const [error, setError] = useState<string | null>(null);
  const name = exportFileName(record, modality);
  return (
    <span className="download">
      <button
        type="button"
        onClick={() => {
          setError(null);
          downloadOutput(record, modality).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
        }}
        title={name}
      >
        Download {modality === 'report' ? 'report (.txt)' : 'PNG'}
      </button>
      {error ? (
        <span role="alert" className="error-text">
          {error}
        </span>
      ) : null}
    </span>
  );
}

export function ResultsPanel() {
  const record = useStudio(selectResult);
  if (!record) {
    return (
      <section className="panel results empty" aria-labelledby="results-title">
        <h2 id="results-title">Results</h2>
        <p className="muted">Generated images and reports appear here, each marked SYNTHETIC.</p>
      </section>
    );
  }
  return (
    <SectionBoundary
      name={`result ${record.id}`}
      resetKey={record.id}
      fallback={(error) => (
        <section className="panel results" role="alert" data-testid="result-failed">
          <h2>Results</h2>
          <p>This result could not be shown: {error.message}</p>
          <p className="muted">It stays in History, where it can be deleted. Nothing else is affected.</p>
          <button type="button" onClick={() => studioStore.getState().showResult(null)}>
            Close it
          </button>
        </section>
      )}
    >
      <ResultView record={record} />
    </SectionBoundary>
  );
}

/** After a Generate with several variations: which one this is, and a way to see them all side by side. */
function VariationsBar({ record }: { readonly record: ResultRecord }) {
  const variations = useStudio(selectVariations);
  const running = useStudio(selectIsRunning);
  const index = variations.indexOf(record.id);
  if (index < 0 || variations.length < 2) return null;
  return (
    <p className="variations-bar" data-testid="variations-bar">
      Variation {index + 1} of {variations.length}{running ? ' so far' : ''}.{' '}
      <button
        type="button"
        onClick={() => {
          compareStore.getState().select(variations);
          studioStore.getState().setView('history');
        }}
      >
        Compare the {variations.length} variations side by side
      </button>
    </p>
  );
}

function ResultView({ record }: { readonly record: ResultRecord }) {
  const saveState = useStudio(selectSaveState);
  const found = useResultFindings(record);
  return (
    <section className="panel results" aria-labelledby="results-title" data-testid="results">
      <header className="panel-header">
        <h2 id="results-title">Results</h2>
        <SyntheticBadge />
      </header>
      <p className="result-meta">
        {recordCaption(record)} · {record.modelId} {record.modelVersion} ({record.variant}, {record.backend === 'webgpu' ? 'WebGPU' : 'WASM'}) ·{' '}
        {formatDuration(record.timings.totalMs)} · {formatDateTime(record.createdAt)}
      </p>
      <VariationsBar record={record} />
      {record.consensus ? <ConsensusView consensus={record.consensus} /> : null}
      <p className="save-state" aria-live="polite">
        {saveState.status === 'saving' ? 'Saving to History…' : null}
        {saveState.status === 'saved' ? 'Saved in History on this device.' : null}
        {saveState.status === 'failed' ? <span className="error-text">Not saved: {saveState.message}</span> : null}
      </p>
      <div className="result-grid">
        {(['frontal', 'lateral'] as const).map((modality) => {
          const image = record.outputs[modality];
          if (!image) return null;
          return (
            <div key={modality} className="result-item" data-testid={`result-${modality}`}>
              <XrayViewer image={image} title={`Synthetic ${MODALITY_NAMES[modality]}`} resetKey={record.id} />
              {found.hasClassifier ? <ImageFindings image={found.images.find((i) => i.modality === modality) ?? { modality, result: undefined, error: null, pending: true }} /> : null}
              <DownloadButton record={record} modality={modality} />
            </div>
          );
        })}
        {record.outputs.report !== undefined ? (
          <div className="result-item result-report" data-testid="result-report">
            <SyntheticReportHeading level={3} />
            <ReportView text={record.outputs.report} />
            <DownloadButton record={record} modality="report" />
          </div>
        ) : null}
      </div>
      <SourceComparisonView record={record} found={found} />
      <ExportMenu record={record} findings={findingsForExport(found.findings)} />
    </section>
  );
}
