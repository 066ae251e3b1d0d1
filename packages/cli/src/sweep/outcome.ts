import type { RunStatusName, SweepOutcome } from "./status-schema";

/** Exit codes of the `bytelab sweep` commands. */
export const SWEEP_EXIT = {
  /** Done; with --wait / --watch: every run COMPLETED (ASHA early stops included). */
  ok: 0,
  /** Some run FAILED, DIVERGED or was CANCELLED (with --wait / --watch), or Postgres / Redis unreachable. */
  failed: 1,
  /** Invalid input: a spec that does not validate, a missing file, an unknown sweep or run id. */
  invalid: 2,
  /** Ctrl-C while waiting (the sweep keeps running). */
  interrupted: 130,
} as const;

const FAILED: readonly RunStatusName[] = ["FAILED", "DIVERGED"];
const ACTIVE: readonly RunStatusName[] = ["QUEUED", "RUNNING"];

/** What a set of run statuses amounts to (see SWEEP_OUTCOMES). */
export function sweepOutcome(statuses: readonly RunStatusName[]): SweepOutcome {
  if (statuses.some((s) => ACTIVE.includes(s))) return "running";
  if (statuses.some((s) => FAILED.includes(s))) return "failed";
  if (statuses.some((s) => s === "CANCELLED")) return "cancelled";
  return "passed";
}

/** The exit code of a finished wait. */
export function outcomeExitCode(outcome: SweepOutcome): number {
  return outcome === "passed" ? SWEEP_EXIT.ok : SWEEP_EXIT.failed;
}
