/** Bucket edges shared by every series of a chart, evenly spaced on a linear or log x-axis. */
export interface XGrid {
  scale: "linear" | "log";
  /** buckets + 1 edges in data units, ascending. */
  edges: number[];
}

export function toAxis(scale: XGrid["scale"], x: number): number {
  return scale === "log" ? Math.log(x) : x;
}

/** Evenly spaced buckets between `min` and `max` on the axis. */
export function makeXGrid(min: number, max: number, buckets: number, scale: XGrid["scale"]): XGrid {
  const a = toAxis(scale, min);
  const b = toAxis(scale, max);
  const edges = Array.from({ length: buckets + 1 }, (_, k) => {
    if (k === 0) return min;
    if (k === buckets) return max;
    const t = a + ((b - a) * k) / buckets;
    return scale === "log" ? Math.exp(t) : t;
  });
  return { scale, edges };
}

/** A function from x to its bucket index in [0, buckets). */
export function bucketOf(grid: XGrid): (x: number) => number {
  const buckets = grid.edges.length - 1;
  const a = toAxis(grid.scale, grid.edges[0]!);
  const b = toAxis(grid.scale, grid.edges[buckets]!);
  const width = b - a;
  return (x: number) => {
    if (!(width > 0)) return 0;
    const k = Math.floor(((toAxis(grid.scale, x) - a) / width) * buckets);
    return k < 0 ? 0 : k >= buckets ? buckets - 1 : k;
  };
}

/** Contiguous index ranges [start, end) of sorted xs[from..to) that fall in the same bucket. */
export function bucketRanges(
  x: ArrayLike<number>,
  from: number,
  to: number,
  bucket: (x: number) => number,
): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = from;
  while (start < to) {
    const k = bucket(x[start]!);
    let end = start + 1;
    while (end < to && bucket(x[end]!) === k) end++;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}
