import type { PrismaClient } from "@bytelab/db/runtime";
import { z } from "zod";
import { sweepOutcome } from "./outcome";
import {
  RUN_STATUSES,
  type RunProgress,
  type RunStatusName,
  type SweepStatus,
  sweepStatusSchema,
} from "./status-schema";

/** The sweep id is not in the database. */
export class UnknownSweepError extends Error {
  override readonly name = "UnknownSweepError";
  constructor(readonly sweepId: string) {
    super(`no sweep with id "${sweepId}"; list the recent ones with \`bytelab sweep list\``);
  }
}

/** The metrics progress is read from (latest point of each). */
const PROGRESS_METRICS = {
  valBpb: "val/bpb",
  trainBpb: "train/bpb",
  bytesPerSecond: "throughput/bytes_per_s",
};

const sweepRecordFields = z.object({
  kind: z.string().optional(),
  reusedRuns: z.array(z.object({ runId: z.string() })).optional(),
});
const configSteps = z.object({ steps: z.int().positive() });
const earlyStopData = z.object({ rung: z.int() }).partial();

interface LatestPoint {
  run_id: string;
  name: string;
  step: number;
  value: number | null;
}

/**
 * The latest point of each progress metric of each run: one index probe per (run, metric) on the
 * (run_id, name, step) primary key, however long the series are.
 */
async function latestPoints(prisma: PrismaClient, runIds: string[]): Promise<LatestPoint[]> {
  if (runIds.length === 0) return [];
  const names = Object.values(PROGRESS_METRICS);
  return prisma.$queryRaw<LatestPoint[]>`
    SELECT r.id AS run_id, n.name, p.step, p.value
    FROM unnest(${runIds}::text[]) AS r(id)
    CROSS JOIN unnest(${names}::text[]) AS n(name)
    CROSS JOIN LATERAL (
      SELECT m.step, m.value FROM metric_points m
      WHERE m.run_id = r.id AND m.name = n.name
      ORDER BY m.step DESC LIMIT 1
    ) p`;
}

/** The last ERROR event of each run that has one (for failed runs whose runs.error is empty). */
async function lastErrors(prisma: PrismaClient, runIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (runIds.length === 0) return out;
  const events = await prisma.runEvent.findMany({
    where: { runId: { in: runIds }, level: "ERROR" },
    orderBy: { at: "desc" },
    select: { runId: true, message: true },
  });
  for (const e of events) if (!out.has(e.runId)) out.set(e.runId, e.message);
  return out;
}

/**
 * Everything `bytelab sweep status` shows: the sweep, its runs (its own and the runs of earlier sweeps it
 * reuses), each with its latest step, val/train bpb, throughput, worker and error. Throws UnknownSweepError.
 */
export async function loadSweepStatus(prisma: PrismaClient, sweepId: string): Promise<SweepStatus> {
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId } });
  if (!sweep) throw new UnknownSweepError(sweepId);
  const record = sweepRecordFields.safeParse(sweep.spec);
  const reusedIds = new Set(record.success ? (record.data.reusedRuns ?? []).map((r) => r.runId) : []);
  const runs = await prisma.run.findMany({
    where: { OR: [{ sweepId }, { id: { in: [...reusedIds] } }] },
    include: { worker: { select: { id: true, host: true } } },
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
  });
  const ids = runs.map((r) => r.id);
  const [points, earlyStops, errors] = await Promise.all([
    latestPoints(prisma, ids),
    prisma.runEvent.findMany({
      where: { runId: { in: ids }, kind: "EARLY_STOP" },
      orderBy: { at: "desc" },
      select: { runId: true, message: true, data: true },
    }),
    lastErrors(
      prisma,
      runs.filter((r) => !r.error && (r.status === "FAILED" || r.status === "DIVERGED")).map((r) => r.id),
    ),
  ]);
  const latest = new Map<string, Map<string, LatestPoint>>();
  for (const p of points) {
    const byName = latest.get(p.run_id) ?? new Map<string, LatestPoint>();
    byName.set(p.name, p);
    latest.set(p.run_id, byName);
  }
  const earlyStopOf = new Map<string, { rung: number | null; reason: string }>();
  for (const e of earlyStops)
    if (!earlyStopOf.has(e.runId))
      earlyStopOf.set(e.runId, {
        rung: earlyStopData.safeParse(e.data).data?.rung ?? null,
        reason: e.message,
      });

  const prefix = `${sweep.name}/`;
  const progress: RunProgress[] = runs.map((run) => {
    const byName = latest.get(run.id);
    const value = (name: string) => {
      const v = byName?.get(name)?.value;
      return typeof v === "number" && Number.isFinite(v) ? v : null; // a diverged loss may be NaN
    };
    const steps = [...(byName?.values() ?? [])].map((p) => p.step);
    const own = run.sweepId === sweepId;
    return {
      id: run.id,
      name: run.name,
      label: own && run.name.startsWith(prefix) ? run.name.slice(prefix.length) : run.name,
      architecture: run.architecture,
      seed: run.seed,
      status: run.status,
      reused: !own,
      step: steps.length ? Math.max(...steps) : null,
      totalSteps: configSteps.safeParse(run.config).data?.steps ?? null,
      valBpb: value(PROGRESS_METRICS.valBpb),
      trainBpb: value(PROGRESS_METRICS.trainBpb),
      bytesPerSecond: value(PROGRESS_METRICS.bytesPerSecond),
      worker: run.worker,
      error: run.error ?? errors.get(run.id) ?? null,
      earlyStop: earlyStopOf.get(run.id) ?? null,
      attempts: run.attempts,
      queuedAt: run.queuedAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  });
  const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatusName, number>;
  for (const r of progress) counts[r.status]++;
  return sweepStatusSchema.parse({
    format: "bytelab.sweep-status/1",
    sweep: {
      id: sweep.id,
      name: sweep.name,
      description: sweep.description,
      kind: record.success ? (record.data.kind ?? null) : null,
      createdAt: sweep.createdAt.toISOString(),
    },
    outcome: sweepOutcome(progress.map((r) => r.status)),
    counts,
    total: progress.length,
    runs: progress,
    at: new Date().toISOString(),
  });
}
