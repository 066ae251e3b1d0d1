import type { ServiceContext } from "../context";
import { detailsFromZodIssues, InvalidInputError, NotFoundError } from "../errors";
import {
  type RunArtifacts,
  runArtifactsSchema,
  type RunEvents,
  type RunEventsQuery,
  runEventsQuerySchema,
  runEventsSchema,
  type RunLog,
  runLogSchema,
} from "../schemas/run";

async function ensureRun(ctx: ServiceContext, runId: string): Promise<void> {
  const run = await ctx.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw new NotFoundError("run", runId);
}

/**
 * The run's events (status changes, log lines, checkpoints, early stops), oldest first: the newest `limit`,
 * or with `after` (an event id) only the newer ones, for live tailing.
 */
export async function listRunEvents(
  ctx: ServiceContext,
  runId: string,
  query: RunEventsQuery = {},
): Promise<RunEvents> {
  const parsed = runEventsQuerySchema.safeParse(query);
  if (!parsed.success)
    throw new InvalidInputError("invalid events query", detailsFromZodIssues(parsed.error.issues));
  const { after, kind, limit } = parsed.data;
  await ensureRun(ctx, runId);
  const where = {
    runId,
    ...(after ? { id: { gt: BigInt(after) } } : {}),
    ...(kind ? { kind: { in: kind } } : {}),
  };
  // Newest `limit` when not tailing; the next `limit` after the cursor when tailing.
  const events = after
    ? await ctx.prisma.runEvent.findMany({ where, orderBy: { id: "asc" }, take: limit })
    : (await ctx.prisma.runEvent.findMany({ where, orderBy: { id: "desc" }, take: limit })).reverse();
  return runEventsSchema.parse({
    format: "bytelab.run-events/1",
    runId,
    events: events.map((e) => ({
      id: e.id.toString(),
      at: e.at.toISOString(),
      level: e.level,
      kind: e.kind,
      message: e.message,
      data: e.data ?? null,
    })),
  });
}

const logTailOf = (data: unknown): string[] => {
  if (data && typeof data === "object" && "logTail" in data && Array.isArray(data.logTail))
    return data.logTail.filter((l): l is string => typeof l === "string");
  return [];
};

/**
 * The run's log as lines: its LOG events in order; where an attempt failed, the trainer's last output lines
 * kept with it follow that event.
 */
export async function runLog(
  ctx: ServiceContext,
  runId: string,
  opts: { limit?: number } = {},
): Promise<RunLog> {
  await ensureRun(ctx, runId);
  const limit = Math.max(1, Math.min(5000, opts.limit ?? 500));
  const events = (
    await ctx.prisma.runEvent.findMany({
      where: { runId, kind: "LOG" },
      orderBy: { id: "desc" },
      take: limit,
    })
  ).reverse();
  const lines: RunLog["lines"] = [];
  for (const e of events) {
    lines.push({ at: e.at.toISOString(), level: e.level, text: e.message });
    for (const text of logTailOf(e.data)) lines.push({ at: null, level: "OUTPUT", text });
  }
  return runLogSchema.parse({ format: "bytelab.run-log/1", runId, lines: lines.slice(-limit) });
}

/** The run's checkpoints and other artifacts, newest step first. */
export async function listRunArtifacts(ctx: ServiceContext, runId: string): Promise<RunArtifacts> {
  await ensureRun(ctx, runId);
  const artifacts = await ctx.prisma.artifact.findMany({
    where: { runId },
    orderBy: [{ step: "desc" }, { createdAt: "desc" }],
  });
  return runArtifactsSchema.parse({
    format: "bytelab.run-artifacts/1",
    runId,
    artifacts: artifacts.map((a) => ({
      id: a.id,
      kind: a.kind,
      step: a.step,
      uri: a.uri,
      bytes: Number(a.bytes),
      sha256: a.sha256,
      createdAt: a.createdAt.toISOString(),
    })),
  });
}
