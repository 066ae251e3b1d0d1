import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import {
  applyRotary,
  causalAttention,
  causalAttentionComposite,
  fusedCausalSelfAttention,
  fusedKernelsAvailable,
  geluExact,
  layerNorm,
  fusedSwiGLU,
  linear,
  mergeHeads,
  rmsNorm,
  rmsNormClamped,
  rotaryTables,
  silu,
  splitHeads,
} from "../src/layers";
import { nextByteCrossEntropy } from "../src/loss";
import { createTransformer } from "../src/transformer";
import { nativeKernelsActive, useNativeKernels } from "../src/wasm/kernels";
import { nativeStatus, setNativeThreads } from "../src/wasm/native";
import { nativeAdamW, nativeSumSquares } from "../src/wasm/native-optim";

// bytelab's native kernels (packages/models/native) against the cpu backend running the composite ops (an
// independent implementation), gradients against finite differences, thread-count invariance, leaks.
// Skipped when the addon is not built; BYTELAB_REQUIRE_NATIVE=1 (CI's native pass) turns that into a failure.

const status = nativeStatus();
const required = process.env.BYTELAB_REQUIRE_NATIVE === "1";

/** Deterministic values in [-1, 1) (LCG), so failures reproduce. */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;

/** Value and gradients of sum(f(xs) * w) for a fixed random w, as plain arrays. */
function valueAndGrads(f: Fn, inputs: Array<{ values: Float32Array; shape: number[] }>, seed = 99) {
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
    const y = f(...xs);
    const w = tf.tensor(values(y.size, seed), y.shape);
    const g = tf.grads((...args: tf.Tensor[]) =>
      f(...args)
        .mul(w)
        .sum(),
    )(xs);
    return { value: y.dataSync().slice(), shape: y.shape, grads: g.map((t) => t.dataSync().slice()) };
  });
}

async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend("cpu");
  try {
    return f();
  } finally {
    await tf.setBackend("wasm");
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string) {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(Number.isFinite(worst), what).toBe(true);
  expect(worst, what).toBeLessThanOrEqual(tol * scale);
}

/** The fused op on wasm + native matches the composite on cpu: value and every gradient. */
async function matchesCpu(f: Fn, inputs: Array<{ values: Float32Array; shape: number[] }>, tol = 2e-5) {
  const got = valueAndGrads(f, inputs);
  const want = await onCpu(() => valueAndGrads(f, inputs));
  expect(got.shape).toEqual(want.shape);
  expectClose(got.value, want.value, tol, "value");
  got.grads.forEach((g, i) => {
    expectClose(g, want.grads[i]!, tol, `gradient ${i}`);
  });
}

/**
 * Directional finite difference of sum(f(xs) * w) along a random direction, against the analytic gradient
 * (float64 sums of float32 values; central differences with step h).
 */
function checkFiniteDifferences(f: Fn, inputs: Array<{ values: Float32Array; shape: number[] }>, h = 1e-2) {
  const dirs = inputs.map((i, k) => values(i.values.length, 1000 + k));
  const loss = (t: number) =>
    tf.tidy(() => {
      const xs = inputs.map((inp, k) => {
        const v = new Float32Array(inp.values.length);
        for (let j = 0; j < v.length; j++) v[j] = inp.values[j]! + t * dirs[k]![j]!;
        return tf.tensor(v, inp.shape);
      });
      const y = f(...xs);
      const w = tf.tensor(values(y.size, 99), y.shape);
      return y.mul(w).sum().dataSync()[0]!;
    });
  const numeric = (loss(h) - loss(-h)) / (2 * h);
  const { grads } = valueAndGrads(f, inputs);
  let analytic = 0;
  grads.forEach((g, k) => {
    for (let j = 0; j < g.length; j++) analytic += g[j]! * dirs[k]![j]!;
  });
  expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(analytic)));
}

const input = (shape: number[], seed: number, scale = 1) => ({
  values: values(size(shape), seed, scale),
  shape,
});

describe.skipIf(!status.loaded && !required)("native kernels", () => {
  beforeAll(async () => {
    const info = await initBackend("wasm");
    expect(info.wasm?.native.loaded, `native addon: ${info.wasm?.native.reason ?? ""}`).toBe(true);
    expect(nativeKernelsActive()).toBe(true);
    expect(fusedKernelsAvailable()).toBe(true);
  });

  afterAll(() => {
    setNativeThreads(status.threads ?? 1);
    useNativeKernels(true);
  });

  it("linear with and without bias (rows not a multiple of the GEMM chunks)", async () => {
    await matchesCpu(
      (x, w, b) => linear(x!, w!, b),
      [input([3, 37, 19], 1), input([23, 19], 2), input([23], 3)],
    );
    await matchesCpu((x, w) => linear(x!, w!), [input([300, 64], 4), input([96, 64], 5)]);
    // Large enough that the GEMMs split into chunks across threads.
    await matchesCpu(
      (x, w, b) => linear(x!, w!, b),
      [input([1030, 128], 6), input([520, 128], 7), input([520], 8)],
      5e-5,
    );
    // A small weight over many rows: its gradient's GEMM splits the inner dimension (partials summed in order).
    await matchesCpu((x, w) => linear(x!, w!), [input([2100, 64], 9), input([100, 64], 10)], 5e-5);
  });

  it("layer norm (with and without bias) and RMSNorm", async () => {
    await matchesCpu(
      (x, w, b) => layerNorm(x!, w!, b),
      [input([4, 33, 24], 1, 3), input([24], 2), input([24], 3)],
    );
    await matchesCpu((x, w) => layerNorm(x!, w!, undefined, 1e-5), [input([70, 40], 4, 2), input([40], 5)]);
    await matchesCpu((x, w) => rmsNorm(x!, w!, 1e-6), [input([5, 17, 32], 6, 2), input([32], 7)]);
  });

  it("clamped RMSNorm (MEGABYTE), including rows below the clamp", async () => {
    const x = input([6, 20], 1, 2);
    x.values.fill(1e-9, 40, 60); // row 2: tiny (clamped)
    await matchesCpu((t, g) => rmsNormClamped(t!, g!), [x, input([20], 2)]);
    // An all-zero row: the value is 0 (the composite's gradient there is NaN through sqrt'(0); ours is finite).
    const zero = tf.tidy(() =>
      rmsNormClamped(tf.zeros([2, 20]), tf.ones([20]))
        .dataSync()
        .slice(),
    );
    expect([...zero].every((v) => v === 0)).toBe(true);
    await matchesCpu((t, g) => rmsNormClamped(t!, g!, 1e-3), [input([3, 7, 16], 3, 2), input([16], 4)]);
  });

  it("rotary embedding, full and partial head width", async () => {
    for (const [dh, rd] of [
      [8, 8],
      [32, 16],
      [6, 2],
    ] as const) {
      const f = (x: tf.Tensor) =>
        tf.tidy(() => {
          const { cos, sin } = rotaryTables(x.shape[2]!, rd, 10000);
          return applyRotary(x as tf.Tensor4D, cos, sin);
        });
      await matchesCpu(f, [input([2, 3, 37, dh], dh)], 1e-5);
    }
  });

  it("SwiGLU on packed halves equals silu(gate) * up", async () => {
    for (const gateFirst of [true, false]) {
      const composite = (h: tf.Tensor) => {
        const [a, b] = tf.split(h, 2, -1);
        return gateFirst ? silu(a!).mul(b!) : silu(b!).mul(a!);
      };
      const h = input([3, 11, 2 * 24], 7, 4);
      const got = valueAndGrads((t) => fusedSwiGLU(t!, gateFirst)!, [h]);
      const want = await onCpu(() => valueAndGrads(composite, [h]));
      expectClose(got.value, want.value, 1e-5, "value");
      expectClose(got.grads[0]!, want.grads[0]!, 1e-5, "gradient");
    }
  });

  it("exact GELU", async () => {
    await matchesCpu((x) => geluExact(x!), [input([3, 50, 41], 1, 6)], 1e-5);
  });

  it("next-byte cross-entropy", async () => {
    const targets = Int32Array.from(values(2 * 37, 5), (v) => Math.floor((v + 1) * 128) % 256);
    const f = (logits: tf.Tensor) => {
      const t = tf.tensor2d(targets, [2, 37], "int32");
      const loss = nextByteCrossEntropy(logits as tf.Tensor3D, t);
      t.dispose();
      return loss;
    };
    await matchesCpu(f, [input([2, 37, 256], 1, 4)]);
  });

  it("causal attention [B, H, T, Dh], T across causal block edges", async () => {
    for (const [b, h, t, dh] of [
      [2, 3, 5, 4],
      [1, 2, 64, 8],
      [2, 2, 130, 16],
    ] as const) {
      const shape = [b, h, t, dh];
      const scale = 1 / Math.sqrt(dh);
      await matchesCpu(
        (q, k, v) => causalAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, scale),
        [input(shape, 1), input(shape, 2), input(shape, 3)],
      );
    }
  });

  it("packed self-attention equals split + attention + merge", async () => {
    const heads = 3;
    const [b, t, dh] = [2, 70, 8];
    const scale = 1 / Math.sqrt(dh);
    const composite = (qkv: tf.Tensor) => {
      const d = heads * dh;
      const [q, k, v] = tf.split(qkv, [d, d, d], 2);
      return mergeHeads(
        causalAttentionComposite(splitHeads(q!, heads), splitHeads(k!, heads), splitHeads(v!, heads), scale),
      );
    };
    const qkv = input([b, t, 3 * heads * dh], 4);
    const fused = valueAndGrads((x) => fusedCausalSelfAttention(x as tf.Tensor3D, heads, scale)!, [qkv]);
    const want = await onCpu(() => valueAndGrads(composite, [qkv]));
    expectClose(fused.value, want.value, 2e-5, "value");
    expectClose(fused.grads[0]!, want.grads[0]!, 2e-5, "gradient");
  });

  it("copies: transpose, concat, split, slice, tile and pad match cpu (float32 and int32)", async () => {
    const x = input([3, 5, 4, 6], 1);
    const ops: Array<[string, (t: tf.Tensor) => tf.Tensor]> = [
      ["transpose 0213", (t) => t.transpose([0, 2, 1, 3])],
      ["transpose 3102", (t) => t.transpose([3, 1, 0, 2])],
      ["concat axis 2", (t) => tf.concat([t, t.mul(2), t.slice([0, 0, 1, 0], [3, 5, 2, 6])], 2)],
      ["split axis 3", (t) => tf.concat(tf.split(t, [1, 3, 2], 3).reverse(), 3)],
      ["slice", (t) => t.slice([1, 0, 2, 1], [2, 5, 2, 4])],
      ["tile", (t) => t.slice([0, 0, 0, 0], [1, 5, 1, 6]).tile([2, 1, 3, 2])],
      [
        "pad",
        (t) =>
          t.pad(
            [
              [0, 1],
              [2, 0],
              [1, 1],
              [0, 3],
            ],
            7,
          ),
      ],
    ];
    for (const [name, op] of ops) {
      const got = tf.tidy(() => op(tf.tensor(x.values, x.shape)).dataSync().slice());
      const want = await onCpu(() => tf.tidy(() => op(tf.tensor(x.values, x.shape)).dataSync().slice()));
      expectClose(got, want, 0, name);
      const ints = Int32Array.from(x.values, (v) => Math.round(v * 1000));
      const gotI = tf.tidy(() =>
        op(tf.tensor(ints, x.shape, "int32"))
          .dataSync()
          .slice(),
      );
      const wantI = await onCpu(() =>
        tf.tidy(() =>
          op(tf.tensor(ints, x.shape, "int32"))
            .dataSync()
            .slice(),
        ),
      );
      expectClose(gotI, wantI, 0, `${name} (int32)`);
    }
  });

  it("gradients agree with finite differences", () => {
    checkFiniteDifferences(
      (x, w, b) => linear(x!, w!, b),
      [input([5, 9], 1), input([7, 9], 2), input([7], 3)],
    );
    checkFiniteDifferences(
      (x, w, b) => layerNorm(x!, w!, b),
      [input([6, 16], 4, 2), input([16], 5), input([16], 6)],
    );
    checkFiniteDifferences((x, w) => rmsNorm(x!, w!), [input([6, 16], 7, 2), input([16], 8)]);
    checkFiniteDifferences((x) => geluExact(x!), [input([64], 9, 3)]);
    checkFiniteDifferences((x, g) => rmsNormClamped(x!, g!), [input([6, 16], 14, 2), input([16], 15)]);
    checkFiniteDifferences((x) => fusedSwiGLU(x!, false)!, [input([5, 16], 16, 2)]);
    checkFiniteDifferences(
      (x) => {
        const { cos, sin } = rotaryTables(7, 4, 10000);
        const y = applyRotary(x as tf.Tensor4D, cos, sin);
        tf.dispose([cos, sin]);
        return y;
      },
      [input([1, 2, 7, 6], 17)],
    );
    checkFiniteDifferences(
      (q, k, v) => causalAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, 0.5),
      [input([1, 2, 9, 4], 10), input([1, 2, 9, 4], 11), input([1, 2, 9, 4], 12)],
    );
    checkFiniteDifferences(
      (x) => fusedCausalSelfAttention(x as tf.Tensor3D, 2, 0.5)!,
      [input([1, 9, 12], 13)],
    );
  });

  it("gives bit-identical results with 1 and 2 threads", () => {
    const run = () =>
      valueAndGrads(
        (x, w, b, qkv, w2) =>
          tf.tidy(() => {
            const y = geluExact(layerNorm(linear(x!, w!, b), tf.onesLike(b!), undefined));
            const a = fusedCausalSelfAttention(qkv as tf.Tensor3D, 4, 0.25)!;
            const z = linear(x!, w2!); // its weight gradient splits the inner dimension
            return tf.concat([y.reshape([-1]), a.reshape([-1]), z.reshape([-1])]);
          }),
        [
          input([2100, 96], 1),
          input([520, 96], 2),
          input([520], 3),
          input([4, 200, 96], 4),
          input([100, 96], 5),
        ],
      );
    setNativeThreads(1);
    const one = run();
    setNativeThreads(2);
    const two = run();
    expect(Buffer.from(two.value.buffer).equals(Buffer.from(one.value.buffer))).toBe(true);
    two.grads.forEach((g, i) => {
      expect(Buffer.from(g.buffer).equals(Buffer.from(one.grads[i]!.buffer)), `gradient ${i}`).toBe(true);
    });
  });

  it("follows the heap when the wasm memory grows", () => {
    const x = tf.tensor(values(64 * 32, 1), [64, 32]);
    const w = tf.tensor(values(16 * 32, 2), [16, 32]);
    const before = linear(x, w).dataSync().slice();
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
    const bytesBefore = heap.HEAPU8.buffer.byteLength;
    const big = tf.zeros([64 * 1024 * 1024]); // 256 MB: the module grows its memory (new ArrayBuffer)
    expect(heap.HEAPU8.buffer.byteLength).toBeGreaterThan(bytesBefore);
    const after = linear(x, w).dataSync().slice();
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    tf.dispose([x, w, big]);
  });

  it("refuses ranges outside the heap instead of writing there", () => {
    const native = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer
      .byteLength;
    const addon = createRequire(import.meta.url)(status.path) as {
      gemm(...a: number[]): void;
      gelu(...a: number[]): void;
    };
    expect(() => addon.gemm(native, 0, 0, 1, 8, 8, 8, 0, 0, 0, 0, 0, 1, 0)).toThrow(/outside the heap/);
    expect(() => addon.gelu(0, native - 8, 4)).toThrow(/outside the heap/);
    expect(() => addon.gelu(2, 0, 4)).toThrow(/outside the heap/); // unaligned
  });

  it("has one owner per process: a second JS thread gets a reason instead of a shared heap", async () => {
    const { Worker } = await import("node:worker_threads");
    const worker = new Worker(
      `const a = require(${JSON.stringify(status.path)}); require("node:worker_threads").parentPort.postMessage(a.unavailable ?? null);`,
      { eval: true },
    );
    const message = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(message).toMatch(/another JS thread/);
  });

  it("AdamW and the gradient norm: one native pass, bit-identical to the TF.js ops", () => {
    const shapes = [[33, 17], [17], [5, 3, 7]];
    // Variables own their data alone (the initial tensors are disposed), as the model's parameters do.
    const variable = (v: Float32Array, s: number[], trainable = true) =>
      tf.tidy(() => tf.variable(tf.tensor(v, s), trainable));
    const make = () => shapes.map((s, i) => variable(values(size(s), 10 + i), s));
    const grads = shapes.map((s, i) => tf.tensor(values(size(s), 20 + i, 3), s));
    const hyper = {
      beta1: 0.9,
      beta2: 0.95,
      eps: 1e-8,
      bc1: 1 - 0.9 ** 3,
      sqrtBc2: Math.sqrt(1 - 0.95 ** 3),
    };
    const step = (params: tf.Variable[], m: tf.Variable[], v: tf.Variable[], native: boolean) => {
      const items = params.map((p, i) => ({
        param: p,
        grad: grads[i]!,
        m: m[i]!,
        v: v[i]!,
        lr: 0.01 * (i + 1),
        weightDecay: i === 1 ? 0 : 0.1,
      }));
      if (native) {
        expect(nativeAdamW(items, hyper, 0.7)).toBe(true);
        return;
      }
      // The TF.js ops of packages/train's AdamW, spelled out.
      tf.tidy(() => {
        items.forEach((it) => {
          const g = it.grad.mul(0.7);
          const mm = it.m.mul(hyper.beta1).add(g.mul(1 - hyper.beta1));
          const vv = it.v.mul(hyper.beta2).add(g.square().mul(1 - hyper.beta2));
          it.m.assign(mm);
          it.v.assign(vv);
          let w: tf.Tensor = it.param;
          if (it.weightDecay > 0) w = w.mul(1 - it.lr * it.weightDecay);
          const denom = vv.sqrt().div(hyper.sqrtBc2).add(hyper.eps);
          (it.param as tf.Variable).assign(w.sub(mm.div(denom).mul(it.lr / hyper.bc1)));
        });
      });
    };
    const state = () => {
      const p = make();
      const m = shapes.map((s, i) => variable(values(size(s), 30 + i, 0.1), s, false));
      const v = shapes.map((s, i) => variable(values(size(s), 40 + i, 0.1).map(Math.abs), s, false));
      return { p, m, v };
    };
    const a = state();
    const b = state();
    for (let i = 0; i < 3; i++) {
      step(a.p, a.m, a.v, true);
      step(b.p, b.m, b.v, false);
    }
    for (const key of ["p", "m", "v"] as const) {
      a[key].forEach((t, i) => {
        const x = Buffer.from(t.dataSync().buffer);
        const y = Buffer.from(b[key][i]!.dataSync().buffer);
        expect(x.equals(y), `${key}[${i}]`).toBe(true);
      });
    }
    // Shared data (a clone of a parameter) is never written through: the native pass declines.
    const clone = a.p[0]!.clone();
    const items = a.p.map((p, i) => ({
      param: p,
      grad: grads[i]!,
      m: a.m[i]!,
      v: a.v[i]!,
      lr: 0.01,
      weightDecay: 0,
    }));
    expect(nativeAdamW(items, hyper)).toBe(false);
    clone.dispose();
    // The norm in float64 over every element.
    let expected = 0;
    for (const g of grads) for (const x of g.dataSync()) expected += x * x;
    expect(nativeSumSquares(grads)).toBeCloseTo(expected, 6);
    tf.dispose([...a.p, ...a.m, ...a.v, ...b.p, ...b.m, ...b.v, ...grads]);
  });

  it("trains 100 steps without leaking tensors or heap blocks, same losses as the wasm kernels", () => {
    const model = createTransformer({ n_layer: 2, n_head: 2, n_embd: 32, block_size: 24 }, 3);
    const optimizer = tf.train.adam(1e-3);
    const rows = Array.from({ length: 4 }, (_, r) =>
      Array.from({ length: 25 }, (_, i) => (r * 31 + i * 7) % 256),
    );
    const x = tf.tensor2d(
      rows.map((r) => r.slice(0, -1)),
      undefined,
      "int32",
    );
    const y = tf.tensor2d(
      rows.map((r) => r.slice(1)),
      undefined,
      "int32",
    );
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => nextByteCrossEntropy(model.forward(x, { training: true }).logits, y),
        model.trainableVariables(),
      );
      optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    };
    step(); // optimizer slots are created on the first step
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    const losses: number[] = [];
    for (let i = 0; i < 100; i++) losses.push(step());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    // The first loss of a fresh model equals the wasm kernels' within float tolerance.
    const fresh = createTransformer({ n_layer: 2, n_head: 2, n_embd: 32, block_size: 24 }, 3);
    const lossNow = () => tf.tidy(() => nextByteCrossEntropy(fresh.forward(x).logits, y).dataSync()[0]!);
    const nativeLoss = lossNow();
    useNativeKernels(false);
    const wasmLoss = lossNow();
    useNativeKernels(true);
    expect(Math.abs(nativeLoss - wasmLoss)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
    fresh.dispose();
  });
});
