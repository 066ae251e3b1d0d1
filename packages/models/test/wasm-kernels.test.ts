import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { causalAttention, causalAttentionComposite, fusedCausalAttentionAvailable } from "../src/layers";
import { nextByteCrossEntropy } from "../src/loss";
import { createTransformer } from "../src/transformer";
import { useWasmKernelFixes, wasmKernelFixesActive } from "../src/wasm/kernels";

// Every fixed wasm kernel is checked against the cpu backend (an independent implementation) on the same
// inputs, and against the stock wasm kernel where that one is correct.

/** Deterministic values in [-1, 1) (LCG), so failures reproduce. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `f` on the cpu backend and returns its result as plain numbers; wasm is active again afterwards. */
async function onCpu(
  f: () => tf.Tensor,
): Promise<{ shape: number[]; data: Float32Array | Int32Array | Uint8Array }> {
  await tf.setBackend("cpu");
  try {
    const t = f();
    const result = { shape: t.shape, data: t.dataSync() as Float32Array };
    t.dispose();
    return result;
  } finally {
    await tf.setBackend("wasm");
  }
}

function expectClose(
  actual: tf.Tensor,
  expected: { shape: number[]; data: ArrayLike<number> },
  relTol = 1e-5,
) {
  expect(actual.shape).toEqual(expected.shape);
  const got = actual.dataSync();
  let scale = 1;
  for (let i = 0; i < expected.data.length; i++) scale = Math.max(scale, Math.abs(expected.data[i]!));
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected.data[i]!));
  expect(Number.isFinite(worst)).toBe(true);
  expect(worst).toBeLessThanOrEqual(relTol * scale);
}

beforeAll(async () => {
  const info = await initBackend("wasm");
  expect(info.tfBackend).toBe("wasm");
  expect(wasmKernelFixesActive()).toBe(true);
});

afterEach(() => {
  useWasmKernelFixes(true);
});

function heapIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

describe("BatchMatMul", () => {
  // [aShape, bShape, transposeA, transposeB]
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[37, 19], [19, 23], false, false],
    [[37, 19], [23, 19], false, true],
    [[19, 37], [19, 23], true, false],
    [[19, 37], [23, 19], true, true],
    [[6, 64, 16], [6, 64, 16], false, true], // attention scores q k^T
    [[6, 64, 64], [6, 64, 16], true, false], // attention backward P^T dO (swapped layout)
    [[6, 16, 64], [6, 64, 16], true, true],
    [[2, 3, 40, 8], [2, 3, 8, 40], false, false],
    [[4, 33, 17], [17, 29], false, false], // shared right operand (weight): folded into one GEMM
    [[4, 33, 17], [29, 17], false, true],
    [[17, 33], [4, 17, 29], true, false], // shared left operand
    [[1, 12, 7], [5, 7, 9], false, false], // batch broadcast a
    [[5, 12, 7], [1, 9, 7], false, true], // batch broadcast b
    [[2, 1, 12, 7], [1, 3, 9, 7], false, true], // both sides broadcast (the cpu backend gets this wrong)
    [[3, 1, 5], [3, 5, 1], false, false], // M = N = 1
    [[3, 4, 1], [3, 1, 6], false, false], // K = 1
    [[128, 256], [256, 128], true, true],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    it(`[${aShape}]${ta ? "^T" : ""} x [${bShape}]${tb ? "^T" : ""} matches cpu`, async () => {
      const aVals = values(sizeOf(aShape), 1);
      const bVals = values(sizeOf(bShape), 2);
      const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
      // Reference on cpu with both operands materialised to the full batch shape.
      const expected = await onCpu(() =>
        tf.tidy(() => {
          const a = tf.tensor(aVals, aShape);
          const b = tf.tensor(bVals, bShape);
          const fullA = outBatch.length ? tf.broadcastTo(a, [...outBatch, ...aShape.slice(-2)]) : a;
          const fullB = outBatch.length ? tf.broadcastTo(b, [...outBatch, ...bShape.slice(-2)]) : b;
          return tf.matMul(fullA, fullB, ta, tb);
        }),
      );
      const a = tf.tensor(aVals, aShape);
      const b = tf.tensor(bVals, bShape);
      const tensorsBefore = tf.memory().numTensors;
      const idsBefore = heapIds();
      const c = tf.matMul(a, b, ta, tb);
      expectClose(c, expected);
      c.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(heapIds()).toBe(idsBefore); // temporaries (transposes) are freed
      tf.dispose([a, b]);
    });
  }

  it("agrees with the stock wasm kernel where that one is correct", () => {
    const a = tf.tensor(values(6 * 48 * 24, 3), [6, 48, 24]);
    const b = tf.tensor(values(6 * 24 * 40, 4), [6, 24, 40]);
    useWasmKernelFixes(false);
    const stock = tf.matMul(a, b);
    const stockT = tf.matMul(b, a, true, true);
    useWasmKernelFixes(true);
    const fixed = tf.matMul(a, b);
    const fixedT = tf.matMul(b, a, true, true);
    expectClose(fixed, { shape: stock.shape, data: stock.dataSync() });
    expectClose(fixedT, { shape: stockT.shape, data: stockT.dataSync() });
    tf.dispose([a, b, stock, stockT, fixed, fixedT]);
  });

  it("gradients match cpu for batched, transposed products", async () => {
    const aShape = [3, 20, 12];
    const bShape = [3, 20, 12];
    const aVals = values(sizeOf(aShape), 5);
    const bVals = values(sizeOf(bShape), 6);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, false, true).square().sum();
    const grads = (which: 0 | 1) => {
      const [ga, gb] = tf.grads(loss)([tf.tensor(aVals, aShape), tf.tensor(bVals, bShape)]);
      return which === 0 ? ga! : gb!;
    };
    const expectedA = await onCpu(() => tf.tidy(() => grads(0)));
    const expectedB = await onCpu(() => tf.tidy(() => grads(1)));
    const ga = tf.tidy(() => grads(0));
    const gb = tf.tidy(() => grads(1));
    expectClose(ga, expectedA);
    expectClose(gb, expectedB);
    tf.dispose([ga, gb]);
  });
});

describe("Slice", () => {
  const cases: Array<[number[], number[], number[]]> = [
    [[10], [3], [5]],
    [
      [6, 7],
      [1, 2],
      [4, 3],
    ],
    [
      [6, 7],
      [2, 0],
      [3, 7],
    ], // whole rows: one contiguous copy
    [
      [4, 5, 6],
      [1, 0, 2],
      [2, 5, 3],
    ],
    [
      [3, 4, 5, 6],
      [1, 1, 1, 1],
      [2, 2, 3, 4],
    ],
    [
      [2, 3, 4, 5, 6],
      [1, 0, 2, 1, 0],
      [1, 3, 2, 3, 6],
    ],
    [
      [2, 3, 2, 3, 2, 3],
      [0, 1, 0, 1, 1, 0],
      [2, 2, 2, 2, 1, 3],
    ],
    [
      [4, 5],
      [1, 1],
      [0, 3],
    ], // empty
  ];
  for (const [shape, begin, size] of cases) {
    it(`[${shape}] begin [${begin}] size [${size}] matches cpu`, async () => {
      const vals = values(sizeOf(shape), 7);
      const expected = await onCpu(() => tf.tidy(() => tf.slice(tf.tensor(vals, shape), begin, size)));
      const x = tf.tensor(vals, shape);
      const s = tf.slice(x, begin, size);
      expectClose(s, expected, 0);
      tf.dispose([x, s]);
    });
  }

  it("slices int32 and bool tensors", async () => {
    const ints = Int32Array.from({ length: 60 }, (_, i) => i * 7 - 100);
    const expected = await onCpu(() =>
      tf.tidy(() => tf.slice(tf.tensor(ints, [3, 4, 5], "int32"), [1, 1, 2], [2, 2, 2])),
    );
    const s = tf.slice(tf.tensor(ints, [3, 4, 5], "int32"), [1, 1, 2], [2, 2, 2]);
    expect(s.dtype).toBe("int32");
    expectClose(s, expected, 0);
    const bools = tf.tensor([1, 0, 1, 1, 0, 0], [2, 3], "bool");
    const bs = tf.slice(bools, [0, 1], [2, 2]);
    expect(bs.dtype).toBe("bool");
    expect(bs.arraySync()).toEqual([
      [0, 1],
      [0, 0],
    ]);
    tf.dispose([s, bools, bs]);
  });

  it("never copies the whole input out of the heap", () => {
    const backend = tf.backend() as unknown as { readSync: (...args: unknown[]) => unknown };
    const original = backend.readSync;
    let reads = 0;
    backend.readSync = function (this: unknown, ...args: unknown[]) {
      reads++;
      return original.apply(this, args);
    };
    try {
      const x = tf.tensor(values(4 * 512 * 64, 8), [4, 512, 64]);
      const s = tf.slice(x, [0, 100, 0], [4, 1, 64]);
      expect(s.shape).toEqual([4, 1, 64]);
      expect(reads).toBe(0);
      useWasmKernelFixes(false);
      const stock = tf.slice(x, [0, 100, 0], [4, 1, 64]);
      expect(reads).toBe(1); // the stock kernel reads (copies) all 131072 values for 256 of them
      tf.dispose([x, s, stock]);
    } finally {
      backend.readSync = original;
    }
  });
});

describe("UnsortedSegmentSum", () => {
  it("sums rows into segments like cpu, dropping out-of-range ids", async () => {
    const x = values(7 * 3 * 2, 9);
    const ids = [2, 0, 2, 5, -1, 0, 1];
    const expected = await onCpu(() =>
      tf.tidy(() =>
        tf.unsortedSegmentSum(tf.tensor(x, [7, 3, 2]), tf.tensor1d([2, 0, 2, 5, 5, 0, 1], "int32"), 6),
      ),
    );
    // cpu does not accept -1; build its expectation with that row's id pointing at a segment we then subtract.
    const dropped = x.slice(4 * 6, 5 * 6);
    const exp = Float32Array.from(expected.data);
    for (let j = 0; j < 6; j++) exp[5 * 6 + j]! -= dropped[j]!;
    const out = tf.unsortedSegmentSum(tf.tensor(x, [7, 3, 2]), tf.tensor1d(ids, "int32"), 6);
    expectClose(out, { shape: expected.shape, data: exp });
    out.dispose();
  });

  it("accepts int32 data and multi-dimensional segment ids", async () => {
    const x = Int32Array.from({ length: 24 }, (_, i) => i - 5);
    const ids = [0, 3, 1, 1, 0, 2];
    // The op is typed for 1-D ids; TensorFlow (and this kernel) accept any prefix of x.shape.
    const out = tf.unsortedSegmentSum(
      tf.tensor(x, [2, 3, 4], "int32"),
      tf.tensor2d(ids, [2, 3], "int32") as unknown as tf.Tensor1D,
      4,
    );
    const flat = await onCpu(() =>
      tf.tidy(() => tf.unsortedSegmentSum(tf.tensor(x, [6, 4], "int32"), tf.tensor1d(ids, "int32"), 4)),
    );
    expect(out.dtype).toBe("int32");
    expectClose(out, flat, 0);
    out.dispose();
  });

  it("makes the gradient of tf.gather (embedding lookups) work on wasm", async () => {
    const table = values(10 * 4, 10);
    const idx = [3, 3, 0, 9, 3, 1];
    const grad = () =>
      tf.grad((t: tf.Tensor) =>
        tf
          .gather(t, tf.tensor1d(idx, "int32"))
          .mul(tf.range(1, 25).reshape([6, 4]))
          .sum(),
      )(tf.tensor(table, [10, 4]));
    const expected = await onCpu(() => tf.tidy(grad));
    const g = tf.tidy(grad);
    expectClose(g, expected);
    g.dispose();
  });
});

describe("GatherV2", () => {
  // [xShape, indicesShape, axis, batchDims]
  const cases: Array<[number[], number[], number, number]> = [
    [[10, 4], [6], 0, 0],
    [[5, 7, 3], [2, 4], 1, 0],
    [[5, 7], [4], 1, 0],
    [[3, 8, 5], [3, 4], 1, 1], // per-row lookups (batchDims=1)
    [[3, 6, 8, 2], [3, 6, 5], 2, 2],
    [[2, 4, 6, 3], [2, 5], 2, 1],
  ];
  for (const [xShape, iShape, axis, batchDims] of cases) {
    it(`x [${xShape}] indices [${iShape}] axis ${axis} batchDims ${batchDims} matches cpu`, async () => {
      const x = values(sizeOf(xShape), 11);
      const dim = xShape[axis]!;
      const idx = Int32Array.from({ length: sizeOf(iShape) }, (_, i) => (i * 7 + 3) % dim);
      const expected = await onCpu(() =>
        tf.tidy(() => tf.gather(tf.tensor(x, xShape), tf.tensor(idx, iShape, "int32"), axis, batchDims)),
      );
      const out = tf.gather(tf.tensor(x, xShape), tf.tensor(idx, iShape, "int32"), axis, batchDims);
      expectClose(out, expected, 0);
      out.dispose();
    });
  }

  it("rejects out-of-range indices with the index and the valid range", () => {
    const x = tf.zeros([4, 2]);
    expect(() => tf.gather(x, tf.tensor1d([1, 4], "int32"))).toThrow(/index 4 is not in \[0, 3\]/);
    x.dispose();
  });

  it("gradient with batchDims=1 matches cpu", async () => {
    const x = values(3 * 8 * 5, 12);
    const idx = Int32Array.from([0, 7, 7, 2, 1, 1, 3, 6, 5, 0, 0, 4]);
    const grad = () =>
      tf.grad((t: tf.Tensor) =>
        tf
          .gather(t, tf.tensor(idx, [3, 4], "int32"), 1, 1)
          .square()
          .sum(),
      )(tf.tensor(x, [3, 8, 5]));
    const expected = await onCpu(() => tf.tidy(grad));
    const g = tf.tidy(grad);
    expectClose(g, expected);
    g.dispose();
  });
});

describe("fused causal attention", () => {
  const shapes: Array<[number, number, number, number]> = [
    [1, 1, 1, 4],
    [2, 3, 17, 8],
    [1, 2, 64, 32],
  ];
  for (const shape of shapes) {
    it(`[${shape}] forward and gradients match the composite on cpu`, async () => {
      const n = sizeOf(shape);
      const [qv, kv, vv, wv] = [values(n, 21), values(n, 22), values(n, 23), values(n, 24)];
      const scale = 1 / Math.sqrt(shape[3]);
      const run = (attend: typeof causalAttention, which: number) => {
        const [q, k, v, w] = [qv, kv, vv, wv].map((x) => tf.tensor(x, shape)) as tf.Tensor4D[];
        if (which < 0) return attend(q!, k!, v!, scale);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          attend(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, scale)
            .mul(w!)
            .sum(),
        )([q!, k!, v!]);
        return grads[which]!;
      };
      expect(fusedCausalAttentionAvailable()).toBe(true);
      for (const which of [-1, 0, 1, 2]) {
        const expected = await onCpu(() => tf.tidy(() => run(causalAttentionComposite, which)));
        const tensorsBefore = tf.memory().numTensors;
        const idsBefore = heapIds();
        const got = tf.tidy(() => run(causalAttention, which));
        expectClose(got, expected);
        got.dispose();
        expect(tf.memory().numTensors).toBe(tensorsBefore);
        expect(heapIds()).toBe(idsBefore);
      }
    });
  }

  it("falls back to the composite when the kernels are not registered", () => {
    useWasmKernelFixes(false);
    expect(fusedCausalAttentionAvailable()).toBe(false);
    const x = tf.tensor(values(2 * 5 * 4, 25), [1, 2, 5, 4]) as tf.Tensor4D;
    const out = causalAttention(x, x, x, 0.5);
    expect(out.shape).toEqual([1, 2, 5, 4]);
    tf.dispose([x, out]);
  });
});

describe("a whole model on wasm equals the same model on cpu", () => {
  it("transformer logits and gradients", async () => {
    const rows = Int32Array.from({ length: 2 * 33 }, (_, i) => (i * 37 + 11) % 256);
    const step = () => {
      const model = createTransformer(
        { n_layer: 2, n_head: 2, n_embd: 32, block_size: 32, positions: "rotary" },
        3,
      );
      const all = tf.tensor2d(rows, [2, 33], "int32");
      const x = all.slice([0, 0], [2, 32]) as tf.Tensor2D;
      const y = all.slice([0, 1], [2, 32]) as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(
        () => nextByteCrossEntropy(model.forward(x).logits, y),
        model.trainableVariables(),
      );
      const gradient = tf.concat(model.trainableVariables().map((v) => grads[v.name]!.reshape([-1])));
      const logits = model.forward(x).logits.reshape([-1]);
      const out = tf.concat([value.reshape([1]), logits, gradient]);
      model.dispose();
      return out;
    };
    const expected = await onCpu(() => tf.tidy(step));
    const got = tf.tidy(step);
    expectClose(got, expected, 2e-5);
    got.dispose();
  });
});

describe("Sum", () => {
  // [shape, axes, keepDims]
  const cases: Array<[number[], number[], boolean]> = [
    [[4096, 24], [0], false], // bias gradient
    [[8, 50, 12], [0, 1], false],
    [[3, 7, 5, 4], [1, 2], true], // middle block
    [[3, 7, 5], [1], false],
    [[6, 9], [1], false], // innermost: stock kernel
    [[4, 5, 6], [0, 2], false], // not contiguous: stock kernel
  ];
  for (const [shape, axes, keepDims] of cases) {
    it(`[${shape}] over [${axes}]${keepDims ? " keepDims" : ""} matches cpu`, async () => {
      const vals = values(sizeOf(shape), 13);
      const expected = await onCpu(() => tf.tidy(() => tf.sum(tf.tensor(vals, shape), axes, keepDims)));
      const x = tf.tensor(vals, shape);
      const s = tf.sum(x, axes, keepDims);
      expectClose(s, expected);
      tf.dispose([x, s]);
    });
  }

  it("sums int32 over leading axes exactly", () => {
    const x = tf.tensor(
      Int32Array.from({ length: 60 }, (_, i) => i * 3 - 50),
      [5, 3, 4],
      "int32",
    );
    const s = tf.sum(x, 0);
    expect(s.dtype).toBe("int32");
    const expected = Array.from({ length: 12 }, (_, j) =>
      [0, 1, 2, 3, 4].reduce((a, i) => a + (i * 12 + j) * 3 - 50, 0),
    );
    expect(Array.from(s.dataSync())).toEqual(expected);
    tf.dispose([x, s]);
  });
});

describe("Identity", () => {
  it("clones share data: no copy, and the clone outlives the original", () => {
    const x = tf.tensor(values(1000, 14), [10, 100]);
    const expected = x.dataSync().slice();
    const idsBefore = heapIds();
    const y = x.clone();
    expect(heapIds()).toBe(idsBefore); // no new heap allocation
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected));
    y.dispose();
  });
});

describe("SplitV", () => {
  const cases: Array<[number[], number[] | number, number]> = [
    [[2, 5, 12], [4, 4, 4], 2], // fused q/k/v projection
    [[6, 7], [2, 5], 1],
    [[6, 7], 3, 0],
    [[3, 4, 5, 6], [1, 2, 1], 1],
  ];
  for (const [shape, splits, axis] of cases) {
    it(`[${shape}] into ${JSON.stringify(splits)} along ${axis} matches cpu`, async () => {
      const vals = values(sizeOf(shape), 15);
      const expected: Array<{ shape: number[]; data: Float32Array | Int32Array | Uint8Array }> = [];
      const count = Array.isArray(splits) ? splits.length : splits;
      for (let i = 0; i < count; i++) {
        expected.push(await onCpu(() => tf.tidy(() => tf.split(tf.tensor(vals, shape), splits, axis)[i]!)));
      }
      const x = tf.tensor(vals, shape);
      const pieces = tf.split(x, splits, axis);
      for (const [i, p] of pieces.entries()) expectClose(p, expected[i]!, 0);
      tf.dispose([x, ...pieces]);
    });
  }
});
