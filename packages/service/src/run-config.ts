import { z } from "zod";

/** The few keys of a stored run config (runs.config, @bytelab/train's TrainConfig) the read models use. */
const runConfigFields = z
  .object({
    steps: z.int().positive(),
    batchSize: z.int().positive(),
    seqLen: z.int().positive(),
    gradAccumulation: z.int().positive(),
  })
  .partial();

export interface RunShape {
  /** Steps the run trains; null when the config does not say. */
  totalSteps: number | null;
  /** Training bytes per optimizer step; null when the config does not say. */
  bytesPerStep: number | null;
}

export function runShape(config: unknown): RunShape {
  const c = runConfigFields.safeParse(config).data ?? {};
  return {
    totalSteps: c.steps ?? null,
    bytesPerStep:
      c.batchSize !== undefined && c.seqLen !== undefined
        ? c.batchSize * c.seqLen * (c.gradAccumulation ?? 1)
        : null,
  };
}

/** A stored JSON column as a plain object ({} for anything else). */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
