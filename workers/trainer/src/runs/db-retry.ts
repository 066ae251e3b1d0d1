import {
  IllegalRunTransitionError,
  isStaleAttemptError,
  RunNotFoundError,
  RunTransitionConflictError,
} from "@bytelab/db/runtime";
import type { Logger } from "../logger";

/** Errors that a retry cannot change (the database answered; the answer was no). */
function isFinalAnswer(error: unknown): boolean {
  return (
    error instanceof RunTransitionConflictError ||
    error instanceof IllegalRunTransitionError ||
    error instanceof RunNotFoundError ||
    // Another worker took the run over: no retry makes this attempt current again.
    isStaleAttemptError(error)
  );
}

/**
 * Runs `fn`, retrying with backoff (250 ms doubling to 5 s) while Postgres fails for `waitMs` at most:
 * a worker rides out a database restart instead of failing the run. Status-machine answers (conflict,
 * illegal move, unknown run) and the fence's (a stale attempt) are thrown at once.
 */
export async function withDbRetry<T>(
  what: string,
  fn: () => Promise<T>,
  opts: { waitMs: number; log: Logger },
): Promise<T> {
  const deadline = Date.now() + opts.waitMs;
  let pause = 250;
  let warned = false;
  for (;;) {
    try {
      const value = await fn();
      if (warned) opts.log.info(`${what}: Postgres answers again`);
      return value;
    } catch (error) {
      if (isFinalAnswer(error) || Date.now() + pause > deadline) throw error;
      if (!warned)
        opts.log.warn(
          `${what}: ${(error as Error).message.split("\n")[0]}; retrying for up to ${opts.waitMs} ms`,
        );
      warned = true;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 5_000);
    }
  }
}
