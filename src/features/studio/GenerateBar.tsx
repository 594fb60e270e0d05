/** Generate / Cancel, the direction the prompt implies, and why Generate is unavailable when it is. */
import { useMemo } from 'react';
import { activeInputs } from '../../domain/prompt-draft';
import { findDirection, validatePrompt, validateSettings } from '../../domain/compose-request';
import { selectIsRunning, selectModelId, selectProblems, selectPrompt, selectSettings } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';
import { QualityNote } from './QualityNote';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function GenerateBar({ modelReady }: { readonly modelReady: boolean }) {
  const prompt = useStudio(selectPrompt);
  const settings = useStudio(selectSettings);
  const running = useStudio(selectIsRunning);
  const refused = useStudio(selectProblems);
  const modelId = useStudio(selectModelId);
  const problems = useMemo(() => [...validatePrompt(prompt), ...validateSettings(settings)], [prompt, settings]);
  const direction = findDirection(activeInputs(prompt), prompt.outputs);
  const shown = problems.length > 0 ? problems : refused;
  const canGenerate = !running && problems.length === 0 && modelReady && modelId !== null;
  const { generate, cancel } = studioStore.getState();
  return (
    <div className="generate-bar">
      <div className="generate-buttons">
        <button
          type="button"
          className="primary"
          onClick={() => void generate()}
          disabled={!canGenerate}
          aria-keyshortcuts={isMac ? 'Meta+Enter' : 'Control+Enter'}
          data-testid="generate"
        >
          Generate {direction ? <span className="direction-tag">{direction.label}</span> : null}
        </button>
        <button type="button" onClick={cancel} disabled={!running} aria-keyshortcuts="Escape" data-testid="cancel">
          Cancel
        </button>
        <span className="muted shortcut-hint">
          {isMac ? '⌘' : 'Ctrl'}+Enter generates · Esc cancels
        </span>
      </div>
      {direction && modelId !== null && modelReady ? <QualityNote modelId={modelId} direction={direction} steps={settings.steps} guidance={settings.guidanceScale} /> : null}
      {shown.length > 0 ? (
        <ul className="problems" aria-live="polite" data-testid="problems">
          {shown.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {!modelReady ? <p className="muted">No model is available yet; see Models.</p> : null}
    </div>
  );
}
