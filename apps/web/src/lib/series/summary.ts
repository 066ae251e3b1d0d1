/** Whether lower or higher values of a metric are better: losses, bpb and norms go down, rates go up. */
export function betterDirection(metric: string): "min" | "max" {
  return /(throughput|bytes_per_s|per_s$|accuracy|acc$|compression|tokens_per)/i.test(metric) ? "max" : "min";
}

/** The metric summary a run records (metric_stats: exact over every stored point). */
export interface MetricStat {
  last: number | null;
  min: number | null;
  max: number | null;
}

/** Final (last recorded) or best (min or max, by the metric's direction) value of a run's metric. */
export function summaryValue(
  stat: MetricStat | undefined,
  metric: string,
  mode: "final" | "best",
): number | null {
  if (!stat) return null;
  if (mode === "final") return stat.last;
  return betterDirection(metric) === "min" ? stat.min : stat.max;
}
