import type { CancelResult } from "@bytelab/queue";
import type { ConnectionFlags } from "./connection";
import { SWEEP_EXIT } from "./outcome";
import { UnknownIdError } from "./run-command";
import { openSweepSession } from "./session";

export interface CancelFlags extends ConnectionFlags {
  run?: string | undefined;
  reason: string;
}

function resultLine(r: CancelResult, label: string): string {
  if (!r.cancelled) return `not cancelled: ${label} (${r.runId}) had already finished (${r.status})`;
  const how =
    r.previous === "RUNNING"
      ? "its worker was signalled and stops at the next step"
      : r.jobRemoved
        ? "its job was removed from the queue"
        : "its job was not waiting (a worker had it); the worker skips it";
  return `cancelled: ${label} (${r.runId}), was ${r.previous}; ${how}`;
}

/**
 * `bytelab sweep cancel ID [--run RUN_ID]`: every QUEUED / RUNNING run of the sweep (or the one run) moves to
 * CANCELLED through cancelSweep / cancelRun (Postgres first, then the Redis signal, waiting jobs removed).
 */
export async function cancelCommand(sweepId: string, flags: CancelFlags): Promise<number> {
  const session = await openSweepSession(flags, { redis: true });
  try {
    const { cancelRun, cancelSweep } = await import("@bytelab/queue");
    const sweep = await session.prisma.sweep.findUnique({ where: { id: sweepId }, select: { name: true } });
    if (!sweep)
      throw new UnknownIdError(
        `no sweep with id "${sweepId}"; list the recent ones with \`bytelab sweep list\``,
      );
    const runs = await session.prisma.run.findMany({
      where: flags.run ? { id: flags.run } : { sweepId },
      select: { id: true, name: true, sweepId: true, status: true },
    });
    const labels = new Map(runs.map((r) => [r.id, r.name.replace(`${sweep.name}/`, "")]));
    let results: CancelResult[];
    if (flags.run) {
      const run = runs[0];
      if (!run)
        throw new UnknownIdError(`no run with id "${flags.run}"; see \`bytelab sweep status ${sweepId}\``);
      if (run.sweepId !== sweepId)
        throw new UnknownIdError(
          `run ${run.id} is not a run of sweep ${sweepId}` +
            (run.sweepId
              ? ` (it belongs to sweep ${run.sweepId}; cancel it there: bytelab sweep cancel ${run.sweepId} --run ${run.id})`
              : ""),
        );
      results = [await cancelRun(session.prisma, session.trainQueue!, run.id, { reason: flags.reason })];
    } else {
      results = await cancelSweep(session.prisma, session.trainQueue!, sweepId, { reason: flags.reason });
    }
    for (const r of results) console.log(resultLine(r, labels.get(r.runId) ?? r.runId));
    const cancelled = results.filter((r) => r.cancelled).length;
    if (cancelled === 0 && !flags.run)
      console.log(`nothing to cancel: every run of sweep ${sweepId} has finished (${runs.length} runs)`);
    else console.log(`${cancelled} run${cancelled === 1 ? "" : "s"} cancelled`);
    return SWEEP_EXIT.ok;
  } finally {
    await session.close();
  }
}
