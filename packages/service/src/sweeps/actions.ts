import type { ServiceContext } from "../context";
import { cancelRun, labelOf, rerunRun } from "../runs/actions";
import type { RunStatusName } from "../schemas/common";
import { type SweepActionResult, sweepActionResultSchema } from "../schemas/sweep";
import { findSweep } from "./load";

export interface SweepActionOptions {
  reason?: string;
}

/**
 * Cancels every QUEUED / RUNNING run of the sweep (its own runs: runs of earlier sweeps it reuses are left to
 * their sweeps). Finished runs are listed unchanged. NotFoundError for an unknown sweep.
 */
export async function cancelSweep(
  ctx: ServiceContext,
  sweepId: string,
  opts: SweepActionOptions = {},
): Promise<SweepActionResult> {
  await findSweep(ctx.prisma, sweepId);
  const active = await ctx.prisma.run.findMany({
    where: { sweepId, status: { in: ["QUEUED", "RUNNING"] } },
    select: { id: true },
    orderBy: { queuedAt: "asc" },
  });
  if (active.length > 0) await ctx.trainQueue(); // Redis first: nothing is changed when it is down
  const runs = [];
  for (const run of active) {
    try {
      runs.push(await cancelRun(ctx, run.id, opts));
    } catch (error) {
      // Finished between the listing and the cancel: report it unchanged.
      if (!(error instanceof Error && error.name === "ConflictError")) throw error;
      const now = await ctx.prisma.run.findUniqueOrThrow({
        where: { id: run.id },
        select: { name: true, status: true, sweep: { select: { name: true } } },
      });
      runs.push({
        runId: run.id,
        label: labelOf(now),
        previous: now.status as RunStatusName,
        status: now.status as RunStatusName,
        changed: false,
        note: `had already finished (${now.status})`,
      });
    }
  }
  return sweepActionResultSchema.parse({
    format: "bytelab.sweep-action/1",
    sweepId,
    action: "cancel",
    changed: runs.filter((r) => r.changed).length,
    runs,
  });
}

/**
 * Re-runs the sweep's FAILED runs (and CANCELLED ones with `includeCancelled`): each goes back to QUEUED and
 * resumes from its last checkpoint. NotFoundError for an unknown sweep; nothing to re-run answers changed: 0.
 */
export async function rerunSweep(
  ctx: ServiceContext,
  sweepId: string,
  opts: SweepActionOptions & { includeCancelled?: boolean } = {},
): Promise<SweepActionResult> {
  await findSweep(ctx.prisma, sweepId);
  const statuses: RunStatusName[] = opts.includeCancelled ? ["FAILED", "CANCELLED"] : ["FAILED"];
  const targets = await ctx.prisma.run.findMany({
    where: { sweepId, status: { in: statuses } },
    select: { id: true },
    orderBy: { queuedAt: "asc" },
  });
  if (targets.length > 0) await ctx.trainQueue();
  const runs = [];
  for (const run of targets) runs.push(await rerunRun(ctx, run.id, opts));
  return sweepActionResultSchema.parse({
    format: "bytelab.sweep-action/1",
    sweepId,
    action: "rerun",
    changed: runs.filter((r) => r.changed).length,
    runs,
  });
}
