import type { RunStatusName } from "@bytelab/service/schemas";
import { formatSI } from "../../lib/series/format";

/** A run's status as a coloured badge (colour and text: readable without colour too). */
export function StatusBadge({ status }: { status: RunStatusName }) {
  return <span className={`status-badge status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

/** Step / total as a small progress bar with the numbers. */
export function StepProgress({ step, total }: { step: number | null; total: number | null }) {
  if (step === null && total === null) return <span className="muted">–</span>;
  const pct = step !== null && total ? Math.min(100, (100 * step) / total) : 0;
  const short = (n: number) => (n >= 10_000 ? formatSI(n, 3) : String(n));
  return (
    <span
      className="step-progress"
      title={`step ${step ?? 0}${total ? ` of ${total} (${pct.toFixed(0)}%)` : ""}`}
    >
      <span className="step-progress-text">
        {short(step ?? 0)}
        {total ? `/${short(total)}` : ""}
      </span>
      {total ? (
        <span className="step-progress-bar" aria-hidden="true">
          <span style={{ width: `${pct}%` }} />
        </span>
      ) : null}
    </span>
  );
}
