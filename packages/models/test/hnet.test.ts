import { basename } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { checkGoldenFixture, loadGoldenFixture } from "../src/golden";
import { IsotropicStack } from "../src/hnet/blocks";
import {
  createHNet,
  hnetDechunkEma,
  type HNetLM,
  type HNetConfigInput,
  hnetConfigSchema,
  hnetFromGoldenFixture,
  planHNetChunks,
} from "../src/hnet";
import { nextByteCrossEntropy } from "../src/loss";
import { ParamStore } from "../src/params";
import { goldenFixtures } from "./fixtures";
import { logitsOf, maxDiff, nextByteBatch, randomBytes } from "./helpers";

/** 1 chunking stage, per-level heads / rotary dims / windows that differ. */
const ONE_STAGE: HNetConfigInput = {
  arch_layout: ["T1", ["T1"], "T1"],
  d_model: [32, 48],
  d_intermediate: [64, 96],
  attn_cfg: { num_heads: [2, 3], rotary_emb_dim: [8, 8], window_size: [7, -1] },
};

/** 2 chunking stages, with attention-only ('t') blocks in the middle level. */
const TWO_STAGE: HNetConfigInput = {
  arch_layout: ["T1", ["t1", ["T1"], "t1"], "T1"],
  d_model: [16, 24, 32],
  d_intermediate: [32, 0, 64],
  attn_cfg: { num_heads: [2, 2, 4], rotary_emb_dim: [4, 6, 8], window_size: [5, 9, -1] },
};

/** Mamba-2 at the byte level and ('M' = Mamba-2 + SwiGLU) on the padded chunk rows; 2 B/C groups. */
const MAMBA: HNetConfigInput = {
  arch_layout: ["m1", ["M1"], "t1"],
  d_model: [32, 64],
  d_intermediate: [0, 96],
  ssm_cfg: { d_state: 8, headdim: 16, ngroups: 2 },
  attn_cfg: { num_heads: [2, 4], rotary_emb_dim: [8, 8], window_size: [7, -1] },
};

/** Byte-level boundary mask of row 0 (stage 0). */
function stage0Mask(model: HNetLM, row: number[]): Uint8Array {
  const x = tf.tensor2d([row], undefined, "int32");
  const out = model.forwardDetailed(x);
  tf.dispose([x, out.logits, out.auxLoss, ...out.stageLosses]);
  return out.routing[0]!.boundaryMask;
}

function lmLoss(model: HNetLM, rows: number[][], withAux: boolean): tf.Scalar {
  const { x, y } = nextByteBatch(rows);
  const out = model.forward(x);
  const ce = nextByteCrossEntropy(out.logits, y);
  return (withAux ? ce.add(out.auxLoss!) : ce) as tf.Scalar;
}

/** Causality at t: logits before t unchanged (<= 1e-6), logits at t changed. */
function checkCausalAt(model: HNetLM, row: number[], t: number): { before: number; at: number } {
  const base = logitsOf(model, [row]);
  const changed = row.slice();
  changed[t] = (row[t]! + 97) % 256;
  const other = logitsOf(model, [changed]);
  return { before: maxDiff(base, other, 0, t * 256), at: maxDiff(base, other, t * 256, (t + 1) * 256) };
}

beforeAll(async () => {
  await initBackend();
});

describe("hnet golden fixtures", () => {
  const fixtures = goldenFixtures("hnet");
  it("ships the H-Net fixtures", () => {
    expect(fixtures.map((d) => basename(d))).toEqual(
      expect.arrayContaining(["hnet_1stage_T", "hnet_1stage_mamba"]),
    );
  });

  it.each(fixtures)("%s: routing, then logits, match the reference", async (dir) => {
    const report = await checkGoldenFixture(dir);
    expect(report.failures).toEqual([]);
    expect(report.routingOk).toBe(true);
    expect(report.maxAbsLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(report.pass).toBe(true);
  });

  it.each(fixtures)("%s: paramCount equals the variables' sizes and the manifest's n_params_total", (dir) => {
    const fixture = loadGoldenFixture(dir);
    const model = hnetFromGoldenFixture(fixture);
    const sum = model.trainableVariables().reduce((n, v) => n + v.size, 0);
    expect(model.paramCount()).toBe(sum);
    expect(model.paramCount()).toBe(fixture.manifest.n_params_total);
    model.dispose();
  });
});

describe("hnet config", () => {
  it("fills documented defaults (1 stage, N = 6, alpha = 0.03)", () => {
    const cfg = hnetConfigSchema.parse({});
    expect(cfg.ratio_loss).toEqual({ N: [6], weight: 0.03 });
    expect(hnetConfigSchema.parse(TWO_STAGE).ratio_loss.N).toEqual([3, 3]);
  });

  it("names the field and the fix when the config does not fit the layout", () => {
    expect(() => createHNet({ ...ONE_STAGE, d_model: [32] })).toThrow(/^invalid hnet config:\n {2}d_model: /);
    const wrong = hnetConfigSchema.safeParse({ ...ONE_STAGE, d_model: [32] });
    expect(wrong.success).toBe(false);
    expect(JSON.stringify(wrong.error?.issues)).toContain(
      "d_model has 1 entries but arch_layout has 2 levels",
    );
    const heads = hnetConfigSchema.safeParse({
      ...ONE_STAGE,
      attn_cfg: { ...ONE_STAGE.attn_cfg, num_heads: [5, 3] },
    });
    expect(JSON.stringify(heads.error?.issues)).toContain("not divisible by num_heads 5");
    const letters = hnetConfigSchema.safeParse({ ...ONE_STAGE, arch_layout: ["X1", ["T1"], "T1"] });
    expect(JSON.stringify(letters.error?.issues)).toContain("letters T/t/M/m");
  });

  it("refuses Mamba-2 sizes that do not split into heads", () => {
    expect(() => createHNet({ ...MAMBA, ssm_cfg: { headdim: 48 } })).toThrow(
      "not divisible by ssm_cfg.headdim 48",
    );
  });
});

describe("hnet building blocks", () => {
  it("the batched EMA scan is within 1e-5 of the sequential float32 recurrence", () => {
    const [b, m, d] = [2, 300, 4];
    const y = tf.randomNormal([b, m, d], 0, 1, "float32", 3) as tf.Tensor3D;
    // Boundary probabilities are > 0.5 at chunk starts; the clamp keeps them <= 1 - 1e-4.
    const P = tf.randomUniform([b, m], 0.5, 1 - 1e-4, "float32", 4) as tf.Tensor2D;
    const z = hnetDechunkEma(y, P);
    const [yv, pv, zv] = [y.dataSync(), P.dataSync(), z.dataSync()];
    const f = Math.fround;
    let worst = 0;
    for (let r = 0; r < b; r++) {
      const state = new Array(d).fill(0);
      for (let j = 0; j < m; j++) {
        const p = pv[r * m + j]!;
        for (let c = 0; c < d; c++) {
          state[c] = f(f(p * yv[(r * m + j) * d + c]!) + f(f(1 - p) * state[c]));
          worst = Math.max(worst, Math.abs(state[c] - zv[(r * m + j) * d + c]!));
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
    tf.dispose([y, P, z]);
  });

  it("a sliding window of w hides keys more than w positions back; a window of T-1 or more hides none", () => {
    const t = 12;
    const stackOutput = (window: number, x: tf.Tensor3D) => {
      const params = new ParamStore(5);
      const level = {
        stage: 0,
        dModel: 8,
        dOuter: 0,
        numHeads: 2,
        rotaryEmbDim: 4,
        windowSize: window,
        mlpHidden: 16,
      };
      const settings = { level: { ...level, body: { innermost: true as const, main: ["T" as const] } } };
      const stack = new IsotropicStack(params, "s", ["T"], {
        ...settings,
        normEps: 1e-5,
        rotaryBase: 10000,
        ssm: hnetConfigSchema.parse({}).ssm_cfg,
        init: { std: 0.5, outStd: 0.5 },
      });
      const out = tf.tidy(() => stack.forward(x)).dataSync() as Float32Array;
      params.dispose();
      return out;
    };
    const base = tf.randomNormal([1, t, 8], 0, 1, "float32", 1) as tf.Tensor3D;
    const changed = tf.tidy(() => base.add(tf.oneHot([2], t).reshape([1, t, 1]))) as tf.Tensor3D; // position 2
    const w = 3;
    const [a, b] = [stackOutput(w, base), stackOutput(w, changed)];
    const rowDiff = (p: number, u: Float32Array, v: Float32Array) =>
      maxDiff(u.subarray(p * 8, (p + 1) * 8), v.subarray(p * 8, (p + 1) * 8));
    for (let p = 0; p < t; p++) {
      // One attention block: position p reads positions p-w..p, so a change at 2 reaches positions 2..2+w.
      if (p >= 2 && p <= 2 + w) expect(rowDiff(p, a, b)).toBeGreaterThan(1e-4);
      else expect(rowDiff(p, a, b)).toBe(0);
    }
    const unwindowed = stackOutput(-1, base);
    expect(maxDiff(stackOutput(t - 1, base), unwindowed)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(stackOutput(t - 2, base), unwindowed)).toBeGreaterThan(1e-4);
    tf.dispose([base, changed]);
  });

  it("planChunks pads short rows at the end and plugs every position into its chunk", () => {
    // Row 0: 5 valid positions, boundaries at 0, 2; row 1: 3 valid, boundaries at 0, 1, 2.
    const prob = Float32Array.from([1, 0.2, 0.9, 0.4, 0.5, 0.9, 1, 0.8, 0.7, 0.9, 0.9, 0.9]);
    const plan = planHNetChunks(prob, 2, 6, [5, 3]);
    expect(plan.chunkLengths).toEqual([2, 3]);
    expect(plan.maxChunks).toBe(3);
    expect(Array.from(plan.mask)).toEqual([1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
    expect(Array.from(plan.chunkIndex)).toEqual([0, 2, 0, 6, 7, 8]);
    expect(Array.from(plan.plugIndex.slice(0, 5))).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(plan.plugIndex.slice(6, 9))).toEqual([3, 4, 5]);
  });
});

describe.each([
  ["1-stage", ONE_STAGE, 1],
  ["2-stage", TWO_STAGE, 2],
  ["Mamba-2", MAMBA, 1],
] as const)("hnet %s properties", (_name, config, stages) => {
  let model: HNetLM;
  beforeAll(() => {
    model = createHNet(config, 7);
  });
  afterAll(() => model.dispose());

  it("runs nested stages and reports routing and telemetry per stage", () => {
    const rows = randomBytes(2, 40, 11);
    const x = tf.tensor2d(rows, undefined, "int32");
    const detailed = model.forwardDetailed(x);
    expect(detailed.logits.shape).toEqual([2, 40, 256]);
    expect(detailed.routing.map((r) => r.stage)).toEqual(stages === 1 ? [0] : [0, 1]);
    // Each inner stage runs on exactly the previous stage's chunks.
    for (let s = 1; s < detailed.routing.length; s++)
      expect(detailed.routing[s]!.lengths).toEqual(detailed.routing[s - 1]!.chunkLengths);
    const out = model.forward(x);
    expect(out.stages).toHaveLength(stages);
    for (const stage of out.stages!) {
      expect(stage.boundaryFraction).toBeGreaterThan(0);
      expect(stage.boundaryFraction).toBeLessThanOrEqual(1);
      expect(stage.chunkedLen).toBeLessThanOrEqual(stage.seqLen);
    }
    const aux = out.auxLoss!.dataSync()[0]!;
    const expected = model.config.ratio_loss.weight * out.stages!.reduce((a, s) => a + s.ratioLoss, 0);
    expect(aux).toBeCloseTo(expected, 5);
    tf.dispose([x, detailed.logits, detailed.auxLoss, ...detailed.stageLosses, out.logits, out.auxLoss!]);
  });

  it("is causal at chunk starts, chunk ends, inside chunks and the last byte", () => {
    // residual_proj starts at zero (reference init), so a byte inside a chunk would reach its own logits only
    // through later chunks; give it weights, as the fixtures do, so "logits at t change" is checked everywhere.
    const perturbed = createHNet(config, 7);
    for (const name of perturbed.params.names().filter((n) => n.endsWith("residual_proj.weight"))) {
      const v = perturbed.params.get(name);
      tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.05, "float32", 1)));
    }
    const [row] = randomBytes(1, 48, 23) as [number[]];
    const mask = stage0Mask(perturbed, row);
    const starts = [...mask.keys()].filter((t) => t > 0 && mask[t] === 1);
    const ends = [...mask.keys()].filter((t) => t + 1 < mask.length && mask[t] === 0 && mask[t + 1] === 1);
    const inside = [...mask.keys()].filter((t) => t > 0 && mask[t] === 0 && mask[t + 1] === 0);
    const positions = [starts[1], ends[2], inside[1], 47].filter((t): t is number => t !== undefined);
    expect(positions.length).toBeGreaterThanOrEqual(3);
    for (const t of positions) {
      const { before, at } = checkCausalAt(perturbed, row, t);
      expect(before, `logits before ${t}`).toBeLessThanOrEqual(1e-6);
      expect(at, `logits at ${t}`).toBeGreaterThan(0);
    }
    perturbed.dispose();
  });

  it("keeps batch rows independent although their chunk counts differ", () => {
    const rows = randomBytes(3, 40, 5);
    const together = logitsOf(model, rows);
    for (let r = 0; r < 3; r++) {
      const alone = logitsOf(model, [rows[r]!]);
      expect(maxDiff(alone, together.subarray(r * 40 * 256, (r + 1) * 40 * 256))).toBeLessThanOrEqual(1e-6);
    }
  });

  it("sends non-zero finite gradients to every parameter (LM loss + ratio loss)", () => {
    const rows = randomBytes(2, 33, 17);
    const { value, grads } = tf.variableGrads(() => lmLoss(model, rows, true));
    const names = model.params.names();
    const vars = model.trainableVariables();
    const dead: string[] = [];
    vars.forEach((v, i) => {
      const data = grads[v.name]?.dataSync() ?? [];
      if (!data.every(Number.isFinite) || !data.some((x) => x !== 0)) dead.push(names[i]!);
    });
    expect(dead).toEqual([]);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it("reaches the router from the LM loss alone (EMA + straight-through path)", () => {
    const rows = randomBytes(2, 33, 29);
    const routers = model.params.names().filter((n) => n.includes("routing_module"));
    expect(routers).toHaveLength(2 * stages);
    const vars = routers.map((n) => model.params.get(n));
    const { value, grads } = tf.variableGrads(() => lmLoss(model, rows, false), vars);
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      expect(g.every(Number.isFinite)).toBe(true);
      expect(g.some((x) => x !== 0)).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads)]);
  });

  it("leaks no tensors across a training step", () => {
    const rows = randomBytes(2, 25, 3);
    lmLoss(model, rows, true).dispose(); // warm up lazily created kernels/state
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => lmLoss(model, rows, true));
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("hnet model", () => {
  it("ties lm_head to the embeddings when asked", () => {
    const [untied, tied] = [createHNet(ONE_STAGE, 0), createHNet({ ...ONE_STAGE, tie_embeddings: true }, 0)];
    expect(untied.paramCount() - tied.paramCount()).toBe(256 * 32);
    expect(tied.params.has("lm_head.weight")).toBe(false);
    expect(logitsOf(tied, randomBytes(1, 8, 2)).every(Number.isFinite)).toBe(true);
    untied.dispose();
    tied.dispose();
  });

  it("is deterministic for a seed and differs for another seed", () => {
    const rows = randomBytes(1, 16, 1);
    const [a, b, c] = [createHNet(ONE_STAGE, 1), createHNet(ONE_STAGE, 1), createHNet(ONE_STAGE, 2)];
    expect(maxDiff(logitsOf(a, rows), logitsOf(b, rows))).toBe(0);
    expect(maxDiff(logitsOf(a, rows), logitsOf(c, rows))).toBeGreaterThan(1e-3);
    for (const m of [a, b, c]) m.dispose();
  });

  it("starts near ln 256 with the reference initialisation", () => {
    const model = createHNet(ONE_STAGE, 0);
    const loss = lmLoss(model, randomBytes(2, 65, 9), false);
    expect(Math.abs(loss.dataSync()[0]! - Math.log(256))).toBeLessThan(0.3);
    loss.dispose();
    model.dispose();
  });

  it.each([
    ["2-stage attention", TWO_STAGE, [0.4, 0.25]],
    ["Mamba-2", MAMBA, [0.3]],
  ] as const)(
    "flopsPerByte (%s) matches an independent count from the parameter shapes",
    (_n, config, ratios) => {
      const model = createHNet(config, 0);
      const seqLen = 120;
      // Length each parameter runs at: stage s sees seqLen * r_0 * ... * r_{s-1} positions.
      const lengthAt = (name: string) => {
        const depth =
          (name.match(/main_network\./g) ?? []).length -
          (/main_network\.(layers|rmsnorm)/.test(name) ? 1 : 0);
        return ratios.slice(0, depth).reduce((l, r) => l * r, seqLen);
      };
      const dState = model.config.ssm_cfg.d_state;
      let count = 0;
      for (const name of model.params.names()) {
        const shape = model.params.get(name).shape;
        const L = lengthAt(name);
        if (name.endsWith("conv1d.weight")) count += 2 * L * shape[0]! * shape[2]!; // depthwise taps
        if (name.endsWith("mixer.norm.weight")) count += 2 * (2 * L * shape[0]! * dState); // SSM update + readout
        if (shape.length !== 2 || name === "embeddings.weight") continue;
        count += 2 * L * shape[0]! * shape[1]!; // y = x W^T
        if (name.endsWith("Wqkv.weight")) count += 2 * (2 * L * L * shape[1]!); // q k^T and attn v
      }
      const flops = model.flopsPerByte(seqLen, { compressionRatios: [...ratios] });
      expect(flops.forward * seqLen).toBeCloseTo(count, 0);
      expect(flops.training).toBe(3 * flops.forward);
      expect(model.flopsPerByte(seqLen).basis).toContain("1/N");
      expect(() => model.flopsPerByte(seqLen, { compressionRatios: ratios.map(() => 4) })).toThrow(
        "chunks per position",
      );
      model.dispose();
    },
  );
});
