import type { ReportInput, ReportRunInput } from "@bytelab/analysis/report";
import { getPool, getPrisma, metricSeries, type SeriesPoint } from "@bytelab/db";

/** The sweep id is not in the database. */
export class SweepNotFoundError extends Error {
  override readonly name = "SweepNotFoundError";
  constructor(
    readonly sweepId: string,
    where: string,
  ) {
    super(`no sweep with id "${sweepId}" in ${where}; check the id (and --database-url / DATABASE_URL)`);
  }
}

/** host:port/database of a Postgres URL, without credentials (for messages). */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `database ${u.pathname.replace(/^\//, "") || "(default)"} at ${u.hostname}${u.port ? `:${u.port}` : ""}`;
  } catch {
    return "the database";
  }
}

function errorOf(data: unknown): string | null {
  if (data && typeof data === "object" && "error" in data && typeof data.error === "string")
    return data.error;
  return null;
}

/**
 * Everything a sweep report is built from: the sweep row, its runs (with their worker) and, per run, the
 * stored series of the metrics the report shows. A failed run without runs.error gets the error of its last
 * ERROR event or FAILED status change, if one was recorded.
 */
export async function loadSweepForReport(
  databaseUrl: string,
  sweepId: string,
  metrics: string[],
): Promise<ReportInput> {
  const prisma = getPrisma(databaseUrl);
  const sweep = await prisma.sweep.findUnique({
    where: { id: sweepId },
    include: { runs: { include: { worker: true }, orderBy: [{ queuedAt: "asc" }, { id: "asc" }] } },
  });
  if (!sweep) throw new SweepNotFoundError(sweepId, describeDatabase(databaseUrl));

  const failedWithoutError = sweep.runs.filter((r) => r.status === "FAILED" && !r.error).map((r) => r.id);
  const eventErrors = new Map<string, string>();
  if (failedWithoutError.length > 0) {
    const events = await prisma.runEvent.findMany({
      where: { runId: { in: failedWithoutError }, OR: [{ level: "ERROR" }, { kind: "STATUS" }] },
      orderBy: { at: "desc" },
    });
    for (const e of events) {
      if (eventErrors.has(e.runId)) continue;
      const text = errorOf(e.data) ?? (e.level === "ERROR" ? e.message : null);
      if (text) eventErrors.set(e.runId, text);
    }
  }

  const pool = getPool(databaseUrl);
  const series: Record<string, Record<string, SeriesPoint[]>> = {};
  await Promise.all(
    sweep.runs.flatMap((run) =>
      metrics.map(async (name) => {
        const points = await metricSeries(pool, run.id, name);
        if (points.length === 0) return;
        series[run.id] ??= {};
        series[run.id]![name] = points;
      }),
    ),
  );

  const runs: ReportRunInput[] = sweep.runs.map((run) => ({
    id: run.id,
    name: run.name,
    status: run.status,
    architecture: run.architecture,
    seed: run.seed,
    config: run.config && typeof run.config === "object" && !Array.isArray(run.config) ? run.config : {},
    configHash: run.configHash,
    paramCount: run.paramCount,
    flopsPerByte: run.flopsPerByte,
    gitCommit: run.gitCommit,
    backend: run.backend,
    device: run.device,
    worker: run.worker ? { id: run.worker.id, host: run.worker.host, version: run.worker.version } : null,
    error: run.error ?? eventErrors.get(run.id) ?? null,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  }));
  return {
    sweep: {
      id: sweep.id,
      name: sweep.name,
      description: sweep.description,
      spec: sweep.spec,
      createdAt: sweep.createdAt,
    },
    runs,
    series,
  };
}
