import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";

// bytelab's replacement gradients (src/gradients.ts, registered by initBackend) against a reference built
// from first principles: Tile's gradient sums dy over every repetition.

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Reference: dx[k] = sum of dy[j] over every output index j whose source index is k. */
function tileGradReference(xShape: number[], reps: number[], dy: Float32Array): Float32Array {
  const outShape = xShape.map((d, i) => d * reps[i]!);
  const dx = new Float32Array(xShape.reduce((a, b) => a * b, 1));
  const rank = xShape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let j = 0; j < dy.length; j++) {
    let rest = j;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rest % outShape[d]!;
      rest = Math.floor(rest / outShape[d]!);
    }
    let k = 0;
    for (let d = 0; d < rank; d++) k = k * xShape[d]! + (idx[d]! % xShape[d]!);
    dx[k]! += dy[j]!;
  }
  return dx;
}

describe.each(["wasm", "cpu"] as const)("Tile gradient on %s", (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  for (const [shape, reps] of [
    [[3], [4]],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [1, 1, 5],
      [7, 9, 1],
    ],
    [
      [2, 1, 3, 2],
      [1, 3, 2, 2],
    ],
    [
      [1, 2, 1, 2, 3],
      [2, 1, 2, 1, 2],
    ], // rank 5: TF.js's own gradient stops at rank 4
  ] as Array<[number[], number[]]>) {
    it(`[${shape}] x [${reps}] sums dy over the repetitions`, () => {
      const x = tf.tensor(
        values(
          shape.reduce((a, b) => a * b, 1),
          1,
        ),
        shape,
      );
      const dy = values(
        shape.reduce((a, d, i) => a * d * reps[i]!, 1),
        2,
      );
      const w = tf.tensor(
        dy,
        shape.map((d, i) => d * reps[i]!),
      );
      const before = tf.memory().numTensors;
      const g = tf.tidy(() => tf.grad((t: tf.Tensor) => t.tile(reps).mul(w).sum())(x));
      expect(g.shape).toEqual(shape);
      const ref = tileGradReference(shape, reps, dy);
      const got = g.dataSync();
      for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 5);
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w]);
    });
  }

  it("runs a constant number of kernels however many repetitions", async () => {
    const count = async (n: number) => {
      const x = tf.ones([1, 1, 4]);
      const p = await tf.profile(() => tf.tidy(() => tf.grad((t: tf.Tensor) => t.tile([n, 3, 1]).sum())(x)));
      x.dispose();
      tf.dispose(p.result as tf.Tensor);
      return p.kernels.length;
    };
    expect(await count(200)).toBe(await count(2));
  });
});
