/**
 * History → Compare: two to four saved results side by side. Settings that differ are marked, the images sit in
 * viewers that can move together (window/level, zoom, pan), an image per view shows where they differ (|1 − 2|, or the
 * per-pixel spread of three or four), and one table says what every output shows for every finding, marking findings
 * on which outputs of the same kind disagree. The rows come from domain/result-compare.
 */
import { useMemo, useState } from 'react';
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { VISIBLE_DIFFERENCE, imageSpread } from '../../domain/image-difference';
import { MODALITY_NAMES } from '../../domain/compose-request';
import { findingName } from '../../domain/labeler';
import { downloadComparison } from '../../domain/export-image';
import { recordsWithView } from '../../domain/compare-export';
import { compareFindings, compareSettings, imageSizes } from '../../domain/result-compare';
import { FINDING_TEXT } from '../../domain/result-findings';
import { recordCaption, type ResultRecord } from '../../domain/result-record';
import { IDENTITY_WL, type ViewTransform, type WindowLevel } from '../../domain/window-level';
import { formatDateTime } from '../../ui/format';
import { SyntheticBadge } from '../../ui/SyntheticBadge';
import { ImageFindings } from '../studio/ImageFindings';
import { ReportView, SyntheticReportHeading } from '../studio/ReportView';
import { useResultsFindings } from '../studio/use-result-findings';
import { INITIAL_VIEW, XrayViewer, type ViewerLink } from '../studio/XrayViewer';
import { compareStore, useCompare } from './compare-store';

/** "Result 2": how the tables name a column; the caption under it says which result that is. */
const resultName = (i: number) => `Result ${i + 1}`;

function DiffersMark({ differs }: { readonly differs: boolean }) {
  if (!differs) return null;
  return (
    <span className="differs-mark" title="Differs between the results">
      {' '}
      <span aria-hidden="true">≠</span>
      <span className="visually-hidden"> (differs)</span>
    </span>
  );
}

/**
 * Where the results differ in one view: |1 − 2| for two, the spread (largest − smallest) per pixel for three or four.
 * Zoomed and panned with the others when linked; its window/level is its own.
 */
function DifferenceView({
  images,
  numbers,
  setKey,
  modality,
  seedsOnly,
  view,
  setView,
  linked,
}: {
  readonly images: readonly GreyImage[];
  /** Only the seed differs between the results: the spread is the model's own variation. */
  readonly seedsOnly: boolean;
  /** Each image's result number (1-based), for the title. */
  readonly numbers: readonly number[];
  /** The results' ids: the view resets only when the set changes. */
  readonly setKey: string;
  readonly modality: ImageModality;
  readonly view: ViewTransform;
  readonly setView: ViewerLink['setView'];
  readonly linked: boolean;
}) {
  const [wl, setWl] = useState<WindowLevel>(IDENTITY_WL);
  const difference = useMemo(() => {
    // Results of models with other image sizes: say which result has which size.
    const sizes = new Set(images.map((im) => `${im.width}×${im.height}`));
    if (sizes.size > 1) return new Error(`its pixels do not correspond (${images.map((im, i) => `result ${numbers[i] ?? i + 1} is ${im.width}×${im.height}`).join(', ')})`);
    try {
      return imageSpread(images);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }, [images, numbers]);
  const pair = images.length === 2;
  if (difference instanceof Error) {
    return (
      <p className="muted" data-testid={`compare-difference-${modality}`}>
        No {pair ? 'difference' : 'spread'} image for the {MODALITY_NAMES[modality]}: {difference.message}.
      </p>
    );
  }
  const percent = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;
  const title = pair ? `Difference |${numbers.join(' − ')}|` : `Spread of results ${numbers.join(', ')} (largest − smallest)`;
  return (
    <div className="result-item" data-testid={`compare-difference-${modality}`}>
      <XrayViewer image={difference.image} title={`${title}, ${MODALITY_NAMES[modality]}`} link={linked ? { wl, setWl, view, setView } : undefined} resetKey={setKey} />
      <p className="muted small">
        {pair
          ? `Brighter = more different, shown ×${difference.gain}. Mean |difference| ${difference.meanAbs.toFixed(1)} of 255, largest ${difference.maxAbs}; ${percent(difference.changedShare)} of pixels differ by more than ${VISIBLE_DIFFERENCE}.`
          : `Brighter = the results disagree more there, shown ×${difference.gain}. Mean spread ${difference.meanAbs.toFixed(1)} of 255, largest ${difference.maxAbs}; ${percent(difference.changedShare)} of pixels vary by more than ${VISIBLE_DIFFERENCE}. ${seedsOnly ? ' Only the seed differs, so this is where the model itself varies: where it is unsure.' : ''}`}
      </p>
    </div>
  );
}

/** "Download the frontal images side by side (PNG)" for each view two or more of the results have. */
function ComparisonDownloads({ records }: { readonly records: readonly ResultRecord[] }) {
  const [error, setError] = useState<string | null>(null);
  const views = (['frontal', 'lateral'] as const).filter((m) => recordsWithView(records, m).length >= 2);
  if (views.length === 0) return null;
  return (
    <div className="compare-downloads">
      {views.map((m) => (
        <button
          key={m}
          type="button"
          onClick={() => {
            setError(null);
            downloadComparison(records, m).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
          }}
        >
          Download the {MODALITY_NAMES[m]}s side by side (PNG)
        </button>
      ))}
      {error ? (
        <p role="alert" className="error-text">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A difference (two results) or spread (three or four) image per view that at least two of the results have. */
function DifferenceRow({
  records,
  seedsOnly,
  view,
  setView,
  linked,
}: {
  readonly records: readonly ResultRecord[];
  readonly seedsOnly: boolean;
  readonly view: ViewTransform;
  readonly setView: ViewerLink['setView'];
  readonly linked: boolean;
}) {
  // Kept across renders (a drag re-renders every viewer), so each spread is computed once per set of results.
  const views = useMemo(
    () =>
      (['frontal', 'lateral'] as const).flatMap((m) => {
        const withView = records.flatMap((r, i) => {
          const image = r.outputs[m];
          return image ? [{ image, number: i + 1, id: r.id }] : [];
        });
        if (withView.length < 2) return [];
        return [{ modality: m, images: withView.map((x) => x.image), numbers: withView.map((x) => x.number), setKey: withView.map((x) => x.id).join('|') }];
      }),
    [records],
  );
  if (views.length === 0) return null;
  return (
    <>
      <h3>Where the images differ</h3>
      <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${views.length}, minmax(0, 440px))` }}>
        {views.map((v) => (
          <DifferenceView key={v.modality} {...v} seedsOnly={seedsOnly} view={view} setView={setView} linked={linked} />
        ))}
      </div>
    </>
  );
}

export function CompareView({ records }: { readonly records: readonly ResultRecord[] }) {
  const linkChosen = useCompare((s) => s.linked);
  // One shared transform only makes sense for images of one size (results of models with other image sizes).
  const sizes = imageSizes(records);
  const canLink = sizes.length <= 1;
  const linked = linkChosen && canLink;
  const [wl, setWl] = useState<WindowLevel>(IDENTITY_WL);
  const [view, setView] = useState<ViewTransform>(INITIAL_VIEW);
  const link: ViewerLink | undefined = linked ? { wl, setWl, view, setView } : undefined;
  const found = useResultsFindings(records);
  const settings = compareSettings(records);
  const labels = [...new Set(found.flatMap((f) => f.labels))];
  const matrix = compareFindings(
    records,
    found.map((f) => f.findings),
    labels,
  );
  const waiting = found.some((f) => f.waiting);
  const differingSettings = settings.filter((r) => r.differs).map((r) => r.label.toLowerCase());
  return (
    <section className="panel compare" aria-labelledby="compare-title" data-testid="compare">
      <header className="panel-header">
        <h2 id="compare-title">Compare {records.length} results</h2>
        <SyntheticBadge />
      </header>
      <div className="compare-controls">
        <label className="compare-link">
          <input type="checkbox" checked={linked} disabled={!canLink} onChange={(e) => compareStore.getState().setLinked(e.target.checked)} /> Link the viewers
          (window/level, zoom and pan move together)
          {canLink ? null : <span className="muted"> — not for images of different sizes ({sizes.join(', ')})</span>}
        </label>
        <button type="button" onClick={() => compareStore.getState().closeCompare()}>
          Back to History
        </button>
      </div>
      <p className="muted" data-testid="compare-summary">
        {differingSettings.length === 0 ? 'Same settings and inputs.' : `They differ in: ${differingSettings.join(', ')}.`}
      </p>

      <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${records.length}, minmax(0, 440px))` }}>
        {records.map((record, i) => {
          const f = found[i];
          return (
            <article key={record.id} className="compare-column" aria-labelledby={`compare-column-${i}`} data-testid="compare-column">
              <h3 className="compare-column-title" id={`compare-column-${i}`}>
                {resultName(i)}: {recordCaption(record)}
              </h3>
              <p className="muted small">{formatDateTime(record.createdAt)}</p>
              {(['frontal', 'lateral'] as const).map((modality) => {
                const image = record.outputs[modality];
                if (!image) return null;
                const classified = f?.images.find((c) => c.modality === modality);
                return (
                  <div key={modality} className="result-item" data-testid={`compare-${modality}`}>
                    <XrayViewer image={image} title={`${resultName(i)}, synthetic ${MODALITY_NAMES[modality]}`} link={link} resetKey={record.id} />
                    {f?.hasClassifier && classified ? <ImageFindings image={classified} /> : null}
                  </div>
                );
              })}
              {record.outputs.report !== undefined ? (
                <div className="result-item" data-testid="compare-report">
                  <SyntheticReportHeading level={4} />
                  <ReportView text={record.outputs.report} />
                </div>
              ) : null}
            </article>
          );
        })}
      </div>

      <ComparisonDownloads records={records} />
      <DifferenceRow records={records} seedsOnly={differingSettings.length === 1 && differingSettings[0] === 'seed'} view={view} setView={setView} linked={linked} />

      <h3>Settings</h3>
      <div className="table-scroll">
        <table className="findings-table compare-table" data-testid="compare-settings">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              {records.map((r, i) => (
                <th key={r.id} scope="col">
                  {resultName(i)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {settings.map((row) => (
              <tr key={row.label} className={row.differs ? 'differs-row' : undefined}>
                <th scope="row">
                  {row.label}
                  <DiffersMark differs={row.differs} />
                </th>
                {row.values.map((v, i) => (
                  <td key={records[i]?.id ?? i}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {labels.length > 0 ? (
        <>
          <h3>Findings</h3>
          <p className="muted" data-testid="compare-findings-summary">
            Reports are read by the labeler, images by the phantom classifier.{' '}
            {waiting
              ? 'Still reading the images…'
              : matrix.differing === 0
                ? 'Outputs of the same kind agree on every finding.'
                : `Outputs of the same kind disagree on ${matrix.differing} of ${labels.length} findings (marked ≠).`}
          </p>
          <div className="table-scroll">
            <table className="findings-table compare-table" data-testid="compare-findings">
              <thead>
                <tr>
                  <th scope="col">Finding</th>
                  {matrix.columns.map((c) => (
                    <th key={`${c.record}-${c.modality}`} scope="col">
                      {resultName(c.record)}, {MODALITY_NAMES[c.modality]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.rows.map((row) => (
                  <tr key={row.label} className={row.differs ? 'differs-row' : undefined}>
                    <th scope="row">
                      {findingName(row.label)}
                      <DiffersMark differs={row.differs} />
                    </th>
                    {row.cells.map((cell, i) => {
                      const c = matrix.columns[i];
                      const key = c ? `${c.record}-${c.modality}` : String(i);
                      return cell === null ? (
                        <td key={key} className="muted">
                          {waiting ? '…' : '—'}
                        </td>
                      ) : (
                        <td key={key} className={`finding-${cell}`}>
                          {FINDING_TEXT[cell]}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
