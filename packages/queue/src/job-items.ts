import type { PrismaClient } from "@bytelab/db/runtime";
import { ashaConfigSchema } from "@bytelab/experiments";
import type { TrainJobPayload, TrainJobPayloadInput } from "./payloads";

/** The run columns a training job is made from. */
export const RUN_JOB_FIELDS = {
  id: true,
  sweepId: true,
  config: true,
  configHash: true,
  priority: true,
} as const;

export interface RunJobFields {
  id: string;
  sweepId: string | null;
  config: unknown;
  configHash: string;
  priority: number;
}

/** The ASHA schedule recorded on each sweep (sweeps.spec.earlyStopping), null where there is none. */
async function earlyStoppingBySweep(
  prisma: PrismaClient,
  sweepIds: readonly string[],
): Promise<Map<string, TrainJobPayload["earlyStopping"]>> {
  const sweeps = await prisma.sweep.findMany({
    where: { id: { in: [...sweepIds] } },
    select: { id: true, spec: true },
  });
  return new Map(
    sweeps.map((s) => {
      const value = (s.spec as { earlyStopping?: unknown } | null)?.earlyStopping ?? null;
      const parsed = ashaConfigSchema.nullable().safeParse(value);
      return [s.id, parsed.success ? parsed.data : null];
    }),
  );
}

/** Job payloads (and priorities) for run rows, as they are in the database now. */
export async function jobItemsFor(
  prisma: PrismaClient,
  runs: readonly RunJobFields[],
  reason: TrainJobPayload["enqueue"]["reason"],
): Promise<Array<{ payload: TrainJobPayloadInput; priority: number }>> {
  const sweepIds = [...new Set(runs.flatMap((r) => (r.sweepId ? [r.sweepId] : [])))];
  const schedules = await earlyStoppingBySweep(prisma, sweepIds);
  const at = new Date().toISOString();
  return runs.map((run) => ({
    priority: run.priority,
    payload: {
      runId: run.id,
      sweepId: run.sweepId,
      configHash: run.configHash,
      config: run.config as TrainJobPayloadInput["config"],
      earlyStopping: (run.sweepId && schedules.get(run.sweepId)) || null,
      enqueue: { reason, at },
    },
  }));
}
