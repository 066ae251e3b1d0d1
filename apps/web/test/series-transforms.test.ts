import { flattenConfig as analysisFlatten } from "@bytelab/analysis";
import type { Series } from "@bytelab/service/schemas";
import { describe, expect, it } from "vitest";
import { aggregateSeries } from "../src/lib/series/aggregate";
import { csvCell, linesToCsv, toCsv } from "../src/lib/series/csv";
import {
  flattenConfig,
  isSeedKey,
  keysWithDifferentValues,
  stableJson,
  varyingKeys,
} from "../src/lib/series/flatten";
import { groupRuns } from "../src/lib/series/group";
import { groupLines, pointCounts, runLines } from "../src/lib/series/lines";
import { mergeRows, yExtent } from "../src/lib/series/rows";
import { emaSmooth } from "../src/lib/series/smoothing";
import { betterDirection, summaryValue } from "../src/lib/series/summary";
import { logTicks } from "../src/lib/series/ticks";

function series(runId: string, x: number[], y: (number | null)[], extra: Partial<Series> = {}): Series {
  return {
    runId,
    metric: "val/bpb",
    stored: x.length,
    downsampled: false,
    source: "points",
    x,
    y,
    min: y,
    max: y,
    n: x.map(() => 1),
    step: x,
    ...extra,
  };
}

describe("emaSmooth (TensorBoard's debiased EMA)", () => {
  it("weight 0 returns the values unchanged", () => {
    expect(emaSmooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it("is debiased: the first value is kept, later ones follow the EMA over the debias factor", () => {
    const w = 0.6;
    const out = emaSmooth([1, 3, 5], w);
    expect(out[0]).toBeCloseTo(1, 12);
    // last_1 = 0.4, last_2 = 0.4*0.6 + 0.4*3 = 1.44, debias 1 - 0.36 = 0.64 -> 2.25
    expect(out[1]).toBeCloseTo(1.44 / 0.64, 12);
    const last3 = 1.44 * 0.6 + 0.4 * 5;
    expect(out[2]).toBeCloseTo(last3 / (1 - 0.6 ** 3), 12);
  });

  it("passes null and NaN through without letting them into the average", () => {
    const out = emaSmooth([2, null, Number.NaN, 4], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNaN();
    // same as smoothing [2, 4]
    const ref = emaSmooth([2, 4], 0.5);
    expect(out[3]).toBeCloseTo(ref[1]!, 12);
  });

  it("keeps a constant series exactly constant and stays within the values' range", () => {
    expect(emaSmooth([1.25, 1.25, 1.25], 0.9)).toEqual([1.25, 1.25, 1.25]);
    const values = Array.from({ length: 200 }, (_, i) => 3 + Math.sin(i) * 0.5);
    for (const v of emaSmooth(values, 0.95)) {
      expect(v!).toBeGreaterThanOrEqual(2.5 - 1e-9);
      expect(v!).toBeLessThanOrEqual(3.5 + 1e-9);
    }
  });

  it("clamps weights: negative is none, 1 and above act as 0.999", () => {
    expect(emaSmooth([1, 2], -1)).toEqual([1, 2]);
    expect(emaSmooth([1, 2], 5)).toEqual(emaSmooth([1, 2], 0.999));
  });
});

describe("flattenConfig and keys", () => {
  const config = {
    seed: 3,
    model: { d_model: 128, layers: [2, 2] },
    optimizer: { lr: 0.003 },
    dataset: "brown",
  };

  it("flattens to dotted keys with arrays as leaves, exactly as @bytelab/analysis does", () => {
    const flat = flattenConfig(config);
    expect(flat).toEqual({
      seed: 3,
      "model.d_model": 128,
      "model.layers": [2, 2],
      "optimizer.lr": 0.003,
      dataset: "brown",
    });
    expect(flat).toEqual(analysisFlatten(config));
  });

  it("recognises seed keys at any depth", () => {
    expect(isSeedKey("seed")).toBe(true);
    expect(isSeedKey("data.seed")).toBe(true);
    expect(isSeedKey("seeds")).toBe(false);
    expect(isSeedKey("model.seed_mix")).toBe(false);
  });

  it("stableJson ignores key order; varyingKeys finds what differs (missing counts)", () => {
    expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe(stableJson({ a: { c: 3, d: 2 }, b: 1 }));
    expect(varyingKeys([{ a: 1, b: 2 }, { a: 1, b: 3 }, { a: 1 }])).toEqual(["b"]);
    // The axes to draw: a key set by some configs only, always to one value, follows the key that sets them
    // apart (a transformer's n_layer follows architecture); one with two values among those that set it stays.
    const mixed = [
      { architecture: "transformer", "model.n_layer": 4, lr: 0.01 },
      { architecture: "transformer", "model.n_layer": 4, lr: 0.03 },
      { architecture: "hnet", "model.d_model": 96, lr: 0.01 },
      { architecture: "hnet", "model.d_model": 128, lr: 0.01 },
    ];
    expect(keysWithDifferentValues(mixed)).toEqual(["architecture", "lr", "model.d_model"]);
    expect(varyingKeys(mixed)).toEqual(["architecture", "lr", "model.d_model", "model.n_layer"]);
  });
});

describe("groupRuns", () => {
  const run = (id: string, arch: string, lr: number, seed: number) => ({
    id,
    name: `sweep/${id}`,
    architecture: arch,
    config: { seed, optimizer: { lr }, model: { d_model: 64 } },
  });
  const runs = [
    run("a", "hnet", 0.001, 0),
    run("b", "hnet", 0.001, 1),
    run("c", "hnet", 0.003, 0),
    run("d", "transformer", 0.001, 0),
    run("e", "hnet", 0.003, 1),
  ];

  it("by every key except seed: replicates together, labelled by what differs between groups", () => {
    const groups = groupRuns(runs, { mode: "seeds" });
    expect(groups.map((g) => g.runIds)).toEqual([["a", "b"], ["c", "e"], ["d"]]);
    expect(groups.map((g) => g.label)).toEqual([
      "hnet, optimizer.lr=0.001",
      "hnet, optimizer.lr=0.003",
      "transformer, optimizer.lr=0.001",
    ]);
    expect(groups[0]!.values).toEqual({ architecture: "hnet", "optimizer.lr": 0.001 });
  });

  it("labels name only the keys it takes to tell groups apart (not what follows from the architecture)", () => {
    const mixed = [
      { id: "h", name: "h", architecture: "hnet", config: { seed: 0, model: { d_model: [64, 96] }, lr: 1 } },
      { id: "t", name: "t", architecture: "transformer", config: { seed: 0, model: { d_model: 96 }, lr: 1 } },
      {
        id: "t2",
        name: "t2",
        architecture: "transformer",
        config: { seed: 0, model: { d_model: 96 }, lr: 2 },
      },
    ];
    expect(groupRuns(mixed, { mode: "seeds" }).map((g) => g.label)).toEqual([
      "hnet, lr=1",
      "transformer, lr=1",
      "transformer, lr=2",
    ]);
  });

  it("by chosen keys only, and not at all", () => {
    const byArch = groupRuns(runs, { mode: "keys", keys: ["architecture"] });
    expect(byArch.map((g) => [g.label, g.runIds.length])).toEqual([
      ["hnet", 4],
      ["transformer", 1],
    ]);
    const none = groupRuns(runs, { mode: "none" });
    expect(none).toHaveLength(5);
    expect(none[0]!.label).toBe("sweep/a");
  });

  it("a key that some runs lack groups them as null", () => {
    const mixed = [...runs, { id: "f", name: "f", architecture: "hnet", config: { seed: 0 } }];
    const groups = groupRuns(mixed, { mode: "keys", keys: ["optimizer.lr"] });
    expect(groups.map((g) => g.label)).toEqual([
      "optimizer.lr=0.001",
      "optimizer.lr=0.003",
      "optimizer.lr=–",
    ]);
  });
});

describe("aggregateSeries", () => {
  const a = { x: [1, 2, 3], y: [1, 2, 3] };
  const b = { x: [1, 2, 3], y: [3, 4, null] };
  const c = { x: [1, 2], y: [2, 6] };

  it("mean with min-max band and n per x on the shared grid", () => {
    const agg = aggregateSeries([a, b, c], "minmax");
    expect(agg.x).toEqual([1, 2, 3]);
    expect(agg.mean).toEqual([2, 4, 3]);
    expect(agg.lo).toEqual([1, 2, 3]);
    expect(agg.hi).toEqual([3, 6, 3]);
    expect(agg.n).toEqual([3, 3, 1]);
  });

  it("standard error band: mean ± sample sd / sqrt(n), none where n = 1", () => {
    const agg = aggregateSeries([a, b, c], "stderr");
    // x=1: values 1,3,2: sd = 1, se = 1/sqrt(3)
    expect(agg.lo[0]).toBeCloseTo(2 - 1 / Math.sqrt(3), 12);
    expect(agg.hi[0]).toBeCloseTo(2 + 1 / Math.sqrt(3), 12);
    expect(agg.lo[2]).toBeNull();
    expect(agg.hi[2]).toBeNull();
  });

  it("x where no member has a finite value is kept with a null mean and n 0", () => {
    const agg = aggregateSeries([{ x: [5], y: [Number.NaN] }], "minmax");
    expect(agg).toEqual({ x: [5], mean: [null], lo: [null], hi: [null], n: [0] });
  });
});

describe("runLines / groupLines", () => {
  const s1 = series("r1", [10, 20, 30], [3, 2, 1], {
    stored: 3000,
    downsampled: true,
    min: [2.5, 1.5, 0.5],
    max: [3.5, 2.5, 1.5],
  });
  const s2 = series("r2", [10, 20, 30], [5, 4, 3]);
  const s3 = series("r3", [10, 20], [4, 2]);

  it("one line per run, named, with bucket bands only for downsampled series", () => {
    const lines = runLines([s1, s2], { bands: true, name: (id) => `run ${id}` });
    expect(lines.map((l) => [l.id, l.name, l.x.length])).toEqual([
      ["r1", "run r1", 3],
      ["r2", "run r2", 3],
    ]);
    expect(lines[0]!.lo).toEqual([2.5, 1.5, 0.5]);
    expect(lines[1]!.lo).toBeUndefined();
    expect(pointCounts(lines)).toEqual({ shown: 6, stored: 3003, downsampled: true });
  });

  it("groups aggregate their members with N in the line", () => {
    const groups = [
      { id: "g1", label: "lr=1", values: {}, runIds: ["r1", "r2"] },
      { id: "g2", label: "lr=2", values: {}, runIds: ["r3", "missing"] },
      { id: "g3", label: "empty", values: {}, runIds: ["nope"] },
    ];
    const lines = groupLines([s1, s2, s3], groups, { band: "minmax" });
    expect(lines.map((l) => [l.name, l.n])).toEqual([
      ["lr=1", 2],
      ["lr=2", 1],
    ]);
    expect(lines[0]!.y).toEqual([4, 3, 2]);
    expect(lines[0]!.lo).toEqual([3, 2, 1]);
    expect(lines[0]!.hi).toEqual([5, 4, 3]);
  });
});

describe("mergeRows", () => {
  it("one row per x; log scales drop x or y <= 0; bands as [lo, hi]", () => {
    const lines = [
      { id: "a", name: "a", x: [0, 1, 2], y: [1, 2, 3], lo: [0.5, 1.5, 2.5], hi: [1.5, 2.5, 3.5] },
      { id: "b", name: "b", x: [1, 3], y: [-1, 4] },
    ];
    expect(mergeRows(lines, "linear", "linear")).toEqual([
      { x: 0, y0: 1, b0: [0.5, 1.5] },
      { x: 1, y0: 2, b0: [1.5, 2.5], y1: -1 },
      { x: 2, y0: 3, b0: [2.5, 3.5] },
      { x: 3, y1: 4 },
    ]);
    expect(mergeRows(lines, "log", "log").map((r) => r.x)).toEqual([1, 2, 3]);
    expect(mergeRows(lines, "log", "log")[0]).toEqual({ x: 1, y0: 2, b0: [1.5, 2.5] });
    expect(yExtent(lines, "linear")).toEqual([-1, 4]);
  });
});

describe("CSV", () => {
  it("quotes fields with commas, quotes and line breaks; null is empty", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(1.5e15)).toBe("1500000000000000");
    expect(toCsv(["a", "b"], [[1, "x\ny"]])).toBe('a,b\n1,"x\ny"\n');
  });

  it("a chart's lines in long format: a header and one row per point", () => {
    const text = linesToCsv(
      [
        { id: "r1", name: "run, one", x: [1, 2], y: [3, null], n: 2, lo: [2, null], hi: [4, null] },
        { id: "r2", name: "two", x: [1], y: [5] },
      ],
      "step",
      "val/bpb",
    );
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("series,id,step,val/bpb,lo,hi,runs");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('"run, one",r1,1,3,2,4,2');
    expect(lines[2]).toBe('"run, one",r1,2,,,,2');
    expect(lines[3]).toBe("two,r2,1,5,,,1");
  });
});

describe("summaries and ticks", () => {
  it("best is the min of losses and the max of rates", () => {
    expect(betterDirection("val/bpb")).toBe("min");
    expect(betterDirection("throughput/bytes_per_s")).toBe("max");
    const stat = { last: 2, min: 1.5, max: 3 };
    expect(summaryValue(stat, "val/bpb", "best")).toBe(1.5);
    expect(summaryValue(stat, "val/bpb", "final")).toBe(2);
    expect(summaryValue(stat, "throughput/bytes_per_s", "best")).toBe(3);
    expect(summaryValue(undefined, "val/bpb", "best")).toBeNull();
  });

  it("log ticks: powers of ten over wide ranges, 1-2-5 over narrow ones, the ends when none fits", () => {
    expect(logTicks(1e12, 1e17)).toEqual([1e12, 1e13, 1e14, 1e15, 1e16, 1e17]);
    expect(logTicks(0.9, 30)).toEqual([1, 2, 5, 10, 20]);
    expect(logTicks(2.1, 2.9)).toEqual([2.1, 2.9]);
    expect(logTicks(0, 10)).toEqual([]);
  });
});
