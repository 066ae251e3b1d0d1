import { describe, expect, it } from "vitest";
import { buildSweepReport, type ReportInput, type ReportRunInput, renderReportHtml } from "../src/report";
import { roundestWithin } from "../src/report/comparison";
import { scalingChart } from "../src/report/html/charts";

// The compute-matched comparison and the scaling chart of sweeps at one training-FLOP budget (the
// arch-compare example), of runs stopped early, and of runs from before budgets were enforced.

type Series = NonNullable<ReportInput["series"]>[string];
const fast = { resamples: 100, generatedAt: "2026-12-01T12:00:00Z" };
const BUDGET = 3e12;
const architectures = { transformer: 3.5, hourglass: 3.4, hnet: 2.8, megabyte: 2.7 };

/**
 * One run trained to `end` FLOPs in `steps` steps: val/bpb every steps/6 steps and at the end, falling
 * towards `final`; a train point every step; test/bpb at the end.
 */
function curve(end: number, steps: number, final: number, stopAt = steps): Series {
  const at = (step: number) => ({
    step,
    flops: (end * step) / steps,
    bytesSeen: step * 2048,
    wallTime: step,
  });
  const value = (step: number) => final + 4 * Math.exp((-4 * step) / steps);
  const val: Series[string] = [];
  const train: Series[string] = [];
  for (let step = 1; step <= stopAt; step++) {
    train.push({ ...at(step), value: value(step) + 0.05 });
    if (step % Math.round(steps / 6) === 0 || step === stopAt) val.push({ ...at(step), value: value(step) });
  }
  return { "val/bpb": val, "train/bpb": train, "test/bpb": [{ ...at(stopAt), value: value(stopAt) + 0.01 }] };
}

/** The arch-compare sweep: 4 architectures x 3 seeds at one FLOP budget, as the trainer now runs it. */
function oneBudgetSweep(opts: { enforced?: boolean } = {}) {
  const enforced = opts.enforced ?? true;
  const runs: ReportRunInput[] = [];
  const series: Record<string, Series> = {};
  Object.entries(architectures).forEach(([architecture, final], a) => {
    const steps = 600 + 37 * a;
    const perStep = BUDGET / steps;
    for (let seed = 0; seed < 3; seed++) {
      const id = `${architecture}-s${seed}`;
      // Enforced: at least the budget, less than one step more (H-Net's seeds each a bit differently).
      // Before: floored steps at the planned compression, so H-Net overshoots and the others stop short.
      const end = enforced
        ? BUDGET + perStep * (architecture === "hnet" ? 0.2 + 0.3 * seed : 0.5)
        : architecture === "hnet"
          ? BUDGET * 1.096
          : BUDGET - perStep * 0.6;
      runs.push({
        id,
        name: `arch-compare-brown/${architecture}/s${seed}`,
        status: "COMPLETED",
        architecture,
        seed,
        config: {
          architecture,
          seed,
          steps,
          batchSize: 16,
          seqLen: 128,
          gradAccumulation: 1,
          ...(enforced ? { flopBudget: BUDGET } : {}),
        },
        flopsPerByte: BUDGET / (steps * 2048),
      });
      series[id] = curve(end, steps, final + 0.02 * seed);
    }
  });
  return { sweep: { id: "sw", name: "arch-compare-brown", spec: { kind: "sweep" } }, runs, series };
}

describe("a sweep at one training-FLOP budget", () => {
  it("compares at budgets every run reached: a complete table, the budget itself included", () => {
    const report = buildSweepReport(oneBudgetSweep(), fast);
    const c = report.comparison;
    expect(c.budgetSource).toBe("auto");
    expect(c.complete).toBe(true);
    expect(c.reachedByAll).toBeGreaterThanOrEqual(BUDGET);
    expect(c.rows.at(-1)!.budget).toBe(BUDGET);
    expect(c.rows.length).toBeGreaterThanOrEqual(3);
    for (const row of c.rows)
      for (const cell of row.cells)
        expect(cell).toMatchObject({ n: 3, total: 3, coverage: "complete", missing: [] });
    expect(c.rule).toMatch(/the training compute every compared run reached/);
    expect(report.warnings.join(" ")).not.toMatch(/Compute-matched/);
    // Each run records its budget and what it reached.
    const hnet = report.runs.find((r) => r.id === "hnet-s2")!;
    expect(hnet.budget).toMatchObject({ flops: BUDGET, reachedBudget: true });
    expect(hnet.budget!.reached).toBeGreaterThan(BUDGET);
    expect(hnet.endedEarly).toBeNull();
  });

  it("gets a direct comparison, not a fitted law: no fit, no extrapolation, seed intervals per setting", () => {
    const report = buildSweepReport(oneBudgetSweep(), fast);
    const s = report.scaling;
    expect(s.mode).toBe("direct");
    // H-Net's seeds measured three different FLOPs, but they are one budget: no 3-point "ladder".
    expect(s.architectures.every((a) => a.fit === null)).toBe(true);
    expect(s.architectures.find((a) => a.architecture === "hnet")!.skipped).toMatch(/got 1 /);
    expect(s.architectures.flatMap((a) => a.points).every((p) => p.budget === BUDGET)).toBe(true);
    expect(s.direct.groups.map((g) => g.architecture)).toEqual(Object.keys(architectures));
    for (const g of s.direct.groups) {
      expect(g).toMatchObject({ label: "(one setting)", budget: BUDGET, n: 3 });
      expect(g.interval!.lower).toBeLessThan(g.mean!);
      expect(g.interval!.upper).toBeGreaterThan(g.mean!);
      expect(g.runs).toHaveLength(3);
      expect(g.compute![0]).toBeGreaterThanOrEqual(BUDGET);
    }
    const chart = scalingChart(report)!;
    expect(chart.xCategories).toEqual(Object.keys(architectures));
    expect(chart.region).toBeUndefined();
    expect(chart.bands ?? []).toEqual([]);
    const html = renderReportHtml(report);
    expect(html).toContain('id="chart-scaling"');
    expect(html).toContain("compared directly");
    expect(html).not.toContain(">extrapolation<");
    expect(html).toContain("budget 3.000e12");
  });

  it("runs from before budgets were enforced (floored steps) still get a complete table", () => {
    // The report: transformer, hourglass and megabyte stopped just under 3.0e12, H-Net at +9.6%.
    const report = buildSweepReport(oneBudgetSweep({ enforced: false }), fast);
    const c = report.comparison;
    expect(c.complete).toBe(true);
    for (const row of c.rows) for (const cell of row.cells) expect(cell.coverage).toBe("complete");
    expect(c.rows.at(-1)!.budget).toBeLessThan(BUDGET);
    expect(report.scaling.mode).toBe("direct");
  });

  it("given budgets past the runs leave empty cells that say why, with a warning", () => {
    const report = buildSweepReport(oneBudgetSweep(), { ...fast, budgets: [1e12, 3.2e12] });
    const [, beyond] = report.comparison.rows;
    expect(report.comparison.complete).toBe(false);
    for (const cell of beyond!.cells) {
      expect(cell.coverage).toBe("empty");
      expect(cell.missing).toHaveLength(3);
      expect(cell.missing[0]).toMatchObject({
        reason: "not-reached",
        detail: expect.stringMatching(/^ended at 3\.\d\de12 FLOPs \(its budget: 3\.00e12\)$/),
      });
    }
    expect(report.warnings).toContainEqual(
      expect.stringMatching(
        /^Compute-matched table: the requested budget 3\.20e12 FLOPs has no val\/bpb for transformer \(3 runs: ended at/,
      ),
    );
    const html = renderReportHtml(report);
    expect(html).toContain("ended at 3.");
    expect(html).toContain("Some architectures have no value at some budgets");
  });
});

describe("runs that stopped early, failed or are unfinished", () => {
  function withTroubles() {
    const input = oneBudgetSweep();
    // ASHA stopped hourglass/s2 at a third of the budget; it got its final evaluation there.
    const steps = 637;
    input.series["hourglass-s2"] = curve(BUDGET, steps, 3.5, 212);
    input.runs.find((r) => r.id === "hourglass-s2")!.earlyStop = {
      rung: 0,
      reason: "ASHA: val/bpb ranks 3 of 3",
    };
    // A COMPLETED run short of its budget without an early-stop record (its step cap, or an older loader).
    input.series["megabyte-s1"] = curve(BUDGET, 711, 2.7, 500);
    input.runs.push(
      {
        id: "t-failed",
        name: "arch-compare-brown/transformer/s3",
        status: "FAILED",
        architecture: "transformer",
        seed: 3,
        config: {},
        error: "RangeError: out of memory\n  at ...",
      },
      {
        id: "t-running",
        name: "arch-compare-brown/transformer/s4",
        status: "RUNNING",
        architecture: "transformer",
        seed: 4,
        config: {},
      },
      {
        id: "t-noeval",
        name: "arch-compare-brown/transformer/s5",
        status: "COMPLETED",
        architecture: "transformer",
        seed: 5,
        config: {},
      },
    );
    return input;
  }

  it("does not let them choose the budgets, and says in each cell why they have no value", () => {
    const report = buildSweepReport(withTroubles(), fast);
    const c = report.comparison;
    expect(c.rows.at(-1)!.budget).toBe(BUDGET);
    expect(c.complete).toBe(true);
    expect(c.rule).toMatch(/the 2 run\(s\) that ended early/);
    const top = c.rows.at(-1)!.cells;
    const hourglass = top.find((x) => x.architecture === "hourglass")!;
    expect(hourglass).toMatchObject({ n: 2, total: 3, coverage: "partial" });
    expect(hourglass.missing).toEqual([
      {
        runId: "hourglass-s2",
        runName: "arch-compare-brown/hourglass/s2",
        reason: "early-stopped",
        detail: "stopped early by ASHA (rung 0) at 9.98e11 FLOPs",
      },
    ]);
    const megabyte = top.find((x) => x.architecture === "megabyte")!;
    expect(megabyte.missing[0]).toMatchObject({
      reason: "stopped-before-budget",
      detail: expect.stringMatching(/^stopped at 2\.11e12 FLOPs, before its budget of 3\.00e12/),
    });
    const transformer = top.find((x) => x.architecture === "transformer")!;
    expect(transformer).toMatchObject({ n: 3, total: 6, coverage: "partial" });
    expect(transformer.missing.map((m) => [m.reason, m.detail])).toEqual([
      ["failed", "failed: RangeError: out of memory"],
      ["unfinished", "still running"],
      ["no-eval", "no val/bpb recorded with training FLOPs"],
    ]);
    // Where the early-stopped run did get to, it counts.
    const low = c.rows[0]!.cells.find((x) => x.architecture === "hourglass")!;
    expect(low.n).toBe(3);
    // The run list and the warnings say it too.
    expect(report.runs.find((r) => r.id === "hourglass-s2")!.endedEarly).toBe(
      "stopped early by ASHA (rung 0) at 9.98e11 FLOPs",
    );
    expect(report.runs.find((r) => r.id === "hourglass-s2")!.budget).toMatchObject({ reachedBudget: false });
    expect(report.warnings.join(" ")).toMatch(
      /2 completed run\(s\) stopped before their training-FLOP budget/,
    );
    const html = renderReportHtml(report);
    expect(html).toContain("stopped early by ASHA (rung 0) at 9.98e11 FLOPs");
    expect(html).toContain("failed: RangeError: out of memory");
  });

  it("an architecture with no usable run is an empty column with the reasons, and a warning", () => {
    const input = oneBudgetSweep();
    for (const r of input.runs) if (r.architecture === "megabyte") r.status = "FAILED";
    const report = buildSweepReport(input, fast);
    expect(report.comparison.complete).toBe(false);
    for (const row of report.comparison.rows) {
      const cell = row.cells.find((x) => x.architecture === "megabyte")!;
      expect(cell).toMatchObject({ n: 0, total: 3, coverage: "empty", mean: null });
      expect(cell.missing.map((m) => m.reason)).toEqual(["failed", "failed", "failed"]);
    }
    expect(report.warnings.join(" ")).toMatch(/has no val\/bpb for megabyte \(3 runs: failed\)/);
  });
});

describe("a ladder whose runs leave gaps in an architecture's compute", () => {
  it("picks budgets only where every architecture has a run covering them", () => {
    // "a" has no curve between 1e11 and 4e11 FLOPs; "b" covers everything.
    const run = (id: string, architecture: string): ReportRunInput => ({
      id,
      name: id,
      status: "COMPLETED",
      architecture,
      seed: 0,
      config: { architecture, id },
    });
    const points = (first: number, end: number) => ({
      "val/bpb": [
        { step: 1, value: 5, flops: first },
        { step: 2, value: 4, flops: Math.sqrt(first * end) },
        { step: 3, value: 3, flops: end },
      ],
    });
    const input = {
      sweep: { id: "l", name: "ladder", spec: { kind: "ladder" } },
      runs: [run("a1", "a"), run("a2", "a"), run("b1", "b")],
      series: { a1: points(2e10, 1e11), a2: points(4e11, 1e12), b1: points(1e10, 1e12) },
    };
    const report = buildSweepReport(input, fast);
    const budgets = report.comparison.rows.map((r) => r.budget);
    expect(budgets.every((b) => (b >= 2e10 && b <= 1e11) || (b >= 4e11 && b <= 1e12))).toBe(true);
    expect(budgets.at(-1)).toBe(1e12);
    expect(report.comparison.complete).toBe(true);
    expect(report.comparison.rule).toMatch(
      /where every architecture has a run whose curve covers the budget/,
    );
  });
});

describe("roundestWithin", () => {
  it("picks the number with the fewest significant digits inside the range", () => {
    expect(roundestWithin(2.95e12, 3.01e12)).toBe(3e12);
    expect(roundestWithin(2.951e12, 2.969e12)).toBe(2.96e12);
    expect(roundestWithin(5, 5)).toBe(5);
  });
});
