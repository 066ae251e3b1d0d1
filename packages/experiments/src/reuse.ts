import type { RunSpec } from "./run-spec";

/** A run already in the database, as far as reuse is concerned. */
export interface ExistingRun {
  id: string;
  configHash: string;
  status: string;
}

/**
 * Statuses whose run answers "what does this config give": queued or running (it will), completed (it
 * did) and diverged (deterministically, for that seed). FAILED and CANCELLED runs are no answer: a new
 * run is created for their config.
 */
export const REUSABLE_STATUSES = Object.freeze(["COMPLETED", "RUNNING", "QUEUED", "DIVERGED"] as const);

export interface SubmissionPlan {
  /** Runs to create and queue. */
  create: RunSpec[];
  /** Runs whose config already has a run: the existing run stands for them. */
  reuse: Array<{ run: RunSpec; existing: ExistingRun }>;
}

/**
 * Splits expanded runs into new ones and ones an existing run already covers (same configHash, reusable
 * status; the most advanced status wins: COMPLETED, then RUNNING, QUEUED, DIVERGED). With `repeat`, every
 * run is created again.
 */
export function planSubmission(
  runs: readonly RunSpec[],
  existing: Iterable<ExistingRun>,
  opts: { repeat?: boolean } = {},
): SubmissionPlan {
  if (opts.repeat) return { create: [...runs], reuse: [] };
  const rank = (s: string) => (REUSABLE_STATUSES as readonly string[]).indexOf(s);
  const best = new Map<string, ExistingRun>();
  for (const e of existing) {
    if (rank(e.status) < 0) continue;
    const current = best.get(e.configHash);
    if (!current || rank(e.status) < rank(current.status)) best.set(e.configHash, e);
  }
  const plan: SubmissionPlan = { create: [], reuse: [] };
  for (const run of runs) {
    const found = best.get(run.configHash);
    if (found) plan.reuse.push({ run, existing: found });
    else plan.create.push(run);
  }
  return plan;
}
