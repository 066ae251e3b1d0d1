import * as tf from "@tensorflow/tfjs";

/**
 * Seeds for the dropout masks of one forward pass. `tf.dropout` without a seed draws from Math.random, so two
 * runs with the same seed (or a run and its resume) drop different units and diverge. A forward pass given a
 * seed instead takes one seed per dropout call, in call order, from (seed, call index): the masks are a pure
 * function of the seed and the network, the same on every backend (TF.js draws them in JS: seedrandom alea).
 */
export class DropoutSeeds {
  private calls = 0;

  constructor(private readonly seed: number) {}

  /** The seed of the next dropout call of this pass. */
  next(): number {
    return mixSeeds(this.seed, this.calls++);
  }
}

/**
 * A 32-bit seed from several integers (murmur3's finalizer over a running mix): nearby inputs (step 7 and 8,
 * call 0 and 1) give unrelated seeds.
 */
export function mixSeeds(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * Inverted dropout at `rate` (0 <= rate < 1): zero each value with probability `rate`, scale the rest by
 * 1 / (1 - rate). With `seeds` the mask comes from the next seed; without, from Math.random (not reproducible).
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seeds?: DropoutSeeds): T {
  if (rate <= 0) return x;
  return tf.dropout(x, rate, undefined, seeds?.next()) as T;
}
