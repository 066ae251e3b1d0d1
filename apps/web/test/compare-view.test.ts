import { describe, expect, it } from "vitest";
import { compareHref, DEFAULT_COMPARE, parseCompareView } from "../src/lib/series/compare-view";
import { axisLabel, normalize, valueAxis } from "../src/lib/series/parallel";
import { niceTicks } from "../src/lib/series/ticks";

describe("compare view in the URL", () => {
  it("defaults for an empty link, and the default view's link is bare", () => {
    expect(parseCompareView({})).toEqual(DEFAULT_COMPARE);
    expect(compareHref(DEFAULT_COMPARE)).toBe("/compare");
  });

  it("round-trips every setting through the link", () => {
    const view = {
      ...DEFAULT_COMPARE,
      runs: ["a", "b", "c"],
      metric: "train/bpb",
      x: "flops" as const,
      xscale: "log" as const,
      yscale: "log" as const,
      smooth: 0.6,
      group: { mode: "keys" as const, keys: ["architecture", "optimizer.lr"] },
      band: "stderr" as const,
      yrange: "all" as const,
      hp: "optimizer.lr",
      hpagg: "final" as const,
      hpx: "log" as const,
      hpy: "log" as const,
    };
    const href = compareHref(view);
    expect(href).toBe(
      "/compare?runs=a,b,c&metric=train/bpb&x=flops&xscale=log&yscale=log&smooth=0.6&group=architecture,optimizer.lr&band=stderr&yrange=all&hp=optimizer.lr&hpagg=final&hpx=log&hpy=log",
    );
    expect(parseCompareView(new URLSearchParams(href.split("?")[1]))).toEqual(view);
  });

  it("group=none, repeated runs parameters, and nonsense falls back to defaults", () => {
    const v = parseCompareView({
      runs: ["a,b", "b", "c"],
      group: "none",
      x: "parsecs",
      smooth: "7",
      metric: "bad metric!",
      band: "rainbow",
    });
    expect(v.runs).toEqual(["a", "b", "c"]);
    expect(v.group).toEqual({ mode: "none" });
    expect(v.x).toBe("step");
    expect(v.smooth).toBe(0.99);
    expect(v.metric).toBe("val/bpb");
    expect(v.band).toBe("minmax");
  });
});

describe("value axes (hyperparameter view, parallel coordinates)", () => {
  it("numeric keys spanning more than 20x get a log axis; positions run 0..1", () => {
    const lr = valueAxis("optimizer.lr", [0.0003, 0.001, 0.003, 0.01]);
    expect(lr.kind).toBe("numeric");
    expect(lr.scale).toBe("log");
    expect(normalize(lr, 0.0003)).toBeCloseTo(0, 12);
    expect(normalize(lr, 0.01)).toBeCloseTo(1, 12);
    expect(normalize(lr, Math.sqrt(0.0003 * 0.01))).toBeCloseTo(0.5, 12);
    const dim = valueAxis("d", [64, 128, 96]);
    expect(dim.scale).toBe("linear");
    expect(normalize(dim, 96)).toBeCloseTo(0.5, 12);
  });

  it("anything else is sorted categories; missing values have no position", () => {
    const arch = valueAxis("architecture", ["transformer", "hnet", undefined, "hnet"]);
    expect(arch.kind).toBe("category");
    expect(arch.categories).toEqual(['"hnet"', '"transformer"']);
    expect(normalize(arch, "transformer")).toBe(1);
    expect(normalize(arch, undefined)).toBeNull();
    expect(axisLabel(arch, 0)).toBe("hnet");
    expect(normalize(valueAxis("k", [5, 5]), 5)).toBe(0.5);
  });

  it("nice linear ticks", () => {
    expect(niceTicks(1.3, 3.6, 5)).toEqual([1.5, 2, 2.5, 3, 3.5]);
    expect(niceTicks(0, 20000, 6)).toEqual([0, 5000, 10000, 15000, 20000]);
    expect(niceTicks(-0.0003, 0.0104, 5)).toEqual([0, 0.002, 0.004, 0.006, 0.008, 0.01]);
  });
});
