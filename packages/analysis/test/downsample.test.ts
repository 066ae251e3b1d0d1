import { describe, expect, it } from "vitest";
import { type ChartSeries, downsampleSeries } from "../src";
import { gaussian } from "./helpers/synthetic";

/** A noisy learning curve with a few spikes, x = compute on a log-spaced grid. */
function curve(id: string, n: number, seed: number, from = 1e12, to = 1e18): ChartSeries {
  const normal = gaussian(seed);
  const x = Array.from({ length: n }, (_, i) => from * (to / from) ** (i / (n - 1)));
  const y = x.map((c, i) => 3 * c ** -0.05 + 0.02 * normal() + (i % 997 === 500 ? 1 : 0));
  return { id, x, y };
}

/** Bucket of x on the returned grid, computed independently of the implementation. */
function bucketIndex(edges: number[], scale: "linear" | "log", x: number): number {
  const t = (v: number) => (scale === "log" ? Math.log(v) : v);
  const a = t(edges[0]!);
  const b = t(edges[edges.length - 1]!);
  return Math.min(edges.length - 2, Math.max(0, Math.floor(((t(x) - a) / (b - a)) * (edges.length - 1))));
}

describe("downsampleSeries", () => {
  const series = [curve("hnet", 20_000, 1), curve("megabyte", 7_321, 2, 1e13, 3e17)];

  for (const scale of ["linear", "log"] as const) {
    it(`min/max keeps every bucket's lowest and highest point and both endpoints (${scale} x)`, () => {
      const { grid, series: out } = downsampleSeries(series, { method: "minmax", buckets: 200, scale });
      expect(grid!.edges).toHaveLength(201);
      out.forEach((s, k) => {
        const input = series[k]!;
        const kept = new Set(s.indices);
        expect(s.indices[0]).toBe(0);
        expect(s.indices[s.indices.length - 1]).toBe(input.x.length - 1);
        expect(s.indices.length).toBeLessThanOrEqual(2 * 200 + 2);
        const lows = new Map<number, number>();
        const highs = new Map<number, number>();
        input.x.forEach((x, i) => {
          const b = bucketIndex(grid!.edges, scale, x);
          if (!lows.has(b) || input.y[i]! < input.y[lows.get(b)!]!) lows.set(b, i);
          if (!highs.has(b) || input.y[i]! > input.y[highs.get(b)!]!) highs.set(b, i);
        });
        for (const i of [...lows.values(), ...highs.values()]) expect(kept.has(i)).toBe(true);
        // the global extremes (the spikes) survive
        const yMax = Math.max(...input.y);
        expect(Math.max(...s.y)).toBe(yMax);
        expect(Math.min(...s.y)).toBe(Math.min(...input.y));
        expect(s.x).toEqual(s.indices.map((i) => input.x[i]));
      });
    });

    it(`LTTB keeps both endpoints and at most one point per bucket (${scale} x)`, () => {
      const { grid, series: out } = downsampleSeries(series, { method: "lttb", buckets: 300, scale });
      out.forEach((s, k) => {
        const input = series[k]!;
        expect(s.indices[0]).toBe(0);
        expect(s.indices[s.indices.length - 1]).toBe(input.x.length - 1);
        // exactly one point for every bucket that holds interior points
        const occupied = new Set(input.x.slice(1, -1).map((x) => bucketIndex(grid!.edges, scale, x)));
        expect(s.indices.length).toBe(occupied.size + 2);
        const interior = s.indices.slice(1, -1).map((i) => bucketIndex(grid!.edges, scale, input.x[i]!));
        expect(new Set(interior)).toEqual(occupied);
        for (let j = 1; j < s.indices.length; j++) expect(s.indices[j]).toBeGreaterThan(s.indices[j - 1]!);
      });
    });
  }

  it("LTTB picks the point that makes the largest triangle (a spike in its bucket)", () => {
    const x = Array.from({ length: 101 }, (_, i) => i);
    const y = x.map(() => 0);
    y[37] = 5;
    const { series: out } = downsampleSeries([{ id: "s", x, y }], {
      method: "lttb",
      buckets: 10,
      scale: "linear",
    });
    expect(out[0]!.indices).toContain(37);
  });

  it("log buckets follow the log axis: a log-spaced series fills them evenly", () => {
    const s = curve("s", 10_000, 3);
    const { series: out } = downsampleSeries([s], { method: "lttb", buckets: 100, scale: "log" });
    const gaps = out[0]!.indices.slice(1).map((v, i) => v - out[0]!.indices[i]!);
    expect(Math.max(...gaps.slice(1, -1))).toBeLessThan(250); // linear buckets would leave the start in one bucket
  });

  it("returns short series whole and rejects bad input with the field", () => {
    const short = { id: "s", x: [1, 2, 3], y: [3, 1, 2] };
    expect(downsampleSeries([short], { method: "minmax", buckets: 10 }).series[0]!.indices).toEqual([
      0, 1, 2,
    ]);
    expect(() =>
      downsampleSeries([{ id: "s", x: [1, 2], y: [1] }], { method: "lttb", buckets: 10 }),
    ).toThrowError(/series\[0\]\.y: has 1 values but x has 2/);
    expect(() =>
      downsampleSeries([{ id: "s", x: [2, 1, 3], y: [1, 1, 1] }], { method: "lttb", buckets: 1 }),
    ).toThrowError(/series\[0\]\.x\[1\]: x must be non-decreasing/);
    expect(() =>
      downsampleSeries([{ id: "s", x: [0, 1, 2], y: [1, Number.NaN, 1] }], { method: "lttb", buckets: 1 }),
    ).toThrowError(/series\[0\]\.y\[1\]/);
    expect(() =>
      downsampleSeries([{ id: "s", x: [0, 1, 2], y: [1, 1, 1] }], {
        method: "lttb",
        buckets: 1,
        scale: "log",
      }),
    ).toThrowError(/a log x-axis needs x > 0/);
  });
});
