import { type SeriesResponse, seriesResponseSchema } from "@bytelab/service/schemas";
import { z } from "zod";

// The series answer checked at the page's boundary, as strictly as seriesResponseSchema but in one plain loop
// per array: 100 runs x 500 buckets x 6 columns are 300,000 numbers, which zod's per-element checks took a
// few hundred milliseconds for on a busy laptop, in the middle of drawing the chart.

const every = (v: unknown, ok: (x: unknown) => boolean): boolean => {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!ok(x)) return false;
  return true;
};
const isNumber = (x: unknown) => typeof x === "number";
const isNumberOrNull = (x: unknown) => x === null || typeof x === "number";

const numbers = z.custom<number[]>((v) => every(v, isNumber), "an array of numbers");
const nullableNumbers = z.custom<(number | null)[]>(
  (v) => every(v, isNumberOrNull),
  "an array of numbers or nulls",
);
const ints = z.custom<number[]>((v) => every(v, Number.isInteger), "an array of integers");

const seriesSchema = z
  .object({
    runId: z.string(),
    metric: z.string(),
    stored: z.int(),
    downsampled: z.boolean(),
    source: z.string(),
    x: numbers,
    y: nullableNumbers,
    min: nullableNumbers,
    max: nullableNumbers,
    n: ints,
    step: ints,
  })
  .refine(
    // A column the request left out (fields=...) is empty.
    (s) => [s.y, s.min, s.max, s.n, s.step].every((a) => a.length === s.x.length || a.length === 0),
    "every column of a series has one entry per x (or none, when not asked for)",
  );

/** GET /api/v1/series and /api/v1/runs/{id}/series answers (same shape as seriesResponseSchema). */
export const seriesAnswerSchema = seriesResponseSchema.extend({
  series: z.array(seriesSchema),
}) satisfies z.ZodType<SeriesResponse>;
