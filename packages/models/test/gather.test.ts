import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { gatherRows } from "../src/layers";

// gatherRows is every port's embedding lookup (ids on the device) and H-Net's chunk selection (host
// indices). Its gradient is its own scatter-add, so it is checked on both backends training uses here
// against sums computed on the host.

describe.each(["cpu", "wasm"] as const)("gatherRows on %s", (backend) => {
  beforeAll(async () => {
    const info = await initBackend(backend);
    expect(info.tfBackend).toBe(backend);
  });

  it("looks up embeddings for int ids of any shape, and sums the gradient of repeated ids", () => {
    const [vocab, dim] = [7, 3];
    const table = Float32Array.from({ length: vocab * dim }, (_, i) => Math.sin(i + 1));
    const ids = [1, 4, 1, 6, 1, 0]; // [2, 3]: id 1 three times, ids 2, 3 and 5 never
    const weights = Float32Array.from({ length: ids.length * dim }, (_, i) => Math.cos(3 * i)); // [2, 3, D]

    const tensorsBefore = tf.memory().numTensors;
    const [out, grad] = tf.tidy(() => {
      const t = tf.tensor2d(table, [vocab, dim]);
      const idTensor = tf.tensor2d(ids, [2, 3], "int32");
      const w = tf.tensor3d(weights, [2, 3, dim]);
      const lookup = gatherRows(t, idTensor);
      return [lookup, tf.grad((x: tf.Tensor) => gatherRows(x, idTensor).mul(w).sum())(t)];
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore + 2);

    expect(out.shape).toEqual([2, 3, dim]);
    const expectedRows = ids.flatMap((id) => Array.from(table.subarray(id * dim, (id + 1) * dim)));
    expect(Array.from(out.dataSync())).toEqual(expectedRows);

    const expectedGrad = new Float64Array(vocab * dim);
    ids.forEach((id, pos) => {
      for (let c = 0; c < dim; c++) expectedGrad[id * dim + c]! += weights[pos * dim + c]!;
    });
    const got = grad.dataSync();
    expect(grad.shape).toEqual([vocab, dim]);
    for (let i = 0; i < got.length; i++)
      expect(Math.abs(got[i]! - expectedGrad[i]!)).toBeLessThanOrEqual(1e-6);
    tf.dispose([out, grad]);
  });

  it("picks rows by host indices exactly, and sums the gradient of repeated rows", () => {
    const x = tf.tensor2d([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9], [5, 2]);
    const w = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const idx = Int32Array.from([4, 0, 4, 2]);
    const picked = gatherRows(x, idx);
    expect(picked.shape).toEqual([4, 2]);
    expect(Array.from(picked.dataSync())).toEqual([8, 9, 0.5, 1, 8, 9, 4, 5]);
    const grad = tf.grad((v: tf.Tensor) => gatherRows(v, idx).mul(w).sum())(x);
    expect(Array.from(grad.dataSync())).toEqual([3, 4, 0, 0, 7, 8, 0, 0, 6, 8]);
    tf.dispose([x, w, picked, grad]);
  });

  it("rejects a table that is not 2-D", () => {
    const x = tf.zeros([2, 2, 2]);
    expect(() => gatherRows(x, [0])).toThrow(/x must be \[N, D\]/);
    x.dispose();
  });
});
