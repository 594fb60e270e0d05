/** The quality the model's own evaluation measured: one row per direction and metric, a column per DDIM step count. */
import { useQuery } from '@tanstack/react-query';
import { formatMetricValue, meetsBar, qualityTable } from '../../domain/model-quality';
import { modelEvaluationQuery } from '../../queries/engine';

export function ModelQuality({ modelId, engineReady }: { readonly modelId: string; readonly engineReady: boolean }) {
  const evaluation = useQuery({ ...modelEvaluationQuery(modelId), enabled: engineReady });
  if (evaluation.error) return <p className="error-text">Measured quality unavailable: {evaluation.error.message}</p>;
  if (evaluation.data === null) return <p className="muted">This model ships no evaluation.</p>;
  if (!evaluation.data) return <p className="muted">Loading the model's evaluation…</p>;
  const { steps, rows } = qualityTable(evaluation.data);
  return (
    <div data-testid="model-quality">
      <p className="muted">
        Measured by the toolchain on held-out phantom cases{evaluation.data.guidance !== undefined ? ` (guidance ${evaluation.data.guidance})` : ''}.
        Rows below their bar are marked; outputs in those directions are illustrative. Rows marked with another guidance
        scale are a sweep beside the reference settings; the bars are judged at the reference scale.
        {evaluation.data.command ? (
          <>
            {' '}
            Reproduce: <code>{evaluation.data.command}</code>
          </>
        ) : null}
      </p>
      <table className="files quality" aria-label="Measured quality">
        <thead>
          <tr>
            <th scope="col">Direction</th>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              Cases
            </th>
            {steps.map((s) => (
              <th scope="col" className="num" key={s}>
                DDIM {s}
              </th>
            ))}
            <th scope="col" className="num">
              Bar
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.direction}|${r.metric}|${r.guidance ?? ''}`} className={r.guidance === null ? undefined : 'sweep'}>
              <td>{r.direction.replace('>', ' → ')}</td>
              <td>
                {r.metric}
                {r.guidance === null ? '' : ` · guidance ${r.guidance}`}
              </td>
              <td className="num">{r.n}</td>
              {steps.map((s) => {
                const cell = r.bySteps.get(s);
                const met = cell ? meetsBar(cell) : null;
                return (
                  <td className={met === false ? 'num below-bar' : 'num'} key={s}>
                    {cell ? formatMetricValue(r.metric, cell.value) : '—'}
                    {met === false ? <span className="visually-hidden"> (below its bar)</span> : null}
                    {met === false ? ' ✗' : met ? ' ✓' : ''}
                  </td>
                );
              })}
              <td className="num">{r.bar === null ? '—' : `≥ ${formatMetricValue(r.metric, r.bar)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
