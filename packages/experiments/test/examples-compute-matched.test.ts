import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildSweepReport,
  type ReportInput,
  type ReportPoint,
  type ReportRunInput,
  renderReportHtml,
  type SweepReport,
} from "@bytelab/analysis/report";
import { initBackend } from "@bytelab/models";
import { METRICS_FILE, readMetricsFile, train } from "@bytelab/train";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandSpec, formatFromPath, readSpecText } from "../src";

// Each shipped example, shrunk to seconds (tiny models of the same shape, few steps) but otherwise as
// written, trained for real with the trainer and turned into the sweep report: the compute-matched table
// must be complete (every architecture has a value at every reported budget), every FLOP-budgeted run must
// stop within one step of its budget, and the scaling chart must be the one that fits the data.

const examples = join(import.meta.dirname, "../../../examples");
const home = mkdtempSync(join(tmpdir(), "bytelab-examples-"));

/** Tiny models of each example architecture's shape (a step takes milliseconds on one core). */
const TINY: Record<string, Record<string, unknown>> = {
  transformer: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 },
  hourglass: { dim: 16, depth: [1, 1, 1], shorten_factor: 4, heads: 2, dim_head: 8, max_seq_len: 32 },
  hnet: {
    arch_layout: ["T1", ["T1"], "T1"],
    d_model: [16, 24],
    d_intermediate: [32, 48],
    attn_cfg: { num_heads: [2, 2], rotary_emb_dim: [4, 4], window_size: [-1, -1] },
  },
  megabyte: { dim: [16, 16], depth: [1, 1], max_seq_len: [8, 4], dim_head: 8, heads: 2 },
};

/** The example's training base with tiny batches and cheap evaluations (its dataset and optimizer kept). */
function tinyBase(base: Record<string, unknown>, evalInterval: number): Record<string, unknown> {
  return {
    ...base,
    seqLen: 32,
    batchSize: 2,
    logInterval: 1,
    eval: { interval: evalInterval, windows: 4, testWindows: 4, batchSize: 4, robustness: { rates: [] } },
    checkpoint: { interval: 0, keep: 1 },
  };
}

/** An architecture entry's model, tiny, keeping what the example compares (H-Net's ratio loss). */
function tinyModel(architecture: string, model: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...TINY[architecture], ...(model.ratio_loss ? { ratio_loss: model.ratio_loss } : {}) };
}

type Spec = Record<string, unknown> & {
  base: Record<string, unknown>;
  architectures?: Array<{ architecture: string; model?: Record<string, unknown> }>;
};

function loadExample(file: string): Spec {
  return readSpecText(readFileSync(join(examples, file), "utf8"), formatFromPath(file)) as Spec;
}

const BUDGET = 2e8; // training FLOPs: 20-70 steps of the tiny models

function shrink(file: string): Spec {
  const spec = loadExample(file);
  switch (spec.kind) {
    case "sweep":
      return {
        ...spec,
        base: tinyBase(spec.base, 8),
        architectures: spec.architectures!.map((a) => ({ ...a, model: tinyModel(a.architecture, a.model) })),
        seeds: [0, 1],
        budget: { flops: BUDGET },
      };
    case "ablation": {
      const { model, ...base } = spec.base as Record<string, unknown> & { model: Record<string, unknown> };
      const variants = (spec.variants as Array<{ name: string; set: Record<string, unknown> }>).map((v) =>
        v.name === "two-stage"
          ? {
              ...v,
              set: {
                ...v.set,
                "model.d_model": [16, 24, 32],
                "model.d_intermediate": [32, 48, 64],
                "model.attn_cfg": {
                  num_heads: [2, 2, 2],
                  rotary_emb_dim: [4, 4, 4],
                  window_size: [-1, -1, -1],
                },
              },
            }
          : v,
      );
      return {
        ...spec,
        base: { ...tinyBase(base, 8), model: tinyModel("hnet", model) },
        variants,
        seeds: [0],
        budget: { flops: BUDGET },
      };
    }
    default: {
      // The ladder: same sizes, budgets in the example's ratios (1 : 3 : 10).
      const budgets = (spec.budgets as Array<{ flops: number }>).map((b) => ({
        flops: (b.flops / 1e12) * 3e7,
      }));
      return {
        ...spec,
        base: tinyBase(spec.base, 10),
        architectures: spec.architectures!.map((a) => ({ ...a, model: tinyModel(a.architecture, a.model) })),
        budgets,
      };
    }
  }
}

const points = (records: ReturnType<typeof readMetricsFile>, kind: string, name: string): ReportPoint[] =>
  records
    .filter((r) => r.kind === kind && r.metrics[name] !== undefined)
    .map((r) => ({
      step: r.step,
      value: r.metrics[name]!,
      flops: r.flops,
      bytesSeen: r.bytesSeen,
      wallTime: r.wallTime,
    }));

interface Trained {
  report: SweepReport;
  runs: Array<{
    label: string;
    architecture: string;
    budget: number | null;
    reached: number;
    lastStep: number;
    steps: number;
    planned: number;
  }>;
}

/** Expands the shrunk spec, trains every run in this process, and builds the report from what they recorded. */
async function trainExample(file: string): Promise<Trained> {
  const spec = shrink(file);
  const expansion = await expandSpec(spec);
  const runs: ReportRunInput[] = [];
  const series: NonNullable<ReportInput["series"]> = {};
  const out: Trained["runs"] = [];
  for (const run of expansion.runs) {
    const dir = join(home, `${String(spec.name)}-${run.label.replaceAll("/", "_")}`);
    const result = await train({ config: run.config, outDir: dir });
    const records = readMetricsFile(join(dir, METRICS_FILE));
    const trainRecords = records.filter((r) => r.kind === "train");
    runs.push({
      id: run.label,
      name: `${String(spec.name)}/${run.label}`,
      status: result.status === "CANCELLED" ? "CANCELLED" : result.status,
      architecture: run.architecture,
      seed: run.seed,
      config: run.config as unknown as Record<string, unknown>,
      configHash: run.configHash,
      paramCount: run.paramCount,
      flopsPerByte: run.flopsPerByte?.training ?? null,
    });
    series[run.label] = {
      "val/bpb": points(records, "eval", "val/bpb"),
      "test/bpb": points(records, "test", "test/bpb"),
      "train/bpb": points(records, "train", "train/bpb"),
    };
    out.push({
      label: run.label,
      architecture: run.architecture,
      budget: run.config.flopBudget ?? null,
      reached: result.summary.flops,
      lastStep: trainRecords.at(-1)!.flops - (trainRecords.at(-2)?.flops ?? 0),
      steps: result.step,
      planned: run.budget.steps,
    });
  }
  const report = buildSweepReport(
    { sweep: { id: String(spec.name), name: String(spec.name), spec }, runs, series },
    { resamples: 50, generatedAt: "2026-12-01T00:00:00Z" },
  );
  if (process.env.BYTELAB_TEST_VERBOSE) {
    for (const r of out)
      console.log(
        `${file} ${r.label}: budget ${r.budget?.toExponential(3)}, reached ${r.reached.toExponential(4)} ` +
          `(${r.steps} steps, planned ${r.planned})`,
      );
    for (const row of report.comparison.rows)
      console.log(
        `${file} @${row.budget.toExponential(2)}: ${row.cells.map((c) => `${c.architecture} ${c.mean?.toFixed(3) ?? "-"} (n=${c.n}/${c.total})`).join(", ")}`,
      );
  }
  return { report, runs: out };
}

/** Every FLOP-budgeted run spent its budget and less than one step more. */
function expectBudgetsHeld(runs: Trained["runs"]) {
  for (const r of runs) {
    expect(r.budget, r.label).not.toBeNull();
    expect(r.reached, r.label).toBeGreaterThanOrEqual(r.budget!);
    expect(r.reached - r.budget!, r.label).toBeLessThan(r.lastStep);
  }
}

/** Every architecture (column) has a value at every reported budget. */
function expectCompleteTable(report: SweepReport) {
  const c = report.comparison;
  expect(c.rows.length).toBeGreaterThan(0);
  expect(c.complete).toBe(true);
  const archs = report.summary.architectures;
  for (const row of c.rows) {
    expect(row.cells.map((x) => x.architecture)).toEqual(archs);
    for (const cell of row.cells) {
      expect(cell.n, `${cell.architecture} at ${row.budget}`).toBeGreaterThan(0);
      expect(cell.mean).not.toBeNull();
    }
  }
  expect(report.warnings.filter((w) => w.startsWith("Compute-matched"))).toEqual([]);
  const html = renderReportHtml(report);
  expect(html).toContain('<section id="compute-matched">');
  expect(html).toContain('id="chart-scaling"');
}

beforeAll(async () => {
  await initBackend();
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("shipped examples, shrunk and trained", () => {
  it("arch-compare-brown: every architecture within one step of the FLOP budget, a complete table up to it", async () => {
    const { report, runs } = await trainExample("arch-compare-brown.yaml");
    expect(runs).toHaveLength(8);
    expectBudgetsHeld(runs);
    // H-Net's steps come from its measured compression, not the plan.
    expect(runs.filter((r) => r.architecture === "hnet").some((r) => r.steps !== r.planned)).toBe(true);
    expectCompleteTable(report);
    // One budget: every run has a value at every budget, the budget itself the last row.
    expect(report.comparison.rows.at(-1)!.budget).toBe(BUDGET);
    for (const row of report.comparison.rows)
      for (const cell of row.cells) expect(cell.coverage).toBe("complete");
    expect(report.scaling.mode).toBe("direct");
    expect(report.scaling.direct.groups.map((g) => [g.architecture, g.n, g.budget])).toEqual(
      ["transformer", "hourglass", "hnet", "megabyte"].map((a) => [a, 2, BUDGET]),
    );
    for (const row of report.runs) expect(row.budget).toMatchObject({ flops: BUDGET, reachedBudget: true });
  });

  it("hnet-ablation-brown: every variant within one step of the budget, a complete table", async () => {
    const { report, runs } = await trainExample("hnet-ablation-brown.yaml");
    expect(runs).toHaveLength(7);
    expectBudgetsHeld(runs);
    expectCompleteTable(report);
    expect(report.comparison.rows.at(-1)!.budget).toBe(BUDGET);
    for (const row of report.comparison.rows) expect(row.cells[0]!).toMatchObject({ n: 7, total: 7 });
    expect(report.scaling.mode).toBe("direct");
    // The direct comparison is per variant (setting), not one column of 7 runs.
    expect(report.scaling.direct.groups).toHaveLength(7);
  });

  it("scaling-ladder-brown: every run within one step of its budget, a complete table, a fitted law", async () => {
    const { report, runs } = await trainExample("scaling-ladder-brown.json");
    expect(runs).toHaveLength(27);
    expectBudgetsHeld(runs);
    expectCompleteTable(report);
    // Every run reached the ladder's smallest budget; the table starts at or below what they all reached
    // and ends at the largest budget (runs of the smaller budgets are "not reached" there, and say so).
    expect(report.comparison.reachedByAll).toBeGreaterThanOrEqual(3e7);
    expect(report.comparison.rows[0]!.budget).toBeLessThanOrEqual(report.comparison.reachedByAll!);
    expect(report.comparison.rows.at(-1)!.budget).toBe(3e8);
    expect(report.scaling.mode).toBe("fit");
    for (const a of report.scaling.architectures) expect(a.fit?.data.distinctCompute).toBe(3);
  });
});
