import type { PathSegment } from "./issues";
import type { Distribution, GridAxis, Parameters } from "./spec/common";

/** A uniform [0, 1) source; @bytelab/train's SeededRng (mulberry32) in practice. */
export interface UniformSource {
  next(): number;
}

/** One value of one varied key, with the spec path it was written at. */
export interface AssignedValue {
  key: string;
  value: unknown;
  spec: PathSegment[];
}

/** One point of the parameter space: the values of every varied key. */
export type Assignment = AssignedValue[];

/**
 * Sampled and log-spaced numbers keep 6 significant digits: readable in run names, and the same on every
 * platform (Math.log / Math.exp may differ in the last bit between engines, which would change hashes).
 */
export function roundSignificant(x: number, digits = 6): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

/** The values of a grid axis. */
export function axisValues(axis: GridAxis): unknown[] {
  if (Array.isArray(axis)) return axis;
  const [min, max, count] = axis.logspace;
  return Array.from({ length: count }, (_, i) =>
    roundSignificant(Math.exp(Math.log(min) + ((Math.log(max) - Math.log(min)) * i) / (count - 1))),
  );
}

/** One draw from a distribution. */
export function drawValue(d: Distribution, rng: UniformSource): unknown {
  if (d.choice) return d.choice[Math.floor(rng.next() * d.choice.length)];
  if (d.uniform) return roundSignificant(d.uniform[0] + (d.uniform[1] - d.uniform[0]) * rng.next());
  if (d.logUniform) {
    const [lo, hi] = d.logUniform.map(Math.log) as [number, number];
    return roundSignificant(Math.exp(lo + (hi - lo) * rng.next()));
  }
  if (d.intUniform) {
    const [lo, hi] = d.intUniform;
    return lo + Math.floor(rng.next() * (hi - lo + 1));
  }
  throw new Error("distribution has no kind (choice, uniform, logUniform or intUniform)");
}

/** Cartesian product of lists of assignments (the first list varies slowest). */
export function product(lists: readonly Assignment[][]): Assignment[] {
  return lists.reduce<Assignment[]>((acc, list) => acc.flatMap((a) => list.map((b) => [...a, ...b])), [[]]);
}

/**
 * The points of a `parameters` block: grid (cartesian, keys in the order written) x (random draws, then
 * explicit points). `makeRng(seed)` builds the sampler; each point draws its keys in sorted order, so the
 * points do not depend on the order keys were written in, and the same spec draws the same points everywhere.
 */
export function parameterPoints(
  params: Parameters | undefined,
  specPath: readonly PathSegment[],
  makeRng: (seed: number) => UniformSource,
): Assignment[] {
  if (!params) return [[]];
  const grid = Object.entries(params.grid ?? {}).map(([key, axis]) =>
    axisValues(axis).map((value): Assignment => [{ key, value, spec: [...specPath, "grid", key] }]),
  );
  const alternatives: Assignment[] = [];
  if (params.random) {
    const rng = makeRng(params.random.seed);
    const keys = Object.keys(params.random.space).sort();
    for (let i = 0; i < params.random.count; i++)
      alternatives.push(
        keys.map((key) => ({
          key,
          value: drawValue(params.random!.space[key]!, rng),
          spec: [...specPath, "random", "space", key],
        })),
      );
  }
  params.list?.forEach((point, i) => {
    alternatives.push(
      Object.entries(point).map(([key, value]) => ({ key, value, spec: [...specPath, "list", i, key] })),
    );
  });
  return product([...grid, alternatives.length ? alternatives : [[]]]);
}

function formatValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  return JSON.stringify(v).replace(/"/g, "");
}

/**
 * "lr=0.001,weight_decay=0.1" for a run name: each key by its last segment unless two keys share it, then
 * by the full dotted path.
 */
export function assignmentLabel(assignment: Assignment): string {
  const lasts = assignment.map((a) => a.key.split(".").at(-1)!);
  return assignment
    .map(
      (a, i) =>
        `${lasts.indexOf(lasts[i]!) === lasts.lastIndexOf(lasts[i]!) ? lasts[i] : a.key}=${formatValue(a.value)}`,
    )
    .join(",")
    .replace(/[\s/]/g, "");
}
