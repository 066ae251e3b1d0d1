import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { checkGoldenFixture, loadGoldenFixture } from "../src/golden";
import {
  autoregressiveWrapperLoss,
  createHourglass,
  type HourglassConfigInput,
  hourglassConfigSchema,
  hourglassForwardFlops,
  hourglassFromReference,
} from "../src/hourglass";
import { nextByteCrossEntropy } from "../src/loss";
import { createModel, deprecatedConfigKeys } from "../src/zoo";
import { goldenFixtures } from "./fixtures";
import { logitsOf, maxDiff, randomBytes } from "./helpers";
import { profiledMatmulFlops } from "./matmul-flops";

/** Shipped fixtures plus small extra ones made with the PyTorch reference (see fixtures/hourglass/generate.py). */
const EXTRA_DIR = join(__dirname, "fixtures/hourglass");
const extraFixtures = readdirSync(EXTRA_DIR)
  .map((d) => join(EXTRA_DIR, d))
  .filter((d) => existsSync(join(d, "manifest.json")));
const fixtures = [...goldenFixtures("hourglass"), ...extraFixtures];

/** Two small levels deep, T = 23 is a multiple of neither 2 nor 6, heads*dim_head (24) != dim (16). */
const NESTED_NAIVE: HourglassConfigInput = {
  dim: 16,
  depth: [1, [1, 1, 1], 1],
  shorten_factor: [2, 3],
  heads: 2,
  dim_head: 12,
  attn_resampling: true,
  updown_sample_type: "naive",
  max_seq_len: 64,
};
const NESTED_LINEAR: HourglassConfigInput = {
  ...NESTED_NAIVE,
  shorten_factor: 3,
  updown_sample_type: "linear",
};
const T = 23;

/** One row of pseudo-random bytes with 0x00 and 0xFF in it. */
function randomRow(n: number, seed: number): number[] {
  const row = randomBytes(1, n, seed)[0]!;
  row[1] = 0;
  row[n - 1] = 255;
  return row;
}

beforeAll(async () => {
  await initBackend();
});

describe("hourglass golden conformance", () => {
  it("has fixtures to check", () => {
    expect(goldenFixtures("hourglass").length).toBeGreaterThanOrEqual(2);
    expect(extraFixtures.length).toBeGreaterThanOrEqual(2);
  });

  it.each(fixtures)("%s: logits, mean CE and the AutoregressiveWrapper loss match PyTorch", async (dir) => {
    const report = await checkGoldenFixture(dir);
    expect(report.failures).toEqual([]);
    expect(report.maxAbsLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(report.referenceLossDiff).not.toBeNull();
    expect(report.referenceLossDiff!).toBeLessThanOrEqual(1e-4);
    expect(report.pass).toBe(true);
  });

  it.each(fixtures)("%s: paramCount = sum of variable sizes = manifest n_params_total", (dir) => {
    const fixture = loadGoldenFixture(dir);
    const model = hourglassFromReference(fixture.manifest.constructor.kwargs, fixture.weights);
    const sizes = model.trainableVariables().reduce((n, v) => n + v.size, 0);
    expect(model.paramCount()).toBe(sizes);
    expect(model.paramCount()).toBe(fixture.manifest.n_params_total);
    model.dispose();
  });
});

describe.each([
  ["nested naive + attention resampling", NESTED_NAIVE],
  ["nested linear", NESTED_LINEAR],
])("hourglass properties (%s)", (_name, config) => {
  it("is causal: changing byte t never changes logits before t, and changes logits at t", () => {
    const model = createHourglass(config, 3);
    const base = randomRow(T, 11);
    // Group edges of both levels (2/3 and 6), inside groups, first and last position.
    const positions = [0, 1, 2, 3, 5, 6, 7, 11, 12, 17, 18, 21, 22];
    const rows = [base, ...positions.map((t) => base.map((b, i) => (i === t ? (b + 97) % 256 : b)))];
    const logits = logitsOf(model, rows);
    const row = T * 256;
    positions.forEach((t, k) => {
      const offset = (k + 1) * row;
      const before = maxDiff(logits.subarray(0, row), logits.subarray(offset, offset + row), 0, t * 256);
      const at = maxDiff(
        logits.subarray(0, row),
        logits.subarray(offset, offset + row),
        t * 256,
        (t + 1) * 256,
      );
      expect(before, `t=${t}: logits before t changed`).toBeLessThanOrEqual(1e-6);
      expect(at, `t=${t}: logits at t did not change`).toBeGreaterThan(1e-4);
    });
    model.dispose();
  });

  it("keeps batch rows independent", () => {
    const model = createHourglass(config, 4);
    const a = randomRow(T, 1);
    const alone = logitsOf(model, [a]);
    const withB = logitsOf(model, [a, randomRow(T, 2)]);
    const withC = logitsOf(model, [randomRow(T, 3), a]);
    expect(maxDiff(alone, withB.subarray(0, T * 256), 0, T * 256)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(alone, withC.subarray(T * 256), 0, T * 256)).toBeLessThanOrEqual(1e-6);
    model.dispose();
  });

  it("is deterministic for a seed and differs for another seed", () => {
    const input = [randomRow(T, 5)];
    const m1 = createHourglass(config, 7);
    const m2 = createHourglass(config, 7);
    const m3 = createHourglass(config, 8);
    const l1 = logitsOf(m1, input);
    expect(maxDiff(l1, logitsOf(m2, input), 0, l1.length)).toBe(0);
    expect(maxDiff(l1, logitsOf(m3, input), 0, l1.length)).toBeGreaterThan(1e-3);
    for (const m of [m1, m2, m3]) m.dispose();
  });

  it("sends finite, non-zero gradients to every parameter and leaks no tensor across a step", () => {
    const model = createHourglass(config, 9);
    const input = tf.tensor2d([randomRow(T, 6), randomRow(T, 7)], [2, T], "int32");
    const targets = tf.tensor2d([randomRow(T, 8), randomRow(T, 9)], [2, T], "int32");
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => nextByteCrossEntropy(model.forward(input).logits, targets),
      model.trainableVariables(),
    );
    // The post-valley resampling attends to ONE key, so its softmax is constant 1: the query path
    // (its LayerNorm and to_q) gets exactly zero gradient, in the reference as well.
    const deadQueryPath =
      /attn_resampling_post_valley\.layers\.0\.0\.(norm\.(weight|bias)|fn\.to_q\.weight)$/;
    const names = model.params.names();
    const variables = model.trainableVariables();
    expect(Object.keys(grads).length).toBe(variables.length);
    variables.forEach((v, i) => {
      const name = names[i]!;
      const g = grads[v.name];
      expect(g, `${name} has no gradient`).toBeDefined();
      const data = Array.from(g!.dataSync());
      expect(
        data.every((x) => Number.isFinite(x)),
        `${name}: non-finite gradient`,
      ).toBe(true);
      const norm = data.reduce((s, x) => s + Math.abs(x), 0);
      if (deadQueryPath.test(name)) expect(norm, `${name} should be structurally zero`).toBe(0);
      else expect(norm, `${name}: zero gradient`).toBeGreaterThan(0);
    });
    value.dispose();
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input, targets]);
    model.dispose();
  });

  it("counts FLOPs like the matmuls it runs (each level at its shortened length)", async () => {
    const model = createHourglass(config, 10);
    const batch = 2;
    const input = tf.tensor2d([randomRow(T, 1), randomRow(T, 2)], [batch, T], "int32");
    const profile = await tf.profile(() => model.forward(input).logits);
    const counted = profiledMatmulFlops(profile.kernels);
    tf.dispose([profile.result as tf.Tensor, input]);
    expect(hourglassForwardFlops(model.config, T) * batch).toBe(counted);
    const perByte = model.flopsPerByte(T);
    expect(perByte.forward).toBeCloseTo(counted / batch / T, 6);
    expect(perByte.training).toBeCloseTo(3 * perByte.forward, 6);
    model.dispose();
  });
});

describe("hourglass model", () => {
  it("starts near ln 256 nats per byte with the default initialisation", () => {
    const model = createHourglass(
      { dim: 64, depth: [1, 1, 1], shorten_factor: 4, heads: 2, dim_head: 32 },
      1,
    );
    const rows = [randomRow(65, 1), randomRow(65, 2), randomRow(65, 3)];
    const loss = tf.tidy(() => {
      const bytes = tf.tensor2d(rows, [3, 65], "int32");
      const { logits } = model.forward(bytes.slice([0, 0], [3, 64]));
      return nextByteCrossEntropy(logits, bytes.slice([0, 1], [3, 64]));
    });
    expect(Math.abs(loss.dataSync()[0]! - Math.log(256))).toBeLessThan(0.3);
    loss.dispose();
    model.dispose();
  });

  it("saves compute: a shortened valley costs fewer FLOPs per byte than the same layers at full length", () => {
    const shared = { dim: 64, heads: 2, dim_head: 32, attn_resampling: false, max_seq_len: 1024 };
    const hourglass = createHourglass({ ...shared, depth: [1, 4, 1], shorten_factor: 4 });
    const flat = createHourglass({ ...shared, depth: 6 });
    expect(hourglass.flopsPerByte(1024).forward).toBeLessThan(0.5 * flat.flopsPerByte(1024).forward);
    hourglass.dispose();
    flat.dispose();
  });

  it("AutoregressiveWrapper loss ignores byte-0 targets, and is NaN when all targets are 0 (as PyTorch)", () => {
    const logits = tf.randomNormal([1, 4, 256], 0, 1, "float32", 5) as tf.Tensor3D;
    const someZero = tf.tensor2d([[7, 0, 9, 0]], [1, 4], "int32");
    const ours = autoregressiveWrapperLoss(logits, someZero).dataSync()[0]!;
    const lp = tf.logSoftmax(logits, -1).arraySync() as number[][][];
    const expected = -lp[0]![1]![9]!; // targets are [0, 9, 0]: only 9 (predicted at position 1) counts
    expect(ours).toBeCloseTo(expected, 5);
    const allZero = tf.tensor2d([[7, 0, 0, 0]], [1, 4], "int32");
    expect(Number.isNaN(autoregressiveWrapperLoss(logits, allZero).dataSync()[0]!)).toBe(true);
    tf.dispose([logits, someZero, allZero]);
  });

  it("rejects configs and inputs it cannot run, naming the field", () => {
    const tooFewFactors = hourglassConfigSchema.safeParse({ depth: [1, [1, 1, 1], 1], shorten_factor: [2] });
    expect(tooFewFactors.success).toBe(false);
    expect(tooFewFactors.error?.issues[0]?.path).toEqual(["shorten_factor"]);
    expect(hourglassConfigSchema.safeParse({ depth: [1, 1] }).success).toBe(false);
    // Built directly (not through the zoo), a bad config is one error naming each field.
    expect(() => createHourglass({ heads: 0, dim: -1 })).toThrow(
      /^invalid hourglass config:\n {2}dim: .*\n {2}heads: /,
    );
    const model = createHourglass({ ...NESTED_NAIVE, max_seq_len: 8 });
    const bytes = tf.zeros([1, 9], "int32") as tf.Tensor2D;
    expect(() => model.forward(bytes)).toThrow(/max_seq_len/);
    bytes.dispose();
    model.dispose();
  });
});

describe("hourglass config keys: snake_case, the old camelCase still accepted", () => {
  const snake = {
    dim: 32,
    depth: [1, [1, 1, 1], 1],
    shorten_factor: [2, 3],
    heads: 2,
    dim_head: 8,
    attn_resampling: false,
    updown_sample_type: "linear",
    max_seq_len: 48,
    norm_out: true,
    causal: true,
    ff_mult: 2,
  } as const;
  const camel = {
    dim: 32,
    depth: [1, [1, 1, 1], 1],
    shortenFactor: [2, 3],
    heads: 2,
    dimHead: 8,
    attnResampling: false,
    updownSampleType: "linear",
    maxSeqLen: 48,
    normOut: true,
    causal: true,
    ffMult: 2,
  } as const;

  it("parses both spellings into the same snake_case config", () => {
    const fromSnake = hourglassConfigSchema.parse(snake);
    const fromCamel = hourglassConfigSchema.parse(camel);
    expect(fromCamel).toEqual(fromSnake);
    expect(Object.keys(fromCamel).sort()).toEqual(Object.keys(snake).sort());
    // Half and half is fine too: each key is renamed on its own.
    expect(
      hourglassConfigSchema.parse({ ...snake, shorten_factor: undefined, shortenFactor: [2, 3] }),
    ).toEqual(fromSnake);
    const a = createModel("hourglass", camel);
    const b = createModel("hourglass", snake);
    expect(a.config).toEqual(b.config);
    expect(a.paramCount()).toBe(b.paramCount());
    a.dispose();
    b.dispose();
  });

  it("deprecatedConfigKeys names each old key and its replacement (and nothing for current keys)", () => {
    expect(deprecatedConfigKeys("hourglass", camel)).toEqual([
      { key: "shortenFactor", use: "shorten_factor" },
      { key: "dimHead", use: "dim_head" },
      { key: "attnResampling", use: "attn_resampling" },
      { key: "updownSampleType", use: "updown_sample_type" },
      { key: "maxSeqLen", use: "max_seq_len" },
      { key: "normOut", use: "norm_out" },
      { key: "ffMult", use: "ff_mult" },
    ]);
    expect(deprecatedConfigKeys("hourglass", snake)).toEqual([]);
    expect(deprecatedConfigKeys("hourglass", undefined)).toEqual([]);
    expect(deprecatedConfigKeys("megabyte", { dimHead: 8 })).toEqual([]); // megabyte never had camelCase keys
    expect(() => deprecatedConfigKeys("gpt", {})).toThrow(/unknown architecture "gpt"/);
  });

  it("refuses both spellings of one key, naming both and which to keep", () => {
    const both = hourglassConfigSchema.safeParse({ ...snake, maxSeqLen: 64 });
    expect(both.success).toBe(false);
    expect(both.error?.issues).toEqual([
      expect.objectContaining({
        path: ["maxSeqLen"],
        message:
          "maxSeqLen and max_seq_len are two spellings of the same key: keep max_seq_len and remove maxSeqLen (the deprecated spelling)",
      }),
    ]);
    expect(() => createModel("hourglass", { shortenFactor: 2, shorten_factor: 2 })).toThrow(
      /invalid hourglass config:\n {2}shortenFactor: shortenFactor and shorten_factor are two spellings of the same key: keep shorten_factor/,
    );
  });
});
