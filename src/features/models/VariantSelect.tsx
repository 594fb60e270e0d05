/**
 * The model's "Variant" select: Automatic (the engine's pick) or one variant, each with its download size, what is
 * cached, and whether this device can run it. Variants it cannot run are disabled, with the reason as text.
 */
import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useId } from 'react';
import type { ModelEntry } from '../../contracts/manifest-schema';
import {
  AUTOMATIC_VARIANT_LABEL,
  AUTOMATIC_VARIANT_VALUE,
  buildVariantOptions,
  offeredVariantIds,
  variantChoiceFromSelect,
} from '../../domain/variant-options';
import { modelStatusQuery, requirementsQuery } from '../../queries/engine';
import { studioStore } from '../../state/studio';

const answered = <T,>(results: readonly UseQueryResult<T>[]): T[] => results.flatMap((r) => (r.data !== undefined ? [r.data] : []));

export function VariantSelect({
  model,
  choice,
  engineReady,
  disabled,
}: {
  readonly model: ModelEntry;
  /** The stored choice; undefined = Automatic. */
  readonly choice: string | undefined;
  readonly engineReady: boolean;
  readonly disabled: boolean;
}) {
  const selectId = useId();
  const offered = offeredVariantIds(model);
  const checks = useQueries({
    queries: offered.map((variant) => ({ ...requirementsQuery(model.id, variant), enabled: engineReady })),
    combine: answered,
  });
  const statuses = useQueries({
    queries: offered.map((variant) => ({ ...modelStatusQuery(model.id, variant), enabled: engineReady })),
    combine: answered,
  });
  const automatic = useQuery({ ...requirementsQuery(model.id), enabled: engineReady });
  const options = buildVariantOptions(model, checks, statuses);
  const unavailable = options.filter((o) => o.runnable === false);
  return (
    <div className="field variant-choice">
      <label htmlFor={selectId}>Variant</label>
      <select
        id={selectId}
        value={choice ?? AUTOMATIC_VARIANT_VALUE}
        disabled={disabled}
        onChange={(e) => studioStore.getState().setVariantChoice(model.id, variantChoiceFromSelect(e.target.value))}
        data-testid="variant-choice"
      >
        <option value={AUTOMATIC_VARIANT_VALUE}>{AUTOMATIC_VARIANT_LABEL}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id} disabled={o.runnable === false}>
            {o.label}
          </option>
        ))}
      </select>
      {automatic.data ? (
        <p className="muted" data-testid="variant-automatic">
          Automatic uses {automatic.data.variant} on this device.
        </p>
      ) : null}
      {unavailable.length > 0 ? (
        <ul className="variant-unavailable" data-testid="variant-unavailable">
          {unavailable.map((o) => (
            <li key={o.id}>
              {o.id} cannot run on this device: {o.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
