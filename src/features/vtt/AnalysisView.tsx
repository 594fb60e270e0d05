/** Results of a study: per-reader and pooled statistics, agreement, ROC curves, confusion matrices and exports. */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ALPHA_RESAMPLES, analyseStudy, findingsWithCalls, findingsWithTicks, type CueAnalysis, type FindingsAnalysis, type ReaderComment, type ReaderMetrics, type ScaleAgreement } from '../../domain/vtt/analysis';
import type { AlphaEstimate } from '../../domain/vtt/krippendorff';
import { numbering } from '../../domain/vtt/exports';
import { sha256Hex } from '../../domain/vtt/canonical-json';
import { describeReaderSession } from '../../domain/vtt/reader-profile';
import { sortSessions } from '../../domain/vtt/reader-session';
import { ratingPoints, stimulusKind, studyInstructions, type StimulusKind, type Study } from '../../domain/vtt/study';
import { studyDigest } from '../../domain/vtt/study-file';
import { ConfusionMatrix, RocPlot } from './charts';
import { alphaCiText, alphaNote, alphaValueText, designParts, interval, kappaText, pairwiseKappaText, percent, pooledNote, proportionText, ratingScaleName, READER_METRIC_COLUMNS, readerMetricCells, realismText, selfAgreementText, viewingText } from './format-stats';
import { answerLogText, downloadResults, exportStudy, type ResultsFormat } from './study-actions';
import { sessionsQuery } from './vtt-queries';

function MetricsRow({ m }: { readonly m: ReaderMetrics }) {
  const cells = readerMetricCells(m);
  return (
    <tr data-testid={`vtt-row-${m.label}`}>
      {READER_METRIC_COLUMNS.map((c) =>
        c.key === 'reader' ? (
          <th key={c.key} scope="row">
            {cells.reader}
          </th>
        ) : (
          <td key={c.key} className={c.numeric ? 'num' : undefined} data-testid={c.key}>
            {cells[c.key]}
          </td>
        ),
      )}
    </tr>
  );
}

/** A wide table's scroll box, reachable by keyboard (axe: scrollable regions must be focusable) and named. */
function TableScroll({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

/** α and its interval, or why α is undefined (one cell across both columns). */
function alphaCells(a: AlphaEstimate) {
  if (!Number.isFinite(a.alpha)) return <td colSpan={2}>{alphaValueText(a)}</td>;
  return (
    <>
      <td className="num">{alphaValueText(a)}</td>
      <td>{alphaCiText(a)}</td>
    </>
  );
}

/**
 * Krippendorff's α between readers for each answer. Unlike κ on the call it uses the rating's and realism's order,
 * and every case at least two readers answered.
 */
function ScaleAgreementTable({ scales, ratingLevels }: { readonly scales: ScaleAgreement; readonly ratingLevels: number }) {
  const rows: { key: keyof ScaleAgreement; name: string; estimate: AlphaEstimate | null }[] = [
    { key: 'call', name: 'Real or synthetic', estimate: scales.call },
    { key: 'rating', name: ratingScaleName(ratingLevels), estimate: scales.rating },
    { key: 'realism', name: 'Realism 1–5', estimate: scales.realism },
    { key: 'plausible', name: 'Clinically plausible', estimate: scales.plausible },
  ];
  return (
    <>
      <h4>Agreement between readers on each answer</h4>
      <p className="muted small">{alphaNote(ALPHA_RESAMPLES)}</p>
      <TableScroll label="Agreement between readers on each answer">
        <table className="files" data-testid="vtt-alpha">
          <thead>
            <tr>
              <th scope="col">Answer</th>
              <th scope="col">Scale</th>
              <th scope="col" className="num">α</th>
              <th scope="col">95% CI</th>
              <th scope="col" className="num">Pairs agreeing exactly</th>
              <th scope="col" className="num">Cases</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ key, name, estimate }) =>
              estimate === null ? null : (
                <tr key={key} data-testid={`vtt-alpha-${key}`}>
                  <th scope="row">{name}</th>
                  <td>{estimate.metric}</td>
                  {alphaCells(estimate)}
                  <td className="num">{percent(estimate.exactAgreement)}</td>
                  <td className="num">{estimate.units}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/**
 * The readers' findings against what each case is known to show: whether findings read on synthetic images as they
 * do on real ones (a synthetic image "has" the findings of the case it was made from).
 */
function FindingsTable({ findings, kind }: { readonly findings: FindingsAnalysis; readonly kind: StimulusKind }) {
  const ticked = findingsWithTicks(findings);
  const calls = findingsWithCalls(findings);
  return (
    <>
      <h4>Findings the readers ticked</h4>
      <p className="muted small">
        {findings.withKnownFindings} of {findings.readings} readings are of cases whose findings are known: bundled phantoms, and {kind}s
        generated from a bundled case, which count as having that case&apos;s findings (what they were made to show). Each cell is the share
        of those readings that ticked the finding. &quot;No finding&quot; means none of the phantom&apos;s findings, a tube or line included.
        {findings.unansweredLeftOut > 0
          ? ` ${findings.unansweredLeftOut} of them ticked nothing and are left out: with "No finding" on the checklist, no tick is a skipped question.`
          : ''}
      </p>
      {ticked.length === 0 ? (
        <p className="small" data-testid="vtt-findings-none">
          No reading of a case with known findings answered the findings checklist.
        </p>
      ) : (
        <TableScroll label="Findings the readers ticked (scrolls sideways)">
          <table className="files" data-testid="vtt-findings">
            <thead>
              <tr>
                <th scope="col">Finding</th>
                <th scope="col">Real {kind} that has it</th>
                <th scope="col">Real {kind} without it</th>
                <th scope="col">Synthetic {kind} made with it</th>
                <th scope="col">Synthetic {kind} made without it</th>
              </tr>
            </thead>
            <tbody>
              {ticked.map((f) => (
                <tr key={f.item} data-testid={`vtt-finding-${f.item}`}>
                  <th scope="row">{f.item}</th>
                  <td>{proportionText(f.real.whenPresent)}</td>
                  <td>{proportionText(f.real.whenAbsent)}</td>
                  <td>{proportionText(f.synthetic.whenPresent)}</td>
                  <td>{proportionText(f.synthetic.whenAbsent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {calls.length > 0 ? (
        <>
          <p className="muted small">Real or synthetic, by what the case shows: the share of readings of cases with each finding that made the right call.</p>
          <TableScroll label="Calls by finding (scrolls sideways)">
            <table className="files" data-testid="vtt-calls-by-finding">
              <thead>
                <tr>
                  <th scope="col">Finding</th>
                  <th scope="col">Real {kind}s with it, called real</th>
                  <th scope="col">Synthetic {kind}s made with it, called synthetic</th>
                </tr>
              </thead>
              <tbody>
                {calls.map((f) => (
                  <tr key={f.item} data-testid={`vtt-calls-${f.item}`}>
                    <th scope="row">{f.item}</th>
                    <td>{proportionText(f.callRight.real)}</td>
                    <td>{proportionText(f.callRight.synthetic)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      ) : null}
    </>
  );
}

/**
 * Which cues the calls rested on. A cue ticked mostly on synthetic images called synthetic points at a real
 * artefact of the generator; one ticked on real images called synthetic misled the readers.
 */
function CueTable({ cues, caseNumbers }: { readonly cues: CueAnalysis; readonly caseNumbers: ReadonlyMap<string, number> }) {
  return (
    <>
      <h4>Cues</h4>
      <p className="muted small">
        {cues.withCues} of {cues.readings} readings named at least one cue.
      </p>
      <table className="files" data-testid="vtt-cues">
        <thead>
          <tr>
            <th scope="col">Cue</th>
            <th scope="col" className="num">Named</th>
            <th scope="col" className="num">Synthetic image, called synthetic</th>
            <th scope="col" className="num">Real image, called synthetic</th>
            <th scope="col" className="num">Called real</th>
            <th scope="col">Call right when named (95% CI)</th>
          </tr>
        </thead>
        <tbody>
          {cues.byCue.map((c) => (
            <tr key={c.cue} data-testid={`vtt-cue-${c.cue}`}>
              <th scope="row">{c.cue}</th>
              <td className="num">{c.cited}</td>
              <td className="num">{c.syntheticCalledSynthetic}</td>
              <td className="num">{c.realCalledSynthetic}</td>
              <td className="num">{c.calledReal}</td>
              <td>{c.cited > 0 ? proportionText(c.correct) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CommentList comments={cues.comments} caseNumbers={caseNumbers} />
    </>
  );
}

/** The readers' comments with the case number, the truth and the call (folded; it tells the truths). */
function CommentList({ comments, caseNumbers }: { readonly comments: readonly ReaderComment[]; readonly caseNumbers: ReadonlyMap<string, number> }) {
  if (comments.length === 0) return null;
  return (
    <details className="vtt-comments" data-testid="vtt-comments">
      <summary>Comments ({comments.length})</summary>
      <ul className="small">
        {comments.map((c) => (
          <li key={`${c.readerId}-${c.caseId}-${c.secondReading ? 2 : 1}`}>
            {c.readerLabel}, case {caseNumbers.get(c.caseId) ?? '?'}
            {c.secondReading ? ', second reading' : ''} ({c.truth}, called {c.call}): {c.comment}
          </li>
        ))}
      </ul>
    </details>
  );
}

const EXPORTS: readonly { format: ResultsFormat; label: string; hint: string }[] = [
  { format: 'imrmc', label: 'iMRMC / RJafroc (.imrmc)', hint: 'iMRMC input; RJafroc DfReadDataFile(format = "iMRMC")' },
  { format: 'long-csv', label: 'MRMC long CSV', hint: 'reader,treatment,case,truth,rating (MRMCaov; RJafroc "MRMC")' },
  { format: 'answers-csv', label: 'All answers (CSV)', hint: 'every recorded field, one row per reading' },
  { format: 'json', label: 'Results (JSON)', hint: 'settings, key, answers and these statistics' },
  { format: 'summary-html', label: 'Summary (HTML, printable)', hint: 'these statistics as one page to file, print or send; no images' },
];

export function AnalysisView({ study }: { readonly study: Study }) {
  const sessions = useQuery(sessionsQuery(study.studyId));
  const analysis = useMemo(() => (sessions.data ? analyseStudy(study, sessions.data) : null), [study, sessions.data]);
  // The case numbers of the exports, so a comment can be found in the CSV.
  const caseNumbers = useMemo(() => (sessions.data ? numbering(study, sessions.data).cases : new Map<string, number>()), [study, sessions.data]);
  const [digest, setDigest] = useState<string | null>(null);
  const [chains, setChains] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void studyDigest(study).then(setDigest);
  }, [study]);
  // undefined while hashing; null for a study without instructions.
  const [instructionsHash, setInstructionsHash] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const text = studyInstructions(study.settings);
    if (text === null) setInstructionsHash(null);
    else
      void sha256Hex(text).then((hash) => {
        if (live) setInstructionsHash(hash);
      });
    return () => {
      live = false;
    };
  }, [study]);
  useEffect(() => {
    if (!sessions.data) return;
    void answerLogText(sessions.data).then(setChains);
  }, [sessions.data]);

  const run = (action: () => Promise<void>) => {
    setError(null);
    action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  if (sessions.error) return <p className="error-text" role="alert">{sessions.error.message}</p>;
  if (!analysis || !sessions.data) return <p className="muted">Loading…</p>;
  const { counts, agreement } = analysis;
  const kind = stimulusKind(study.settings);

  return (
    <section className="vtt-analysis" aria-labelledby="vtt-analysis-title" data-testid="vtt-analysis">
      <h3 id="vtt-analysis-title">Analysis</h3>
      <p className="muted small">
        {designParts(counts, kind).join(' · ')} · rating {ratingPoints(study.settings.questions)}-point (higher = more sure it is synthetic) · study
        digest <code title={digest ?? ''}>{digest ? digest.slice(0, 16) : '…'}</code> · answer log {chains ?? '…'}
      </p>
      {sessions.data.length > 0 ? (
        <ul className="muted small" data-testid="vtt-readers" aria-label={kind === 'report' ? 'Readers' : 'Readers and their displays'}>
          {sortSessions(sessions.data).map((s) => (
            <li key={s.reader.readerId}>
              {describeReaderSession(s, kind, instructionsHash)}
            </li>
          ))}
        </ul>
      ) : null}
      {analysis.viewing.readings > 0 && kind === 'image' ? (
        <p className="muted small" data-testid="vtt-viewing">
          {viewingText(analysis.viewing)}
        </p>
      ) : null}
      {counts.readings === 0 ? <p data-testid="vtt-no-readings">No answers yet.</p> : null}

      {analysis.pooled ? (
        <>
          {/* Focusable, so that keyboard users can scroll the wide table (axe: scrollable-region-focusable). */}
          <TableScroll label="Per-reader results (scrolls sideways)">
            <table className="files vtt-metrics">
              <thead>
                <tr>
                  {READER_METRIC_COLUMNS.map((c) => (
                    <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                      {c.title}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {analysis.readers.map((m) => (
                  <MetricsRow key={m.readerId} m={m} />
                ))}
                <MetricsRow m={analysis.pooled} />
              </tbody>
            </table>
          </TableScroll>
          <p className="muted small">{pooledNote(analysis.readerAveragedAuc, analysis.pooled)}</p>
          <p data-testid="vtt-kappa">Agreement on real/synthetic: {kappaText(agreement)}</p>
          {agreement.method === 'fleiss' ? (
            <ul className="small muted">
              {agreement.pairwise.map((p) => (
                <li key={`${p.a}-${p.b}`}>{pairwiseKappaText(p)}</li>
              ))}
            </ul>
          ) : null}
          {analysis.intraReader.length > 0 ? (
            <p data-testid="vtt-intra">
              Agreement with themselves on the cases read twice:{' '}
              {analysis.intraReader.map((a) => `${a.label} ${selfAgreementText(a)}`).join('; ')}
              .
            </p>
          ) : null}
          <p className="small">{realismText(analysis, analysis.pooled, study.settings.questions.askPlausibility)}</p>
          <div className="vtt-plots">
            <RocPlot readers={analysis.readers} pooled={analysis.pooled} />
            <div className="vtt-matrices">
              {[...analysis.readers, analysis.pooled].map((m) => (
                <ConfusionMatrix key={m.readerId} metrics={m} />
              ))}
            </div>
          </div>
          <h4>By source</h4>
          <table className="files">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col" className="num">Readings</th>
                <th scope="col">Called correctly</th>
              </tr>
            </thead>
            <tbody>
              {analysis.bySource.map((g) => (
                <tr key={g.group}>
                  <td>{g.group}</td>
                  <td className="num">{g.readings}</td>
                  <td>{proportionText(g.correct)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {analysis.scaleAgreement ? <ScaleAgreementTable scales={analysis.scaleAgreement} ratingLevels={ratingPoints(study.settings.questions)} /> : null}
          {analysis.findings ? <FindingsTable findings={analysis.findings} kind={kind} /> : null}
          {analysis.cues ? <CueTable cues={analysis.cues} caseNumbers={caseNumbers} /> : null}
          {/* a report study asks for comments without cues */}
          {analysis.cues === null && analysis.comments.length > 0 ? (
            <>
              <h4>Comments</h4>
              <CommentList comments={analysis.comments} caseNumbers={caseNumbers} />
            </>
          ) : null}
        </>
      ) : null}

      <h4>Export</h4>
      <div className="card-actions">
        {EXPORTS.map((e) => (
          <button key={e.format} type="button" title={e.hint} data-testid={`vtt-export-${e.format}`} onClick={() => run(() => downloadResults(study, sessions.data, e.format))}>
            {e.label}
          </button>
        ))}
        <button type="button" data-testid="vtt-export-study-answers" onClick={() => run(() => exportStudy(study, true))}>
          Study file with answers
        </button>
      </div>
      {counts.missing > 0 ? <p className="muted small">RJafroc needs every reader to read every case; iMRMC accepts the partial design.</p> : null}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
