import type { Budget } from "./spec/common";

/** A budget resolved for one run: the optimizer steps planned for it and what they amount to. */
export interface ResolvedBudget {
  kind: Budget["kind"];
  /** The budget as written (FLOPs, bytes or steps). */
  value: number;
  /**
   * Planned optimizer steps. A FLOP budget is enforced by the trainer on the run's measured FLOPs
   * (config.flopBudget): a run whose FLOPs per byte differ from the analytic ones (H-Net's follow its
   * measured compression) takes more or fewer steps than these.
   */
  steps: number;
  /** Training bytes = steps x bytes per step (planned, for a FLOP budget). */
  bytes: number;
  /** Training FLOPs = bytes x flopsPerByte(seqLen).training (planned); null when the model's FLOPs are unknown. */
  flops: number | null;
}

/**
 * Relative slack of "the FLOPs reached the budget", the same as @bytelab/train's BUDGET_TOLERANCE (this
 * module stays free of the training stack, which a spec form in a browser must not load).
 */
export const FLOP_BUDGET_TOLERANCE = 1e-9;

/**
 * Steps for a budget. FLOPs: ceil(flops / (trainingFlopsPerByte x bytesPerStep)), the steps after which a
 * run at the analytic FLOPs per byte has reached its budget; the trainer stops the run when its measured
 * FLOPs reach it, so every run spends at least its budget and less than one step more. Bytes:
 * ceil(bytes / bytesPerStep), as the trainer does for byteBudget. Throws when the budget is under one step.
 */
export function resolveBudget(
  budget: Budget,
  bytesPerStep: number,
  trainingFlopsPerByte: number | null,
): ResolvedBudget {
  let steps: number;
  if (budget.kind === "steps") steps = budget.value;
  else if (budget.kind === "bytes") steps = Math.ceil(budget.value / bytesPerStep);
  else {
    if (trainingFlopsPerByte === null)
      throw new Error("a FLOP budget needs the model's FLOPs per byte, which are unknown for this model");
    const perStep = trainingFlopsPerByte * bytesPerStep;
    if (budget.value < perStep)
      throw new Error(
        `budget ${budget.value.toExponential(3)} FLOPs is less than one step (${perStep.toExponential(3)} FLOPs = ` +
          `${bytesPerStep} bytes x ${trainingFlopsPerByte.toExponential(3)} FLOPs/byte)`,
      );
    steps = Math.max(1, Math.ceil((budget.value * (1 - FLOP_BUDGET_TOLERANCE)) / perStep));
  }
  const bytes = steps * bytesPerStep;
  return {
    kind: budget.kind,
    value: budget.value,
    steps,
    bytes,
    flops: trainingFlopsPerByte === null ? null : bytes * trainingFlopsPerByte,
  };
}

/** "1e+13flops", "2e+6bytes", "500steps": a budget in run names. */
export function budgetLabel(budget: Budget): string {
  const v =
    budget.kind === "steps" ? String(budget.value) : budget.value.toExponential().replace(/\.?0+e/, "e");
  return `${v}${budget.kind}`;
}
