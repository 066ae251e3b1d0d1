import { buildSweepReport, type ReportInput, type ReportRunInput } from "@bytelab/analysis/report";
import { describe, expect, it } from "vitest";
import { ladderIsoFlop } from "../src/components/sweeps/scaling/isoflop";
import {
  architectureSlots,
  crossingMarkers,
  directGroups,
  directSettings,
  learningLines,
  scalingGroups,
  scalingMode,
} from "../src/components/sweeps/scaling/scaling-series";

// The scaling page's transforms on reports built by @bytelab/analysis from synthetic sweeps (no database):
// which chart, which groups and points, where bands, extrapolation, crossings and iso-FLOP curves come from.

const LAW: Record<string, { E: number; A: number; B: number }> = {
  transformer: { E: 1.6, A: 30, B: 20 },
  hnet: { E: 1.42, A: 55, B: 24 },
};
const SIZES = [1e5, 3e5, 1e6];
const BUDGETS = [3e11, 1e12, 3e12];
const BYTES = 2048;

function run(
  arch: string,
  params: number,
  budget: number,
  seed = 0,
  status: ReportRunInput["status"] = "COMPLETED",
): { run: ReportRunInput; series: Record<string, unknown[]> } {
  const law = LAW[arch]!;
  const fpb = 6 * params;
  const steps = Math.ceil(budget / (fpb * BYTES));
  const id = `${arch}-${params}-${budget}-${seed}`;
  const loss = (s: number) => law.E + law.A * params ** -0.34 + law.B * (s * BYTES) ** -0.28 + seed * 0.01;
  const at = (s: number) => ({ step: s, bytesSeen: s * BYTES, flops: s * BYTES * fpb, wallTime: s * 0.1 });
  const every = Math.max(1, Math.floor(steps / 30));
  const train = [];
  for (let s = every; s <= steps; s += every) train.push({ ...at(s), value: loss(s) + 0.05 });
  const evals = [1, 2, 3, 4, 5].map((i) => Math.round((steps * i) / 5));
  return {
    run: {
      id,
      name: `t/${arch}/${params}/${budget.toExponential().replace(/\.?0+e/, "e")}flops/s${seed}`,
      status,
      architecture: arch,
      seed,
      config: { architecture: arch, steps, seed, flopBudget: budget },
      configHash: `${arch}-${params}-${budget}`,
      paramCount: params,
      flopsPerByte: fpb,
    },
    series: {
      "train/bpb": train,
      "val/bpb": evals.map((s) => ({ ...at(s), value: loss(s) + 0.02 })),
      "test/bpb": [{ ...at(steps), value: loss(steps) + 0.03 }],
    },
  };
}

function input(kind: string, runs: Array<ReturnType<typeof run>>): ReportInput {
  return {
    sweep: { id: "s1", name: "t", spec: { kind, name: "t" }, createdAt: new Date(0) },
    runs: runs.map((r) => r.run),
    series: Object.fromEntries(runs.map((r) => [r.run.id, r.series])) as ReportInput["series"],
  };
}

const ladderRuns = Object.keys(LAW).flatMap((a) => SIZES.flatMap((n) => BUDGETS.map((c) => run(a, n, c))));

describe("scaling chart of a ladder (laws fitted)", () => {
  const failed = run("hnet", 3e5, 1e12, 1, "FAILED");
  const report = buildSweepReport(input("ladder", [...ladderRuns, failed]), { resamples: 50, seed: 1 });

  it("draws one group per architecture with its runs and fitted law, the extrapolation dashed apart", () => {
    expect(scalingMode(report)).toBe("fit");
    const groups = scalingGroups(report);
    const slots = architectureSlots(report);
    for (const arch of report.scaling.architectures) {
      const main = groups.find((g) => g.id === arch.architecture)!;
      expect(main.points).toHaveLength(arch.points.filter((p) => p.used && p.bitsPerByte !== null).length);
      expect(main.points.length).toBe(SIZES.length * BUDGETS.length);
      expect(main.name).toContain(`${arch.fit!.params.E.toFixed(3)} + `);
      const inside = arch.fit!.band.filter((b) => !b.extrapolated);
      expect(main.fit!.x).toEqual(inside.map((b) => b.compute));
      expect(main.fit!.y).toEqual(inside.map((b) => b.estimate));
      expect(main.colorIndex).toBe(slots.get(arch.architecture));
      const outside = arch.fit!.band.filter((b) => b.extrapolated);
      const extrapolated = groups.find((g) => g.id === `${arch.architecture}:extrapolated`);
      expect(extrapolated?.fit?.x.length).toBe(outside.length + 1);
      // Same colour, dashed (the palette's second round).
      expect(extrapolated?.colorIndex).toBe(main.colorIndex! + 8);
    }
  });

  it("marks every crossing of the fitted laws", () => {
    expect(crossingMarkers(report)).toHaveLength(
      report.scaling.crossings.reduce((n, c) => n + c.crossings.length, 0),
    );
  });

  it("learning curves: per run its training line and its held-out line in the same colour", () => {
    const lines = learningLines(report, "hnet");
    const runs = report.learningCurves.architectures.find((a) => a.architecture === "hnet")!.runs;
    expect(lines.filter((l) => l.id.endsWith(":train"))).toHaveLength(
      runs.filter((r) => r.train.length > 0).length,
    );
    const held = lines.find((l) => l.id.endsWith(":heldout"))!;
    const train = lines.find((l) => l.id === held.id.replace(":heldout", ":train"))!;
    expect(held.color).toBe(`var(--series-${(train.colorIndex! % 8) + 1})`);
    expect(lines.find((l) => l.name.includes("(failed)"))).toBeDefined();
  });

  it("iso-FLOP curves: each architecture at each budget through its sizes, the optimum inside them", async () => {
    const iso = (await ladderIsoFlop(report))!;
    expect(iso.curves).toHaveLength(Object.keys(LAW).length * BUDGETS.length);
    for (const c of iso.curves) {
      expect(c.points.map((p) => p.params)).toEqual(SIZES);
      expect(c.status).toBe("ok");
      expect(c.optimalParams!).toBeGreaterThan(SIZES[0]!);
      expect(c.optimalParams!).toBeLessThan(SIZES.at(-1)!);
      expect(c.parabola.length).toBeGreaterThan(10);
      const min = Math.min(...c.parabola.map((p) => p.loss));
      expect(min).toBeCloseTo(c.minLoss!, 2);
    }
    expect(iso.frontiers.map((f) => f.architecture).sort()).toEqual(Object.keys(LAW).sort());
    // Only completed runs are points of the curves (the failed run is not).
    expect(iso.curves.flatMap((c) => c.points).some((p) => p.runName.includes("/s1"))).toBe(false);
  });

  it("is null for a sweep that is not a ladder", async () => {
    const sweep = buildSweepReport(input("sweep", ladderRuns), { resamples: 0 });
    expect(await ladderIsoFlop(sweep)).toBeNull();
  });
});

describe("a single-budget sweep (no law can be fitted)", () => {
  const runs = Object.keys(LAW).flatMap((a) => [0, 1, 2].map((seed) => run(a, 3e5, 1e12, seed)));
  const report = buildSweepReport(input("sweep", runs), { resamples: 50, seed: 1 });

  it("compares the settings directly: a position each, its runs as points, its mean and seed interval as a box", () => {
    expect(scalingMode(report)).toBe("direct");
    const settings = directSettings(report);
    const groups = directGroups(report);
    expect(groups.map((g) => g.name)).toEqual(["transformer", "hnet"]);
    groups.forEach((g, i) => {
      const s = settings[i]!;
      expect(g.points.map((p) => p.x)).toEqual([i, i, i]);
      expect(g.points.map((p) => p.y).sort()).toEqual(s.runs.map((r) => r.value).sort());
      expect(g.fit!.x).toEqual([i - 0.25, i + 0.25]);
      expect(g.fit!.y).toEqual([s.mean, s.mean]);
      expect(g.fit!.lo).toEqual([s.interval!.lower, s.interval!.lower]);
      expect(g.fit!.hi).toEqual([s.interval!.upper, s.interval!.upper]);
      expect(s.interval!.lower).toBeLessThan(s.mean!);
    });
  });
});
