import type { Budget } from "./spec/common";

/** A budget resolved for one run: the optimizer steps it trains and what they amount to. */
export interface ResolvedBudget {
  kind: Budget["kind"];
  /** The budget as written (FLOPs, bytes or steps). */
  value: number;
  steps: number;
  /** Training bytes = steps x bytes per step. */
  bytes: number;
  /** Training FLOPs = bytes x flopsPerByte(seqLen).training; null when the model's FLOPs are unknown. */
  flops: number | null;
}

/**
 * Steps for a budget. FLOPs: floor(flops / (trainingFlopsPerByte x bytesPerStep)), so no run exceeds its
 * compute and runs of different architectures differ by less than one step of compute. Bytes:
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
    steps = Math.floor(budget.value / perStep);
    if (steps < 1)
      throw new Error(
        `budget ${budget.value.toExponential(3)} FLOPs is less than one step (${perStep.toExponential(3)} FLOPs = ` +
          `${bytesPerStep} bytes x ${trainingFlopsPerByte.toExponential(3)} FLOPs/byte)`,
      );
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
