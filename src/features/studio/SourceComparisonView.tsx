/**
 * The result's findings beside the ground truth of the bundled phantom case its inputs came from: the labeler on a
 * generated report, the phantom classifier on generated images.
 */
import { useQuery } from '@tanstack/react-query';
import type { Modality } from '../../contracts/modality';
import { MODALITY_NAMES } from '../../domain/compose-request';
import { findingName } from '../../domain/labeler';
import { FINDING_TEXT, compareWithSource } from '../../domain/result-findings';
import type { ResultRecord } from '../../domain/result-record';
import { exampleUrl, examplesQuery } from '../../queries/examples';
import type { ResultFindings } from './use-result-findings';

/** The source case's own phantom radiographs, to set beside the synthetic ones (when the build still bundles the case). */
function SourceImages({ caseId }: { readonly caseId: string }) {
  const examples = useQuery(examplesQuery());
  const example = examples.data?.cases.find((c) => c.id === caseId);
  if (!example) return null;
  return (
    <div className="source-images" data-testid="source-images">
      {(['frontal', 'lateral'] as const).map((m) => (
        <figure key={m}>
          <img src={exampleUrl(example[m])} alt={`Source case ${caseId}, ${m} view (simulated phantom, not a patient)`} width={128} height={128} />
          <figcaption className="muted small">Source {m} (phantom)</figcaption>
        </figure>
      ))}
    </div>
  );
}

export function SourceComparisonView({ record, found }: { readonly record: ResultRecord; readonly found: ResultFindings }) {
  const source = record.sourceCase;
  if (!source || found.labels.length === 0) return null;
  const comparison = compareWithSource(source, found.findings, found.labels);
  const columns = (['frontal', 'lateral', 'report'] as const).filter((m) => record.outputs[m] !== undefined);
  const { waiting } = found;
  const summary = (m: Modality) => {
    const a = comparison.agreement[m];
    return a ? `${a.agree} of ${a.of}` : waiting ? '…' : '—';
  };
  return (
    <section className="source-comparison" aria-labelledby="source-comparison-title" data-testid="source-comparison">
      <h3 id="source-comparison-title">Compared with the source case</h3>
      <p className="muted">
        Every input came from {source.title ?? source.id} ({source.id}), a simulated phantom case whose findings are known. Reports are read by the
        labeler, images by the phantom classifier.
      </p>
      <SourceImages caseId={source.id} />
      <table className="findings-table">
        <thead>
          <tr>
            <th scope="col">Finding</th>
            <th scope="col">Source case</th>
            {columns.map((m) => (
              <th key={m} scope="col">
                Synthetic {MODALITY_NAMES[m]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {comparison.rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{findingName(row.label)}</th>
              <td className={`finding-${row.source}`}>{FINDING_TEXT[row.source]}</td>
              {columns.map((m) => {
                const cell = row.outputs[m];
                if (!cell) return <td key={m} className="muted">{waiting ? '…' : '—'}</td>;
                return (
                  <td key={m} className={`finding-${cell.finding} ${cell.agrees ? 'agrees' : 'differs'}`}>
                    {FINDING_TEXT[cell.finding]} <span aria-label={cell.agrees ? 'agrees' : 'differs'}>{cell.agrees ? '✓' : '✗'}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Agrees</th>
            <td />
            {columns.map((m) => (
              <td key={m} data-testid={`source-agreement-${m}`}>
                {summary(m)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
