/** A report with the labeler's findings highlighted (positive / negated / uncertain) and a per-label summary. */
import { useMemo } from 'react';
import { findingName, segmentText, type LabelValue } from '../../domain/labeler';
import { labelPhantomReport } from '../../domain/labeler-rules';
import { SyntheticBadge } from '../../ui/SyntheticBadge';

const VERDICT: Record<Exclude<LabelValue, null>, { name: string; className: string }> = {
  1: { name: 'positive', className: 'hl-positive' },
  [-1]: { name: 'uncertain', className: 'hl-uncertain' },
  0: { name: 'negated', className: 'hl-negated' },
};


/** "Synthetic report" with its badge, at the heading level of the view it sits in. */
export function SyntheticReportHeading({ level }: { readonly level: 3 | 4 }) {
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <Heading className="viewer-caption">
      <span>Synthetic report</span>
      <SyntheticBadge small />
    </Heading>
  );
}

export function ReportView({ text }: { readonly text: string }) {
  const { labels, highlights } = useMemo(() => labelPhantomReport(text), [text]);
  const pieces = useMemo(() => segmentText(text, highlights), [text, highlights]);
  const mentioned = Object.entries(labels).filter((entry): entry is [string, 1 | 0 | -1] => entry[1] !== null);
  return (
    <div className="report-view">
      <p className="report-text">
        {pieces.map((piece, i) =>
          piece.highlight ? (
            <mark key={i} className={`hl hl-${piece.highlight.kind}`} title={piece.highlight.labels.map(findingName).join(', ') || piece.highlight.kind}>
              {piece.text}
            </mark>
          ) : (
            <span key={i}>{piece.text}</span>
          ),
        )}
      </p>
      {mentioned.length > 0 ? (
        <ul className="label-chips" aria-label="Findings found by the labeler">
          {mentioned.map(([label, value]) => (
            <li key={label} className={`chip ${VERDICT[value].className}`}>
              {findingName(label)}: {VERDICT[value].name}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">The labeler found no findings it knows in this report.</p>
      )}
      <p className="legend muted">
        <mark className="hl hl-positive">positive</mark> <mark className="hl hl-uncertain">uncertain</mark>{' '}
        <mark className="hl hl-negated">negated</mark> <mark className="hl hl-normal">normal statement</mark>{' '}
        <mark className="hl hl-cue">cue</mark>
      </p>
    </div>
  );
}
