/**
 * The "Reader study" view: the studies on this machine with their readers, and the builder, reading and
 * analysis screens. Studies, answers and files stay on this machine; nothing is sent anywhere.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { caseMix, stimulusKind, type Study } from '../../domain/vtt/study';
import { hasStartedReading, sessionProgress, sortSessions } from '../../domain/vtt/reader-session';
import { formatDateTime } from '../../ui/format';
import { AnalysisView } from './AnalysisView';
import { ReaderView } from './ReaderView';
import { StudyBuilder } from './StudyBuilder';
import { addReaderSession, deleteStudy, exportStudy, importStudy, parseReaderLabels } from './study-actions';
import { sessionsQuery, studiesQuery, studyQuery } from './vtt-queries';
import { useVttNav } from './vtt-nav';
import './vtt.css';

function StudyCard({ study }: { readonly study: Study }) {
  const go = useVttNav((s) => s.go);
  const sessions = useQuery(sessionsQuery(study.studyId));
  const [newReader, setNewReader] = useState('');
  const [error, setError] = useState<string | null>(null);
  const readerInput = useId();
  const { settings } = study;
  const mix = caseMix(settings);
  const run = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <li className="vtt-study" data-testid="vtt-study">
      <h3>{settings.title}</h3>
      <p className="muted small">
        {study.cases.length} cases{settings.prevalenceDisclosed ? ` (${mix.synthetic} synthetic)` : ''} ·{' '}
        {stimulusKind(settings) === 'report' ? 'reports' : `${settings.resolution}×${settings.resolution} px`} · seed {settings.seed} ·
        created {formatDateTime(study.createdAt)}
      </p>
      <ul className="vtt-readers">
        {sortSessions(sessions.data ?? []).map((s) => {
          const { done, total } = sessionProgress(s);
          return (
            <li key={s.reader.readerId} data-testid={`vtt-reader-${s.reader.label}`}>
              <span>
                {/* With cases read twice, "0/10" beside "8 cases" would tell the reader some come back: a share instead. */}
                {s.reader.label}: {(settings.repeats ?? 0) > 0 ? `${Math.floor((100 * done) / total)} % read` : `${done}/${total}`} {done === total ? '(done)' : ''}
              </span>
              <button type="button" className="primary" disabled={done === total} onClick={() => go({ kind: 'read', studyId: study.studyId, readerId: s.reader.readerId })}>
                {done === total ? 'Finished' : hasStartedReading(s) ? 'Resume reading' : 'Start reading'} as {s.reader.label}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="card-actions">
        <label htmlFor={readerInput} className="visually-hidden">
          New reader pseudonym
        </label>
        <input id={readerInput} type="text" placeholder="New reader, e.g. R3" value={newReader} onChange={(e) => setNewReader(e.target.value)} />
        <button
          type="button"
          disabled={parseReaderLabels(newReader).length === 0}
          onClick={() =>
            run(async () => {
              const taken = new Set((sessions.data ?? []).map((s) => s.reader.label));
              for (const label of parseReaderLabels(newReader)) {
                if (taken.has(label)) throw new Error(`There is already a reader called ${label}.`);
                await addReaderSession(study, { label, role: '', yearsExperience: null });
              }
              setNewReader('');
            })
          }
        >
          Add reader
        </button>
        <button
          type="button"
          onClick={() => {
            // The analysis shows truths and every reader's calls: not for a reader who has not finished.
            const reading = sortSessions(sessions.data ?? []).filter((s) => {
              const { done, total } = sessionProgress(s);
              // Begun: past the start screen (perhaps still in practice) or into the cases, and not finished.
              return hasStartedReading(s) && done < total;
            });
            const names = reading.map((s) => s.reader.label).join(', ');
            if (reading.length > 0 && !window.confirm(`${names} ${reading.length === 1 ? 'has' : 'have'} not finished reading. The analysis shows which images are synthetic and every reader's answers. Open it anyway?`)) return;
            go({ kind: 'analyse', studyId: study.studyId });
          }}
          data-testid="vtt-open-analysis"
        >
          Analysis
        </button>
        <button type="button" onClick={() => run(() => exportStudy(study, false))} data-testid="vtt-export-study">
          Export study file
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete "${settings.title}" and all its answers from this machine?`)) run(() => deleteStudy(study.studyId));
          }}
        >
          Delete
        </button>
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function StudyList() {
  const studies = useQuery(studiesQuery());
  const { go, notice } = useVttNav();
  const [importMessage, setImportMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const importId = useId();
  const onImport = (file: File | undefined) => {
    if (!file) return;
    setImportMessage(null);
    importStudy(file)
      .then((text) => setImportMessage({ ok: true, text }))
      .catch((e: unknown) => setImportMessage({ ok: false, text: e instanceof Error ? e.message : String(e) }));
  };
  return (
    <section className="panel" aria-labelledby="vtt-title">
      <header className="panel-header">
        <h2 id="vtt-title">Reader study (Visual Turing Test)</h2>
        <div className="card-actions">
          <button type="button" className="primary" onClick={() => go({ kind: 'build' })} data-testid="vtt-new-study">
            New study
          </button>
          <label htmlFor={importId} className="button-like">
            Import study file
          </label>
          <input
            id={importId}
            type="file"
            accept=".json,application/json"
            className="visually-hidden"
            data-testid="vtt-import"
            onChange={(e) => {
              onImport(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </div>
      </header>
      <p className="muted">
        Can radiologists tell generated chest X-rays from real ones? Build a blinded study, let each reader read it with the keyboard, then analyse. Everything stays on this
        machine; move studies between offline machines with study files.
      </p>
      {notice ? (
        <p role="status" data-testid="vtt-notice">
          {notice}
        </p>
      ) : null}
      {importMessage ? (
        <p role={importMessage.ok ? 'status' : 'alert'} className={importMessage.ok ? '' : 'error-text'} data-testid="vtt-import-message">
          {importMessage.text}
        </p>
      ) : null}
      {studies.error ? (
        <p className="error-text" role="alert">
          {studies.error.message}
        </p>
      ) : null}
      {studies.isSuccess && studies.data.length === 0 ? <p data-testid="vtt-empty">No studies yet.</p> : null}
      <ul className="vtt-studies">
        {(studies.data ?? []).map((s) => (
          <StudyCard key={s.studyId} study={s} />
        ))}
      </ul>
    </section>
  );
}

function AnalysisScreen({ studyId }: { readonly studyId: string }) {
  const study = useQuery(studyQuery(studyId));
  const go = useVttNav((s) => s.go);
  return (
    <section className="panel" aria-labelledby="vtt-analysis-heading">
      <header className="panel-header">
        <h2 id="vtt-analysis-heading">{study.data?.settings.title ?? 'Study'}</h2>
        <button type="button" onClick={() => go({ kind: 'list' })}>
          Back to studies
        </button>
      </header>
      {study.isSuccess && study.data === null ? <p role="alert">This study is no longer on this machine.</p> : null}
      {study.data ? <AnalysisView study={study.data} /> : null}
    </section>
  );
}

export function VttPage() {
  const screen = useVttNav((s) => s.screen);
  switch (screen.kind) {
    case 'list':
      return <StudyList />;
    case 'build':
      return <StudyBuilder />;
    case 'read':
      return <ReaderView key={`${screen.studyId}/${screen.readerId}`} studyId={screen.studyId} readerId={screen.readerId} />;
    case 'analyse':
      return <AnalysisScreen studyId={screen.studyId} />;
  }
}
