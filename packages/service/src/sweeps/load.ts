import type { PrismaClient, Sweep } from "@bytelab/db/runtime";
import { z } from "zod";
import { NotFoundError } from "../errors";

/**
 * The parts of a sweep's record (sweeps.spec, @bytelab/queue's bytelab.sweep/1) the read models use, read
 * leniently: a row written by hand or by an older version still shows, with what it has.
 */
const recordFields = z.object({
  kind: z.string().optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
  reusedRuns: z.array(z.object({ runId: z.string(), label: z.string().optional() })).optional(),
});
export type SweepRecordFields = z.infer<typeof recordFields>;

/** The sweep row, or NotFoundError. */
export async function findSweep(prisma: PrismaClient, sweepId: string): Promise<Sweep> {
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId } });
  if (!sweep) throw new NotFoundError("sweep", sweepId);
  return sweep;
}

export function sweepRecordFields(sweep: Pick<Sweep, "spec">): SweepRecordFields {
  return recordFields.safeParse(sweep.spec).data ?? {};
}

/** Ids of the runs of earlier sweeps this sweep reuses (same config hash). */
export function reusedRunIds(sweep: Pick<Sweep, "spec">): string[] {
  return (sweepRecordFields(sweep).reusedRuns ?? []).map((r) => r.runId);
}
