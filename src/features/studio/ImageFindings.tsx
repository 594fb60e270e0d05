/** The phantom classifier's findings on one generated image, under its viewer. */
import { findingName } from '../../domain/labeler';
import { imageFindings } from '../../domain/result-findings';
import type { ClassifiedImage } from './use-result-findings';

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
              {findingName(f.label)} {Math.round(f.prob * 100)}%
            </li>
          ))}
        </ul>
      ) : (
        <span>no finding{top ? <span className="muted"> (most likely: {findingName(top.label)}, {Math.round(top.prob * 100)}%)</span> : null}</span>
      )}
    </div>
  );
}
