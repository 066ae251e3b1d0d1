import { flattenConfig, stableJson } from "@bytelab/analysis";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { loadStats, toMetricSummary } from "../metrics/stats";
import { asRecord } from "../run-config";
import { type RunDetail, runDetailSchema, type RunEnvironment, runEnvironmentSchema } from "../schemas/run";
import { reusedRunIds } from "../sweeps/load";
import { runRowsByIds } from "./list";

const STAGE_METRIC = /^stage(\d+)\/boundary_fraction$/;
const earlyStopData = z.object({ rung: z.int() }).partial();

/**
 * Config keys whose value differs between the runs of the sweep, with this run's value: what sets this run
 * apart from its siblings (the sweep's base is everything else). Model configs of different architectures
 * have different keys, so keys are compared among the runs of this run's architecture, and `architecture`
 * leads the list when the sweep has several.
 */
async function varyingKeys(
  ctx: ServiceContext,
  run: { id: string; architecture: string; config: Record<string, unknown>; sweepId: string | null },
): Promise<RunDetail["varying"]> {
  if (!run.sweepId) return [];
  const sweep = await ctx.prisma.sweep.findUnique({ where: { id: run.sweepId }, select: { spec: true } });
  const siblings = await ctx.prisma.run.findMany({
    where: { OR: [{ sweepId: run.sweepId }, { id: { in: sweep ? reusedRunIds(sweep) : [] } }] },
    select: { architecture: true, config: true },
  });
  const out: RunDetail["varying"] = [];
  if (new Set(siblings.map((s) => s.architecture)).size > 1)
    out.push({ key: "architecture", value: run.architecture });
  const flats = siblings
    .filter((s) => s.architecture === run.architecture)
    .map((s) => flattenConfig(asRecord(s.config)));
  const mine = flattenConfig(run.config);
  const keys = new Set(flats.flatMap((f) => Object.keys(f)));
  for (const key of [...keys].sort()) {
    const values = new Set(flats.map((f) => stableJson(f[key])));
    if (values.size > 1) out.push({ key, value: mine[key] ?? null });
  }
  return out;
}

/** What the run ran on: the worker's record (runs.environment), completed from the run's own columns. */
function environmentOf(
  stored: unknown,
  run: { backend: string | null; device: string | null; gitCommit: string | null },
): RunEnvironment {
  const env = runEnvironmentSchema.safeParse(stored).data ?? {};
  return {
    ...env,
    backend: env.backend ?? run.backend,
    device: env.device ?? run.device,
    gitCommit: env.gitCommit ?? run.gitCommit,
  };
}

/**
 * One run as the run page and GET /api/v1/runs/{id} show it: its row, the config keys that set it apart in
 * its sweep, where it ran, every metric it recorded (count, last, min, max), H-Net stages, early stop.
 * NotFoundError when it does not exist.
 */
export async function getRun(ctx: ServiceContext, runId: string): Promise<RunDetail> {
  const [row] = await runRowsByIds(ctx.pool, [runId]);
  if (!row) throw new NotFoundError("run", runId);
  const stored = await ctx.prisma.run.findUniqueOrThrow({
    where: { id: runId },
    select: { environment: true, sweepId: true },
  });
  const [varying, stats, stop] = await Promise.all([
    varyingKeys(ctx, {
      id: runId,
      architecture: row.architecture,
      config: row.config,
      sweepId: stored.sweepId,
    }),
    loadStats(ctx.prisma, [runId]),
    ctx.prisma.runEvent.findFirst({
      where: { runId, kind: "EARLY_STOP" },
      orderBy: { at: "desc" },
      select: { message: true, data: true },
    }),
  ]);
  const metrics = [...(stats.get(runId)?.values() ?? [])]
    .map(toMetricSummary)
    .sort((a, b) => a.name.localeCompare(b.name));
  const stages = metrics
    .flatMap((m) => {
      const match = STAGE_METRIC.exec(m.name);
      return match ? [Number(match[1])] : [];
    })
    .sort((a, b) => a - b);
  return runDetailSchema.parse({
    format: "bytelab.run/1",
    run: row,
    varying,
    environment: environmentOf(stored.environment, row),
    metrics,
    stages,
    earlyStop: stop
      ? { rung: earlyStopData.safeParse(stop.data).data?.rung ?? null, reason: stop.message }
      : null,
  });
}
