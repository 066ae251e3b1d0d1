import type { GoldenFixture } from "./fixture";

/** What a model port produces for a golden fixture's input (batch 1, eval mode). */
export interface GoldenRunResult {
  /** Row-major [batch, seq, 256]: logits[0, i] predicts input[i + 1]. */
  logits: Float32Array;
  /** H-Net only: per stage, outermost first. */
  routing?: Array<{ boundaryProb: Float32Array; boundaryMask: boolean[]; ratioLoss: number }>;
  /** MEGABYTE only: the prediction of input[0] from the local start token. */
  startTokenLogits?: Float32Array;
  /** The reference repository's own loss, where the port implements it. */
  referenceLoss?: number;
}

/**
 * A port's entry point for conformance checks: import the fixture's reference weights (names as in the
 * PyTorch state_dict), build the model from the manifest's constructor kwargs and tensor shapes, run it.
 */
export type GoldenAdapter = (fixture: GoldenFixture) => Promise<GoldenRunResult>;
