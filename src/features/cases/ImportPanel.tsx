/**
 * Import with preview: reads PNG/JPEG/TIFF/DICOM, shows the header facts that matter, the windowed image and the
 * square the model will read (crop or pad), and hands the result to `onUse`. All decoding and maths live in
 * src/domain/io; this component only holds the transient choices.
 */
import { useMemo, useState } from 'react';
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { ACCEPTED_EXTENSIONS, importedToGrey, type ImportedImage } from '../../domain/io/decode-import';
import { headerRows } from '../../domain/io/header-summary';
import { WINDOW_PRESET_LABELS, displayFor, type WindowPreset } from '../../domain/io/import-preview';
import { toModelInput, type FitMode } from '../../domain/io/model-input';
import { readImportFile } from '../../domain/io/read-import-file';
import { GreyCanvas } from '../../ui/GreyCanvas';

export interface ImportPanelProps {
  readonly imageSize: number;
  /** Which slots the buttons offer. */
  readonly targets: readonly ImageModality[];
  readonly onUse: (modality: ImageModality, image: GreyImage, name: string) => void;
  readonly testId?: string;
}

export function ImportPanel({ imageSize, targets, onUse, testId = 'import-panel' }: ImportPanelProps) {
  const [imported, setImported] = useState<ImportedImage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [preset, setPreset] = useState<WindowPreset>('file');
  const [fit, setFit] = useState<FitMode>('crop');
  const shown = useMemo(() => (imported ? importedToGrey(imported, displayFor(imported, preset)) : null), [imported, preset]);
  const modelInput = useMemo(() => (shown ? toModelInput(shown, imageSize, { fit }) : null), [shown, imageSize, fit]);

  const load = (file: File | undefined) => {
    if (!file) return;
    setLoading(true);
    setError(null);
    readImportFile(file, file.name)
      .then((result) => {
        setImported(result);
        setPreset('file');
      })
      .catch((e: unknown) => {
        setImported(null);
        setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => setLoading(false));
  };

  return (
    <div className="import-panel" data-testid={testId}>
      <label className="import-file">
        <span>Import an X-ray (PNG, JPEG, 16-bit PNG, TIFF, DICOM)</span>
        <input type="file" accept={ACCEPTED_EXTENSIONS.join(',')} onChange={(e) => load(e.target.files?.[0])} data-testid={`${testId}-file`} />
      </label>
      {loading ? <p className="muted">Reading…</p> : null}
      {error ? (
        <p role="alert" className="error-text" data-testid={`${testId}-error`}>
          {error}
        </p>
      ) : null}
      {imported && shown && modelInput ? (
        <div className="import-preview">
          <dl className="header-facts" data-testid={`${testId}-header`}>
            {headerRows(imported.header).map((row) => (
              <div key={row.label}>
                <dt>{row.label}</dt>
                <dd>{row.value}</dd>
              </div>
            ))}
          </dl>
          {imported.warnings.map((w) => (
            <p key={w} className="muted">
              {w}
            </p>
          ))}
          <div className="import-controls">
            <label>
              Window{' '}
              <select value={preset} onChange={(e) => setPreset(e.target.value === 'full-range' ? 'full-range' : 'file')} data-testid={`${testId}-window`}>
                {(Object.keys(WINDOW_PRESET_LABELS) as WindowPreset[]).map((p) => (
                  <option key={p} value={p}>
                    {WINDOW_PRESET_LABELS[p]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Fit to square{' '}
              <select value={fit} onChange={(e) => setFit(e.target.value === 'pad' ? 'pad' : 'crop')} data-testid={`${testId}-fit`}>
                <option value="crop">Crop the centre</option>
                <option value="pad">Pad with black</option>
              </select>
            </label>
          </div>
          <div className="import-images">
            <figure>
              <GreyCanvas image={shown} label={`Imported image: ${imported.fileName}`} className="import-full" />
              <figcaption>
                {imported.header.width} × {imported.header.height}
              </figcaption>
            </figure>
            <figure>
              <GreyCanvas image={modelInput} label={`Model input preview: ${imported.fileName}`} className="import-model" />
              <figcaption>
                Model input {imageSize} × {imageSize}
              </figcaption>
            </figure>
          </div>
          <div className="import-actions">
            {targets.map((m) => (
              <button
                key={m}
                type="button"
                className={imported.suggestedModality === m ? 'primary' : undefined}
                onClick={() => onUse(m, modelInput, imported.fileName)}
                data-testid={`${testId}-use-${m}`}
              >
                Use as {m}
                {imported.suggestedModality === m ? ' (ViewPosition)' : ''}
              </button>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}
