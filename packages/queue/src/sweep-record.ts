import type { PrismaClient } from "@bytelab/db/runtime";
import { ashaConfigSchema, SPEC_KINDS } from "@bytelab/experiments";
import { z } from "zod";

/**
 * What `sweeps.spec` holds: the spec as submitted (so it can be shown, edited and submitted again), its
 * hash, and what the expansion decided beyond the sweep's own runs: runs of earlier sweeps it reuses
 * (same config hash), duplicate points, warnings. Parse rows with parseSweepRecord.
 */
export const sweepRecordSchema = z.object({
  format: z.literal("bytelab.sweep/1"),
  kind: z.enum(SPEC_KINDS),
  /** sha256 of the canonical JSON of `spec`. */
  specHash: z.string(),
  /** The spec as submitted (YAML/JSON parsed), before defaults. */
  spec: z.record(z.string(), z.json()),
  earlyStopping: ashaConfigSchema.nullable(),
  /** Runs of other sweeps that stand for some of this sweep's configs (they keep their own sweepId). */
  reusedRuns: z.array(z.object({ runId: z.string(), label: z.string(), configHash: z.string() })),
  duplicates: z.array(z.object({ label: z.string(), sameAs: z.string() })),
  warnings: z.array(z.object({ path: z.string(), issue: z.string(), fix: z.string() })),
  submittedAt: z.iso.datetime(),
});
export type SweepRecord = z.output<typeof sweepRecordSchema>;

export function parseSweepRecord(value: unknown): SweepRecord {
  const parsed = sweepRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `sweeps.spec is not a bytelab.sweep/1 record at ${(issue?.path ?? []).join(".") || "(root)"}: ${issue?.message}`,
  );
}

/**
 * The runs that answer a sweep: its own (runs.sweep_id) and the runs of earlier sweeps it reused for
 * configs they had already run (listed in its record).
 */
export async function sweepRunIds(
  prisma: PrismaClient,
  sweepId: string,
): Promise<{ own: string[]; reused: string[] } | null> {
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, select: { spec: true } });
  if (!sweep) return null;
  const own = await prisma.run.findMany({
    where: { sweepId },
    select: { id: true },
    orderBy: { queuedAt: "asc" },
  });
  const record = sweepRecordSchema.safeParse(sweep.spec);
  return {
    own: own.map((r) => r.id),
    reused: record.success ? record.data.reusedRuns.map((r) => r.runId) : [],
  };
}
