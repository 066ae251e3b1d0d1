import type { RunStatusName } from "@bytelab/service/schemas";

/** A run's status as a coloured badge (colour and text: readable without colour too). */
export function StatusBadge({ status }: { status: RunStatusName }) {
  return <span className={`status-badge status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

/** Step / total as a small progress bar with the numbers. */
export function StepProgress({ step, total }: { step: number | null; total: number | null }) {
  if (step === null && total === null) return <span className="muted">–</span>;
  const pct = step !== null && total ? Math.min(100, (100 * step) / total) : 0;
  return (
    <span className="step-progress" title={total ? `${pct.toFixed(0)}%` : undefined}>
      <span className="step-progress-text">
        {step ?? 0}
        {total ? ` / ${total}` : ""}
      </span>
      {total ? (
        <span className="step-progress-bar" aria-hidden="true">
          <span style={{ width: `${pct}%` }} />
        </span>
      ) : null}
    </span>
  );
}
