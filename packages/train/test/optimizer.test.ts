import { initBackend } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { AdamW } from "../src/optim/adamw";
import { clipByGlobalNorm, globalNorm } from "../src/optim/clip";
import { buildParamSpecs, lrMultiplierFor, type ParamSpec, shouldDecay } from "../src/optim/param-groups";
import { DEFAULT_NO_DECAY_PATTERNS } from "../src/config";

beforeAll(async () => {
  await initBackend();
});

const hyper = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/** Plain float64 AdamW for one scalar, written from the paper / PyTorch docs, to check the tensor version. */
function referenceAdamW(p0: number, grads: number[], lrs: number[], decay: boolean): number {
  let p = p0;
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    const lr = lrs[i]!;
    if (decay) p -= lr * hyper.weightDecay * p;
    m = hyper.beta1 * m + (1 - hyper.beta1) * g;
    v = hyper.beta2 * v + (1 - hyper.beta2) * g * g;
    const mHat = m / (1 - hyper.beta1 ** t);
    const vHat = v / (1 - hyper.beta2 ** t);
    p -= (lr * mHat) / (Math.sqrt(vHat) + hyper.eps);
  });
  return p;
}

function spec(name: string, values: number[], shape: number[], decay: boolean, lrMultiplier = 1): ParamSpec {
  return { name, variable: tf.variable(tf.tensor(values, shape)), decay, lrMultiplier };
}

describe("AdamW", () => {
  it("matches a hand-computed AdamW over three steps, with decay, no-decay and an lr multiplier", () => {
    const w = spec("w", [0.5, -1.5, 2.0, 0.25], [2, 2], true);
    const b = spec("b", [0.1, -0.2], [2], false, 3);
    const opt = new AdamW([w, b], hyper);
    const gW = [
      [0.3, -0.2, 1.5, 0.0],
      [-0.1, 0.4, 0.5, 2.0],
      [0.05, 0.05, -1.0, -0.5],
    ];
    const gB = [
      [1.0, -1.0],
      [0.5, 0.2],
      [-0.3, 0.9],
    ];
    const lrs = [1e-2, 2e-2, 5e-3];
    for (let s = 0; s < 3; s++) {
      const grads = [tf.tensor(gW[s]!, [2, 2]), tf.tensor(gB[s]!, [2])];
      opt.apply(grads, lrs[s]!);
      for (const g of grads) g.dispose();
    }
    const gotW = w.variable.dataSync();
    [0.5, -1.5, 2.0, 0.25].forEach((p0, i) => {
      const expected = referenceAdamW(
        p0,
        gW.map((g) => g[i]!),
        lrs,
        true,
      );
      expect(gotW[i]).toBeCloseTo(expected, 6);
    });
    const gotB = b.variable.dataSync();
    [0.1, -0.2].forEach((p0, i) => {
      const expected = referenceAdamW(
        p0,
        gB.map((g) => g[i]!),
        lrs.map((l) => 3 * l),
        false,
      );
      expect(gotB[i]).toBeCloseTo(expected, 6);
    });
    expect(opt.step).toBe(3);
    opt.dispose();
    w.variable.dispose();
    b.variable.dispose();
  });

  it("decays decoupled from the gradient: a zero gradient only shrinks decayed weights by (1 - lr wd)", () => {
    const w = spec("w", [2, -4], [1, 2], true);
    const n = spec("n", [2, -4], [1, 2], false);
    const opt = new AdamW([w, n], hyper);
    const zeros = [tf.zeros([1, 2]), tf.zeros([1, 2])];
    opt.apply(zeros, 0.5);
    expect([...w.variable.dataSync()]).toEqual([2 * (1 - 0.05), -4 * (1 - 0.05)].map(Math.fround));
    expect([...n.variable.dataSync()]).toEqual([2, -4]);
    for (const t of zeros) t.dispose();
    opt.dispose();
  });

  it("state() / loadState() continue bit-for-bit", () => {
    const make = () => [spec("w", [0.5, -1.5, 2.0, 0.25], [2, 2], true), spec("b", [0.1, -0.2], [2], false)];
    const grads = (s: number) => [tf.tensor([s, -s, 0.5 * s, 1], [2, 2]), tf.tensor([1 / (s + 1), s], [2])];
    const a = make();
    const optA = new AdamW(a, hyper);
    for (let s = 0; s < 5; s++) {
      const g = grads(s);
      optA.apply(g, 0.01);
      for (const t of g) t.dispose();
    }
    // Snapshot after 3 steps by replaying on a second copy, then restore into a third.
    const b = make();
    const optB = new AdamW(b, hyper);
    for (let s = 0; s < 3; s++) {
      const g = grads(s);
      optB.apply(g, 0.01);
      for (const t of g) t.dispose();
    }
    const saved = optB.state();
    const c = make();
    c.forEach((p, i) => {
      p.variable.assign(b[i]!.variable);
    });
    const optC = new AdamW(c, hyper);
    optC.loadState(saved);
    for (let s = 3; s < 5; s++) {
      const g = grads(s);
      optC.apply(g, 0.01);
      for (const t of g) t.dispose();
    }
    c.forEach((p, i) => {
      expect([...p.variable.dataSync()]).toEqual([...a[i]!.variable.dataSync()]);
    });
    for (const o of [optA, optB, optC]) o.dispose();
    for (const p of [...a, ...b, ...c]) p.variable.dispose();
  });

  it("refuses optimizer state of another shape", () => {
    const w = spec("w", [1, 2], [1, 2], true);
    const opt = new AdamW([w], hyper);
    expect(() => opt.loadState({ step: 1, m: [new Float32Array(3)], v: [new Float32Array(3)] })).toThrow(
      /w has 3 values, expected 2/,
    );
    opt.dispose();
    w.variable.dispose();
  });

  it("does not leak tensors across steps", () => {
    const w = spec("w", [1, 2, 3, 4], [2, 2], true);
    const opt = new AdamW([w], hyper);
    const g = tf.ones([2, 2]);
    opt.apply([g], 0.1);
    const before = tf.memory().numTensors;
    opt.apply([g], 0.1);
    expect(tf.memory().numTensors).toBe(before);
    g.dispose();
    opt.dispose();
    w.variable.dispose();
  });
});

describe("parameter groups", () => {
  it("exempts norms, biases, embeddings and rank<2 parameters from weight decay", () => {
    const cases: Array<[string, number, boolean]> = [
      ["embeddings.weight", 2, false],
      ["token_emb.weight", 2, false],
      ["transformer.wte.weight", 2, false],
      ["backbone.layers.0.norm1.weight", 1, false],
      ["backbone.rmsnorm.weight", 2, false],
      ["layers.0.ln_1.weight", 1, false],
      ["mlp.fc.bias", 1, false],
      ["to_logits.bias", 1, false],
      ["mlp.fc.weight", 2, true],
      ["lm_head.weight", 2, true],
      ["backbone.layers.0.mixer.Wqkv.weight", 2, true],
      ["lnx.weight", 2, false],
      ["kiln.weight", 2, true],
    ];
    for (const [name, rank, decay] of cases)
      expect(shouldDecay(name, rank, DEFAULT_NO_DECAY_PATTERNS), name).toBe(decay);
  });

  it("uses the longest matching prefix for lr multipliers", () => {
    const rules = [
      { prefix: "backbone.", multiplier: 2 },
      { prefix: "backbone.main_network.", multiplier: 1.5 },
      { prefix: "backbone.main_network.main_network.", multiplier: 1 },
    ];
    expect(lrMultiplierFor("embeddings.weight", rules)).toBe(1);
    expect(lrMultiplierFor("backbone.encoder.layers.0.w", rules)).toBe(2);
    expect(lrMultiplierFor("backbone.main_network.encoder.w", rules)).toBe(1.5);
    expect(lrMultiplierFor("backbone.main_network.main_network.layers.0.w", rules)).toBe(1);
  });

  it("recovers ParamStore names from TF variable names", () => {
    const v = [
      tf.variable(tf.zeros([2, 2]), true, "mlp.fc.weight_17"),
      tf.variable(tf.zeros([2]), true, "a_1_2"),
    ];
    const specs = buildParamSpecs(v, { noDecayPatterns: DEFAULT_NO_DECAY_PATTERNS, lrMultipliers: [] });
    expect(specs.map((s) => s.name)).toEqual(["mlp.fc.weight", "a_1"]);
    for (const x of v) x.dispose();
  });
});

describe("global-norm clipping", () => {
  it("scales every gradient by maxNorm / norm when the norm is larger", () => {
    const grads = [tf.tensor([3, 0]), tf.tensor([[0, 4]])];
    expect(globalNorm(grads)).toBeCloseTo(5, 6);
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(clipped[0]!.dataSync()[0]).toBeCloseTo(0.6, 6);
    expect(clipped[1]!.dataSync()[1]).toBeCloseTo(0.8, 6);
    expect(globalNorm(clipped)).toBeCloseTo(1, 5);
    for (const g of [...grads, ...clipped]) g.dispose();
  });

  it("leaves gradients under the bound (and with clipping off) unchanged", () => {
    const grads = [tf.tensor([3, 0]), tf.tensor([[0, 4]])];
    for (const max of [10, 0]) {
      const { grads: out, norm } = clipByGlobalNorm(grads, max);
      expect(norm).toBeCloseTo(5, 6);
      expect([...out[0]!.dataSync(), ...out[1]!.dataSync()]).toEqual([3, 0, 0, 4]);
      for (const g of out) g.dispose();
    }
    for (const g of grads) g.dispose();
  });
});
