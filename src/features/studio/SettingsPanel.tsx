/** Sampler, guidance, seed, mix weights of the active inputs, previews and report decoding settings. */
import { useId } from 'react';
import type { SamplerKind } from '../../contracts/job';
import { MAX_REPORT_CANDIDATES, MAX_VARIATIONS, MODALITY_NAMES } from '../../domain/compose-request';
import { activeInputs, type SettingsDraft } from '../../domain/prompt-draft';
import { describeSweep, parseVariationValues, type VaryBy } from '../../domain/variations';
import { selectPrompt, selectSettings, selectSettingsNotSaved } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';
import { NumberField, type NumberFieldProps } from '../../ui/NumberField';

/** The settings the form edits as numbers. */
type NumericSetting = { [K in keyof SettingsDraft]: SettingsDraft[K] extends number ? K : never }[keyof SettingsDraft];

/** A NumberField bound to one numeric setting: shows its value and writes edits back to the store. */
function SettingNumberField({ setting, ...field }: Omit<NumberFieldProps, 'value' | 'onChange'> & { readonly setting: NumericSetting }) {
  const value = useStudio((s) => selectSettings(s)[setting]);
  return <NumberField {...field} value={value} onChange={(v) => studioStore.getState().updateSettings({ [setting]: v })} />;
}

const SWEPT_HINT = 'Swept under Variations below: each result uses one of its values';

export function SettingsPanel() {
  const settings = useStudio(selectSettings);
  const prompt = useStudio(selectPrompt);
  const { updateSettings, resetSettings, setWeight } = studioStore.getState();
  const seedId = useId();
  const samplerId = useId();
  const varyId = useId();
  const valuesId = useId();
  const inputs = activeInputs(prompt);
  const writesReport = prompt.outputs.includes('report');
  const notSaved = useStudio(selectSettingsNotSaved);
  const sweep = settings.varyBy === 'seed' ? null : parseVariationValues(settings.varyBy, settings.varyValues);
  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <header className="panel-header">
        <h2 id="settings-title">Settings</h2>
        <button type="button" className="link-button" onClick={resetSettings}>
          Reset to defaults
        </button>
      </header>
      {notSaved ? (
        <p role="alert" className="error-text" data-testid="settings-not-saved">
          {notSaved}
        </p>
      ) : null}
      <fieldset>
        <legend>Diffusion</legend>
        <div className="field-grid">
          <SettingNumberField
            setting="steps"
            label="Steps"
            min={1}
            max={1000}
            step={1}
            disabled={settings.varyBy === 'steps'}
            hint={settings.varyBy === 'steps' ? SWEPT_HINT : 'DDIM steps are 1000 ÷ N (rounded down) apart, as in the reference: 400 runs 500'}
          />
          <SettingNumberField
            setting="guidanceScale"
            label="Guidance"
            min={0}
            max={30}
            step={0.5}
            disabled={settings.varyBy === 'guidance'}
            {...(settings.varyBy === 'guidance' ? { hint: SWEPT_HINT } : {})}
          />
          <div className="field">
            <label htmlFor={seedId}>Seed</label>
            <input
              id={seedId}
              type="text"
              inputMode="numeric"
              placeholder="random"
              value={settings.seedText}
              aria-describedby={`${seedId}-hint`}
              onChange={(e) => updateSettings({ seedText: e.target.value })}
            />
            <small id={`${seedId}-hint`} className="hint">
              Empty = a new random seed each time (recorded with the result)
            </small>
          </div>
          <div className="field">
            <label htmlFor={samplerId}>Sampler</label>
            <select id={samplerId} value={settings.sampler} onChange={(e) => updateSettings({ sampler: e.target.value as SamplerKind })}>
              <option value="ddim">DDIM</option>
              <option value="dpmpp-2m">DPM-Solver++ (2M)</option>
            </select>
          </div>
          <SettingNumberField setting="eta" label="Eta (DDIM)" min={0} max={1} step={0.1} disabled={settings.sampler !== 'ddim'} />
          <SettingNumberField setting="previewEvery" label="Preview every N steps" min={0} step={1} hint="0 turns previews off" />
        </div>
      </fieldset>
      <fieldset>
        <legend>Variations</legend>
        <div className="field-grid">
          <div className="field">
            <label htmlFor={varyId}>Vary</label>
            <select id={varyId} value={settings.varyBy} onChange={(e) => updateSettings({ varyBy: e.target.value as VaryBy })}>
              <option value="seed">Seed</option>
              <option value="guidance">Guidance</option>
              <option value="steps">Steps</option>
            </select>
          </div>
          {settings.varyBy === 'seed' || !sweep ? (
            <SettingNumberField
              setting="variations"
              label="Number of variations"
              min={1}
              max={MAX_VARIATIONS}
              step={1}
              hint="Above 1: that many results, each with its own seed and saved to History, offered side by side"
            />
          ) : (
            <div className="field">
              <label htmlFor={valuesId}>{settings.varyBy === 'guidance' ? 'Guidance values' : 'Steps values'}</label>
              <input
                id={valuesId}
                type="text"
                inputMode="text"
                placeholder={settings.varyBy === 'guidance' ? '3, 7.5' : '20, 50'}
                value={settings.varyValues}
                aria-describedby={`${valuesId}-hint`}
                onChange={(e) => updateSettings({ varyValues: e.target.value })}
              />
              <small id={`${valuesId}-hint`} className="hint" data-testid="sweep-hint">
                {sweep.ok ? describeSweep(settings.varyBy, sweep.values) : `2 to ${MAX_VARIATIONS} values; one result each, all at the same seed, offered side by side`}
              </small>
            </div>
          )}
        </div>
      </fieldset>
      {inputs.length > 0 ? (
        <fieldset>
          <legend>Mix weights</legend>
          <div className="field-grid">
            {inputs.map((m) => (
              <NumberField
                key={m}
                label={`Weight: ${MODALITY_NAMES[m]}`}
                value={prompt.weights[m]}
                min={0.1}
                max={10}
                step={0.1}
                onChange={(w) => setWeight(m, w)}
              />
            ))}
          </div>
        </fieldset>
      ) : null}
      <fieldset disabled={!writesReport}>
        <legend>Report decoding{writesReport ? '' : ' (used when a report is an output)'}</legend>
        <div className="field-grid">
          <SettingNumberField setting="temperature" label="Temperature" min={0.05} max={2} step={0.05} />
          <SettingNumberField setting="topP" label="Top-p" min={0.05} max={1} step={0.05} />
          <SettingNumberField setting="maxTokens" label="Max tokens" min={1} max={1024} step={1} />
          <SettingNumberField
            setting="reportCandidates"
            label="Report candidates"
            min={1}
            max={MAX_REPORT_CANDIDATES}
            step={1}
            hint="Above 1: writes that many reports (seeds s, s+1, …) and keeps the one whose findings agree most with the others; takes that many times as long"
          />
        </div>
      </fieldset>
    </section>
  );
}
