import { sci } from "./html/format";
import type { RunValues } from "./run-values";
import type { ReportRun } from "./schema";
import type { ReportRunBudget } from "./types";

/**
 * Relative slack of "the run reached its FLOP budget" (@bytelab/train's BUDGET_TOLERANCE): cumulative FLOPs
 * are a sum of per-step floats.
 */
const BUDGET_TOLERANCE = 1e-9;

const positive = (v: unknown): number | null =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null;

/** The run's training-FLOP budget as its trainer enforced it (config.flopBudget); null without one. */
export function flopBudgetOf(run: ReportRun): number | null {
  return positive(run.config.flopBudget);
}

/**
 * The compute a run was planned at: its FLOP budget, else planned steps x bytes per step x its stored
 * training FLOPs per byte (runs of a steps or bytes budget, and runs from before budgets were enforced);
 * null when the config does not say. Runs with the same planned compute are one point of the design.
 */
export function plannedCompute(run: ReportRun): number | null {
  const budget = flopBudgetOf(run);
  if (budget !== null) return budget;
  const c = run.config;
  const steps = positive(c.steps);
  const batch = positive(c.batchSize);
  const accumulation = positive(c.gradAccumulation) ?? 1;
  const seqLen = positive(c.seqLen);
  const perByte = positive(run.flopsPerByte);
  if (steps === null || batch === null || seqLen === null || perByte === null) return null;
  return steps * batch * accumulation * seqLen * perByte;
}

/** The run's FLOP budget and what it reached (ReportRunRow.budget). */
export function runBudget(run: ReportRun, values: RunValues): ReportRunBudget | null {
  const flops = flopBudgetOf(run);
  if (flops === null) return null;
  const reached = values.lastFlops;
  return {
    flops,
    reached,
    reachedBudget: reached === null ? null : reached >= flops * (1 - BUDGET_TOLERANCE),
  };
}

export type EndedEarlyReason = "early-stopped" | "diverged" | "stopped-before-budget";

/** Why a run ended before the compute it was planned for; null when it did not (or it is not known). */
export function endedEarly(
  run: ReportRun,
  values: RunValues,
): { reason: EndedEarlyReason; detail: string } | null {
  const at = values.lastFlops;
  const where = at === null ? "" : ` at ${sci(at)} FLOPs`;
  if (run.status === "DIVERGED") return { reason: "diverged", detail: `diverged${where}` };
  if (run.earlyStop)
    return {
      reason: "early-stopped",
      detail: `stopped early by ASHA${run.earlyStop.rung === null ? "" : ` (rung ${run.earlyStop.rung})`}${where}`,
    };
  const budget = runBudget(run, values);
  if (run.status === "COMPLETED" && budget?.reachedBudget === false)
    return {
      reason: "stopped-before-budget",
      detail: `stopped${where}, before its budget of ${sci(budget.flops)} (an early stop or its step cap)`,
    };
  return null;
}
