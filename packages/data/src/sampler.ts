import { z } from "zod";
import { DatasetError } from "./errors";
import { Prng, prngStateSchema, seedSchema } from "./prng";
import { type CorpusSplit, requireSequence } from "./splits";

export const samplerOptionsSchema = z
  .object({
    /** Windows per batch (B). */
    batchSize: z.number().int().min(1),
    /** Model context length (T); each window holds T + 1 bytes: inputs [0, T), targets [1, T]. */
    seqLen: z.number().int().min(1),
    seed: seedSchema,
  })
  .strict();
export type SamplerOptions = z.infer<typeof samplerOptionsSchema>;

/** Everything needed to continue a sampler exactly where it stopped (store it in checkpoints). */
export const samplerStateSchema = z
  .object({
    version: z.literal(1),
    batchSize: z.number().int().min(1),
    seqLen: z.number().int().min(1),
    /** Length of the split it sampled from, checked on restore. */
    splitBytes: z.number().int().min(0),
    /** Batches drawn so far. */
    batches: z.number().int().min(0),
    prng: prngStateSchema,
  })
  .strict();
export type SamplerState = z.infer<typeof samplerStateSchema>;

function invalid(dataset: string, what: string, error: z.ZodError): DatasetError {
  const details = error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");
  return new DatasetError(dataset, `invalid ${what} (${details})`, `Fix the listed ${what} field.`);
}

/**
 * Random training windows: each row is seqLen + 1 consecutive bytes starting at an offset drawn
 * uniformly from the split's seqLen-and-one-sized windows, so every window lies inside the split.
 * Batches come back as Int32Array [batchSize, seqLen + 1], row-major: row b is
 * out.subarray(b * (seqLen + 1), (b + 1) * (seqLen + 1)); inputs are columns [0, seqLen), targets
 * columns [1, seqLen].
 */
export class BatchSampler {
  readonly batchSize: number;
  readonly seqLen: number;
  private readonly prng: Prng;
  private drawn: number;

  constructor(
    readonly split: CorpusSplit,
    options: SamplerOptions,
    restored?: { prng: Prng; batches: number },
  ) {
    const parsed = samplerOptionsSchema.safeParse(options);
    if (!parsed.success) throw invalid(split.dataset, "sampler options", parsed.error);
    requireSequence(split, parsed.data.seqLen);
    this.batchSize = parsed.data.batchSize;
    this.seqLen = parsed.data.seqLen;
    this.prng = restored?.prng ?? Prng.fromSeed(parsed.data.seed);
    this.drawn = restored?.batches ?? 0;
  }

  /** Continues a sampler from `state()` (e.g. read back from a checkpoint's JSON). */
  static restore(split: CorpusSplit, state: unknown): BatchSampler {
    const parsed = samplerStateSchema.safeParse(state);
    if (!parsed.success) throw invalid(split.dataset, "sampler state", parsed.error);
    const s = parsed.data;
    if (s.splitBytes !== split.bytes.length) {
      throw new DatasetError(
        split.dataset,
        `the saved sampler state was drawn from a ${split.split} split of ${s.splitBytes} bytes, this one has ${split.bytes.length}`,
        "Resume with the same dataset and split fractions as the original run.",
      );
    }
    return new BatchSampler(
      split,
      { batchSize: s.batchSize, seqLen: s.seqLen, seed: 0 },
      {
        prng: Prng.fromState(s.prng),
        batches: s.batches,
      },
    );
  }

  get batchesDrawn(): number {
    return this.drawn;
  }

  /** The next batch, Int32Array [batchSize, seqLen + 1]; pass `out` to reuse a buffer. */
  next(out: Int32Array = new Int32Array(this.batchSize * (this.seqLen + 1))): Int32Array {
    const width = this.seqLen + 1;
    if (out.length !== this.batchSize * width) {
      throw new RangeError(
        `out must hold batchSize * (seqLen + 1) = ${this.batchSize * width} values, got ${out.length}`,
      );
    }
    const bytes = this.split.bytes;
    const starts = bytes.length - width + 1; // number of windows that fit
    for (let b = 0; b < this.batchSize; b++) {
      const offset = this.prng.nextInt(starts);
      out.set(bytes.subarray(offset, offset + width), b * width); // [seqLen + 1]
    }
    this.drawn += 1;
    return out;
  }

  state(): SamplerState {
    return {
      version: 1,
      batchSize: this.batchSize,
      seqLen: this.seqLen,
      splitBytes: this.split.bytes.length,
      batches: this.drawn,
      prng: this.prng.state(),
    };
  }
}
