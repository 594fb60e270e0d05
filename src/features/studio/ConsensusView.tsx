/** How a consensus report was chosen: the summary line, how many candidates state each finding, every candidate. */
import { useMemo } from 'react';
import { findingName } from '../../domain/labeler';
import { phantomRules } from '../../domain/labeler-rules';
import { describeConsensus, findingVotes } from '../../domain/report-consensus';
import type { ReportConsensus } from '../../domain/result-record';
import { formatDuration } from '../../ui/format';


export function ConsensusView({ consensus }: { readonly consensus: ReportConsensus }) {
  const votes = useMemo(() => findingVotes(consensus.reports, phantomRules()), [consensus.reports]);
  const count = consensus.seeds.length;
  return (
    <div className="consensus" data-testid="result-consensus">
      <p className="result-meta">
        {describeConsensus(consensus)} All candidates took {formatDuration(consensus.totalMs)}.
      </p>
      <p className="result-meta" data-testid="consensus-votes">
        {votes.length === 0
          ? `No candidate states a finding the labeler knows.`
          : `Findings across the ${count} candidates: ${votes.map((v) => `${findingName(v.label)} ${v.positives}/${v.candidates}`).join(', ')}.`}
      </p>
      <details className="consensus-candidates">
        <summary>All {count} candidate reports</summary>
        <ol>
          {consensus.reports.map((report, k) => (
            <li key={consensus.seeds[k]} className={k === consensus.chosen ? 'kept' : undefined}>
              <span className="muted">
                Seed {consensus.seeds[k]} · agrees {Math.round(100 * (consensus.agreement[k] ?? 0))}%{k === consensus.chosen ? ' · kept' : ''}
              </span>
              <p>{report}</p>
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
