import type { PrismaClient } from "@bytelab/db/runtime";
import { createdAtCursorSchema, decodeCursor, encodeCursor } from "../cursor";
import { InvalidInputError } from "../errors";
import { latestStep, loadStats, METRICS } from "../metrics/stats";
import { runShape } from "../run-config";
import { detailsFromZodIssues } from "../errors";
import { type RunStatusName, zeroCounts } from "../schemas/common";
import { type SweepList, type SweepListQuery, sweepListQuerySchema, sweepListSchema } from "../schemas/sweep";
import { sweepRecordFields } from "./load";
import { sweepOutcome } from "./outcome";
import { estimateProgress } from "./progress";

/**
 * Sweeps, newest first, a page at a time (keyset on created_at, id: stable while new sweeps arrive), each
 * with its own runs counted per status, its outcome, progress and ETA.
 */
export async function listSweeps(prisma: PrismaClient, query: SweepListQuery = {}): Promise<SweepList> {
  const parsed = sweepListQuerySchema.safeParse(query);
  if (!parsed.success)
    throw new InvalidInputError("invalid sweep list query", detailsFromZodIssues(parsed.error.issues));
  const { limit, cursor } = parsed.data;
  const after = cursor ? decodeCursor(cursor, createdAtCursorSchema) : null;
  const sweeps = await prisma.sweep.findMany({
    where: after
      ? {
          OR: [
            { createdAt: { lt: new Date(after.t) } },
            { createdAt: new Date(after.t), id: { lt: after.id } },
          ],
        }
      : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = sweeps.slice(0, limit);
  const runs = await prisma.run.findMany({
    where: { sweepId: { in: page.map((s) => s.id) } },
    select: { id: true, sweepId: true, status: true, config: true },
  });
  const stats = await loadStats(
    prisma,
    runs.map((r) => r.id),
    [METRICS.trainBpb, METRICS.valBpb, METRICS.bytesPerSecond],
  );
  const bySweep = new Map<string, typeof runs>();
  for (const r of runs) if (r.sweepId) bySweep.set(r.sweepId, [...(bySweep.get(r.sweepId) ?? []), r]);

  const items = page.map((sweep) => {
    const own = bySweep.get(sweep.id) ?? [];
    const counts = zeroCounts();
    for (const r of own) counts[r.status as RunStatusName]++;
    return {
      id: sweep.id,
      name: sweep.name,
      description: sweep.description,
      kind: sweepRecordFields(sweep).kind ?? null,
      createdAt: sweep.createdAt.toISOString(),
      total: own.length,
      counts,
      outcome: sweepOutcome(own.map((r) => r.status as RunStatusName)),
      progress: estimateProgress(
        own.map((r) => {
          const shape = runShape(r.config);
          const s = stats.get(r.id);
          return {
            status: r.status as RunStatusName,
            step: latestStep(s),
            totalSteps: shape.totalSteps,
            bytesPerStep: shape.bytesPerStep,
            bytesPerSecond: s?.get(METRICS.bytesPerSecond)?.last ?? null,
          };
        }),
      ),
    };
  });
  const last = page.at(-1);
  return sweepListSchema.parse({
    format: "bytelab.sweep-list/1",
    sweeps: items,
    nextCursor:
      sweeps.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
  });
}
