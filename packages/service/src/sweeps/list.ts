import type { PrismaClient } from "@bytelab/db/runtime";
import { createdAtCursorSchema, decodeCursor, encodeCursor } from "../cursor";
import { InvalidInputError } from "../errors";
import { detailsFromZodIssues } from "../errors";
import { finiteOrNull, type RunStatusName, zeroCounts } from "../schemas/common";
import { type SweepList, type SweepListQuery, sweepListQuerySchema, sweepListSchema } from "../schemas/sweep";
import { sweepRecordFields } from "./load";
import { sweepOutcome } from "./outcome";
import { estimateProgress } from "./progress";

interface RunProgressRow {
  sweep_id: string;
  status: RunStatusName;
  steps: number | null;
  batch: number | null;
  seq: number | null;
  accum: number | null;
  step: number | null;
  throughput: number | null;
}

/**
 * What the list needs of each run of the page's sweeps, in one query: status, the config's steps and bytes per
 * step, the latest step and throughput (metric_stats). A sweep of 10,000 runs costs one narrow row each.
 */
function pageRuns(prisma: PrismaClient, sweepIds: string[]): Promise<RunProgressRow[]> {
  if (sweepIds.length === 0) return Promise.resolve([]);
  return prisma.$queryRaw<RunProgressRow[]>`
    SELECT r.sweep_id, r.status::text AS status,
      CASE WHEN jsonb_typeof(r.config->'steps') = 'number' THEN (r.config->>'steps')::float8::int END AS steps,
      CASE WHEN jsonb_typeof(r.config->'batchSize') = 'number' THEN (r.config->>'batchSize')::float8::int END AS batch,
      CASE WHEN jsonb_typeof(r.config->'seqLen') = 'number' THEN (r.config->>'seqLen')::float8::int END AS seq,
      CASE WHEN jsonb_typeof(r.config->'gradAccumulation') = 'number' THEN (r.config->>'gradAccumulation')::float8::int END AS accum,
      (SELECT max(ms.last_step) FROM metric_stats ms WHERE ms.run_id = r.id) AS step,
      (SELECT ms.last_value FROM metric_stats ms WHERE ms.run_id = r.id AND ms.name = 'throughput/bytes_per_s') AS throughput
    FROM runs r WHERE r.sweep_id = ANY(${sweepIds}::text[])`;
}

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
  const runs = await pageRuns(
    prisma,
    page.map((s) => s.id),
  );
  const bySweep = new Map<string, RunProgressRow[]>();
  for (const r of runs) bySweep.set(r.sweep_id, [...(bySweep.get(r.sweep_id) ?? []), r]);

  const items = page.map((sweep) => {
    const own = bySweep.get(sweep.id) ?? [];
    const counts = zeroCounts();
    for (const r of own) counts[r.status]++;
    return {
      id: sweep.id,
      name: sweep.name,
      description: sweep.description,
      kind: sweepRecordFields(sweep).kind ?? null,
      createdAt: sweep.createdAt.toISOString(),
      total: own.length,
      counts,
      outcome: sweepOutcome(own.map((r) => r.status)),
      progress: estimateProgress(
        own.map((r) => ({
          status: r.status,
          step: r.step,
          totalSteps: r.steps,
          bytesPerStep: r.batch !== null && r.seq !== null ? r.batch * r.seq * (r.accum ?? 1) : null,
          bytesPerSecond: finiteOrNull(r.throughput),
        })),
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
