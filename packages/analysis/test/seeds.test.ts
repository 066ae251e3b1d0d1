import { describe, expect, it } from "vitest";
import { type AggregateRunInput, aggregateSeeds, studentTQuantile } from "../src";

const run = (
  runId: string,
  arch: string,
  dModel: number,
  seed: number,
  bpb: number | null,
): AggregateRunInput => ({
  runId,
  config: { arch, model: { dModel, nLayers: 4 }, train: { seed, steps: 1000 } },
  metrics: { bpb, loss: bpb === null ? null : bpb * Math.LN2 },
});

const runs = [
  run("a1", "hnet", 256, 1, 1.1),
  run("a2", "hnet", 256, 2, 1.2),
  run("a3", "hnet", 256, 3, 1.6),
  run("b1", "hnet", 512, 1, 1.0),
  run("b2", "hnet", 512, 2, null),
  run("c1", "megabyte", 256, 1, 1.3),
];

describe("aggregateSeeds", () => {
  it("groups runs by every config key except seeds", () => {
    const result = aggregateSeeds(runs);
    expect(result.groupBy).toEqual(["arch", "model.dModel", "model.nLayers", "train.steps"]);
    expect(result.varyingKeys).toEqual(["arch", "model.dModel"]);
    expect(result.groups.map((g) => g.runIds)).toEqual([["a1", "a2", "a3"], ["b1", "b2"], ["c1"]]);
    expect(result.groups[0]!.seeds).toEqual([1, 2, 3]);
    expect(result.groups[0]!.key).toEqual({
      arch: "hnet",
      "model.dModel": 256,
      "model.nLayers": 4,
      "train.steps": 1000,
    });
  });

  it("summarises each metric with mean, median, min, max, standard error and the t interval", () => {
    const bpb = aggregateSeeds(runs).groups[0]!.metrics.bpb!;
    const values = [1.1, 1.2, 1.6];
    const mean = (1.1 + 1.2 + 1.6) / 3;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    expect(bpb).toMatchObject({ n: 3, median: 1.2, min: 1.1, max: 1.6, missing: 0 });
    expect(bpb.mean).toBeCloseTo(mean, 12);
    expect(bpb.stderr).toBeCloseTo(std / Math.sqrt(3), 12);
    const half = 4.302652729 * (std / Math.sqrt(3)); // t(0.975, 2) from the table
    expect(bpb.ci!.lower).toBeCloseTo(mean - half, 6);
    expect(bpb.ci!.upper).toBeCloseTo(mean + half, 6);
    expect(bpb.ci!.level).toBe(0.95);
  });

  it("counts missing values and gives no interval for a single run", () => {
    const groups = aggregateSeeds(runs).groups;
    expect(groups[1]!.metrics.bpb).toMatchObject({ n: 1, missing: 1, std: null, stderr: null, ci: null });
    expect(groups[2]!.metrics.bpb).toMatchObject({ n: 1, mean: 1.3 });
  });

  it("groups by chosen keys at a chosen level", () => {
    const result = aggregateSeeds(runs, { groupBy: ["arch"], level: 0.9 });
    expect(result.groups.map((g) => g.runIds.length)).toEqual([5, 1]);
    const bpb = result.groups[0]!.metrics.bpb!;
    expect(bpb.n).toBe(4);
    expect(bpb.ci!.upper - bpb.mean).toBeCloseTo(studentTQuantile(0.95, 3) * bpb.stderr!, 12);
  });

  it("ignores keys on request and rejects unknown groupBy keys and NaN metrics", () => {
    const noted = runs.map((r, i) => ({ ...r, config: { ...r.config, notes: `run ${i}` } }));
    expect(aggregateSeeds(noted).groups).toHaveLength(6);
    expect(aggregateSeeds(noted, { ignoreKeys: ["notes"] }).groups).toHaveLength(3);
    expect(() => aggregateSeeds(runs, { groupBy: ["model.width"] })).toThrowError(
      /options\.groupBy: "model\.width" is in no run's config; known keys: arch, model\.dModel/,
    );
    const nan = [{ ...runs[0]!, metrics: { bpb: Number.NaN } }];
    expect(() => aggregateSeeds(nan)).toThrowError(
      /runs\[0\]\.metrics\.bpb: metric values must be finite numbers or null/,
    );
  });
});
