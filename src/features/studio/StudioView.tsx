/** The Studio: compose on the left, progress and results on the right. */
import { GenerateBar } from './GenerateBar';
import { ProgressPanel } from './ProgressPanel';
import { PromptComposer } from './PromptComposer';
import { ResultsPanel } from './ResultsPanel';
import { SettingsPanel } from './SettingsPanel';
import { useSelectedModel } from './use-selected-model';

export function StudioView() {
  const { model, imageSize, manifestError } = useSelectedModel();
  return (
    <div className="studio">
      <div className="studio-left">
        <PromptComposer imageSize={imageSize} />
        <GenerateBar modelReady={model !== null} />
        {manifestError ? (
          <p className="muted" role="status">
            {manifestError.message}
          </p>
        ) : null}
        <SettingsPanel />
      </div>
      <div className="studio-right">
        <ProgressPanel />
        <ResultsPanel />
      </div>
    </div>
  );
}
