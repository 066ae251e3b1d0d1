import { z } from "zod";

export const CHECKPOINT_FORMAT_VERSION = 1;
export const LATEST_POINTER = "latest";
export const CHECKPOINTS_DIRNAME = "checkpoints";

/** One float32 tensor inside a .bin file: `numel` floats from float index `offset`, row-major `shape`. */
export const tensorEntrySchema = z.strictObject({
  name: z.string(),
  shape: z.array(z.int().min(0)),
  offset: z.int().min(0),
  numel: z.int().min(0),
});
export type TensorEntry = z.infer<typeof tensorEntrySchema>;

const fileDigestSchema = z.strictObject({ bytes: z.int().min(0), sha256: z.string().length(64) });

/**
 * meta.json of a checkpoint directory. The directory holds:
 *   meta.json      this document
 *   weights.bin    every trainable parameter, float32 little-endian, in `params` order
 *   optimizer.bin  AdamW first moments (all params, same order and offsets), then second moments
 *                  (offsets shifted by `optimizer.secondMomentOffset`)
 */
export const checkpointMetaSchema = z.strictObject({
  formatVersion: z.literal(CHECKPOINT_FORMAT_VERSION),
  /** Optimizer steps completed when the checkpoint was taken. */
  step: z.int().min(0),
  createdAt: z.string(),
  architecture: z.string(),
  /** The full training config (TrainConfig), so `sample` and `--resume` can rebuild everything. */
  config: z.record(z.string(), z.unknown()),
  configHash: z.string(),
  params: z.array(tensorEntrySchema),
  optimizer: z.strictObject({
    step: z.int().min(0),
    secondMomentOffset: z.int().min(0),
  }),
  /** Opaque, JSON-serialisable state of the training-data sampler (@bytelab/data). */
  samplerState: z.unknown(),
  /** SeededRng state of the trainer. */
  rngState: z.int().min(0),
  /** Counters and histories the training loop needs to continue exactly where it stopped. */
  trainer: z.strictObject({
    bytesSeen: z.number().min(0),
    flops: z.number().min(0),
    wallTime: z.number().min(0),
    lossHistory: z.array(z.number()),
    /** Sums over the steps since the last metrics record (so a resume mid-interval logs the same means). */
    logWindow: z.strictObject({
      loss: z.number(),
      aux: z.number(),
      gradNorm: z.number(),
      steps: z.int().min(0),
      trainSeconds: z.number().min(0),
      bytes: z.number().min(0),
    }),
  }),
  files: z.record(z.string(), fileDigestSchema),
});
export type CheckpointMeta = z.infer<typeof checkpointMetaSchema>;

/** Directory name of the checkpoint after `step` steps; zero-padded so names sort by step. */
export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(9, "0")}`;
}

export const CHECKPOINT_DIR_PATTERN = /^step-\d{9}$/;
