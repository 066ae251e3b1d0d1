import type { SweepWait } from "@bytelab/service/schemas";
import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode } from "../exit";
import { interruptible, outcomeExitCode, stoppedWaiting } from "./follow";
import { countsLine } from "./render";

export interface WaitFlags {
  /** Overall limit in seconds; undefined: no limit. */
  timeoutSeconds?: number | undefined;
  json: boolean;
}

/** One long poll at most this long (the REST route allows 120 s; proxies cut idle requests soon after). */
const POLL_SECONDS = 60;

/**
 * `bytelab sweep wait ID`: blocks, without a display, until every run of the sweep has finished (the
 * service's wait; remotely the /wait route, long-polled in a loop), then prints one line (or the
 * bytelab.sweep-wait/1 object) and exits as `submit --wait` does. With --timeout: exit 1 when runs are
 * still going at the end ("finished": false).
 */
export async function waitCommand(backend: Backend, sweepId: string, flags: WaitFlags): Promise<ExitCode> {
  const started = Date.now();
  const left = () =>
    flags.timeoutSeconds === undefined ? POLL_SECONDS : flags.timeoutSeconds - (Date.now() - started) / 1000;
  let last: SweepWait | null = null;
  const outcome = await interruptible(async (signal) => {
    do {
      try {
        last = await backend.waitSweep(sweepId, {
          timeoutSeconds: Math.max(0, Math.min(POLL_SECONDS, left())),
          signal,
        });
      } catch (error) {
        if (signal.aborted) return "interrupted" as const;
        throw error;
      }
      if (signal.aborted) return "interrupted" as const;
      if (last.finished) return "finished" as const;
    } while (left() > 0);
    return "timeout" as const;
  });
  if (outcome === "interrupted" || last === null) {
    stoppedWaiting(
      `sweep ${sweepId}`,
      `npx bytelab sweep wait ${sweepId}`,
      `npx bytelab sweep cancel ${sweepId}`,
    );
    return EXIT.interrupted;
  }
  const result: SweepWait = { ...(last as SweepWait), waitedSeconds: (Date.now() - started) / 1000 };
  if (flags.json) console.log(JSON.stringify(result, null, 2));
  else if (outcome === "timeout")
    console.log(
      `sweep ${sweepId} is still running after ${Math.round(result.waitedSeconds)} s (${countsLine(result.status)})`,
    );
  else console.log(`sweep ${sweepId} finished: ${result.status.outcome} (${countsLine(result.status)})`);
  return outcome === "timeout" ? EXIT.failure : outcomeExitCode(result.status.outcome);
}
