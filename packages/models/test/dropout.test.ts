import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { DropoutSeeds, dropout, mixSeeds } from "../src/layers/dropout";
import { createTransformer } from "../src/transformer/model";

describe("seeded dropout", () => {
  it("masks are a function of the seed and the call index", () => {
    const x = tf.ones([64, 64]);
    const masks = (seed: number) => {
      const seeds = new DropoutSeeds(seed);
      return [dropout(x, 0.5, seeds), dropout(x, 0.5, seeds)].map((t) => Array.from(t.dataSync()));
    };
    const [a0 = [], a1] = masks(1);
    const [b0, b1] = masks(1);
    const [c0] = masks(2);
    expect(b0).toEqual(a0);
    expect(b1).toEqual(a1);
    expect(a1).not.toEqual(a0); // a second call of one pass draws a new mask
    expect(c0).not.toEqual(a0);
    // Inverted dropout: kept values scaled by 1 / (1 - rate), about half kept.
    expect(new Set(a0)).toEqual(new Set([0, 2]));
    const kept = a0.filter((v) => v > 0).length / a0.length;
    expect(kept).toBeGreaterThan(0.4);
    expect(kept).toBeLessThan(0.6);
    x.dispose();
  });

  it("mixSeeds spreads nearby inputs", () => {
    const seen = new Set<number>();
    for (let step = 0; step < 100; step++) for (let k = 0; k < 4; k++) seen.add(mixSeeds(7, step, k));
    expect(seen.size).toBe(400);
    expect(mixSeeds(7, 1, 0)).toBe(mixSeeds(7, 1, 0));
  });

  it("a transformer forward with dropout and a seed is reproducible; without training it is deterministic anyway", () => {
    const model = createTransformer({ n_layer: 1, n_head: 2, n_embd: 16, block_size: 8, dropout: 0.3 }, 1);
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], [1, 8], "int32");
    const run = (opts: { training?: boolean; seed?: number }) => {
      const { logits } = model.forward(x, opts);
      const values = Array.from(logits.dataSync());
      logits.dispose();
      return values;
    };
    expect(run({ training: true, seed: 3 })).toEqual(run({ training: true, seed: 3 }));
    expect(run({ training: true, seed: 3 })).not.toEqual(run({ training: true, seed: 4 }));
    expect(run({ training: true, seed: 3 })).not.toEqual(run({}));
    x.dispose();
    model.dispose();
  });
});
