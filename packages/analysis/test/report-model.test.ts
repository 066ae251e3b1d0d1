import { describe, expect, it } from "vitest";
import { AnalysisError } from "../src";
import { buildSweepReport, type ReportInput } from "../src/report";
import { syntheticSweep } from "./helpers/report-sweep";

const truths = {
  transformer: { E: 0.9, A: 40, alpha: 0.1 },
  hnet: { E: 0.7, A: 210, alpha: 0.14 }, // crosses transformer near 1e16 FLOPs
};
// 7 compute values over 6 decades, 2 seeds each, 0.002 bpb noise: E and alpha are well identified.
const computes = [1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19];

function sweep(seed = 1) {
  return syntheticSweep({
    architectures: Object.entries(truths).map(([architecture, truth]) => ({ architecture, truth })),
    computes,
    seeds: 2,
    noise: 0.002,
    seed,
  });
}

const fast = { resamples: 200, generatedAt: "2026-11-28T12:00:00Z" };

describe("buildSweepReport: scaling fits", () => {
  it("recovers each architecture's power law (E within 0.03, alpha within 0.01 of the truth)", () => {
    const report = buildSweepReport(sweep(), fast);
    expect(report.scaling.architectures.map((a) => a.architecture)).toEqual(["transformer", "hnet"]);
    for (const arch of report.scaling.architectures) {
      const truth = truths[arch.architecture as keyof typeof truths];
      const fit = arch.fit!;
      expect(fit).not.toBeNull();
      expect(Math.abs(fit.params.E - truth.E)).toBeLessThan(0.03);
      expect(Math.abs(fit.params.alpha - truth.alpha)).toBeLessThan(0.01);
      expect(fit.provisional).toBe(false);
      expect(fit.data.points).toBe(computes.length * 2);
      expect(fit.intervals!.alpha.lower).toBeLessThanOrEqual(fit.params.alpha);
      expect(fit.intervals!.alpha.upper).toBeGreaterThanOrEqual(fit.params.alpha);
      // The band runs from the smallest run out to 10x the largest, extrapolated beyond the data.
      expect(fit.band[0]!.compute).toBeCloseTo(computes[0]!, -8);
      expect(fit.band.at(-1)!.compute).toBeCloseTo(computes.at(-1)! * 10, -14);
      expect(fit.band.at(-1)!.extrapolated).toBe(true);
      expect(fit.band.at(-1)!.lower).toBeLessThan(fit.band.at(-1)!.upper!);
      expect(fit).not.toHaveProperty("bootstrap.samples");
    }
    expect(report.runs.every((r) => r.fit.used)).toBe(true);
  });

  it("finds the crossing of two power laws that cross inside the data", () => {
    // transformer is lower at small compute, hnet at large compute: solve E1 + A1 C^-a1 = E2 + A2 C^-a2.
    const report = buildSweepReport(sweep(), fast);
    const [crossing] = report.scaling.crossings;
    expect(crossing!.architectures).toEqual(["transformer", "hnet"]);
    const truthDiff = (c: number) =>
      truths.transformer.E + truths.transformer.A * c ** -0.1 - truths.hnet.E - truths.hnet.A * c ** -0.14;
    let lo = 1e13;
    let hi = 1e19;
    for (let i = 0; i < 200; i++) {
      const mid = Math.sqrt(lo * hi);
      if (Math.sign(truthDiff(mid)) === Math.sign(truthDiff(lo))) lo = mid;
      else hi = mid;
    }
    expect(crossing!.status).toBe("crossing");
    expect(Math.abs(Math.log10(crossing!.crossings[0]!.compute) - Math.log10(lo))).toBeLessThan(0.3);
    expect(crossing!.crossings[0]!.betterAbove).toBe("hnet");
  });

  it("lists a diverged run, leaves it out of the fit and says so", () => {
    const input = sweep();
    input.runs.push({
      id: "hnet-diverged",
      name: "hnet/big/diverged",
      status: "DIVERGED",
      architecture: "hnet",
      seed: 7,
      config: { architecture: "hnet", seed: 7 },
    });
    input.series["hnet-diverged"] = {
      "val/bpb": [
        { step: 10, value: 1.2, flops: 5e17, bytesSeen: 100, wallTime: 1 },
        { step: 20, value: Number.NaN, flops: 1e18, bytesSeen: 200, wallTime: 2 },
      ],
    };
    const report = buildSweepReport(input, fast);
    const row = report.runs.find((r) => r.id === "hnet-diverged")!;
    expect(row.status).toBe("DIVERGED");
    expect(row.fit).toEqual({ used: false, reason: "diverged" });
    expect(row.finalHeldOut).toBeNull();
    expect(row.compute).toBe(1e18);
    const hnet = report.scaling.architectures.find((a) => a.architecture === "hnet")!;
    expect(hnet.fit!.data.runIds).not.toContain("hnet-diverged");
    expect(hnet.fit!.excluded).toEqual([{ runId: "hnet-diverged", reason: "diverged" }]);
    expect(hnet.fit!.provisional).toBe(true);
    expect(hnet.fit!.reasons.join(" ")).toMatch(/1 diverged/);
    expect(hnet.points.find((p) => p.runId === "hnet-diverged")).toMatchObject({
      used: false,
      bitsPerByte: null,
    });
    // The fit itself is unchanged by the diverged run.
    const clean = buildSweepReport(sweep(), fast).scaling.architectures.find(
      (a) => a.architecture === "hnet",
    )!;
    expect(hnet.fit!.params.alpha).toBeCloseTo(clean.fit!.params.alpha, 12);
  });

  it("treats a COMPLETED run whose last held-out value is NaN as diverged", () => {
    const input = sweep();
    const series = input.series["hnet-c3-s0"]!["val/bpb"]!;
    series.push({ ...series.at(-1)!, step: series.at(-1)!.step + 1, value: Number.POSITIVE_INFINITY });
    const report = buildSweepReport(input, fast);
    expect(report.runs.find((r) => r.id === "hnet-c3-s0")!.fit).toEqual({ used: false, reason: "diverged" });
  });

  it("marks a fit on three compute values provisional and says why; skips an architecture with two", () => {
    const input = syntheticSweep({
      architectures: [
        { architecture: "megabyte", truth: truths.hnet },
        { architecture: "hourglass", truth: truths.hnet },
      ],
      computes: [1e14, 1e15, 1e16],
      seeds: 1,
      noise: 0.001,
      seed: 2,
    });
    input.runs = input.runs.filter((r) => !(r.architecture === "hourglass" && r.id.includes("-c2-")));
    const report = buildSweepReport(input, fast);
    const [megabyte, hourglass] = report.scaling.architectures;
    expect(megabyte!.fit!.provisional).toBe(true);
    expect(megabyte!.fit!.reasons.join(" ")).toMatch(/only 3 distinct compute values/);
    expect(hourglass!.fit).toBeNull();
    expect(hourglass!.skipped).toMatch(/3 or more distinct compute values/);
    expect(report.runs.filter((r) => r.architecture === "hourglass").every((r) => !r.fit.used)).toBe(true);
    expect(report.scaling.crossings).toEqual([]);
  });

  it("keeps unfinished runs and runs without FLOPs off the compute axis, with the reason", () => {
    const input = sweep();
    input.runs.push({ id: "q", name: "queued", status: "QUEUED", architecture: "hnet", seed: 0, config: {} });
    input.runs.push({
      id: "f",
      name: "failed",
      status: "FAILED",
      architecture: "hnet",
      seed: 0,
      config: {},
      error: "OOM",
    });
    input.runs.push({
      id: "nf",
      name: "no flops",
      status: "COMPLETED",
      architecture: "hnet",
      seed: 0,
      config: {},
    });
    input.series.nf = { "val/bpb": [{ step: 5, value: 1.5, flops: null, bytesSeen: 10, wallTime: 1 }] };
    const report = buildSweepReport(input, fast);
    const fitOf = (id: string) => report.runs.find((r) => r.id === id)!.fit;
    expect(fitOf("q")).toEqual({ used: false, reason: "not finished (queued)" });
    expect(fitOf("f")).toEqual({ used: false, reason: "no training FLOPs recorded" });
    expect(fitOf("nf")).toEqual({ used: false, reason: "no training FLOPs recorded" });
    expect(report.runs.find((r) => r.id === "f")!.error).toBe("OOM");
    expect(report.warnings.join(" ")).toMatch(/1 completed run\(s\) have no training FLOPs/);
    expect(report.warnings.join(" ")).toMatch(/still queued or running/);
  });
});

describe("buildSweepReport: tables", () => {
  it("compares architectures at default budgets inside the data, and at given ones", () => {
    const report = buildSweepReport(sweep(), fast);
    const budgets = report.comparison.rows.map((r) => r.budget);
    expect(report.comparison.budgetSource).toBe("auto");
    // A ladder: 5 log-spaced over the compute every architecture covers, plus the compute every run reached.
    expect(budgets).toHaveLength(6);
    expect(budgets).toContain(computes[0]!);
    expect(report.comparison.reachedByAll).toBe(computes[0]!);
    expect(budgets[0]).toBeGreaterThanOrEqual(computes[0]! / 5);
    expect(budgets.at(-1)).toBeLessThanOrEqual(computes.at(-1)!);
    expect(report.comparison.complete).toBe(true);
    // Every run reached the smallest ladder budget (larger runs had not evaluated yet there, and say so).
    const all = report.comparison.rows.find((r) => r.budget === computes[0])!;
    for (const cell of all.cells) {
      expect(cell.notReached).toBe(0);
      expect(cell.missing.every((m) => m.reason === "before-first-point")).toBe(true);
      expect(cell.n + cell.missing.length).toBe(14);
    }
    // At the largest budget only the largest runs got there, and their value is the final one; the others
    // are listed with where they ended.
    const last = report.comparison.rows.at(-1)!;
    for (const cell of last.cells) {
      expect(cell).toMatchObject({ n: 2, total: 14, coverage: "partial" });
      expect(cell.missing).toHaveLength(12);
      expect(cell.missing[0]).toMatchObject({
        reason: "not-reached",
        detail: expect.stringMatching(/^ended at 1\.00e13 FLOPs$/),
      });
    }
    expect(report.warnings.join(" ")).not.toMatch(/Compute-matched table/);

    const given = buildSweepReport(sweep(), { ...fast, budgets: [1e16, 1e21] });
    expect(given.comparison.budgetSource).toBe("given");
    expect(given.comparison.rule).toBe("as given");
    const [at16, at21] = given.comparison.rows;
    expect(at16!.cells.every((c) => c.n > 0 && c.mean !== null)).toBe(true);
    expect(at21!.cells.every((c) => c.n === 0 && c.mean === null && c.notReached === 14)).toBe(true);
    expect(at21!.cells.every((c) => c.coverage === "empty" && c.missing.length === 14)).toBe(true);
    expect(given.comparison.complete).toBe(false);
    // A requested budget that leaves cells empty is a warning that says why.
    expect(given.warnings).toContainEqual(
      expect.stringMatching(
        /^Compute-matched table: the requested budget 1\.00e21 FLOPs has no val\/bpb for transformer \(14 runs: ended at/,
      ),
    );
  });

  it("aggregates seeds per config and architecture", () => {
    const report = buildSweepReport(sweep(), fast);
    expect(report.seeds.groups).toHaveLength(2 * computes.length);
    for (const g of report.seeds.groups) {
      expect(g.runIds).toHaveLength(2);
      expect(g.seeds.sort()).toEqual([0, 1]);
      expect(g.label).toMatch(/^model\.dModel=\d+$/);
      expect(g.metrics["val/bpb"]!.n).toBe(2);
      expect(g.metrics["test/bpb"]!.mean).toBeCloseTo(g.metrics["val/bpb"]!.mean + 0.01, 10);
    }
  });

  it("downsamples learning curves and reports the environment as recorded", () => {
    const input = syntheticSweep({
      architectures: [{ architecture: "hnet", truth: truths.hnet }],
      computes: [1e15, 1e16, 1e17],
      seeds: 1,
      noise: 0,
      seed: 3,
      steps: 20_000,
    });
    input.runs[0]!.backend = null;
    const report = buildSweepReport(input, { ...fast, curveBuckets: 50 });
    const [curves] = report.learningCurves.architectures;
    for (const run of curves!.runs) {
      expect(run.trainPointsStored).toBe(2001);
      expect(run.train.length).toBeLessThanOrEqual(52);
      expect(run.train[0]!.x).toBeGreaterThan(0);
    }
    const backend = report.environment.rows.find((r) => r.property === "backend")!;
    expect(backend).toEqual({
      property: "backend",
      values: [{ value: "tensorflow", runs: 2 }],
      notRecorded: 1,
    });
    expect(report.environment.notes.join(" ")).toMatch(/not recorded/);
  });

  it("rejects malformed input naming the field", () => {
    const bad = { sweep: { id: "s", name: "x", spec: {} }, runs: [{ id: "r", name: "r", status: "DONE" }] };
    expect(() => buildSweepReport(bad as unknown as ReportInput)).toThrow(AnalysisError);
    expect(() => buildSweepReport(bad as unknown as ReportInput)).toThrow(/input\.runs\[0\]\.status/);
  });

  it("handles a sweep without runs", () => {
    const report = buildSweepReport({ sweep: { id: "s", name: "empty", spec: {} }, runs: [] }, fast);
    expect(report.summary.runs).toBe(0);
    expect(report.scaling.computeRange).toBeNull();
    expect(report.comparison.note).toMatch(/no completed or diverged run/);
    expect(report.warnings).toContain("This sweep has no runs.");
  });
});
