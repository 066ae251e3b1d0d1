import { z } from "zod";

/**
 * One line of metrics.jsonl and the unit every sink receives. Each entry of `metrics` becomes one
 * (name, step, value) point in the database, carrying the record's bytesSeen / flops / wallTime.
 *
 * Metric names:
 *   train: train/loss (LM cross-entropy, nats), train/bpb, train/aux_loss, lr, grad_norm,
 *          throughput/bytes_per_s, memory/bytes, memory/tensors,
 *          H-Net: stage<s>/boundary_fraction, stage<s>/ratio_loss, stage<s>/compression
 *   eval:  val/loss, val/bpb            test: test/loss, test/bpb
 *   robustness: robust/<kind>@<rate>/bpb (validation bpb with that noise)
 * Non-finite values (a diverged loss) are written as null.
 */
export const metricRecordSchema = z.strictObject({
  kind: z.enum(["train", "eval", "test", "robustness"]),
  /** Optimizer steps completed. */
  step: z.int().min(0),
  /** Training bytes predicted so far. */
  bytesSeen: z.number().min(0),
  /** Cumulative training FLOPs (model.flopsPerByte(seqLen).training x bytes). */
  flops: z.number().min(0),
  /** Seconds of training wall time so far (summed over resumes). */
  wallTime: z.number().min(0),
  metrics: z.record(z.string(), z.number().nullable()),
});
export type MetricRecord = z.infer<typeof metricRecordSchema>;
export type MetricKind = MetricRecord["kind"];

/** Where metrics go. The JSON-lines file is one; a database sink is another. */
export interface MetricSink {
  write(record: MetricRecord): void | Promise<void>;
  /** Called on resume from step k: forget records after k (they will be produced again). */
  truncateAfter?(step: number): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Replaces non-finite numbers by null so the record is valid JSON and schema-valid. */
export function finiteOrNull(metrics: Record<string, number>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = Number.isFinite(v) ? v : null;
  return out;
}
