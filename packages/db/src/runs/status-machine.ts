import { RunStatus } from "../generated/prisma/enums";

/**
 * Legal moves of a run. RUNNING -> QUEUED hands a run back (worker lost, preempted, retry). FAILED -> QUEUED
 * and CANCELLED -> QUEUED are a user's explicit re-run (packages/service rerunRun): the run keeps its id,
 * history and checkpoints, and the next worker resumes it from its last checkpoint. COMPLETED and DIVERGED
 * never move again (a diverged run would diverge again: same config, same seed).
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = Object.freeze({
  [RunStatus.QUEUED]: [RunStatus.RUNNING, RunStatus.CANCELLED],
  [RunStatus.RUNNING]: [
    RunStatus.COMPLETED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
    RunStatus.DIVERGED,
    RunStatus.QUEUED,
  ],
  [RunStatus.COMPLETED]: [],
  [RunStatus.FAILED]: [RunStatus.QUEUED],
  [RunStatus.CANCELLED]: [RunStatus.QUEUED],
  [RunStatus.DIVERGED]: [],
});

/** Finished: no worker trains the run (FAILED and CANCELLED runs may still be re-run by a user). */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = Object.freeze([
  RunStatus.COMPLETED,
  RunStatus.FAILED,
  RunStatus.CANCELLED,
  RunStatus.DIVERGED,
]);

/** Statuses a user may re-run from (to QUEUED). */
export const RERUNNABLE_RUN_STATUSES: readonly RunStatus[] = Object.freeze([
  RunStatus.FAILED,
  RunStatus.CANCELLED,
]);

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** The move from -> to is not allowed by RUN_TRANSITIONS. */
export class IllegalRunTransitionError extends Error {
  override readonly name = "IllegalRunTransitionError";
  constructor(
    readonly runId: string,
    readonly from: RunStatus,
    readonly to: RunStatus,
  ) {
    const allowed = RUN_TRANSITIONS[from];
    super(
      `run ${runId} cannot move from ${from} to ${to}: ` +
        (allowed.length ? `from ${from} it may only move to ${allowed.join(" or ")}` : `${from} is terminal`),
    );
  }
}

/** The run was not in the expected status when we tried to move it (another process moved it first). */
export class RunTransitionConflictError extends Error {
  override readonly name = "RunTransitionConflictError";
  constructor(
    readonly runId: string,
    readonly expected: readonly RunStatus[],
    readonly actual: RunStatus,
    readonly to: RunStatus,
  ) {
    super(
      `run ${runId} could not move to ${to}: expected status ${expected.join(" or ")} but it is ${actual} ` +
        "(another process changed it first)",
    );
  }
}

export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super(`run ${runId} does not exist`);
  }
}
