/**
 * @file A reader study's results as one self-contained, printable HTML page (pure): the design, the readers, the
 * answer-log check, per-reader and pooled statistics, agreement, realism, viewing tools, sources, findings and cues,
 * in the analysis screen's numbers and words (shared through format-stats). Not in it: the ROC plot, the confusion
 * matrices and the comments. For a coordinator to file, print or send without the studio; no images, no scripts,
 * no external resources, every piece of text escaped.
 */
import { ALPHA_RESAMPLES, findingsWithCalls, findingsWithTicks, type FindingDetection, type ReaderMetrics, type StudyAnalysis } from '../../domain/vtt/analysis';
import { describeDisplayCheck } from '../../domain/vtt/display-check';
import type { AlphaEstimate } from '../../domain/vtt/krippendorff';
import { describeConsent, describePractice, describeReader } from '../../domain/vtt/reader-profile';
import { sortSessions, type ReaderSession } from '../../domain/vtt/reader-session';
import { asksComment, ratingPoints, stimulusKind, type Study } from '../../domain/vtt/study';
import { alphaCiText, alphaNote, alphaValueText, designParts, fixed, interval, kappaText, likertText, pairwiseKappaText, pooledNote, pValue, percent, proportionText, ratingScaleName, realismText, secondsText, selfAgreementText, viewingText } from './format-stats';

export interface SummaryMeta {
  readonly exportedAt: string;
  readonly studyDigest: string;
  /** SHA-256 of the study's instructions, or null when it has none (for each reader's consent line). */
  readonly instructionsSha256: string | null;
  /** Whether every answer log verifies (`answerLogText`). */
  readonly answerLog: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** A table from already escaped cells; the first cell of each row is its header. */
function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map(([first, ...rest]) => `<tr><th scope="row">${escapeHtml(first ?? '')}</th>${rest.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const p = (text: string) => `<p>${escapeHtml(text)}</p>`;

function metricsRow(m: ReaderMetrics): string[] {
  return [
    m.label,
    String(m.readings),
    proportionText(m.accuracy),
    pValue(m.accuracyVsChanceP),
    proportionText(m.sensitivity),
    proportionText(m.specificity),
    m.auc ? `${fixed(m.auc.auc)} (${interval(m.auc.ci, (v) => v.toFixed(3))})` : '—',
    fixed(m.dPrime, 2),
    likertText(m.realism.real),
    likertText(m.realism.synthetic),
    secondsText(m.timeMs),
  ];
}

function alphaRow(name: string, a: AlphaEstimate): string[] {
  return [name, a.metric, alphaValueText(a), alphaCiText(a) || '—', percent(a.exactAgreement), String(a.units)];
}

function findingRow(f: FindingDetection): string[] {
  return [f.item, proportionText(f.real.whenPresent), proportionText(f.real.whenAbsent), proportionText(f.synthetic.whenPresent), proportionText(f.synthetic.whenAbsent)];
}

const STYLE = `:root{color-scheme:light}html{background:#fff}body{font:14px/1.45 system-ui,sans-serif;color:#111;background:#fff;max-width:70rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.2rem .45rem;text-align:left;vertical-align:top}thead th{background:#f1f1f1}
.note{color:#555;font-size:.9rem}.synthetic{font-weight:700;color:#8a5a00}@media print{body{margin:0}}`;

/** The whole page. `analysis` must be `analyseStudy(study, sessions)`. */
export function toSummaryHtml(study: Study, sessions: readonly ReaderSession[], analysis: StudyAnalysis, meta: SummaryMeta): string {
  const { counts } = analysis;
  const q = study.settings.questions;
  const kind = stimulusKind(study.settings);
  const parts: string[] = [];
  parts.push(`<h1>Reader study: ${escapeHtml(study.settings.title)}</h1>`);
  parts.push(
    `<p class="note">Study ${escapeHtml(study.studyId)} · created ${escapeHtml(study.createdAt)} with MedCoDi Studio ${escapeHtml(study.appVersion)} · ` +
      `study digest (SHA-256) <code>${escapeHtml(meta.studyDigest)}</code> · answer log ${escapeHtml(meta.answerLog)} · this summary exported ${escapeHtml(meta.exportedAt)}</p>`,
  );
  parts.push(
    `<p class="note"><span class="synthetic">Synthetic ${kind}s</span> in this study were generated by a model; real ${kind}s are the study's ` +
      `chosen real or phantom ${kind}s. Nothing here is for diagnosis.</p>`,
  );

  parts.push('<h2>Design</h2>');
  parts.push(
    p(
      `${designParts(counts, kind).join(', ')}. Readers judged ${kind === 'report' ? 'reports, shown as text' : 'images'}. ` +
        `Rating ${ratingPoints(q)}-point (higher = more sure it is synthetic); realism 1–5${q.askPlausibility ? '; "clinically plausible?"' : ''}` +
        `${q.findings.length > 0 ? `; findings checklist (${q.findings.join(', ')})` : ''}${q.askCues ? '; cues and comment' : asksComment(study.settings) ? '; comment' : ''}. ` +
        `Prevalence ${study.settings.prevalenceDisclosed ? 'disclosed' : 'not disclosed'} to readers; ${study.settings.repeats ?? 0} cases read twice per reader; ` +
        `${study.settings.practiceCases ?? 0} practice cases (not analysed). Order seed ${study.settings.seed}.`,
    ),
  );

  const ordered = sortSessions(sessions.filter((s) => s.studyId === study.studyId));
  if (ordered.length > 0) {
    parts.push('<h2>Readers</h2><ul>');
    for (const s of ordered) {
      const consent = ` Consent: ${s.consent || s.display?.check || meta.instructionsSha256 === null ? describeConsent(s.consent, meta.instructionsSha256) : 'not started yet'}.`;
      const practiceText = describePractice(s.practice);
      const practice = practiceText !== '' ? ` ${practiceText.charAt(0).toUpperCase()}${practiceText.slice(1)} (not analysed).` : '';
      parts.push(`<li>${escapeHtml(`${s.reader.label}: ${describeReader(s.reader, kind)}. Display: ${describeDisplayCheck(s.display?.check)}.${consent}${practice}`)}</li>`);
    }
    parts.push('</ul>');
  }

  if (analysis.pooled) {
    parts.push('<h2>Telling synthetic from real</h2>');
    parts.push(
      table(
        'Per reader and pooled (95% CIs: Wilson for proportions, DeLong for AUC)',
        ['Reader', 'Readings', 'Accuracy', 'p vs 50%', 'Sensitivity: synthetic spotted', 'Specificity: real called real', 'ROC AUC', 'd′', 'Realism, real', 'Realism, synthetic', 'Time per case, median [IQR]'],
        [...analysis.readers.map(metricsRow), metricsRow(analysis.pooled)],
      ),
    );
    parts.push(p(pooledNote(analysis.readerAveragedAuc, analysis.pooled)));
    const { agreement } = analysis;
    parts.push(p(`Agreement on real/synthetic: ${kappaText(agreement)}.`));
    if (agreement.method === 'fleiss') parts.push(`<ul>${agreement.pairwise.map((x) => `<li>${escapeHtml(pairwiseKappaText(x))}</li>`).join('')}</ul>`);
    for (const a of analysis.intraReader) {
      parts.push(p(`${a.readerId === 'pooled' ? 'All readers pooled, each' : a.label} against themselves on the cases read twice: ${selfAgreementText(a)}.`));
    }
    parts.push(p(realismText(analysis, analysis.pooled, q.askPlausibility)));
    if (analysis.viewing.readings > 0 && kind === 'image') parts.push(p(viewingText(analysis.viewing)));
    if (analysis.scaleAgreement) {
      const sa = analysis.scaleAgreement;
      parts.push(p(alphaNote(ALPHA_RESAMPLES)));
      parts.push(
        table(
          "Agreement between readers on each answer (Krippendorff's α; 95% bootstrap interval over cases)",
          ['Answer', 'Scale', 'α', '95% CI', 'Pairs agreeing exactly', 'Cases'],
          [
            alphaRow('Real or synthetic', sa.call),
            alphaRow(ratingScaleName(ratingPoints(q)), sa.rating),
            alphaRow('Realism 1–5', sa.realism),
            ...(sa.plausible ? [alphaRow('Clinically plausible', sa.plausible)] : []),
          ],
        ),
      );
    }
    parts.push(table('By source', ['Source', 'Readings', 'Called correctly'], analysis.bySource.map((g) => [g.group, String(g.readings), proportionText(g.correct)])));
    if (analysis.findings && analysis.findings.items.length > 0) {
      const f = analysis.findings;
      parts.push(
        p(
          `${f.withKnownFindings} of ${f.readings} readings are of cases whose findings are known (a synthetic ${kind} counts as having the findings of the case it was made from)` +
            `${f.unansweredLeftOut > 0 ? `; ${f.unansweredLeftOut} ticked nothing and are left out` : ''}.`,
        ),
      );
      const ticked = findingsWithTicks(f);
      parts.push(
        ticked.length === 0
          ? p('No reading of a case with known findings answered the findings checklist.')
          : table(
              'Findings the readers ticked (share of readings)',
              ['Finding', `Real ${kind} that has it`, `Real ${kind} without it`, `Synthetic ${kind} made with it`, `Synthetic ${kind} made without it`],
              ticked.map(findingRow),
            ),
      );
      parts.push(
        table(
          'Real or synthetic, by finding the case has',
          ['Finding', `Real ${kind}s with it, called real`, `Synthetic ${kind}s made with it, called synthetic`],
          findingsWithCalls(f).map((i) => [i.item, proportionText(i.callRight.real), proportionText(i.callRight.synthetic)]),
        ),
      );
    }
    if (analysis.cues) {
      const c = analysis.cues;
      parts.push(
        table(
          `Cues (${c.withCues} of ${c.readings} readings named at least one)`,
          ['Cue', 'Named', 'Synthetic image, called synthetic', 'Real image, called synthetic', 'Called real', 'Call right when named'],
          c.byCue.map((x) => [x.cue, String(x.cited), String(x.syntheticCalledSynthetic), String(x.realCalledSynthetic), String(x.calledReal), x.cited > 0 ? proportionText(x.correct) : '—']),
        ),
      );
    }
  } else {
    parts.push(p('No answers yet.'));
  }

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light">
<title>${escapeHtml(`Reader study summary: ${study.settings.title}`)}</title>
<style>${STYLE}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}
