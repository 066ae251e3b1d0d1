import { clip, duration, fixed, rate, table } from "./format";
import { RUN_STATUSES, type RunProgress, type SweepStatus } from "@bytelab/service/schemas";

/** "12 runs: 3 running, 7 queued, 2 completed". */
export function countsLine(status: SweepStatus): string {
  const parts = RUN_STATUSES.filter((s) => status.counts[s] > 0).map(
    (s) => `${status.counts[s]} ${s.toLowerCase()}`,
  );
  return `${status.total} run${status.total === 1 ? "" : "s"}: ${parts.join(", ") || "none"}`;
}

export function stepCell(run: RunProgress): string {
  if (run.step === null && run.totalSteps === null) return "-";
  return `${run.step ?? 0}/${run.totalSteps ?? "?"}`;
}

/** The short note after a run's numbers: its error, ASHA's decision, where a reused run comes from. */
export function noteCell(run: RunProgress): string {
  const notes: string[] = [];
  if (run.error) notes.push(`error: ${run.error.split("\n")[0]}`);
  if (run.earlyStop)
    notes.push(`stopped early by ASHA${run.earlyStop.rung === null ? "" : ` at rung ${run.earlyStop.rung}`}`);
  if (run.reused) notes.push(`reused from ${run.name}`);
  if (run.attempts > 1) notes.push(`attempt ${run.attempts}`);
  return notes.join("; ");
}

/** The header line of a sweep: name, id, counts, and how long ago it was created. */
export function headerLine(status: SweepStatus): string {
  const age = (Date.parse(status.at) - Date.parse(status.sweep.createdAt)) / 1000;
  return `sweep ${status.sweep.name} (${status.sweep.id}) ${countsLine(status)}   ${duration(age)} since submit`;
}

export interface TableOptions {
  /** Terminal columns: lines are cut to fit. */
  width?: number | undefined;
  /** At most this many run rows (active runs first, the rest summarised). */
  maxRows?: number | undefined;
}

const ORDER: Record<RunProgress["status"], number> = {
  RUNNING: 0,
  FAILED: 1,
  DIVERGED: 2,
  QUEUED: 3,
  COMPLETED: 4,
  CANCELLED: 5,
};

/** The compact table: one row per run (run, status, step, val bpb, train bpb, throughput, worker, note). */
export function statusTable(status: SweepStatus, opts: TableOptions = {}): string[] {
  let runs = status.runs;
  let hidden = 0;
  if (opts.maxRows !== undefined && runs.length > opts.maxRows) {
    const keep = new Set(
      [...runs]
        .sort((a, b) => ORDER[a.status] - ORDER[b.status])
        .slice(0, Math.max(1, opts.maxRows - 1))
        .map((r) => r.id),
    );
    hidden = runs.length - keep.size;
    runs = runs.filter((r) => keep.has(r.id));
  }
  const rows = [
    ["run", "status", "step", "val bpb", "train bpb", "throughput", "worker", "note"],
    ...runs.map((r) => [
      r.label,
      r.status,
      stepCell(r),
      fixed(r.valBpb),
      fixed(r.trainBpb),
      rate(r.bytesPerSecond),
      r.worker?.host ?? "-",
      noteCell(r),
    ]),
  ];
  const lines = table(rows, [false, false, true, true, true, true, false, false]).map((l) => `  ${l}`);
  if (hidden > 0) lines.push(`  ... and ${hidden} more (see \`bytelab sweep status ${status.sweep.id}\`)`);
  return lines.map((l) => clip(l, opts.width));
}

/** One plain line for a run (non-TTY progress output): stable, grep-able `key value` pairs. */
export function runLine(run: RunProgress): string {
  const parts = [run.label, run.status, `step ${stepCell(run)}`];
  if (run.valBpb !== null) parts.push(`val/bpb ${fixed(run.valBpb)}`);
  if (run.trainBpb !== null) parts.push(`train/bpb ${fixed(run.trainBpb)}`);
  if (run.bytesPerSecond !== null) parts.push(rate(run.bytesPerSecond));
  if (run.worker) parts.push(`worker ${run.worker.host}`);
  const note = noteCell(run);
  if (note) parts.push(`(${note})`);
  return parts.join("  ");
}
