import { z } from "zod";
import { AnalysisError, parseInput } from "../errors";
import { makeXGrid, type XGrid } from "./grid";
import { lttbIndices } from "./lttb";
import { minMaxIndices } from "./minmax";

export const chartSeriesSchema = z
  .object({
    id: z.string().min(1, "id must be a non-empty string (the series' label)"),
    x: z.array(z.number({ error: "x values must be finite numbers" })),
    y: z.array(z.number({ error: "y values must be finite numbers; leave NaN points out of the series" })),
  })
  .superRefine((s, ctx) => {
    if (s.x.length !== s.y.length)
      ctx.addIssue({
        code: "custom",
        path: ["y"],
        message: `has ${s.y.length} values but x has ${s.x.length}`,
      });
    for (let i = 1; i < s.x.length; i++)
      if (s.x[i]! < s.x[i - 1]!) {
        ctx.addIssue({
          code: "custom",
          path: ["x", i],
          message: `x must be non-decreasing (${s.x[i]} after ${s.x[i - 1]}); sort the points by x`,
        });
        break;
      }
  });
export type ChartSeries = z.input<typeof chartSeriesSchema>;

const optionsSchema = z
  .object({
    method: z.enum(["minmax", "lttb"]),
    /** Buckets of the shared grid: LTTB keeps about buckets + 2 points, min/max up to 2 * buckets + 2. */
    buckets: z.number().int().min(1).max(1_000_000),
    scale: z.enum(["linear", "log"]).default("linear"),
  })
  .strict();
export type DownsampleOptions = z.input<typeof optionsSchema>;

export interface DownsampledSeries {
  id: string;
  x: number[];
  y: number[];
  /** Indices of the kept points in the input series, ascending. */
  indices: number[];
}

/**
 * Downsamples every series of a chart on one shared x-grid (so their buckets line up), with min/max
 * buckets (every bucket's lowest and highest point) or LTTB, on a linear or log x-axis. The first and
 * last point of every series are always kept; a series already within the budget comes back whole.
 */
export function downsampleSeries(
  series: ChartSeries[],
  options: DownsampleOptions,
): { grid: XGrid | null; series: DownsampledSeries[] } {
  const parsed = parseInput(z.array(chartSeriesSchema), series, "downsampleSeries", "series");
  const opts = parseInput(optionsSchema, options, "downsampleSeries", "options");
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  parsed.forEach((s, k) => {
    if (s.x.length === 0) return;
    if (opts.scale === "log" && s.x[0]! <= 0)
      throw new AnalysisError("invalid_input", "downsampleSeries", [
        {
          path: `series[${k}].x[${s.x.findLastIndex((v) => v <= 0)}]`,
          issue: `a log x-axis needs x > 0 (series "${s.id}" starts at ${s.x[0]}); drop points at x <= 0`,
        },
      ]);
    min = Math.min(min, s.x[0]!);
    max = Math.max(max, s.x[s.x.length - 1]!);
  });
  if (!Number.isFinite(min)) return { grid: null, series: parsed.map((s) => ({ ...s, indices: [] })) };
  const grid = makeXGrid(min, max, opts.buckets, opts.scale);
  const budget = opts.method === "lttb" ? opts.buckets + 2 : 2 * opts.buckets + 2;
  return {
    grid,
    series: parsed.map((s) => {
      const indices =
        s.x.length <= budget
          ? s.x.map((_, i) => i)
          : opts.method === "lttb"
            ? lttbIndices(s.x, s.y, grid)
            : minMaxIndices(s.x, s.y, grid);
      return { id: s.id, x: indices.map((i) => s.x[i]!), y: indices.map((i) => s.y[i]!), indices };
    }),
  };
}
