import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { nextByteCrossEntropy } from "../src/loss";
import { logitsOf, maxDiff, nextByteBatch, randomBytes } from "./helpers";
import { profiledMatmulFlops } from "./matmul-flops";
import {
  createTransformer,
  type TransformerConfigInput,
  transformerConfigSchema,
  transformerMlpHidden,
} from "../src/transformer";

// The flat Transformer has no reference implementation or golden fixture; these property tests pin it down.

const SMALL: TransformerConfigInput = { n_layer: 2, n_head: 2, n_embd: 16, block_size: 64 };
const VARIANTS: Array<[string, TransformerConfigInput]> = [
  ["GPT-2 style (layernorm, gelu, learned, tied)", SMALL],
  [
    "LLaMA style (rmsnorm, swiglu, rotary, untied, no bias)",
    { ...SMALL, norm: "rmsnorm", mlp: "swiglu", positions: "rotary", tie_embeddings: false, bias: false },
  ],
  ["no positions, untied", { ...SMALL, positions: "none", tie_embeddings: false }],
];

beforeAll(async () => {
  await initBackend();
});

describe("transformer config", () => {
  it("documents nanoGPT defaults and fills them in", () => {
    const c = transformerConfigSchema.parse({});
    expect(c).toMatchObject({ n_layer: 6, n_head: 6, n_embd: 384, block_size: 1024, dropout: 0, bias: true });
    expect(transformerMlpHidden(c)).toBe(4 * 384);
    expect(transformerMlpHidden({ ...c, mlp: "swiglu" })).toBe(1024); // 2/3 * 4 * 384, multiple of 8
  });

  it("names the field and the fix for bad values and unknown keys", () => {
    expect(() => createTransformer({ n_embd: 30, n_head: 4 })).toThrow(/n_embd.*not divisible by n_head 4/);
    expect(() => createTransformer({ n_embd: 12, n_head: 4, positions: "rotary" })).toThrow(
      /even head width/,
    );
    expect(() => createTransformer({ n_layers: 3 } as TransformerConfigInput)).toThrow(/n_layers/);
  });

  it("refuses sequences longer than block_size with learned positions, not with rotary", () => {
    const learned = createTransformer({ ...SMALL, block_size: 8 });
    const bytes = tf.zeros([1, 9], "int32") as tf.Tensor2D;
    expect(() => learned.forward(bytes)).toThrow(/exceeds block_size 8/);
    const rotary = createTransformer({ ...SMALL, block_size: 8, positions: "rotary" });
    const { logits } = rotary.forward(bytes);
    expect(logits.shape).toEqual([1, 9, 256]);
    tf.dispose([bytes, logits]);
    learned.dispose();
    rotary.dispose();
  });
});

describe.each(VARIANTS)("transformer %s", (_label, config) => {
  it("is causal: changing byte t never changes logits before t, and does change logits at t", () => {
    const model = createTransformer(config, 1);
    const length = 21;
    const base = randomBytes(1, length, 3)[0]!;
    const reference = logitsOf(model, [base]);
    const positions = new Set([0, 1, 10, length - 1]);
    for (let i = 0; i < 3; i++) positions.add(Math.floor(Math.random() * length));
    for (const t of positions) {
      const changed = [...base];
      changed[t] = (base[t]! + 1 + Math.floor(Math.random() * 255)) % 256;
      const after = logitsOf(model, [changed]);
      expect(maxDiff(reference.subarray(0, t * 256), after.subarray(0, t * 256))).toBeLessThanOrEqual(1e-6);
      expect(
        maxDiff(reference.subarray(t * 256, (t + 1) * 256), after.subarray(t * 256, (t + 1) * 256)),
      ).toBeGreaterThan(1e-6);
    }
    model.dispose();
  });

  it("keeps batch rows independent", () => {
    const model = createTransformer(config, 2);
    const rows = randomBytes(3, 13, 5);
    const together = logitsOf(model, rows);
    const alone = logitsOf(model, [rows[1]!]);
    const other = logitsOf(model, [randomBytes(1, 13, 7)[0]!, rows[1]!, randomBytes(1, 13, 8)[0]!]);
    const row1 = together.subarray(13 * 256, 2 * 13 * 256);
    expect(maxDiff(row1, alone)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(row1, other.subarray(13 * 256, 2 * 13 * 256))).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it.each([0, 4])("is deterministic for seed %i and differs for another seed", (seed) => {
    const rows = randomBytes(1, 9, 6);
    const a = createTransformer(config, seed);
    const b = createTransformer(config, seed);
    const c = createTransformer(config, seed + 1);
    expect(maxDiff(logitsOf(a, rows), logitsOf(b, rows))).toBe(0);
    expect(maxDiff(logitsOf(a, rows), logitsOf(c, rows))).toBeGreaterThan(1e-4);
    for (const m of [a, b, c]) m.dispose();
  });

  it("paramCount is the sum of the variable sizes and matches the closed form", () => {
    const model = createTransformer(config, 0);
    const c = transformerConfigSchema.parse(config);
    const sum = model.trainableVariables().reduce((n, v) => n + v.size, 0);
    expect(model.paramCount()).toBe(sum);
    const d = c.n_embd;
    const f = transformerMlpHidden(c);
    const norm = c.norm === "layernorm" && c.bias ? 2 * d : d;
    const linear = (o: number, i: number) => o * i + (c.bias ? o : 0);
    const mlp = c.mlp === "gelu" ? linear(f, d) + linear(d, f) : 2 * linear(f, d) + linear(d, f);
    const perLayer = 2 * norm + linear(3 * d, d) + linear(d, d) + mlp;
    const expected =
      256 * d +
      (c.positions === "learned" ? c.block_size * d : 0) +
      c.n_layer * perLayer +
      norm +
      (c.tie_embeddings ? 0 : 256 * d);
    expect(model.paramCount()).toBe(expected);
    model.dispose();
  });

  it("gradients reach every parameter, finite and non-zero", () => {
    const model = createTransformer(config, 6);
    const rows = randomBytes(2, 12, 9);
    const { x, y } = nextByteBatch(rows);
    const { value, grads } = tf.variableGrads(
      () => nextByteCrossEntropy(model.forward(x).logits, y),
      model.trainableVariables(),
    );
    const names = model.params.names();
    expect(Object.keys(grads).length).toBe(names.length);
    for (const v of model.trainableVariables()) {
      const g = grads[v.name]!.dataSync();
      let finite = true;
      let maxAbs = 0;
      for (const e of g) {
        if (!Number.isFinite(e)) finite = false;
        maxAbs = Math.max(maxAbs, Math.abs(e));
      }
      expect(finite, v.name).toBe(true);
      expect(maxAbs, v.name).toBeGreaterThan(0);
    }
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  });

  it("starts near ln 256 nats per byte", () => {
    const model = createTransformer({ ...config, n_embd: 32, n_head: 4 }, 7);
    const rows = randomBytes(2, 33, 10);
    const { x, y } = nextByteBatch(rows);
    const loss = tf.tidy(() => nextByteCrossEntropy(model.forward(x).logits, y).dataSync()[0]!);
    expect(Math.abs(loss - Math.log(256))).toBeLessThan(0.3);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("leaks no tensors across a training step (with dropout)", () => {
    const model = createTransformer({ ...config, dropout: 0.1 }, 8);
    const rows = randomBytes(2, 10, 11);
    const { x, y } = nextByteBatch(rows);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => nextByteCrossEntropy(model.forward(x, { training: true }).logits, y),
      model.trainableVariables(),
    );
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe("transformer flopsPerByte", () => {
  it("equals an independent count of the matmuls the forward pass runs", async () => {
    for (const config of VARIANTS.map(([, c]) => c)) {
      const model = createTransformer(config, 0);
      const [batch, length] = [2, 11];
      const x = tf.zeros([batch, length], "int32") as tf.Tensor2D;
      const profile = await tf.profile(() => {
        const { logits } = model.forward(x);
        logits.dispose();
      });
      const flops = profiledMatmulFlops(profile.kernels);
      const analytic = model.flopsPerByte(length);
      expect(flops / (batch * length)).toBeCloseTo(analytic.forward, 6);
      expect(analytic.training).toBe(3 * analytic.forward);
      x.dispose();
      model.dispose();
    }
  });
});
