/** Inputs and outputs of a generation: output toggles, report text, frontal/lateral images, example cases. */
import { useId } from 'react';
import { selectInputErrors, selectOutputs, selectReport } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';
import { ExamplePicker } from './ExamplePicker';
import { ImageInput } from './ImageInput';
import { OutputToggles } from './OutputToggles';
import { ReportBuilder } from './ReportBuilder';

export function PromptComposer({ imageSize }: { readonly imageSize: number }) {
  const report = useStudio(selectReport);
  const reportIsOutput = useStudio(selectOutputs).includes('report');
  const reportError = useStudio(selectInputErrors).report;
  const { setReport, clearPrompt } = studioStore.getState();
  const id = useId();
  return (
    <section className="panel composer" aria-labelledby="composer-title">
      <header className="panel-header">
        <h2 id="composer-title">Prompt</h2>
        <button type="button" className="link-button" onClick={clearPrompt}>
          Clear inputs
        </button>
      </header>
      <OutputToggles />
      <ExamplePicker imageSize={imageSize} />
      <div className="field report-field">
        <label htmlFor={id}>
          Report <span className="muted">{reportIsOutput ? '· output' : '· input'}</span>
        </label>
        <textarea
          id={id}
          rows={5}
          value={report}
          placeholder="Type or paste a chest X-ray report, e.g. “Moderate cardiomegaly. Small left pleural effusion.”"
          onChange={(e) => setReport(e.target.value)}
          spellCheck
          data-testid="report-input"
        />
        <small className="hint">{report.trim().split(/\s+/).filter(Boolean).length} words</small>
        {reportError ? (
          <p role="alert" className="error-text">
            {reportError}
          </p>
        ) : null}
        {reportIsOutput ? null : <ReportBuilder />}
      </div>
      <div className="image-inputs">
        <ImageInput modality="frontal" imageSize={imageSize} />
        <ImageInput modality="lateral" imageSize={imageSize} />
      </div>
    </section>
  );
}
