import type * as tf from "@tensorflow/tfjs";

/** The four model families of the zoo (src/zoo.ts has one entry per name). */
export const ARCHITECTURES = ["transformer", "hourglass", "hnet", "megabyte"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Analytic cost of processing one byte, in FLOPs (multiply-add = 2 FLOPs). */
export interface FlopsPerByte {
  /** Forward pass only (inference / evaluation). */
  forward: number;
  /** Forward + backward (~3x forward: backward computes gradients for inputs and weights). */
  training: number;
  /** How the number was obtained (formula name, and for H-Net the compression ratio used). */
  basis: string;
}

/** Per-stage routing telemetry (H-Net): what fraction of positions start a chunk. */
export interface StageTelemetry {
  stage: number;
  boundaryFraction: number;
  /** Mean boundary probability (G in the ratio loss). */
  meanBoundaryProb: number;
  ratioLoss: number;
  seqLen: number;
  chunkedLen: number;
}

export interface ForwardOutput {
  /** [B, T, 256]: logits[b, t] predicts byte t+1 from bytes 0..t. */
  logits: tf.Tensor3D;
  /** Auxiliary loss to add to the LM loss, already weighted (H-Net: ratio-loss weight * sum of stage losses). */
  auxLoss?: tf.Scalar;
  /** Unweighted per-stage telemetry (H-Net). Plain numbers, read after the step. */
  stages?: StageTelemetry[];
}

export interface ForwardOptions {
  /** Training mode: dropout on where the config has it. */
  training?: boolean;
  /**
   * Seed of this pass's dropout masks (layers/dropout.ts: one seed per dropout call from this one). The
   * trainer derives it from the run's seed, step and micro-batch, so the same seed gives the same run and a
   * resumed run the same masks. Without it dropout draws from Math.random.
   */
  seed?: number;
}

/**
 * What every model in the zoo exposes (DESIGN.md "Contracts").
 * Models keep weights in the reference (PyTorch) layout: Linear weights are [out, in], y = x W^T + b.
 */
export interface ByteLM {
  readonly architecture: Architecture;
  /** The validated config the model was built from (defaults filled in). */
  readonly config: unknown;
  /** bytes: [B, T] int32 values 0..255. `training` enables dropout where configured. */
  forward(bytes: tf.Tensor2D, opts?: ForwardOptions): ForwardOutput;
  /** Every trainable variable, in a stable order (optimizer state and checkpoints rely on it). */
  trainableVariables(): tf.Variable[];
  /** Sum of the sizes of all trainable variables. */
  paramCount(): number;
  /** Analytic FLOPs per byte at sequence length `seqLen` (H-Net: at the given or measured compression). */
  flopsPerByte(seqLen: number, opts?: { compressionRatios?: number[] }): FlopsPerByte;
  dispose(): void;
}
