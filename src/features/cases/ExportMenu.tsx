/** Export menu of a result: case ZIP / JSON bundle, DICOM and provenance PNG per image, optionally with inputs. */
import './cases.css';
import { useState } from 'react';
import { downloadBlob } from '../../domain/export-image';
import { EXPORT_LABELS, buildExport, exportKinds, type ExportKind } from '../../domain/io/export-actions';
import type { ResultRecord } from '../../domain/result-record';
import { selectPrompt } from '../../state/selectors';
import { useStudio } from '../../state/studio';

/** `findings`: what the screen shows about the result's findings, written to case.json (`findingsForExport`). */
export function ExportMenu({ record, findings }: { readonly record: ResultRecord; readonly findings?: Readonly<Record<string, unknown>> }) {
  const prompt = useStudio(selectPrompt);
  const [includeInputs, setIncludeInputs] = useState(false);
  const [bitDepth, setBitDepth] = useState<8 | 16>(8);
  const [busy, setBusy] = useState<ExportKind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (kind: ExportKind) => {
    setBusy(kind);
    setError(null);
    const available = {
      ...(prompt.report.trim() !== '' ? { report: prompt.report } : {}),
      ...(prompt.images.frontal ? { frontal: prompt.images.frontal.image } : {}),
      ...(prompt.images.lateral ? { lateral: prompt.images.lateral.image } : {}),
    };
    buildExport(record, kind, { includeInputs, dicomBitDepth: bitDepth, ...(findings ? { findings } : {}) }, available)
      .then(({ fileName, blob }) => downloadBlob(blob, fileName))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(null));
  };
  return (
    <details className="export-menu" data-testid="export-menu">
      <summary>Export…</summary>
      <p className="muted">Every export is marked synthetic: in the pixels, the file name and the metadata.</p>
      <label>
        <input type="checkbox" checked={includeInputs} onChange={(e) => setIncludeInputs(e.target.checked)} data-testid="export-include-inputs" /> Include the inputs
        (report text, input images) — otherwise only their sha256 is written
      </label>
      <label>
        DICOM bits{' '}
        <select value={bitDepth} onChange={(e) => setBitDepth(Number(e.target.value) === 16 ? 16 : 8)} data-testid="export-dicom-bits">
          <option value={8}>8</option>
          <option value={16}>16</option>
        </select>
      </label>
      <div className="export-buttons">
        {exportKinds(record).map((kind) => (
          <button key={kind} type="button" disabled={busy !== null} onClick={() => run(kind)} data-testid={`export-${kind}`}>
            {busy === kind ? 'Preparing…' : EXPORT_LABELS[kind]}
          </button>
        ))}
      </div>
      {error ? (
        <p role="alert" className="error-text">
          {error}
        </p>
      ) : null}
    </details>
  );
}
