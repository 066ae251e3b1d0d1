import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { applyRotary, rotaryTables } from "../src/layers";

// The rotary layer the transformer (all head channels), MEGABYTE (rel_pos) and H-Net (first rd channels) share.
beforeAll(async () => {
  await initBackend();
});

describe("rotary position embedding", () => {
  const [t, dh, rd] = [12, 10, 6];

  /** One random vector [Dh] and that vector at every position, rotated ([1, 1, T, Dh] flattened). */
  function rotatedEverywhere(
    seed: number,
    rotaryDim: number,
  ): { vector: Float32Array; rotated: Float32Array } {
    return tf.tidy(() => {
      const v = tf.randomNormal([1, 1, 1, dh], 0, 1, "float32", seed);
      const { cos, sin } = rotaryTables(t, rotaryDim, 10000);
      const rotated = applyRotary(v.tile([1, 1, t, 1]) as tf.Tensor4D, cos, sin);
      return { vector: v.dataSync() as Float32Array, rotated: rotated.dataSync() as Float32Array };
    });
  }

  it("makes q . k depend only on the distance between positions", () => {
    const q = rotatedEverywhere(1, dh).rotated;
    const k = rotatedEverywhere(2, dh).rotated;
    const dot = (m: number, n: number) => {
      let s = 0;
      for (let c = 0; c < dh; c++) s += q[m * dh + c]! * k[n * dh + c]!;
      return s;
    };
    for (const [m, n, shift] of [
      [5, 2, 4],
      [3, 3, 8],
      [1, 7, 3],
    ] as const) {
      expect(Math.abs(dot(m, n) - dot(m + shift, n + shift))).toBeLessThanOrEqual(1e-4);
    }
    expect(Math.abs(dot(5, 2) - dot(5, 3))).toBeGreaterThan(1e-3); // and it does depend on the distance
  });

  it("leaves position 0 and the channels after the first rd unchanged, and keeps each pair's length", () => {
    const { vector, rotated: partial } = rotatedEverywhere(3, rd);
    for (let c = 0; c < dh; c++) expect(partial[c]).toBe(vector[c]); // position 0: cos 1, sin 0
    for (let p = 0; p < t; p++) {
      for (let c = rd; c < dh; c++) expect(partial[p * dh + c]).toBe(vector[c]);
      for (let i = 0; i < rd / 2; i++) {
        const norm = (row: number) => Math.hypot(partial[row * dh + i]!, partial[row * dh + i + rd / 2]!);
        expect(Math.abs(norm(p) - Math.hypot(vector[i]!, vector[i + rd / 2]!))).toBeLessThanOrEqual(1e-5);
      }
    }
  });
});
