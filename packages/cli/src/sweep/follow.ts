import type { SweepOutcome, SweepStatus } from "@bytelab/service/schemas";
import type { Backend } from "../backend/backend";
import { describeError, EXIT, type ExitCode } from "../exit";
import { countsLine } from "./render";
import { PlainDisplay, type ProgressDisplay, TtyDisplay, watchSweep } from "./watch";

export interface FollowOptions {
  intervalMs: number;
  /** One compact JSON snapshot per line instead of the table / plain lines. */
  json?: boolean;
}

class JsonLinesDisplay implements ProgressDisplay {
  update(status: SweepStatus): void {
    process.stdout.write(`${JSON.stringify(status)}\n`);
  }
}

const OUTCOME_WORDS: Record<SweepOutcome, string> = {
  running: "still running",
  passed: "every run completed",
  failed: "some runs failed or diverged",
  cancelled: "some runs were cancelled",
};

/** The exit code of a finished sweep: 0 when every run COMPLETED, else 1. */
export function outcomeExitCode(outcome: SweepOutcome): ExitCode {
  return outcome === "passed" ? EXIT.ok : EXIT.failure;
}

/** Runs `fn` with a signal that Ctrl-C aborts (instead of killing the process). */
export async function interruptible<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.on("SIGINT", onSigint);
  try {
    return await fn(interrupt.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** What to print when Ctrl-C stops the waiting: the sweep goes on, and how to follow or cancel it. */
export function stoppedWaiting(what: string, follow: string, cancel: string): void {
  console.error(
    `\nstopped waiting (Ctrl-C); ${what} keeps running.\n  follow it:  ${follow}\n  cancel it:  ${cancel}`,
  );
}

/**
 * Shows the sweep's progress until every run is finished (the table redrawn on a terminal, plain lines
 * otherwise, JSON lines with `json`) and returns the exit code: 0 when every run COMPLETED, 1 when any
 * FAILED / DIVERGED / CANCELLED, 130 on Ctrl-C (which stops only the watching: the sweep keeps running).
 * Between refreshes it blocks in the backend's wait (a long poll remotely), so the end is seen at once.
 */
export async function followSweep(backend: Backend, sweepId: string, opts: FollowOptions): Promise<ExitCode> {
  const display: ProgressDisplay = opts.json
    ? new JsonLinesDisplay()
    : process.stdout.isTTY
      ? new TtyDisplay(process.stdout)
      : new PlainDisplay(process.stdout);
  const result = await interruptible((signal) =>
    watchSweep({
      next: async (first, signal) =>
        first
          ? backend.sweepStatus(sweepId)
          : (await backend.waitSweep(sweepId, { timeoutSeconds: opts.intervalMs / 1000, signal })).status,
      display,
      retryMs: opts.intervalMs,
      signal,
      retryable: (error) => describeError(error).code !== EXIT.usage,
      onRetry: (error) =>
        console.error(`bytelab: reading the sweep failed, retrying: ${describeError(error).lines[0]}`),
    }),
  );
  if (result.interrupted) {
    stoppedWaiting(
      `sweep ${sweepId}`,
      `npx bytelab sweep status ${sweepId} --watch`,
      `npx bytelab sweep cancel ${sweepId}`,
    );
    return EXIT.interrupted;
  }
  const status = result.status!;
  if (!opts.json) {
    const failed = status.runs.filter((r) => r.status === "FAILED" || r.status === "DIVERGED");
    for (const r of failed)
      console.log(`  ${r.status.toLowerCase()}: ${r.label}${r.error ? `: ${r.error.split("\n")[0]}` : ""}`);
    console.log(`sweep ${sweepId} finished: ${OUTCOME_WORDS[status.outcome]} (${countsLine(status)})`);
  }
  return outcomeExitCode(status.outcome);
}
