/** Which modalities to generate; the 12 valid directions follow from these plus the inputs given. */
import type { Modality } from '../../contracts/modality';
import { MODALITIES } from '../../contracts/modality';
import { selectOutputs } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';

const LABELS: Record<Modality, string> = { frontal: 'Frontal image', lateral: 'Lateral image', report: 'Report' };

export function OutputToggles() {
  const outputs = useStudio(selectOutputs);
  const { toggleOutput } = studioStore.getState();
  return (
    <div className="output-toggles" role="group" aria-labelledby="outputs-label">
      <span id="outputs-label" className="group-label">
        Generate
      </span>
      {MODALITIES.map((m) => (
        <button
          key={m}
          type="button"
          className="toggle"
          aria-pressed={outputs.includes(m)}
          onClick={() => toggleOutput(m)}
          data-testid={`output-${m}`}
        >
          {LABELS[m]}
        </button>
      ))}
    </div>
  );
}
