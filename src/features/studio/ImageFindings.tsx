/** The phantom classifier's findings on one generated image, under its viewer. */
import { findingName } from '../../domain/labeler';
import { imageFindings } from '../../domain/result-findings';
import type { ClassifiedImage } from './use-result-findings';

/** A probability as a whole percent; below 1 % as "<1%" rather than a misleading "0%". */
const probability = (p: number) => (p < 0.01 ? '<1%' : p > 0.99 && p < 1 ? '>99%' : `${Math.round(p * 100)}%`);

export function ImageFindings({ image }: { readonly image: ClassifiedImage }) {
  const testId = `image-findings-${image.modality}`;
  if (image.error) {
    return (
      <p className="image-findings error-text" role="alert" data-testid={testId}>
        The phantom classifier could not read this image: {image.error.message}
      </p>
    );
  }
  if (!image.result) {
    return (
      <p className="image-findings muted" data-testid={testId} aria-busy={image.pending}>
        Phantom classifier: reading the image…
      </p>
    );
  }
  let findings;
  try {
    findings = imageFindings(image.result);
  } catch (error) {
    return (
      <p className="image-findings error-text" role="alert" data-testid={testId}>
        {error instanceof Error ? error.message : String(error)}
      </p>
    );
  }
  const present = findings.filter((f) => f.finding === 'present');
  const top = findings[0];
  return (
    <div className="image-findings" data-testid={testId}>
      <span className="muted">Phantom classifier:</span>{' '}
      {present.length > 0 ? (
        <ul className="label-chips inline" aria-label={`Findings the phantom classifier detects in the ${image.modality} image`}>
          {present.map((f) => (
            <li key={f.label} className="chip hl-positive">
              {findingName(f.label)} {probability(f.prob)}
            </li>
          ))}
        </ul>
      ) : (
        <span>no finding{top ? <span className="muted"> (most likely: {findingName(top.label)}, {probability(top.prob)})</span> : null}</span>
      )}
    </div>
  );
}
