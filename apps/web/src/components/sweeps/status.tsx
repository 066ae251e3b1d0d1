import {
  RUN_STATUSES,
  type RunStatusName,
  type StatusCounts as Counts,
  type SweepOutcome,
} from "@bytelab/service/schemas";

/** A run status as a coloured badge (colour plus the word: never colour alone). */
export function StatusBadge({ status }: { status: RunStatusName }) {
  return <span className={`badge status-${status}`}>{status.toLowerCase()}</span>;
}

/** A sweep's outcome as a badge: running, passed, failed, cancelled. */
export function OutcomeBadge({ outcome }: { outcome: SweepOutcome }) {
  return <span className={`badge outcome-${outcome}`}>{outcome}</span>;
}

/** The runs counted per status, coloured, statuses with no run left out ("no runs" when there are none). */
export function StatusCounts({ counts, total }: { counts: Counts; total: number }) {
  const shown = RUN_STATUSES.filter((s) => (counts[s] ?? 0) > 0);
  if (total === 0 || shown.length === 0) return <span className="muted">no runs</span>;
  return (
    <span className="status-counts">
      {shown.map((s) => (
        <span key={s} className={`count status-${s}`} title={`${counts[s]} ${s.toLowerCase()}`}>
          {counts[s]} {s.toLowerCase()}
        </span>
      ))}
    </span>
  );
}
