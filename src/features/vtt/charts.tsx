/** SVG plots for the analysis: empirical ROC curves (one per reader + pooled) and 2×2 confusion matrices. */
import type { ReaderMetrics } from '../../domain/vtt/analysis';
import { fixed } from './format-stats';

const COLOURS = ['#6cb6ff', '#f2a65a', '#8bd17c', '#d98ce0', '#f07178', '#5ccfe6', '#c3a6ff', '#ffd580'];
const SIZE = 260;
const PAD = 34;

export function RocPlot({ readers, pooled }: { readonly readers: readonly ReaderMetrics[]; readonly pooled: ReaderMetrics | null }) {
  const span = SIZE - 2 * PAD;
  const x = (fpr: number) => PAD + fpr * span;
  const y = (tpr: number) => SIZE - PAD - tpr * span;
  const path = (m: ReaderMetrics) => m.roc.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.fpr).toFixed(1)},${y(p.tpr).toFixed(1)}`).join(' ');
  const curves = [...readers.map((m, i) => ({ m, colour: COLOURS[i % COLOURS.length] ?? '#fff', dashed: false })), ...(pooled ? [{ m: pooled, colour: '#ffffff', dashed: true }] : [])];
  return (
    <figure className="vtt-figure">
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} width={SIZE} height={SIZE} role="img" aria-label="ROC curves for spotting synthetic images" data-testid="vtt-roc">
        <rect x={PAD} y={PAD} width={span} height={span} className="vtt-plot-frame" />
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="vtt-chance" />
        {[0, 0.5, 1].map((t) => (
          <g key={t}>
            <text x={x(t)} y={SIZE - PAD + 14} textAnchor="middle" className="vtt-axis-text">
              {t}
            </text>
            <text x={PAD - 6} y={y(t) + 4} textAnchor="end" className="vtt-axis-text">
              {t}
            </text>
          </g>
        ))}
        <text x={SIZE / 2} y={SIZE - 4} textAnchor="middle" className="vtt-axis-text">
          False-positive rate (real called synthetic)
        </text>
        <text x={10} y={SIZE / 2} textAnchor="middle" transform={`rotate(-90 10 ${SIZE / 2})`} className="vtt-axis-text">
          Sensitivity (synthetic spotted)
        </text>
        {curves.map(({ m, colour, dashed }) =>
          m.roc.length > 0 ? <path key={m.readerId} d={path(m)} fill="none" stroke={colour} strokeWidth={2} strokeDasharray={dashed ? '5 4' : undefined} /> : null,
        )}
      </svg>
      <figcaption>
        <ul className="vtt-legend">
          {curves.map(({ m, colour, dashed }) => (
            <li key={m.readerId}>
              <span className="vtt-swatch" style={{ borderColor: colour, borderStyle: dashed ? 'dashed' : 'solid' }} /> {m.label}: AUC {fixed(m.auc?.auc)}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export function ConfusionMatrix({ metrics }: { readonly metrics: ReaderMetrics }) {
  const { tp, fn, tn, fp } = metrics.confusion;
  return (
    <table className="vtt-confusion" data-testid={`vtt-confusion-${metrics.label}`} aria-label={`Confusion matrix, ${metrics.label}`}>
      <caption>{metrics.label}</caption>
      <thead>
        <tr>
          <th scope="col">Truth ↓ · Call →</th>
          <th scope="col">Real</th>
          <th scope="col">Synthetic</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Real</th>
          <td className="ok" data-testid="cm-tn">
            {tn}
          </td>
          <td className="bad" data-testid="cm-fp">
            {fp}
          </td>
        </tr>
        <tr>
          <th scope="row">Synthetic</th>
          <td className="bad" data-testid="cm-fn">
            {fn}
          </td>
          <td className="ok" data-testid="cm-tp">
            {tp}
          </td>
        </tr>
      </tbody>
    </table>
  );
}
