import { studentTQuantile } from "@bytelab/analysis";

export interface Interval {
  level: number;
  lower: number;
  upper: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

export interface Difference {
  /** mean(a) - mean(b) */
  difference: number;
  interval: Interval | null;
  method: "welch-t" | "one-sample-t" | "single-values";
}

/**
 * mean(a) - mean(b) with a Student t interval where the seeds allow one: Welch's interval when both sides
 * have two or more values; a one-sample interval when only one side does (the other is taken as exact);
 * none when both are single values. Zero spread on a side with several values gives a zero-width interval.
 */
export function differenceOfMeans(a: readonly number[], b: readonly number[], level: number): Difference {
  if (a.length === 0 || b.length === 0) throw new Error("differenceOfMeans needs a value on each side");
  const difference = mean(a) - mean(b);
  const q = (df: number) => studentTQuantile(1 - (1 - level) / 2, df);
  if (a.length >= 2 && b.length >= 2) {
    const va = variance(a) / a.length;
    const vb = variance(b) / b.length;
    const se = Math.sqrt(va + vb);
    // Welch-Satterthwaite degrees of freedom; both variances zero: the difference is exact.
    const df =
      se === 0
        ? a.length + b.length - 2
        : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
    const half = q(df) * se;
    return {
      difference,
      interval: { level, lower: difference - half, upper: difference + half },
      method: "welch-t",
    };
  }
  const spread = a.length >= 2 ? a : b.length >= 2 ? b : null;
  if (!spread) return { difference, interval: null, method: "single-values" };
  const half = q(spread.length - 1) * Math.sqrt(variance(spread) / spread.length);
  return {
    difference,
    interval: { level, lower: difference - half, upper: difference + half },
    method: "one-sample-t",
  };
}
