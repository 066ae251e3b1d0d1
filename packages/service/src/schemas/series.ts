import { z } from "zod";

/** What a series is plotted against: optimizer step, bytes trained on, training FLOPs or wall-clock seconds. */
export const X_AXES = ["step", "bytes", "flops", "wall"] as const;
export type XAxis = (typeof X_AXES)[number];

function listOf<T extends z.ZodType>(item: T, max: number) {
  return z.preprocess(
    (v) => {
      if (v === undefined || v === null || v === "") return undefined;
      const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(","));
      return parts.map((p) => p.trim()).filter(Boolean);
    },
    z.array(item).min(1).max(max, `at most ${max} at once; split the request`),
  );
}

/** The columns of a series besides x. */
export const SERIES_FIELDS = ["y", "min", "max", "n", "step"] as const;
export type SeriesField = (typeof SERIES_FIELDS)[number];

/** A metric name as the trainer writes it: `val/bpb`, `train/loss`, `stage0/boundary_fraction`. */
export const metricNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][\w./@:-]{0,127}$/, "a metric name like val/bpb, train/loss or stage0/compression");

const seriesFields = z.object({
  /** Metrics to read for each run, up to 8 (default val/bpb). */
  metrics: listOf(metricNameSchema, 8).default(["val/bpb"]),
  x: z.enum(X_AXES).default("step"),
  /** x-axis scale of the buckets: log spaces them evenly in log x (FLOPs, bytes). */
  scale: z.enum(["linear", "log"]).default("linear"),
  /** Buckets of the shared x grid: at most this many points per series (10-5000, default 500). */
  points: z.coerce.number().int().min(10).max(5000).default(500),
  /** Only points with x in [from, to] (zoom). */
  from: z.coerce.number().finite().optional(),
  to: z.coerce.number().finite().optional(),
  /**
   * Columns to send besides x (default all): a chart that draws only lines asks for `y` and gets min, max,
   * n and step as empty arrays, a third of the bytes for 100 runs.
   */
  fields: listOf(z.enum(SERIES_FIELDS), SERIES_FIELDS.length).default([...SERIES_FIELDS]),
});

const fromBelowTo = (q: { from?: number | undefined; to?: number | undefined }) =>
  q.from === undefined || q.to === undefined || q.from < q.to;
const fromBelowToError = { path: ["to"], message: "to must be above from" };

/** Series of several runs (the compare chart). */
export const seriesQuerySchema = seriesFields
  .extend({
    /** Runs to read (ids), up to 500. */
    runs: listOf(z.string().min(1).max(200), 500),
  })
  .refine(fromBelowTo, fromBelowToError);

/** Series of one run (its id is in the path). */
export const runSeriesQuerySchema = seriesFields.refine(fromBelowTo, fromBelowToError);

export type SeriesQuery = z.input<typeof seriesQuerySchema>;
export type SeriesQueryParsed = z.output<typeof seriesQuerySchema>;

/**
 * One run's metric, columnar (x[i], y[i], ...). Downsampled series have one entry per non-empty bucket of
 * the shared grid: x is the bucket's centre (the same for every run, so compared runs line up), y the mean of
 * the bucket, min / max its extremes (spikes survive) and n the points it holds. A series with no more
 * points than buckets comes back as stored (x exact, min = max = y, n = 1). A column left out of the request's
 * `fields` is an empty array.
 */
export const seriesSchema = z.object({
  runId: z.string(),
  metric: z.string(),
  /** Points stored in the database for this run and metric (whole series, before any x range). */
  stored: z.int(),
  downsampled: z.boolean(),
  /** Where the values came from: "points" (stored points) or "rollup-<steps>" (pre-aggregated chunks). */
  source: z.string(),
  x: z.array(z.number()),
  y: z.array(z.number().nullable()),
  min: z.array(z.number().nullable()),
  max: z.array(z.number().nullable()),
  n: z.array(z.int()),
  /** The step of each point (the last step in the bucket when downsampled). */
  step: z.array(z.int()),
});
export type Series = z.infer<typeof seriesSchema>;

export const seriesResponseSchema = z.object({
  format: z.literal("bytelab.series/1"),
  x: z.enum(X_AXES),
  scale: z.enum(["linear", "log"]),
  /** The shared grid: `buckets` buckets evenly spaced (on the scale) over [min, max]; null when no data. */
  grid: z.object({ min: z.number(), max: z.number(), buckets: z.int() }).nullable(),
  series: z.array(seriesSchema),
  /** Runs asked for that do not exist. */
  missingRuns: z.array(z.string()),
});
export type SeriesResponse = z.infer<typeof seriesResponseSchema>;
