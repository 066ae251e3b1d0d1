import { mean, minMax, quantileSorted, sampleStd, sortedCopy } from "./descriptive";
import { studentTQuantile } from "./distributions";

export interface SummaryStats {
  n: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  /** Sample standard deviation (n - 1); null for a single value. */
  std: number | null;
  /** Standard error of the mean, std / sqrt(n); null for a single value. */
  stderr: number | null;
  /** Student t confidence interval of the mean; null for a single value. */
  ci: { level: number; lower: number; upper: number } | null;
}

/** Mean, median, range, standard error and the t interval of the mean of `values` (at least one). */
export function summarize(values: readonly number[], level = 0.95): SummaryStats {
  const n = values.length;
  const m = mean(values);
  const { min, max } = minMax(values);
  const std = sampleStd(values);
  const stderr = std === null ? null : std / Math.sqrt(n);
  let ci: SummaryStats["ci"] = null;
  if (stderr !== null) {
    const t = studentTQuantile(1 - (1 - level) / 2, n - 1);
    ci = { level, lower: m - t * stderr, upper: m + t * stderr };
  }
  return { n, mean: m, median: quantileSorted(sortedCopy(values), 0.5), min, max, std, stderr, ci };
}
