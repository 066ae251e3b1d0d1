import type { PrismaClient } from "@bytelab/db/runtime";
import { loadSweepStatus, UnknownSweepError } from "./load-status";
import { outcomeExitCode, SWEEP_EXIT } from "./outcome";
import { countsLine } from "./render";
import type { SweepStatus } from "./status-schema";
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

const OUTCOME_WORDS: Record<SweepStatus["outcome"], string> = {
  running: "still running",
  passed: "every run completed",
  failed: "some runs failed or diverged",
  cancelled: "some runs were cancelled",
};

/**
 * Shows the sweep's progress until every run is finished (the table redrawn on a terminal, plain lines
 * otherwise) and returns the exit code: 0 when every run COMPLETED, 1 when any FAILED / DIVERGED /
 * CANCELLED, 130 on Ctrl-C (which stops only the watching: the sweep keeps running).
 */
export async function followSweep(
  prisma: PrismaClient,
  sweepId: string,
  opts: FollowOptions,
): Promise<number> {
  const display: ProgressDisplay = opts.json
    ? new JsonLinesDisplay()
    : process.stdout.isTTY
      ? new TtyDisplay(process.stdout)
      : new PlainDisplay(process.stdout);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.on("SIGINT", onSigint);
  try {
    const result = await watchSweep({
      load: () => loadSweepStatus(prisma, sweepId),
      display,
      intervalMs: opts.intervalMs,
      signal: interrupt.signal,
      retryable: (error) => !(error instanceof UnknownSweepError),
      onRetry: (error) =>
        console.error(`bytelab sweep: reading the sweep failed, retrying: ${(error as Error).message}`),
    });
    if (result.interrupted) {
      console.error(
        `\nstopped waiting (Ctrl-C); sweep ${sweepId} keeps running.\n` +
          `  follow it:  npx bytelab sweep status ${sweepId} --watch\n` +
          `  cancel it:  npx bytelab sweep cancel ${sweepId}`,
      );
      return SWEEP_EXIT.interrupted;
    }
    const status = result.status!;
    if (!opts.json) {
      const failed = status.runs.filter((r) => r.status === "FAILED" || r.status === "DIVERGED");
      for (const r of failed)
        console.log(`  ${r.status.toLowerCase()}: ${r.label}${r.error ? `: ${r.error.split("\n")[0]}` : ""}`);
      console.log(`sweep ${sweepId} finished: ${OUTCOME_WORDS[status.outcome]} (${countsLine(status)})`);
    }
    return outcomeExitCode(status.outcome);
  } finally {
    process.off("SIGINT", onSigint);
  }
}
