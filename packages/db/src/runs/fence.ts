import type { Prisma, PrismaClient } from "../generated/prisma/client";

/**
 * A claim of a run: its id and the attempt number the claim got (runs.attempts right after QUEUED -> RUNNING).
 * The attempt is the fencing token: every write a worker makes for the run carries it, and Postgres refuses it
 * once a later claim exists (migration 20261203120000_fenced_writes).
 */
export interface Fence {
  runId: string;
  attempt: number;
}

/** SQLSTATE the fence triggers raise. */
export const STALE_ATTEMPT_SQLSTATE = "SF001";

/** Postgres refused a write of `fence`: another worker claimed the run since (a later attempt exists). */
export class StaleAttemptError extends Error {
  override readonly name = "StaleAttemptError";
  constructor(
    readonly fence: Fence,
    detail?: string,
  ) {
    super(
      detail ??
        `stale attempt: run ${fence.runId} was claimed again after attempt ${fence.attempt}; this write was refused`,
    );
  }
}

/** The value of the `bytelab.fence` setting for `fence` (run ids are cuids: no ":"). */
export function fenceSetting(fence: Fence): string {
  if (fence.runId.includes(":")) throw new Error(`run id ${fence.runId} cannot be fenced (contains ":")`);
  return `${fence.runId}:${fence.attempt}`;
}

/**
 * SQL that sets the fence for the current transaction; run it first in a transaction (parameter $1). It also
 * bounds how long the transaction may sit idle (10 s): the fence holds the run row FOR SHARE, and a worker
 * frozen mid-transaction (SIGSTOP, a paused VM) must not block the claim of the worker taking the run over.
 */
export const SET_FENCE_SQL =
  "SELECT set_config('bytelab.fence', $1, true), set_config('idle_in_transaction_session_timeout', '10000', true)";

/** Whether `error` (pg, Prisma or a wrapper of either) is the fence triggers' refusal. */
export function isStaleAttemptError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    if (e instanceof StaleAttemptError) return true;
    const o = e as { code?: unknown; message?: unknown; meta?: { code?: unknown }; cause?: unknown };
    if (o.code === STALE_ATTEMPT_SQLSTATE || o.meta?.code === STALE_ATTEMPT_SQLSTATE) return true;
    if (typeof o.message === "string" && /\bstale attempt: /.test(o.message)) return true;
    e = o.cause ?? (o as { originalError?: unknown }).originalError;
  }
  return false;
}

/** The database's own words for a refusal (the trigger's message), for logs. */
function refusal(error: unknown): string | undefined {
  const text = error instanceof Error ? error.message : String(error);
  return /stale attempt: [^\n`]*/.exec(text)?.[0];
}

/**
 * Runs `fn` in one transaction fenced by `fence`: every write in it to the run's metric points, artifacts,
 * events or row is refused (StaleAttemptError, nothing of the transaction kept) when the run was claimed again.
 */
export async function withFence<T>(
  prisma: PrismaClient,
  fence: Fence,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  try {
    return await prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(SET_FENCE_SQL, fenceSetting(fence));
        return fn(tx);
      },
      { timeout: opts.timeoutMs ?? 30_000, maxWait: opts.timeoutMs ?? 30_000 },
    );
  } catch (error) {
    if (isStaleAttemptError(error) && !(error instanceof StaleAttemptError))
      throw new StaleAttemptError(fence, refusal(error));
    throw error;
  }
}
