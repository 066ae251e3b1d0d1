import type { RunWait, SweepWait } from "@bytelab/service/schemas";
import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode } from "../exit";
import { interruptible, outcomeExitCode, stoppedWaiting } from "./follow";
import { countsLine } from "./render";

/** One long poll at most this long (the REST route allows 120 s; proxies cut idle requests soon after). */
const POLL_SECONDS = 60;

export type WaitTarget = { sweep: string } | { run: string };
type Answer<T extends WaitTarget> = T extends { sweep: string } ? SweepWait : RunWait;

export interface WaitOutcome<T extends WaitTarget> {
  how: "finished" | "timeout" | "interrupted";
  /** The last answer (null only when interrupted before the first). */
  last: Answer<T> | null;
  waitedSeconds: number;
}

/** "sweep X: 3 runs: 1 running, 2 completed" / "run NAME: RUNNING": what is being waited for, now. */
export function progressLine(target: WaitTarget, answer: SweepWait | RunWait): string {
  return "status" in answer
    ? `sweep ${(target as { sweep: string }).sweep}: ${countsLine(answer.status)}`
    : `run ${answer.run.run.name}: ${answer.run.run.status}`;
}

/**
 * Blocks until the sweep's runs (or the run) have finished, `timeoutSeconds` have passed (undefined: no
 * limit) or Ctrl-C: the backend's wait (a long poll remotely) in a loop. The first call answers at once,
 * so `onProgress` says what is being waited for from the start, then again at every change.
 */
export async function waitUntilFinished<T extends WaitTarget>(
  backend: Backend,
  target: T,
  opts: { timeoutSeconds?: number | undefined; onProgress?: (line: string) => void },
): Promise<WaitOutcome<T>> {
  const started = Date.now();
  const left = () =>
    opts.timeoutSeconds === undefined ? POLL_SECONDS : opts.timeoutSeconds - (Date.now() - started) / 1000;
  let last: Answer<T> | null = null;
  let shown = "";
  const how = await interruptible(async (signal) => {
    let first = true;
    do {
      const call = { timeoutSeconds: first ? 0 : Math.max(0, Math.min(POLL_SECONDS, left())), signal };
      first = false;
      try {
        last = (
          "sweep" in target
            ? await backend.waitSweep(target.sweep, call)
            : await backend.waitRun(target.run, call)
        ) as Answer<T>;
      } catch (error) {
        if (signal.aborted) return "interrupted" as const;
        throw error;
      }
      if (signal.aborted) return "interrupted" as const;
      const line = progressLine(target, last);
      if (line !== shown) opts.onProgress?.(line);
      shown = line;
      if (last.finished) return "finished" as const;
    } while (left() > 0);
    return "timeout" as const;
  });
  return { how, last, waitedSeconds: (Date.now() - started) / 1000 };
}

export interface WaitFlags {
  /** Overall limit in seconds; undefined: no limit. */
  timeoutSeconds?: number | undefined;
  json: boolean;
}

/**
 * `bytelab sweep wait ID`: blocks until every run of the sweep has finished (progress lines on stderr),
 * then prints one line (or the bytelab.sweep-wait/1 object) and exits as `submit --wait` does. With
 * --timeout: exit 1 when runs are still going at the end ("finished": false).
 */
export async function waitCommand(backend: Backend, sweepId: string, flags: WaitFlags): Promise<ExitCode> {
  const { how, last, waitedSeconds } = await waitUntilFinished(
    backend,
    { sweep: sweepId },
    {
      timeoutSeconds: flags.timeoutSeconds,
      onProgress: (line) => process.stderr.write(`waiting: ${line}\n`),
    },
  );
  if (how === "interrupted" || last === null) {
    stoppedWaiting(
      `sweep ${sweepId}`,
      `npx bytelab sweep wait ${sweepId}`,
      `npx bytelab sweep cancel ${sweepId}`,
    );
    return EXIT.interrupted;
  }
  const result: SweepWait = { ...last, waitedSeconds };
  if (flags.json) console.log(JSON.stringify(result, null, 2));
  else if (how === "timeout")
    console.log(
      `sweep ${sweepId} is still running after ${Math.round(waitedSeconds)} s (${countsLine(result.status)})`,
    );
  else console.log(`sweep ${sweepId} finished: ${result.status.outcome} (${countsLine(result.status)})`);
  return how === "timeout" ? EXIT.failure : outcomeExitCode(result.status.outcome);
}
