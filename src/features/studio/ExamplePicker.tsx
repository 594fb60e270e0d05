/** Loads a bundled phantom example case into the inputs the chosen outputs need. */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { positiveLabels } from '../../domain/example-cases';
import { examplesQuery } from '../../queries/examples';
import { selectExampleCase, selectLoadingInputs } from '../../state/selectors';
import { studioStore, useStudio } from '../../state/studio';

export function ExamplePicker({ imageSize }: { readonly imageSize: number }) {
  const examples = useQuery(examplesQuery());
  const current = useStudio(selectExampleCase);
  const busy = useStudio(selectLoadingInputs).length > 0;
  const [chosen, setChosen] = useState('');
  const id = useId();
  const cases = examples.data?.cases ?? [];
  if (examples.isPending) return <p className="muted">Looking for example cases…</p>;
  if (cases.length === 0) {
    // A broken file or a failed fetch is not the same as a build without examples: say which.
    const problem = examples.error ? `Example cases could not be loaded: ${examples.error.message}` : examples.data?.problems.join(' ');
    return (
      <p className={problem ? 'error-text' : 'muted'} data-testid="no-examples" role={problem ? 'alert' : undefined}>
        {problem || 'No example cases are bundled with this build.'}
      </p>
    );
  }
  const selected = cases.find((c) => c.id === chosen) ?? cases[0];
  return (
    <div className="example-picker">
      <label htmlFor={id}>Example case</label>
      <select id={id} value={selected?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
        {cases.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title ?? `${c.id} — ${positiveLabels(c.labels).join(', ').replace(/_/g, ' ') || 'normal'}`}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={!selected || busy}
        onClick={() => selected && void studioStore.getState().loadExample(selected, imageSize)}
        data-testid="load-example"
      >
        Load example case
      </button>
      {current ? (
        <p className="muted example-caption">
          Inputs from phantom case <strong>{current.id}</strong> (synthetic phantom, not a patient).
        </p>
      ) : null}
      {examples.data && examples.data.problems.length > 0 ? (
        <details className="muted">
          <summary>{examples.data.problems.length} example(s) skipped</summary>
          <ul>
            {examples.data.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
