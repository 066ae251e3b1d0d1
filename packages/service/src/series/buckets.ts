import { finiteOrNull } from "../schemas/common";
import type { Series } from "../schemas/series";

/**
 * One bucket's aggregate as a query returns it, for the segment numbered i (1-based) of the query's keys.
 * Several rows may feed one bucket (a log grid reads a series in segments: points, then rollup levels).
 */
export interface BucketRow {
  i: number;
  /** Bucket number, 1-based as width_bucket numbers them. */
  b: number;
  /** Points in the part (NaN included). */
  n: number;
  /** Sum and count of the finite values (the mean is sum / finite); sum is null when none is finite. */
  sum: number | null;
  finite: number;
  mn: number | null;
  mx: number | null;
  /** The last step in the part. */
  step: number;
}

/**
 * The buckets of many series merged in place, in flat typed arrays indexed [series * buckets + bucket]: 100
 * runs x 500 buckets is 50,000 slots, filled in one pass without per-row objects, string keys or sorting.
 */
export class BucketMerger {
  private readonly n: Float64Array;
  private readonly finite: Float64Array;
  private readonly sum: Float64Array;
  private readonly mn: Float64Array;
  private readonly mx: Float64Array;
  private readonly step: Float64Array;

  constructor(
    private readonly seriesCount: number,
    private readonly buckets: number,
  ) {
    const size = seriesCount * buckets;
    this.n = new Float64Array(size);
    this.finite = new Float64Array(size);
    this.sum = new Float64Array(size);
    this.mn = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
    this.mx = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
    this.step = new Float64Array(size).fill(-1);
  }

  /** Merges a row into bucket row.b of series `series` (its index in the answer). */
  add(series: number, part: BucketRow): void {
    if (series < 0 || series >= this.seriesCount || part.b < 1 || part.b > this.buckets) return;
    const at = series * this.buckets + part.b - 1;
    this.n[at]! += part.n;
    if (part.sum !== null && part.finite > 0) {
      this.finite[at]! += part.finite;
      this.sum[at]! += part.sum;
    }
    if (part.mn !== null && part.mn < this.mn[at]!) this.mn[at] = part.mn;
    if (part.mx !== null && part.mx > this.mx[at]!) this.mx[at] = part.mx;
    if (part.step > this.step[at]!) this.step[at] = part.step;
  }

  /** Appends the non-empty buckets of series `index` to `series`, in bucket order, at x = centre(b). */
  emit(index: number, series: Series, centre: (b: number) => number): void {
    const base = index * this.buckets;
    for (let b = 1; b <= this.buckets; b++) {
      const at = base + b - 1;
      if (this.n[at] === 0) continue;
      const finite = this.finite[at]!;
      series.x.push(centre(b));
      series.y.push(finite > 0 ? finiteOrNull(this.sum[at]! / finite) : null);
      series.min.push(finiteOrNull(this.mn[at]!));
      series.max.push(finiteOrNull(this.mx[at]!));
      series.n.push(this.n[at]!);
      series.step.push(this.step[at]!);
    }
  }
}
