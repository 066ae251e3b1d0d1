import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { causalAttention, causalAttentionComposite } from "../src/layers";

// causalAttention is every port's causal self-attention (fused on wasm; wasm-kernels.test.ts checks the fused
// kernel against the composite). Here: attention dropout, which always runs the composite.

describe.each(["cpu", "wasm"] as const)("causalAttention with attention dropout on %s", (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  const [b, h, t, dh] = [2, 2, 9, 4];
  const cut = 5; // values at positions >= cut are huge: any weight on them would show

  it("drops out weights (rescaled by 1/(1-rate)) but never attends to later positions", () => {
    const rate = 0.5;
    const [out, plain] = tf.tidy(() => {
      const q = tf.randomNormal([b, h, t, dh], 0, 1, "float32", 1) as tf.Tensor4D;
      const k = tf.randomNormal([b, h, t, dh], 0, 1, "float32", 2) as tf.Tensor4D;
      const early = tf.randomUniform([b, h, cut, dh], -1, 1, "float32", 3);
      const late = tf.fill([b, h, t - cut, dh], 1e6);
      const v = tf.concat([early, late], 2) as tf.Tensor4D; // [B, H, T, Dh]
      return [causalAttention(q, k, v, 0.5, rate), causalAttention(q, k, v, 0.5)];
    });
    const [o, p] = [out.arraySync(), plain.arraySync()];
    let differs = false;
    for (let bi = 0; bi < b; bi++)
      for (let hi = 0; hi < h; hi++)
        for (let i = 0; i < cut; i++)
          for (let d = 0; d < dh; d++) {
            // Weights sum to 1 before dropout; kept ones are scaled by 1/(1-rate); |v| <= 1 before `cut`.
            expect(Math.abs(o[bi]![hi]![i]![d]!)).toBeLessThanOrEqual(1 / (1 - rate) + 1e-5);
            if (Math.abs(o[bi]![hi]![i]![d]! - p[bi]![hi]![i]![d]!) > 1e-6) differs = true;
          }
    expect(differs).toBe(true);
    tf.dispose([out, plain]);
  });

  it("rate 0 is plain causal attention (the composite's values)", () => {
    const [fast, composite] = tf.tidy(() => {
      const [q, k, v] = [1, 2, 3].map(
        (s) => tf.randomNormal([b, h, t, dh], 0, 1, "float32", s) as tf.Tensor4D,
      );
      return [causalAttention(q!, k!, v!, 0.5, 0), causalAttentionComposite(q!, k!, v!, 0.5)];
    });
    const [x, y] = [fast.dataSync(), composite.dataSync()];
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(1e-5);
    tf.dispose([fast, composite]);
  });
});
