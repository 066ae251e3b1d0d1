import { z } from "zod";
import { DatasetError } from "./errors";
import { type CorpusSplit, requireSequence } from "./splits";

export const evaluationOptionsSchema = z
  .object({
    seqLen: z.number().int().min(1),
    /** Windows per yielded batch. */
    batchSize: z.number().int().min(1),
    /** Stop after this many windows (from the start of the split); default: all that fit. */
    maxWindows: z.number().int().min(1).optional(),
  })
  .strict();
export type EvaluationOptions = z.infer<typeof evaluationOptionsSchema>;

function parse(split: CorpusSplit, options: EvaluationOptions): EvaluationOptions {
  const parsed = evaluationOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new DatasetError(split.dataset, `invalid evaluation options (${details})`, "Fix the listed field.");
  }
  requireSequence(split, parsed.data.seqLen);
  return parsed.data;
}

/**
 * Number of evaluation windows: window i covers bytes [i·seqLen, i·seqLen + seqLen + 1) of the split,
 * so consecutive windows share one byte (the last target of one is the first input of the next) and
 * their targets never overlap: every byte after the first is predicted exactly once.
 */
export function evaluationWindowCount(split: CorpusSplit, options: EvaluationOptions): number {
  const { seqLen, maxWindows } = parse(split, options);
  const fit = Math.floor((split.bytes.length - 1) / seqLen);
  return maxWindows === undefined ? fit : Math.min(fit, maxWindows);
}

/**
 * Sequential evaluation windows in split order, batched: each batch is Int32Array
 * [rows, seqLen + 1] with rows = batchSize except possibly the last (rows = length / (seqLen + 1)).
 * Deterministic: no randomness, the same batches every time.
 */
export function* evaluationBatches(split: CorpusSplit, options: EvaluationOptions): Generator<Int32Array> {
  const { seqLen, batchSize } = parse(split, options);
  const total = evaluationWindowCount(split, options);
  const width = seqLen + 1;
  for (let first = 0; first < total; first += batchSize) {
    const rows = Math.min(batchSize, total - first);
    const out = new Int32Array(rows * width); // [rows, seqLen + 1]
    for (let r = 0; r < rows; r++) {
      const start = (first + r) * seqLen;
      out.set(split.bytes.subarray(start, start + width), r * width);
    }
    yield out;
  }
}
