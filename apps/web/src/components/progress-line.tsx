import type { StepProgress } from '../api/types.ts';

/**
 * A labelled progress indicator for multi-step work (key derivation, key
 * rotation). Indeterminate when the step has no measurable fraction.
 */
export function ProgressLine({ progress, label }: { progress: StepProgress; label: string }) {
  const value = progress.fraction === undefined ? undefined : Math.round(progress.fraction * 100);
  return (
    <div className="progress-line" role="status" aria-live="polite">
      <span>{progress.step}</span>
      <progress aria-label={label} max={100} value={value} />
    </div>
  );
}
