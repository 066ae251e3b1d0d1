import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { MAX_WAIT_SECONDS } from "../schemas/common";
import type { RunDetail } from "../schemas/run";
import type { SweepStatus } from "../schemas/sweep";
import { findSweep, reusedRunIds } from "../sweeps/load";
import { getSweepStatus } from "../sweeps/status";
import { getRun } from "./detail";

export interface WaitOptions {
  /** Seconds to wait at most (clamped to [0, MAX_WAIT_SECONDS]). */
  timeoutSeconds: number;
  /** Time between checks (default 1 s). */
  intervalMs?: number;
  /** Stops waiting early (the client went away). */
  signal?: AbortSignal;
}

/** How a server shares reads between many waiting clients (e.g. a short-lived cache of the status). */
export interface WaitReaders<T> {
  /** The answer (default: read it from the database). */
  read?: () => Promise<T>;
}

export interface WaitResult<T> {
  /** true when it finished; false when the timeout came first (ask again). */
  finished: boolean;
  waitedSeconds: number;
  value: T;
}

/** Waits `ms`, or less when `signal` aborts; the abort listener is removed either way (polls add one each). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/** Polls the cheap `finished` check until true or the deadline, then reads the full answer once. */
async function waitFor<T>(
  finished: () => Promise<boolean>,
  read: () => Promise<T>,
  opts: WaitOptions,
): Promise<WaitResult<T>> {
  const started = Date.now();
  const deadline = started + Math.max(0, Math.min(MAX_WAIT_SECONDS, opts.timeoutSeconds)) * 1000;
  let done = await finished();
  while (!done && Date.now() < deadline && !opts.signal?.aborted) {
    await sleep(Math.min(opts.intervalMs ?? 1000, Math.max(0, deadline - Date.now())), opts.signal);
    done = await finished();
  }
  return { finished: done, waitedSeconds: (Date.now() - started) / 1000, value: await read() };
}

const ACTIVE = ["QUEUED", "RUNNING"] as const;

/** Long poll: the sweep's status once every run has finished, or when the timeout comes first. */
export async function waitForSweep(
  ctx: ServiceContext,
  sweepId: string,
  opts: WaitOptions & WaitReaders<SweepStatus>,
): Promise<WaitResult<SweepStatus>> {
  const sweep = await findSweep(ctx.prisma, sweepId);
  const { read } = opts;
  if (read) return waitFor(async () => (await read()).outcome !== "running", read, opts);
  const ids = reusedRunIds(sweep);
  return waitFor(
    async () =>
      (await ctx.prisma.run.count({
        where: { OR: [{ sweepId }, { id: { in: ids } }], status: { in: [...ACTIVE] } },
      })) === 0,
    () => getSweepStatus(ctx.prisma, sweepId),
    opts,
  );
}

/** Long poll: the run once it has finished (COMPLETED, FAILED, DIVERGED, CANCELLED), or at the timeout. */
export async function waitForRun(
  ctx: ServiceContext,
  runId: string,
  opts: WaitOptions & WaitReaders<RunDetail>,
): Promise<WaitResult<RunDetail>> {
  const { read } = opts;
  if (read) {
    await read(); // NotFoundError for an unknown run, before any waiting
    const done = async () => !(ACTIVE as readonly string[]).includes((await read()).run.status);
    return waitFor(done, read, opts);
  }
  const finished = async () => {
    const run = await ctx.prisma.run.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run) throw new NotFoundError("run", runId);
    return !(ACTIVE as readonly string[]).includes(run.status);
  };
  return waitFor(finished, () => getRun(ctx, runId), opts);
}
