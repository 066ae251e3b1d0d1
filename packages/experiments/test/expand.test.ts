import { trainConfigSchema, configHash as trainConfigHash } from "@bytelab/train";
import { describe, expect, it } from "vitest";
import { type Expansion, type ExpandResult, expandSpec, type SpecIssue, safeExpandSpec } from "../src";

async function refused(spec: unknown): Promise<{ issues: SpecIssue[]; warnings: SpecIssue[] }> {
  const r: ExpandResult = await safeExpandSpec(spec);
  if (r.success) throw new Error(`expected refusal, got ${r.expansion.runs.length} runs`);
  return r;
}

const base = { dataset: "brown", seqLen: 64, batchSize: 4 };
const small = { name: "t", base, budget: { steps: 10 } };

describe("expansion counts", () => {
  it("grid x seeds x architectures", async () => {
    const e = await expandSpec({
      ...small,
      architectures: ["hourglass", "megabyte", "hnet"],
      parameters: { grid: { "optimizer.lr": [1e-3, 3e-3], "optimizer.weightDecay": [0, 0.1] } },
      seeds: [0, 1, 2],
    });
    expect(e.runs).toHaveLength(3 * 2 * 2 * 3);
    expect(new Set(e.runs.map((r) => r.configHash)).size).toBe(e.runs.length);
    expect(new Set(e.runs.map((r) => r.label)).size).toBe(e.runs.length);
    expect(e.runs[0]!.label).toBe("hourglass/lr=0.001,weightDecay=0/s0");
    const hnet = e.runs.filter((r) => r.architecture === "hnet");
    expect(hnet).toHaveLength(12);
    expect(hnet.every((r) => r.config.model.arch_layout !== undefined && r.paramCount! > 0)).toBe(true);
    expect(e.runs.every((r) => r.config.steps === 10 && r.budget.steps === 10)).toBe(true);
  });

  it("random search draws `count` seeded points inside their ranges, the same points every time", async () => {
    const spec = (seed: number) => ({
      ...small,
      architectures: ["hourglass"],
      parameters: {
        random: {
          count: 5,
          seed,
          space: {
            "optimizer.lr": { logUniform: [1e-4, 1e-2] },
            "optimizer.beta1": { uniform: [0.8, 0.95] },
            batchSize: { intUniform: [2, 6] },
            "schedule.kind": { choice: ["cosine", "wsd"] },
          },
        },
      },
      seeds: [0, 1],
    });
    const a = await expandSpec(spec(7));
    const again = await expandSpec(spec(7));
    const other = await expandSpec(spec(8));
    expect(a.runs).toHaveLength(10);
    expect(again.runs.map((r) => r.configHash)).toEqual(a.runs.map((r) => r.configHash));
    expect(other.runs.map((r) => r.configHash)).not.toEqual(a.runs.map((r) => r.configHash));
    for (const r of a.runs) {
      expect(r.config.optimizer.lr).toBeGreaterThanOrEqual(1e-4);
      expect(r.config.optimizer.lr).toBeLessThanOrEqual(1e-2);
      expect(r.config.optimizer.beta1).toBeGreaterThanOrEqual(0.8);
      expect([2, 3, 4, 5, 6]).toContain(r.config.batchSize);
      expect(["cosine", "wsd"]).toContain(r.config.schedule.kind);
    }
    expect(new Set(a.runs.map((r) => r.config.optimizer.lr)).size).toBe(5);
  });

  it("grid x explicit list, per-architecture parameters, logspace axes", async () => {
    const e = await expandSpec({
      ...small,
      architectures: [
        { architecture: "hourglass", parameters: { grid: { "model.shorten_factor": [2, 4] } } },
        "megabyte",
      ],
      parameters: {
        grid: { "optimizer.lr": { logspace: [1e-4, 1e-2, 3] } },
        list: [{ "schedule.kind": "wsd" }, { "schedule.kind": "constant", "schedule.warmupSteps": 0 }],
      },
    });
    // hourglass: 3 lr x 2 list points x 2 factors; megabyte: 3 x 2.
    expect(e.runs.filter((r) => r.architecture === "hourglass")).toHaveLength(12);
    expect(e.runs.filter((r) => r.architecture === "megabyte")).toHaveLength(6);
    expect([...new Set(e.runs.map((r) => r.config.optimizer.lr))]).toEqual([1e-4, 1e-3, 1e-2]);
  });
});

describe("config hash", () => {
  const spec = (over: object) => ({ ...small, architectures: ["hourglass"], ...over });

  it("does not depend on key order or on defaults written out", async () => {
    const a = await expandSpec(spec({ base: { seqLen: 64, batchSize: 4, optimizer: { lr: 0.003 } } }));
    const b = await expandSpec(
      spec({
        base: {
          optimizer: { beta1: 0.9, lr: 3e-3, clipNorm: 1 },
          batchSize: 4,
          dataset: "brown",
          seqLen: 64,
        },
        architectures: [
          { architecture: "hourglass", model: { causal: true, attn_resampling: true, max_seq_len: 64 } },
        ],
      }),
    );
    expect(b.runs[0]!.configHash).toBe(a.runs[0]!.configHash);
    const c = await expandSpec(spec({ base: { seqLen: 64, batchSize: 4, optimizer: { lr: 0.001 } } }));
    expect(c.runs[0]!.configHash).not.toBe(a.runs[0]!.configHash);
  });

  it("is the trainer's hash of the run config (which is a fixed point of the training schema)", async () => {
    const e = await expandSpec(spec({}));
    const run = e.runs[0]!;
    const reparsed = trainConfigSchema.parse(JSON.parse(JSON.stringify(run.config)));
    expect(trainConfigHash(reparsed)).toBe(run.configHash);
  });

  it("a byte budget and the steps it comes to are the same run", async () => {
    const bytes = await expandSpec(spec({ budget: { bytes: 64 * 4 * 10 - 5 } }));
    const steps = await expandSpec(spec({ budget: { steps: 10 } }));
    const inBase = await expandSpec({
      ...spec({}),
      budget: undefined,
      base: { ...base, byteBudget: 64 * 4 * 10 },
    });
    expect(bytes.runs[0]!.configHash).toBe(steps.runs[0]!.configHash);
    expect(inBase.runs[0]!.configHash).toBe(steps.runs[0]!.configHash);
  });
});

describe("compute budgets", () => {
  it("plans a FLOP budget's steps from each model's training FLOPs per byte, and hands the budget to the trainer", async () => {
    const flops = 5e11;
    const e = await expandSpec({
      ...small,
      budget: { flops },
      architectures: [
        "hourglass",
        "megabyte",
        "hnet",
        { architecture: "hourglass", name: "wide", model: { dim: 256 } },
      ],
    });
    const perStep = 64 * 4;
    for (const r of e.runs) {
      const fpb = r.flopsPerByte!.training;
      // The fewest steps that reach the budget at the analytic FLOPs per byte; the trainer enforces the
      // budget itself on the measured FLOPs (config.flopBudget).
      expect(r.budget.steps).toBe(Math.ceil(flops / (fpb * perStep)));
      expect(r.budget.flops!).toBeGreaterThanOrEqual(flops);
      expect(r.budget.flops! - flops).toBeLessThan(fpb * perStep);
      expect(r.config.steps).toBe(r.budget.steps);
      expect(r.config.flopBudget).toBe(flops);
    }
    const [narrow, , , wide] = e.runs;
    expect(wide!.flopsPerByte!.training).toBeGreaterThan(narrow!.flopsPerByte!.training);
    expect(wide!.budget.steps).toBeLessThan(narrow!.budget.steps);
  });

  it("refuses a budget below one step, and a budget next to base.steps", async () => {
    const tiny = await refused({ ...small, budget: { flops: 10 }, architectures: ["hourglass"] });
    expect(tiny.issues[0]).toMatchObject({
      path: "budget",
      issue: expect.stringContaining("less than one step"),
    });
    const both = await refused({ ...small, base: { ...base, steps: 5 }, architectures: ["hourglass"] });
    expect(both.issues[0]).toMatchObject({ path: "base.steps", fix: "remove steps, or remove the budget" });
    const twice = await refused({
      ...small,
      base: { ...base, flopBudget: 5e11 },
      architectures: ["hourglass"],
    });
    expect(twice.issues[0]).toMatchObject({
      path: "base.flopBudget",
      fix: "remove flopBudget, or remove the budget",
    });
  });

  it("base.flopBudget without a spec budget plans its steps like budget.flops", async () => {
    const { budget: _budget, ...noBudget } = small;
    const viaBase = await expandSpec({
      ...noBudget,
      base: { ...base, flopBudget: 5e11 },
      architectures: ["hnet"],
    });
    const viaSpec = await expandSpec({ ...small, budget: { flops: 5e11 }, architectures: ["hnet"] });
    expect(viaBase.runs[0]!.config).toEqual(viaSpec.runs[0]!.config);
    expect(viaBase.runs[0]!.configHash).toBe(viaSpec.runs[0]!.configHash);
  });

  it("steps and bytes budgets keep their configs (and hashes): no flopBudget in them", async () => {
    const e = await expandSpec({ ...small, architectures: ["hnet"] });
    expect(e.runs[0]!.config.flopBudget).toBeUndefined();
    expect("flopBudget" in e.runs[0]!.config).toBe(false);
  });
});

describe("invalid combinations are refused with the reason and the runs", () => {
  it("hourglass: sequence longer than its position table; shortening beyond the sequence", async () => {
    const r = await refused({
      ...small,
      architectures: [
        { architecture: "hourglass", name: "short-table", model: { max_seq_len: 32 } },
        {
          architecture: "hourglass",
          name: "too-short",
          model: { depth: [1, [1, 1, 1], 1], shorten_factor: 16 },
        },
      ],
    });
    expect(r.issues).toContainEqual({
      path: "architectures[0].model.max_seq_len",
      issue: "seqLen 64 exceeds the hourglass max_seq_len 32 (rows of its position embedding)",
      fix: "set model.max_seq_len >= 64, or lower seqLen",
      runs: ["short-table/s0"],
    });
    expect(r.issues).toContainEqual(
      expect.objectContaining({
        path: "architectures[1].model.shorten_factor",
        issue: expect.stringContaining("shorten by 256 in all, more than seqLen 64"),
        runs: ["too-short/s0"],
      }),
    );
  });

  it("a grid value that breaks only some runs names the parameter and only those runs", async () => {
    const r = await refused({
      ...small,
      seeds: [0, 1],
      architectures: ["hourglass"],
      parameters: { grid: { "model.shorten_factor": [2, 128] } },
    });
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({
      path: 'parameters.grid["model.shorten_factor"]',
      runs: ["hourglass/shorten_factor=128/s0", "hourglass/shorten_factor=128/s1"],
    });
  });

  it("padding is a warning, not a refusal", async () => {
    const e = await expandSpec({
      ...small,
      architectures: [{ architecture: "hourglass", model: { shorten_factor: 3 } }],
    });
    expect(e.runs).toHaveLength(1);
    expect(e.warnings).toContainEqual(
      expect.objectContaining({
        path: "architectures[0].model.shorten_factor",
        issue: expect.stringContaining("padded"),
      }),
    );
  });

  it("MEGABYTE: a patch larger than the sequence; global positions beyond the table", async () => {
    const r = await refused({
      ...small,
      architectures: [
        { architecture: "megabyte", name: "big-patch", model: { max_seq_len: [4, 128] } },
        { architecture: "megabyte", name: "pos", model: { max_seq_len: [8, 4], pos_emb: true } },
      ],
    });
    const byRun = (label: string) => r.issues.find((i) => i.runs?.includes(label));
    expect(byRun("big-patch/s0")).toMatchObject({
      path: "architectures[0].model.max_seq_len",
      issue: expect.stringContaining("one global patch covers 128 bytes"),
    });
    expect(byRun("pos/s0")).toMatchObject({
      path: "architectures[1].model.max_seq_len[0]",
      issue: "pos_emb: seqLen 64 makes 16 global positions but max_seq_len[0] = 8",
    });
  });

  it("H-Net: a d_model list that does not match the layout's nesting", async () => {
    const r = await refused({
      ...small,
      architectures: [{ architecture: "hnet", model: { arch_layout: ["T1", ["T1", ["T2"], "T1"], "T1"] } }],
    });
    expect(r.issues).toContainEqual(
      expect.objectContaining({
        path: "architectures[0].model.d_model",
        issue: expect.stringContaining("d_model has 2 entries but arch_layout has 3 levels"),
      }),
    );
  });

  it("unknown keys in the model or the training config, with the closest known key", async () => {
    const r = await refused({
      ...small,
      base: { ...base, optimiser: { lr: 1 } },
      architectures: [{ architecture: "hnet", model: { ratio_loss: { wieght: 0.1 } } }],
    });
    expect(r.issues).toContainEqual(
      expect.objectContaining({ path: "base.optimiser", fix: expect.stringContaining('"optimizer"') }),
    );
    const model = await refused({
      ...small,
      architectures: [{ architecture: "hnet", model: { ratio_loss: { wieght: 0.1 } } }],
    });
    expect(model.issues).toEqual([
      {
        path: "architectures[0].model.ratio_loss.wieght",
        issue: 'unknown key "wieght"',
        fix: 'did you mean "weight"? (rename it, or remove it)',
        runs: ["hnet/s0"],
      },
    ]);
  });
});

describe("ablations and ladders", () => {
  const ablation = {
    kind: "ablation",
    name: "abl",
    base: { ...base, architecture: "hnet", model: { ratio_loss: { weight: 0.03 } } },
    budget: { steps: 10 },
    seeds: [0, 1],
    variants: [
      { name: "no-ratio-loss", set: { "model.ratio_loss.weight": 0 } },
      { name: "N4", set: { "model.ratio_loss.N": [4] } },
    ],
  };

  it("baseline + variants, each with every seed, each changing only its keys", async () => {
    const e = await expandSpec(ablation);
    expect(e.runs.map((r) => r.label)).toEqual([
      "baseline/s0",
      "baseline/s1",
      "no-ratio-loss/s0",
      "no-ratio-loss/s1",
      "N4/s0",
      "N4/s1",
    ]);
    const [b, , v] = e.runs;
    expect((b!.config.model.ratio_loss as { weight: number }).weight).toBe(0.03);
    expect((v!.config.model.ratio_loss as { weight: number }).weight).toBe(0);
    expect({ ...v!.config, model: { ...v!.config.model, ratio_loss: null } }).toEqual({
      ...b!.config,
      model: { ...b!.config.model, ratio_loss: null },
    });
    expect(e.runs[4]!.flopsPerByte!.training).toBeGreaterThan(b!.flopsPerByte!.training); // N=4 keeps more chunks
  });

  it("refuses a variant that changes nothing, naming it", async () => {
    const r = await refused({
      ...ablation,
      variants: [...ablation.variants, { name: "same", set: { "model.ratio_loss.weight": 0.03 } }],
    });
    expect(r.issues).toEqual([
      expect.objectContaining({
        path: "variants[2].set",
        issue: "same/s0 has the same resolved config as baseline/s0",
      }),
      expect.objectContaining({
        path: "variants[2].set",
        issue: "same/s1 has the same resolved config as baseline/s1",
      }),
    ]);
  });

  it("a ladder is architectures x sizes x budgets x seeds, with sizes growing", async () => {
    const e: Expansion = await expandSpec({
      kind: "ladder",
      name: "lad",
      base,
      architectures: ["hourglass", "hnet"],
      sizes: ["xs", "s", { name: "wide", width: 2 }],
      budgets: [{ flops: 2e11 }, { flops: 6e11 }],
    });
    expect(e.runs).toHaveLength(2 * 3 * 2);
    for (const arch of ["hourglass", "hnet"]) {
      const params = ["xs", "s", "wide"].map(
        (size) => e.runs.find((r) => r.architecture === arch && r.origin.size?.name === size)!.paramCount!,
      );
      expect(params[0]).toBeLessThan(params[1]!);
      expect(params[1]).toBeLessThan(params[2]!);
    }
    const hnetS = e.runs.filter((r) => r.label.startsWith("hnet/s/"));
    expect(hnetS.map((r) => r.label)).toEqual(["hnet/s/2e+11flops/s0", "hnet/s/6e+11flops/s0"]);
    expect(hnetS[1]!.budget.steps).toBeGreaterThan(2.9 * hnetS[0]!.budget.steps);
  });
});

describe("deprecated model keys (hourglass camelCase)", () => {
  const camel = { dim: 64, depth: [1, 2, 1], shortenFactor: 4, heads: 2, dimHead: 32, maxSeqLen: 64 };
  const snake = { dim: 64, depth: [1, 2, 1], shorten_factor: 4, heads: 2, dim_head: 32, max_seq_len: 64 };
  const sweep = (model: object) => ({
    ...small,
    architectures: ["transformer", { architecture: "hourglass", model }],
  });

  it("are accepted with one warning per key at the key as written, and give the same run and hash", async () => {
    const old = await expandSpec(sweep(camel));
    const current = await expandSpec(sweep(snake));
    expect(current.warnings).toEqual([]);
    expect(old.warnings).toEqual([
      {
        path: "architectures[1].model.shortenFactor",
        issue: "shortenFactor is deprecated",
        fix: "write shorten_factor",
      },
      { path: "architectures[1].model.dimHead", issue: "dimHead is deprecated", fix: "write dim_head" },
      {
        path: "architectures[1].model.maxSeqLen",
        issue: "maxSeqLen is deprecated",
        fix: "write max_seq_len",
      },
    ]);
    const [o, c] = [old.runs[1]!, current.runs[1]!];
    expect(o.config).toEqual(c.config);
    expect(o.configHash).toBe(c.configHash);
    expect(Object.keys(o.config.model)).not.toContain("shortenFactor");
    expect(o.config.model.shorten_factor).toBe(4);
  });

  it("one warning per key for all the runs and seeds that share it; grid keys warn at the grid key", async () => {
    const e = await expandSpec({
      ...small,
      seeds: [0, 1],
      architectures: [{ architecture: "hourglass", model: { normOut: true } }],
      parameters: { grid: { "model.shortenFactor": [2, 4] } },
    });
    expect(e.runs).toHaveLength(4);
    expect(e.runs.map((r) => r.config.model.shorten_factor)).toEqual([2, 2, 4, 4]);
    expect(e.warnings).toEqual([
      { path: "architectures[0].model.normOut", issue: "normOut is deprecated", fix: "write norm_out" },
      {
        path: 'parameters.grid["model.shortenFactor"]',
        issue: "model.shortenFactor is deprecated",
        fix: "write model.shorten_factor",
      },
    ]);
  });

  it("problems with a deprecated key point at the key as written", async () => {
    const r = await refused(sweep({ ...camel, maxSeqLen: 32 }));
    expect(r.issues).toContainEqual(
      expect.objectContaining({
        path: "architectures[1].model.maxSeqLen",
        issue: "seqLen 64 exceeds the hourglass max_seq_len 32 (rows of its position embedding)",
      }),
    );
    const bad = await refused(sweep({ shortenFactor: "two" }));
    expect(bad.issues.map((i) => i.path)).toEqual(["architectures[1].model.shortenFactor"]);
  });

  it("both spellings of one key in the same model config are refused, naming both", async () => {
    const r = await refused(sweep({ ...snake, shortenFactor: 2 }));
    expect(r.issues).toEqual([
      {
        path: "architectures[1].model.shortenFactor",
        issue:
          "shortenFactor and shorten_factor are both given: shortenFactor is the deprecated spelling of shorten_factor",
        fix: "keep shorten_factor and remove shortenFactor",
        runs: ["hourglass/s0"],
      },
    ]);
  });

  it("a later layer may override a deprecated key with the current one (different places, no conflict)", async () => {
    const e = await expandSpec({
      ...small,
      architectures: [{ architecture: "hourglass", model: { shortenFactor: 4 } }],
      parameters: { grid: { "model.shorten_factor": [2] } },
    });
    expect(e.runs[0]!.config.model.shorten_factor).toBe(2);
  });
});
