import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError, querySeries, type Series, seriesResponseSchema } from "../src";
import { openServiceEnv, range, type ServiceTestEnv, seedRuns, seedSeries } from "./helpers";

let env: ServiceTestEnv;
// long: 30,001 points (read from rollups); medium: 2,001 points (bucketed from points); short: 41 points.
const long = (s: number) => 4 - Math.log1p(s) / 5 + (s === 12_345 ? 3 : 0) - (s === 20_000 ? 2 : 0);
const medium = (s: number) => 3 + Math.sin(s / 50);
const short = (s: number) => 2 + 1 / (1 + s);

beforeAll(async () => {
  env = await openServiceEnv("series");
  await seedRuns(env.db.prisma, [{ id: "long" }, { id: "medium" }, { id: "short" }]);
  await seedSeries(env.db.url, "long", "train/loss", range(0, 30_000), long);
  await seedSeries(env.db.url, "medium", "train/loss", range(0, 2000), medium);
  await seedSeries(env.db.url, "short", "train/loss", range(0, 4000, 100), short);
}, 120_000);
afterAll(async () => {
  await env?.close();
});

function seriesOf(series: Series[], runId: string): Series {
  const s = series.find((x) => x.runId === runId);
  if (!s) throw new Error(`no series for ${runId}`);
  return s;
}

describe("querySeries", () => {
  it("puts every run on one grid: at most `points` buckets each, extremes kept, counts complete", async () => {
    const answer = await querySeries(env.ctx.pool, {
      runs: ["long", "medium", "short"],
      metrics: ["train/loss"],
      x: "step",
      points: 100,
    });
    expect(seriesResponseSchema.safeParse(answer).success).toBe(true);
    expect(answer.grid).toEqual({ min: 0, max: 30_000, buckets: 100 });

    const l = seriesOf(answer.series, "long");
    expect(l).toMatchObject({ stored: 30_001, downsampled: true, source: "rollup-64" });
    expect(l.x.length).toBeLessThanOrEqual(100);
    expect(l.n.reduce((a, b) => a + b, 0)).toBe(30_001);
    // The spike at 12,345 and the dip at 20,000 survive downsampling.
    expect(Math.max(...l.max.map((v) => v ?? -Infinity))).toBeCloseTo(long(12_345), 9);
    expect(Math.min(...l.min.map((v) => v ?? Infinity))).toBeCloseTo(long(20_000), 9);

    // 2,001 steps, 300 steps per bucket: 64-step chunks (at least 2 per bucket) stand for its points.
    const m = seriesOf(answer.series, "medium");
    expect(m).toMatchObject({ stored: 2001, downsampled: true, source: "rollup-64" });
    expect(m.n.reduce((a, b) => a + b, 0)).toBe(2001);
    expect(m.x.length).toBe(7); // buckets 0-300, ..., 1800-2100

    const s = seriesOf(answer.series, "short");
    expect(s).toMatchObject({ stored: 41, downsampled: false, source: "points" });
    expect(s.x).toEqual(range(0, 4000, 100));
    expect(s.y.map((v) => Number(v!.toFixed(12)))).toEqual(
      range(0, 4000, 100).map((v) => Number(short(v).toFixed(12))),
    );

    // Shared grid: downsampled series of different runs use the same bucket centres.
    const centres = new Set(l.x);
    expect(m.x.every((x) => centres.has(x))).toBe(true);
  });

  it("buckets a series from its points where buckets are narrower than any rollup chunk: exact values", async () => {
    const answer = await querySeries(env.ctx.pool, {
      runs: ["medium"],
      metrics: ["train/loss"],
      points: 200,
    });
    const m = seriesOf(answer.series, "medium");
    expect(answer.grid).toEqual({ min: 0, max: 2000, buckets: 200 });
    expect(m).toMatchObject({ stored: 2001, downsampled: true, source: "points" });
    expect(m.x.length).toBe(200);
    // Postgres' width_bucket in float8, as it computes it: ((x - lo) / (hi - lo)) * count, floored.
    const bucketOf = (x: number) => Math.min(200, Math.max(1, Math.floor(((x - 0) / (2000 - 0)) * 200) + 1));
    for (let i = 0; i < m.x.length; i++) {
      const b = Math.round(m.x[i]! / 10 + 0.5);
      const steps = range(0, 2000).filter((s) => bucketOf(s) === b);
      const values = steps.map(medium);
      expect(m.n[i]).toBe(steps.length);
      expect(m.min[i]).toBeCloseTo(Math.min(...values), 12);
      expect(m.max[i]).toBeCloseTo(Math.max(...values), 12);
      expect(m.y[i]).toBeCloseTo(values.reduce((a, v) => a + v, 0) / values.length, 12);
      expect(m.step[i]).toBe(Math.max(...steps));
    }
  });

  it("plots against FLOPs on a log grid, and zooms into an x range", async () => {
    const answer = await querySeries(env.ctx.pool, {
      runs: ["long", "medium"],
      metrics: ["train/loss"],
      x: "flops",
      scale: "log",
      points: 50,
    });
    expect(answer.grid?.min).toBe(1e6); // step 0 has 0 FLOPs: not on a log axis
    expect(answer.grid?.max).toBe(3e10);
    const l = seriesOf(answer.series, "long");
    expect(l.x.every((x) => x >= 1e6 && x <= 3e10)).toBe(true);
    for (let i = 1; i < l.x.length; i++) expect(l.x[i]! / l.x[i - 1]!).toBeGreaterThan(1);
    // Read in segments (points where buckets are narrow, then coarser rollups) merged per bucket: every point
    // with FLOPs > 0 counted once, and the bucket means weighted by their counts give the mean of all values.
    expect(l.source).toMatch(/^points\+rollup-8\+rollup-64/);
    const steps = range(1, 30_000);
    expect(l.n.reduce((a, b) => a + b, 0)).toBe(steps.length);
    const weighted = l.y.reduce<number>((a, y, i) => a + y! * l.n[i]!, 0);
    expect(weighted / steps.length).toBeCloseTo(steps.reduce((a, s) => a + long(s), 0) / steps.length, 9);
    expect(Math.max(...l.max.map((v) => v ?? -Infinity))).toBeCloseTo(long(12_345), 9);
    expect(Math.min(...l.min.map((v) => v ?? Infinity))).toBeCloseTo(long(20_000), 9);
    for (let i = 1; i < l.step.length; i++) expect(l.step[i]!).toBeGreaterThan(l.step[i - 1]!);

    const zoom = await querySeries(env.ctx.pool, {
      runs: ["long"],
      metrics: ["train/loss"],
      x: "step",
      from: 10_000,
      to: 11_000,
      points: 100,
    });
    const z = seriesOf(zoom.series, "long");
    expect(zoom.grid).toEqual({ min: 10_000, max: 11_000, buckets: 100 });
    expect(z.source).toBe("points"); // 1,000 steps over 100 buckets: finer than any rollup level
    expect(z.n.reduce((a, b) => a + b, 0)).toBe(1001);
  });

  it("names runs that do not exist, and answers empty series for metrics a run never recorded", async () => {
    const answer = await querySeries(env.ctx.pool, { runs: ["long", "nope"], metrics: ["val/bpb"] });
    expect(answer.missingRuns).toEqual(["nope"]);
    expect(answer.grid).toBeNull();
    expect(answer.series).toEqual([
      expect.objectContaining({ runId: "long", metric: "val/bpb", stored: 0, x: [] }),
    ]);
  });

  it("refuses bad queries with the field named", async () => {
    const error = await querySeries(env.ctx.pool, { runs: [], x: "time" as never, points: 3 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).details.map((d) => d.path).sort()).toEqual(["points", "runs", "x"]);
    const zoom = await querySeries(env.ctx.pool, { runs: ["long"], from: 5, to: 1 }).catch((e) => e);
    expect((zoom as InvalidInputError).details).toEqual([{ path: "to", issue: "to must be above from" }]);
  });
});

describe("querySeries fields", () => {
  it("sends only the columns asked for (the others empty)", async () => {
    const answer = await querySeries(env.ctx.pool, {
      runs: ["long"],
      metrics: ["train/loss"],
      points: 50,
      fields: "y",
    });
    const s = seriesOf(answer.series, "long");
    expect(s.x.length).toBeGreaterThan(0);
    expect(s.y.length).toBe(s.x.length);
    expect([s.min, s.max, s.n, s.step]).toEqual([[], [], [], []]);
    const bad = await querySeries(env.ctx.pool, { runs: ["long"], fields: "z" }).catch((e) => e);
    expect((bad as InvalidInputError).details[0]?.path).toBe("fields.0");
  });
});
