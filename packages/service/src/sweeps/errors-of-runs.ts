import type { PrismaClient } from "@bytelab/db/runtime";
import { z } from "zod";

const earlyStopData = z.object({ rung: z.int() }).partial();

function errorOf(data: unknown): string | null {
  if (data && typeof data === "object" && "error" in data && typeof data.error === "string")
    return data.error;
  return null;
}

/**
 * Why each of `runIds` failed, for failed runs whose runs.error is empty: the error of its last ERROR event
 * or FAILED status change.
 */
export async function lastErrors(
  prisma: PrismaClient,
  runIds: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (runIds.length === 0) return out;
  const events = await prisma.runEvent.findMany({
    where: { runId: { in: [...runIds] }, OR: [{ level: "ERROR" }, { kind: "STATUS" }] },
    orderBy: { at: "desc" },
    select: { runId: true, level: true, message: true, data: true },
  });
  for (const e of events) {
    if (out.has(e.runId)) continue;
    const text = errorOf(e.data) ?? (e.level === "ERROR" ? e.message : null);
    if (text) out.set(e.runId, text);
  }
  return out;
}

/** The latest EARLY_STOP event of each run that has one. */
export async function earlyStops(
  prisma: PrismaClient,
  runIds: readonly string[],
): Promise<Map<string, { rung: number | null; reason: string }>> {
  const out = new Map<string, { rung: number | null; reason: string }>();
  if (runIds.length === 0) return out;
  const events = await prisma.runEvent.findMany({
    where: { runId: { in: [...runIds] }, kind: "EARLY_STOP" },
    orderBy: { at: "desc" },
    select: { runId: true, message: true, data: true },
  });
  for (const e of events)
    if (!out.has(e.runId))
      out.set(e.runId, { rung: earlyStopData.safeParse(e.data).data?.rung ?? null, reason: e.message });
  return out;
}
