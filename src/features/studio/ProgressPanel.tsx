/** Per-step progress of the running (or last) job, its live previews, and the report as it is written. */
import { MODALITY_NAMES } from '../../domain/compose-request';
import { selectJob } from '../../state/selectors';
import { useStudio } from '../../state/studio';
import { GreyCanvas } from '../../ui/GreyCanvas';
import { ProgressBar } from '../../ui/ProgressBar';
import { SyntheticBadge } from '../../ui/SyntheticBadge';

export function ProgressPanel() {
  const job = useStudio(selectJob);
  if (!job) return null;
  const previews = (['frontal', 'lateral'] as const).flatMap((m) => {
    const p = job.previews[m];
    return p ? [{ modality: m, ...p }] : [];
  });
  // Screen readers hear stage changes, not every step.
  const announcement = job.stage === 'denoise' ? `Denoising ${job.directionId.replace('>', ' to ')}` : job.label;
  return (
    <section className={`panel progress-panel status-${job.status}`} aria-labelledby="progress-title" data-testid="progress">
      <h2 id="progress-title">Progress</h2>
      <ProgressBar value={job.fraction} label={`Generation progress, ${job.directionId.replace('>', ' to ')}`} />
      {job.variation && job.status === 'running' ? (
        <p className="progress-candidate" data-testid="progress-variation">
          Variation {job.variation.index + 1} of {job.variation.count}
        </p>
      ) : null}
      {job.candidate && job.status === 'running' ? (
        <p className="progress-candidate" data-testid="progress-candidate">
          Report candidate {job.candidate.index + 1} of {job.candidate.count}
        </p>
      ) : null}
      <p className="progress-label" data-testid="progress-label">
        {job.label}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {job.status === 'error' && job.error ? (
        <p role="alert" className="error-text">
          Generation failed: {job.error}
        </p>
      ) : null}
      {previews.length > 0 || job.reportSoFar ? (
        <div className="previews">
          {previews.map((p) => (
            <figure key={p.modality} className="preview">
              <GreyCanvas image={p.image} watermark label={`Preview of the synthetic ${MODALITY_NAMES[p.modality]} at step ${p.step}`} />
              <figcaption>
                {MODALITY_NAMES[p.modality]} · step {p.step} <SyntheticBadge small />
              </figcaption>
            </figure>
          ))}
          {job.reportSoFar && job.status === 'running' ? <p className="report-so-far">{job.reportSoFar}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
