import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { checkGoldenFixture, loadGoldenFixture } from "../src/golden";
import { nextByteCrossEntropy } from "../src/loss";
import {
  createMegabyte,
  type MegabyteConfigInput,
  megabyteFromGoldenFixture,
  megabyteReferenceLoss,
  megabytePaddingMultiple as paddingMultiple,
} from "../src/megabyte";
import { goldenFixtures } from "./fixtures";
import { logitsOf, maxDiff, randomBytes } from "./helpers";
import { profiledMatmulFlops } from "./matmul-flops";

/** Fixtures made with the reference by fixtures/megabyte/make_fixtures.py: 3 stages, patch 3/5, rotary, ... */
const EXTRA_DIR = resolve(__dirname, "fixtures/megabyte");
const extraFixtures = readdirSync(EXTRA_DIR)
  .filter((d) => existsSync(join(EXTRA_DIR, d, "manifest.json")))
  .map((d) => join(EXTRA_DIR, d));
const allFixtures = [...goldenFixtures("megabyte"), ...extraFixtures];

const SMALL: MegabyteConfigInput = {
  dim: [24, 16],
  depth: [2, 1],
  max_seq_len: [16, 4],
  dim_head: 8,
  heads: 2,
  ff_mult: 2,
};
const THREE_STAGES: MegabyteConfigInput = {
  dim: [24, 20, 13],
  depth: [1, 1, 1],
  max_seq_len: [8, 3, 2],
  dim_head: 6,
  heads: 2,
  ff_mult: 2,
};

beforeAll(async () => {
  await initBackend();
});

describe("megabyte golden conformance", () => {
  it("has the public fixture and the extra multi-stage fixtures", () => {
    expect(goldenFixtures("megabyte").length).toBeGreaterThanOrEqual(1);
    expect(extraFixtures.length).toBe(3);
  });

  it.each(allFixtures)("%s: logits, start-token logits and reference loss match PyTorch", async (dir) => {
    const report = await checkGoldenFixture(dir);
    expect(report.failures).toEqual([]);
    expect(report.pass).toBe(true);
    expect(report.maxAbsLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(report.referenceLossDiff).not.toBeNull();
    expect(report.referenceLossDiff!).toBeLessThanOrEqual(1e-4);
  });

  it.each(allFixtures)("%s: paramCount is the sum of variable sizes and the manifest's total", (dir) => {
    const fixture = loadGoldenFixture(dir);
    const model = megabyteFromGoldenFixture(fixture);
    const sum = model.trainableVariables().reduce((n, v) => n + v.size, 0);
    expect(model.paramCount()).toBe(sum);
    expect(model.paramCount()).toBe(fixture.manifest.n_params_total);
    model.dispose();
  });
});

describe("megabyte properties", () => {
  it.each([
    ["2 stages, P=4, T=23", SMALL, 23],
    ["3 stages (8,3,2), T=29", THREE_STAGES, 29],
  ] as const)("causal: %s", (_label, config, length) => {
    const model = createMegabyte(config, 1);
    const multiple = paddingMultiple(model.config);
    const base = randomBytes(1, length, 3)[0]!;
    const reference = logitsOf(model, [base]);
    // group edges, inside a group, first and last byte, plus random positions
    const positions = new Set([0, multiple - 1, multiple, multiple + 1, 2 * multiple - 1, length - 1]);
    for (let i = 0; i < 3; i++) positions.add(Math.floor(Math.random() * length));
    for (const t of positions) {
      const changed = [...base];
      changed[t] = (base[t]! + 1 + Math.floor(Math.random() * 255)) % 256;
      const after = logitsOf(model, [changed]);
      expect(maxDiff(reference.subarray(0, t * 256), after.subarray(0, t * 256))).toBeLessThanOrEqual(1e-6);
      expect(
        maxDiff(reference.subarray(t * 256, (t + 1) * 256), after.subarray(t * 256, (t + 1) * 256)),
      ).toBeGreaterThan(1e-4);
    }
    model.dispose();
  });

  it("any sequence length: a prefix's logits equal the full sequence's first rows", () => {
    const model = createMegabyte(THREE_STAGES, 2);
    const bytes = randomBytes(1, 30, 4)[0]!;
    const full = logitsOf(model, [bytes]);
    for (const length of [1, 5, 12, 13]) {
      const prefix = logitsOf(model, [bytes.slice(0, length)]);
      expect(prefix.length).toBe(length * 256);
      expect(maxDiff(prefix, full.subarray(0, length * 256))).toBeLessThanOrEqual(1e-5);
    }
    model.dispose();
  });

  it("batch rows are independent", () => {
    const model = createMegabyte(SMALL, 3);
    const rows = randomBytes(3, 18, 5);
    const together = logitsOf(model, rows);
    const alone = logitsOf(model, [rows[1]!]);
    const other = logitsOf(model, [rows[0]!, rows[1]!, randomBytes(1, 18, 99)[0]!]);
    const row1 = together.subarray(18 * 256, 2 * 18 * 256);
    expect(maxDiff(row1, alone)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(row1, other.subarray(18 * 256, 2 * 18 * 256))).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const bytes = randomBytes(1, 12, 6);
    const a = createMegabyte(SMALL, 7);
    const b = createMegabyte(SMALL, 7);
    const c = createMegabyte(SMALL, 8);
    expect(maxDiff(logitsOf(a, bytes), logitsOf(b, bytes))).toBe(0);
    expect(maxDiff(logitsOf(a, bytes), logitsOf(c, bytes))).toBeGreaterThan(1e-3);
    for (const m of [a, b, c]) m.dispose();
  });

  it.each([
    ["2 stages", SMALL],
    ["3 stages + rel_pos + pos_emb", { ...THREE_STAGES, rel_pos: true, pos_emb: true }],
  ] as const)("gradients reach every parameter (%s)", (_label, config) => {
    const model = createMegabyte(config, 4);
    const bytes = tf.tensor2d(randomBytes(2, 16, 8), undefined, "int32");
    const { grads, value } = tf.variableGrads(() => {
      const { logits } = model.forward(bytes);
      const [b, t] = bytes.shape;
      return nextByteCrossEntropy(
        logits.slice([0, 0, 0], [b, t - 1, 256]),
        bytes.slice([0, 1], [b, t - 1]) as tf.Tensor2D,
      );
    }, model.trainableVariables());
    const problems: string[] = [];
    for (const name of model.store.names()) {
      const g = grads[model.store.get(name).name];
      const norm = g ? g.abs().sum().dataSync()[0]! : 0;
      if (!(norm > 0 && Number.isFinite(norm))) problems.push(`${name}: |grad| = ${norm}`);
    }
    expect(problems).toEqual([]);
    tf.dispose([value, bytes, ...Object.values(grads)]);
    model.dispose();
  });

  it("loss at init is about ln 256 for the default config", () => {
    const model = createMegabyte({}, 0);
    const bytes = tf.tensor2d(randomBytes(1, 64, 9), undefined, "int32");
    const { logits } = model.forward(bytes);
    const loss = nextByteCrossEntropy(
      logits.slice([0, 0, 0], [1, 63, 256]),
      bytes.slice([0, 1], [1, 63]) as tf.Tensor2D,
    );
    expect(Math.abs(loss.dataSync()[0]! - Math.log(256))).toBeLessThan(0.3);
    tf.dispose([logits, loss, bytes]);
    model.dispose();
  });

  it("leaks no tensors across a training step (forward + reference loss + backward)", () => {
    const model = createMegabyte(THREE_STAGES, 5);
    const bytes = tf.tensor2d(randomBytes(2, 21, 10), undefined, "int32");
    const step = () => {
      const { grads, value } = tf.variableGrads(
        () => megabyteReferenceLoss(model, bytes, { training: true }),
        model.trainableVariables(),
      );
      tf.dispose([value, ...Object.values(grads)]);
    };
    step(); // warm-up: backends may allocate lazily on first use
    const before = tf.memory().numTensors;
    step();
    const out = model.forward(bytes);
    out.logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    bytes.dispose();
    model.dispose();
  });

  it("reference loss ignores pad_id targets and scores byte 0 with the start token", () => {
    const model = createMegabyte({ ...SMALL, pad_id: 0 }, 6);
    const rows = [[0, 65, 0, 66, 67, 0, 68]];
    const bytes = tf.tensor2d(rows, undefined, "int32");
    const { logits, startLogits } = model.forwardWithStart(bytes);
    const l = logits.arraySync()[0]!;
    const start = startLogits.arraySync()[0]!;
    const nll = (scores: number[], target: number) => {
      const max = Math.max(...scores);
      return max + Math.log(scores.reduce((s, v) => s + Math.exp(v - max), 0)) - scores[target]!;
    };
    const row = rows[0]!;
    let total = 0;
    let count = 0;
    row.forEach((target, i) => {
      if (target === 0) return;
      total += nll(i === 0 ? start : l[i - 1]!, target);
      count++;
    });
    const loss = megabyteReferenceLoss(model, bytes);
    expect(Math.abs(loss.dataSync()[0]! - total / count)).toBeLessThan(1e-4);
    tf.dispose([logits, startLogits, bytes, loss]);
    model.dispose();
  });

  it("token_shift=false (the paper's blocks) changes the model and stays causal", () => {
    const shifted = createMegabyte(SMALL, 11);
    const plain = createMegabyte({ ...SMALL, token_shift: false }, 11);
    const bytes = randomBytes(1, 12, 12)[0]!;
    const a = logitsOf(plain, [bytes]);
    expect(maxDiff(a, logitsOf(shifted, [bytes]))).toBeGreaterThan(1e-3);
    const changed = [...bytes];
    changed[6] = (bytes[6]! + 7) % 256;
    expect(
      maxDiff(a.subarray(0, 6 * 256), logitsOf(plain, [changed]).subarray(0, 6 * 256)),
    ).toBeLessThanOrEqual(1e-6);
    shifted.dispose();
    plain.dispose();
  });

  it("refuses bad configs with the field name, and over-long input with pos_emb", () => {
    expect(() => createMegabyte({ depth: [2, 2, 2], max_seq_len: [8, 4] })).toThrow(/max_seq_len/);
    expect(() => createMegabyte({ dim: [32], depth: [1, 1] })).toThrow(/dim/);
    expect(() => createMegabyte({ ...SMALL, rel_pos: true, dim_head: 7 })).toThrow(/dim_head/);
    const model = createMegabyte({ ...SMALL, pos_emb: true }, 0);
    const tooLong = tf.zeros([1, 16 * 4 + 1], "int32") as tf.Tensor2D;
    expect(() => model.forward(tooLong)).toThrow(/max_seq_len\[0\]/);
    tooLong.dispose();
    model.dispose();
  });
});

describe("megabyte flopsPerByte", () => {
  it.each([
    ["2 stages, T=23", SMALL, 23],
    ["3 stages, T=29", THREE_STAGES, 29],
  ] as const)("equals the matmul FLOPs the forward pass runs (%s)", async (_label, config, length) => {
    const model = createMegabyte(config, 0);
    const bytes = tf.tensor2d(randomBytes(1, length, 13), undefined, "int32");
    const profile = await tf.profile(() => model.forward(bytes).logits);
    const counted = profiledMatmulFlops(profile.kernels);
    expect(counted).toBeGreaterThan(0);
    const flops = model.flopsPerByte(length);
    expect(flops.forward * length).toBeCloseTo(counted, 3);
    expect(flops.training).toBeCloseTo(3 * flops.forward, 6);
    bytes.dispose();
    model.dispose();
  });

  it("amortises the global model over the patch", () => {
    const small = createMegabyte({ ...SMALL, max_seq_len: [64, 4] });
    const big = createMegabyte({ ...SMALL, max_seq_len: [32, 8] });
    // Doubling the patch halves the global transformer's positions per byte; the local part grows.
    expect(small.flopsPerByte(256).forward).not.toBe(big.flopsPerByte(256).forward);
    expect(() => small.flopsPerByte(0)).toThrow(/seqLen/);
    small.dispose();
    big.dispose();
  });
});
