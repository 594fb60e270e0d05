/**
 * Builds a new study: settings, questions, readers, the real images (bundled phantoms for demos, the user's PNG,
 * JPEG or DICOM files) and the synthetic ones (from the history, or generated now).
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import type { ImageModality } from '../../contracts/modality';
import { recordCaption } from '../../domain/result-record';
import { CUES, DEFAULT_FINDINGS, DEFAULT_INSTRUCTIONS, DEFAULT_REPORT_INSTRUCTIONS, DEFAULT_SETTINGS, MAX_INSTRUCTIONS_LENGTH, MAX_PRACTICE_CASES, caseMix, checkSettings, isValidResolution, maxRepeats, stimulusKind, type StudySettings } from '../../domain/vtt/study';
import { describeStudyPower, studyPower } from '../../domain/vtt/study-power';
import { examplesQuery } from '../../queries/examples';
import { resultsQuery } from '../../queries/results';
import { NumberField } from '../../ui/NumberField';
import { GenerateNowPanel } from './GenerateNowPanel';
import { createStudy, parseReaderLabels } from './study-actions';
import { useVttNav } from './vtt-nav';

const VIEWS: readonly ImageModality[] = ['frontal', 'lateral'];

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

function Checkbox({ label, checked, onChange, testId }: { label: string; checked: boolean; onChange: (v: boolean) => void; testId?: string }) {
  return (
    <label className="check-row">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} /> {label}
    </label>
  );
}

export function StudyBuilder() {
  const go = useVttNav((s) => s.go);
  const examples = useQuery(examplesQuery());
  const history = useQuery(resultsQuery());
  const [settings, setSettings] = useState<StudySettings>(DEFAULT_SETTINGS);
  const [askFindings, setAskFindings] = useState(false);
  const [findingsText, setFindingsText] = useState(DEFAULT_FINDINGS.join('\n'));
  const [readersText, setReadersText] = useState('R1, R2');
  const [views, setViews] = useState<ImageModality[]>(['frontal']);
  const [exampleIds, setExampleIds] = useState<string[]>([]);
  const [historyIds, setHistoryIds] = useState<string[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const ids = { instructions: useId(), title: useId(), readers: useId(), findings: useId(), levels: useId(), files: useId() };

  const exampleList = examples.data?.cases ?? [];
  const kind = stimulusKind(settings);
  const reports = kind === 'report';
  // what readers judge decides which history results can be chosen: generated images, or generated reports
  const candidateRecords = (history.data ?? []).filter((r) => (reports ? r.outputs.report !== undefined : r.outputs.frontal !== undefined || r.outputs.lateral !== undefined));
  const findings = askFindings ? findingsText.split('\n').map((f) => f.trim()).filter(Boolean) : [];
  // Blank instructions: none shown and no consent asked.
  const { instructions, ...otherSettings } = settings;
  const finalSettings: StudySettings = {
    ...otherSettings,
    ...(instructions !== undefined && instructions.trim() !== '' ? { instructions: instructions.trim() } : {}),
    // the cue checklist is about images: a report study does not ask it
    questions: { ...settings.questions, findings, askCues: reports ? false : settings.questions.askCues },
  };
  const settingProblems = checkSettings(finalSettings);
  // how big the study is, in what it can tell (recomputed as the cases and readers change)
  const power = studyPower(settings.caseCount, parseReaderLabels(readersText).length);
  const mix = Number.isFinite(settings.caseCount) && Number.isFinite(settings.syntheticShare) ? caseMix(settings) : null;
  const chosenReal = reports ? exampleIds.length : exampleIds.length * views.length + files.length;
  const chosenSynthetic = useMemo(
    () =>
      candidateRecords
        .filter((r) => historyIds.includes(r.id))
        .reduce((n, r) => n + (reports ? 1 : views.filter((v) => r.outputs[v] !== undefined).length), 0),
    [candidateRecords, historyIds, views, reports],
  );
  const update = (patch: Partial<StudySettings>) => setSettings((s) => ({ ...s, ...patch }));
  // Switching what readers judge swaps the default instructions for the other default (edited ones stay).
  const chooseStimulus = (stimulus: 'image' | 'report') => {
    // choices of the other kind do not carry over (the file input and the history list change with it)
    if (stimulus !== kind) {
      setFiles([]);
      setHistoryIds([]);
    }
    setSettings((s) => {
      const defaults = { image: DEFAULT_INSTRUCTIONS, report: DEFAULT_REPORT_INSTRUCTIONS };
      const untouched = s.instructions === defaults.image || s.instructions === defaults.report;
      // a report study hides the resolution field, so it must not keep a value the settings check refuses
      const resolution = stimulus === 'report' && !isValidResolution(s.resolution) ? DEFAULT_SETTINGS.resolution : s.resolution;
      return { ...s, stimulus, resolution, ...(untouched ? { instructions: defaults[stimulus] } : {}) };
    });
  };

  const build = async () => {
    setBusy(true);
    setProblems([]);
    try {
      const outcome = await createStudy({
        settings: finalSettings,
        examples: exampleList.filter((e) => exampleIds.includes(e.id)),
        exampleViews: views,
        files,
        historyRecords: candidateRecords.filter((r) => historyIds.includes(r.id)),
        historyViews: views,
        readerLabels: parseReaderLabels(readersText),
      });
      if (outcome.ok) go({ kind: 'list' }, outcome.notes.length > 0 ? `Study created. ${outcome.notes.join(' ')}` : 'Study created.');
      else setProblems(outcome.problems);
    } catch (error) {
      setProblems([error instanceof Error ? error.message : String(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel vtt-builder" aria-labelledby="vtt-build-title">
      <header className="panel-header">
        <h2 id="vtt-build-title">New reader study</h2>
        <button type="button" onClick={() => go({ kind: 'list' })}>
          Cancel
        </button>
      </header>

      <fieldset>
        <legend>Settings</legend>
        <fieldset className="vtt-stimulus" data-testid="vtt-stimulus">
          <legend>What readers judge</legend>
          <label>
            <input type="radio" name="vtt-stimulus" checked={!reports} onChange={() => chooseStimulus('image')} data-testid="vtt-stimulus-image" /> Images
            (real or generated X-rays)
          </label>
          <label>
            <input type="radio" name="vtt-stimulus" checked={reports} onChange={() => chooseStimulus('report')} data-testid="vtt-stimulus-report" /> Reports
            (written by a radiologist or generated; shown as text, the same for both)
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={ids.title}>Title</label>
          <input id={ids.title} type="text" value={settings.title} onChange={(e) => update({ title: e.target.value })} />
        </div>
        <div className="field-grid">
          <NumberField label="Number of cases" value={settings.caseCount} min={2} max={2000} onChange={(v) => update({ caseCount: v })} />
          <NumberField
            label="Synthetic share (%)"
            value={Math.round(settings.syntheticShare * 1000) / 10}
            min={1}
            max={99}
            onChange={(v) => update({ syntheticShare: v / 100 })}
            {...(mix ? { hint: `${mix.real} real + ${mix.synthetic} synthetic` } : {})}
          />
          <NumberField label="Seed" value={settings.seed} min={0} max={4294967295} onChange={(v) => update({ seed: v })} hint="case draw, ids and reader orders" />
          {reports ? null : (
            <NumberField label="Resolution (px)" value={settings.resolution} min={16} max={1024} onChange={(v) => update({ resolution: v })} hint="every image is resampled to this square; 64 = the bundled model" />
          )}
          <NumberField
            label="Practice cases"
            value={settings.practiceCases ?? 0}
            min={0}
            max={MAX_PRACTICE_CASES}
            onChange={(v) => update({ practiceCases: v })}
            hint={`read first by every reader, with the truth shown after each; drawn from chosen ${kind}s the study does not use; never analysed`}
          />
          <NumberField
            label="Cases read twice"
            value={settings.repeats ?? 0}
            min={0}
            max={maxRepeats(settings.caseCount)}
            onChange={(v) => update({ repeats: v })}
            hint={`unannounced, later in each reader's order, for intra-reader agreement; at most ${maxRepeats(settings.caseCount)}`}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.readers}>Readers (pseudonyms, comma-separated)</label>
          <input id={ids.readers} type="text" value={readersText} onChange={(e) => setReadersText(e.target.value)} />
        </div>
        {power ? (
          <p className="muted small" data-testid="vtt-power">
            {describeStudyPower(power)}
          </p>
        ) : null}
        <Checkbox label="Tell readers the share of synthetic cases" checked={settings.prevalenceDisclosed} onChange={(v) => update({ prevalenceDisclosed: v })} />
        <div className="field">
          <label htmlFor={ids.instructions}>Instructions for readers (each reader agrees to them before the first case; empty: none)</label>
          <textarea
            id={ids.instructions}
            rows={6}
            maxLength={MAX_INSTRUCTIONS_LENGTH}
            value={settings.instructions ?? ''}
            onChange={(e) => update({ instructions: e.target.value })}
            data-testid="vtt-instructions-input"
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Questions per case</legend>
        <p className="muted small">Always asked: real or synthetic, confidence, and realism (1–5).</p>
        <div className="field">
          <label htmlFor={ids.levels}>Confidence levels</label>
          <select id={ids.levels} value={settings.questions.confidenceLevels} onChange={(e) => update({ questions: { ...settings.questions, confidenceLevels: Number(e.target.value) } })}>
            {[2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {n} (with the call: a {2 * n}-point ROC rating)
              </option>
            ))}
          </select>
        </div>
        <Checkbox label="Ask “clinically plausible?”" checked={settings.questions.askPlausibility} onChange={(v) => update({ questions: { ...settings.questions, askPlausibility: v } })} />
        {reports ? null : (
          <Checkbox
            label={`Ask which cues the call rested on (${CUES.join(', ').toLowerCase()}), with an optional comment`}
            checked={settings.questions.askCues === true}
            onChange={(v) => update({ questions: { ...settings.questions, askCues: v } })}
            testId="vtt-ask-cues"
          />
        )}
        <Checkbox label="Findings checklist" checked={askFindings} onChange={setAskFindings} />
        {askFindings ? (
          <div className="field">
            <label htmlFor={ids.findings}>Findings (one per line, at most 9)</label>
            <textarea
              id={ids.findings}
              rows={5}
              value={findingsText}
              onChange={(e) => setFindingsText(e.target.value)}
              aria-describedby={`${ids.findings}-hint`}
            />
            <p id={`${ids.findings}-hint`} className="muted small" data-testid="vtt-findings-hint">
              The study records what each case is known to show: a bundled phantom&apos;s findings, and for an image generated from a bundled
              case the findings it was made from. The analysis then compares the readers&apos; ticks with them. Only the items as spelled in the
              default list are known (any letter case); other items and images from other sources stay unknown. With &quot;No finding&quot; on the
              list, a reading that ticks nothing is left out of the findings table.
            </p>
          </div>
        ) : null}
      </fieldset>

      {reports ? null : (
        <fieldset>
          <legend>Views</legend>
          {VIEWS.map((v) => (
            <Checkbox key={v} label={v === 'frontal' ? 'Frontal' : 'Lateral'} checked={views.includes(v)} onChange={() => setViews((list) => toggle(list, v))} testId={`vtt-view-${v}`} />
          ))}
        </fieldset>
      )}

      <fieldset data-testid="vtt-real-sources">
        <legend>Real {kind}s</legend>
        {reports ? null : (
          <div className="field">
            <label htmlFor={ids.files}>Your PNG, JPEG, TIFF or DICOM files</label>
            <input
              id={ids.files}
              type="file"
              multiple
              accept=".png,.jpg,.jpeg,.tif,.tiff,.dcm,.dicom,image/png,image/jpeg,image/tiff,application/dicom"
              data-testid="vtt-real-files"
              onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
            />
            <small className="hint">Decoded here, reduced to pixels only (no file name or DICOM tags reach readers).</small>
          </div>
        )}
        <h4>
          Bundled phantom cases as “real (phantom)” <span className="muted small">(demo only: simulated, not patients)</span>
        </h4>
        <button type="button" className="link-button" onClick={() => setExampleIds(exampleIds.length === exampleList.length ? [] : exampleList.map((e) => e.id))}>
          {exampleIds.length === exampleList.length && exampleList.length > 0 ? 'Select none' : 'Select all'}
        </button>
        <ul className="vtt-choice-list">
          {exampleList.map((e) => (
            <li key={e.id}>
              <Checkbox label={`${e.id}: ${e.report.slice(0, 60)}…`} checked={exampleIds.includes(e.id)} onChange={() => setExampleIds((list) => toggle(list, e.id))} testId={`vtt-example-${e.id}`} />
            </li>
          ))}
        </ul>
      </fieldset>

      <fieldset data-testid="vtt-synthetic-sources">
        <legend>Synthetic {kind}s</legend>
        <h4>From the history</h4>
        {candidateRecords.length === 0 ? (
          <p className="muted small">
            {reports ? 'No generated reports in the history yet: make them in the Studio (F→T, L→T or F+L→T).' : 'No generated images in the history yet.'}
          </p>
        ) : null}
        {candidateRecords.length > 0 ? (
          <button type="button" className="link-button" onClick={() => setHistoryIds(historyIds.length === candidateRecords.length ? [] : candidateRecords.map((r) => r.id))}>
            {historyIds.length === candidateRecords.length ? 'Select none' : 'Select all'}
          </button>
        ) : null}
        <ul className="vtt-choice-list">
          {candidateRecords.map((r) => (
            <li key={r.id}>
              <Checkbox label={recordCaption(r)} checked={historyIds.includes(r.id)} onChange={() => setHistoryIds((list) => toggle(list, r.id))} testId={`vtt-history-${r.id}`} />
            </li>
          ))}
        </ul>
        {reports ? null : (
          <GenerateNowPanel settings={settings} examples={exampleList} onGenerated={(records) => setHistoryIds((list) => [...new Set([...list, ...records.map((r) => r.id)])])} />
        )}
      </fieldset>

      <p data-testid="vtt-chosen">
        Chosen: {chosenReal} real and {chosenSynthetic} synthetic {kind}s{mix ? `; the study draws ${mix.real} real and ${mix.synthetic} synthetic.` : '.'}
      </p>
      {[...settingProblems, ...problems].length > 0 ? (
        <ul className="problems" role="alert" data-testid="vtt-build-problems">
          {[...settingProblems, ...problems].map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="primary" disabled={busy || settingProblems.length > 0} onClick={() => void build()} data-testid="vtt-build">
        {busy ? 'Building…' : 'Build study'}
      </button>
    </section>
  );
}
