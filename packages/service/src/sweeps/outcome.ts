import type { RunStatusName } from "../schemas/common";
import type { SweepOutcome } from "../schemas/sweep";

const FAILED: readonly RunStatusName[] = ["FAILED", "DIVERGED"];
const ACTIVE: readonly RunStatusName[] = ["QUEUED", "RUNNING"];

/** What a set of run statuses amounts to (see SWEEP_OUTCOMES). */
export function sweepOutcome(statuses: readonly RunStatusName[]): SweepOutcome {
  if (statuses.some((s) => ACTIVE.includes(s))) return "running";
  if (statuses.some((s) => FAILED.includes(s))) return "failed";
  if (statuses.some((s) => s === "CANCELLED")) return "cancelled";
  return "passed";
}
