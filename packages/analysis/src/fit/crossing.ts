import { z } from "zod";
import { AnalysisError, parseInput } from "../errors";
import { quantileSorted } from "../stats/descriptive";
import type { PowerLawFit } from "./power-law";

const crossingOptionsSchema = z
  .object({
    /** Compute range [min, max] to search (FLOPs); default: the union of both fits' compute ranges. */
    range: z
      .tuple([
        z.number().positive("range[0] must be > 0 (FLOPs)"),
        z.number().positive("range[1] must be > 0"),
      ])
      .refine(([lo, hi]) => lo < hi, "range must be [min, max] with min < max")
      .optional(),
    /** Points of the log-compute grid on which sign changes are looked for before bisection. */
    gridPoints: z.number().int().min(8).max(100_000).default(512),
    level: z.number().gt(0).lt(1).optional(),
  })
  .strict();
export type CrossingOptions = z.input<typeof crossingOptionsSchema>;

type Curve = { E: number; logA: number; alpha: number };

export interface Crossing {
  compute: number;
  /** The common loss (bits per byte) where the curves meet. */
  loss: number;
  /** The architecture with the lower loss just above the crossing. */
  betterAbove: string;
  /**
   * Percentile bootstrap interval of the crossing compute (pairs of resamples of the two fits). A
   * resample whose curves do not cross in range counts as crossing beyond the range end it points to;
   * when such resamples reach into the tail, that bound is the range end and marked open
   * ("below range[0]" or "above range[1]"). Null without bootstraps.
   */
  interval: {
    level: number;
    lower: number;
    upper: number;
    lowerOpen: boolean;
    upperOpen: boolean;
    /** Share of bootstrap pairs whose curves cross inside the range. */
    crossingShare: number;
  } | null;
}

export interface CrossingResult {
  architectures: [string, string];
  range: [number, number];
  status: "crossing" | "no-crossing";
  /** One line for people, e.g. "no crossing in range [1.00e+15, 1.00e+19]: hnet is lower throughout". */
  message: string;
  crossings: Crossing[];
  /** With no crossing: the architecture whose curve is lower throughout the range. */
  lowerThroughout: string | null;
  /** Share of bootstrap pairs that do cross inside the range (null without bootstraps). */
  crossingShare: number | null;
}

function loss(c: Curve, logC: number): number {
  return c.E + Math.exp(c.logA - c.alpha * logC);
}

/** Log-compute roots of L1 - L2 in [logLo, logHi]: sign changes on the grid, refined by bisection. */
function crossingsBetween(a: Curve, b: Curve, logLo: number, logHi: number, gridPoints: number): number[] {
  const diff = (l: number) => loss(a, l) - loss(b, l);
  const roots: number[] = [];
  const step = (logHi - logLo) / (gridPoints - 1);
  let prevL = logLo;
  let prevD = diff(prevL);
  for (let i = 1; i < gridPoints; i++) {
    const l = i === gridPoints - 1 ? logHi : logLo + i * step;
    const d = diff(l);
    if (prevD === 0) {
      if (i === 1 || roots[roots.length - 1] !== prevL) roots.push(prevL);
    } else if (d !== 0 && d > 0 !== prevD > 0) {
      let lo = prevL;
      let hi = l;
      let dLo = prevD;
      for (let k = 0; k < 100 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); k++) {
        const mid = (lo + hi) / 2;
        const dMid = diff(mid);
        if (dMid === 0) {
          lo = hi = mid;
          break;
        }
        if (dMid > 0 === dLo > 0) {
          lo = mid;
          dLo = dMid;
        } else hi = mid;
      }
      roots.push((lo + hi) / 2);
    }
    prevL = l;
    prevD = d;
  }
  if (prevD === 0 && roots[roots.length - 1] !== prevL) roots.push(prevL);
  return roots;
}

function sampleCurve(fit: PowerLawFit, i: number): Curve {
  const s = fit.bootstrap!.samples;
  return { E: s.E[i]!, logA: s.logA[i]!, alpha: s.alpha[i]! };
}

/**
 * Where the fitted curves of two architectures cross (L1(C) = L2(C)), searched on a log-compute grid
 * with bisection, with a bootstrap interval for each crossing compute from paired resamples of the
 * two fits. Reports "no crossing in range" (and which one is lower throughout) when there is none.
 * Use `range` to look beyond the data (an extrapolated crossing inherits the fits' uncertainty).
 */
export function findCrossing(
  first: PowerLawFit,
  second: PowerLawFit,
  options: CrossingOptions = {},
): CrossingResult {
  const opts = parseInput(crossingOptionsSchema, options, "findCrossing", "options");
  if (first.architecture === second.architecture)
    throw new AnalysisError("invalid_input", "findCrossing", [
      {
        path: "second",
        issue: `both fits are for "${first.architecture}"; pass two different architectures`,
      },
    ]);
  const range: [number, number] = opts.range ?? [
    Math.min(first.data.computeMin, second.data.computeMin),
    Math.max(first.data.computeMax, second.data.computeMax),
  ];
  const level = opts.level ?? first.intervals?.level ?? 0.95;
  const logLo = Math.log(range[0]);
  const logHi = Math.log(range[1]);
  const a: Curve = first.params;
  const b: Curve = second.params;
  const roots = crossingsBetween(a, b, logLo, logHi, opts.gridPoints);
  const lowerName = (diffSign: number) => (diffSign < 0 ? first.architecture : second.architecture);

  const pairs = Math.min(first.bootstrap?.samples.E.length ?? 0, second.bootstrap?.samples.E.length ?? 0);
  const bootstrapRoots: number[][] = [];
  const bootstrapSignAtLo: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const sa = sampleCurve(first, i);
    const sb = sampleCurve(second, i);
    bootstrapRoots.push(crossingsBetween(sa, sb, logLo, logHi, Math.min(opts.gridPoints, 128)));
    bootstrapSignAtLo.push(Math.sign(loss(sa, logLo) - loss(sb, logLo)));
  }
  const crossingShare = pairs > 0 ? bootstrapRoots.filter((r) => r.length > 0).length / pairs : null;

  const crossings: Crossing[] = roots.map((root) => {
    const eps = 1e-6 * Math.max(1, Math.abs(root));
    const signAbove = Math.sign(loss(a, root + eps) - loss(b, root + eps));
    const signBelow = -signAbove;
    let interval: Crossing["interval"] = null;
    if (pairs > 0) {
      const values: number[] = [];
      for (let i = 0; i < pairs; i++) {
        const rs = bootstrapRoots[i]!;
        if (rs.length > 0) {
          values.push(rs.reduce((best, r) => (Math.abs(r - root) < Math.abs(best - root) ? r : best)));
        } else {
          // No crossing in range: still on the "below" side everywhere means it crosses later (or never).
          values.push(
            bootstrapSignAtLo[i] === signBelow ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
          );
        }
      }
      values.sort((x, y) => x - y);
      const tail = (1 - level) / 2;
      const lowerLog = quantileSorted(values, tail);
      const upperLog = quantileSorted(values, 1 - tail);
      interval = {
        level,
        lower: Number.isFinite(lowerLog) ? Math.exp(lowerLog) : range[0],
        upper: Number.isFinite(upperLog) ? Math.exp(upperLog) : range[1],
        lowerOpen: !Number.isFinite(lowerLog),
        upperOpen: !Number.isFinite(upperLog),
        crossingShare: values.filter(Number.isFinite).length / pairs,
      };
    }
    return { compute: Math.exp(root), loss: loss(a, root), betterAbove: lowerName(signAbove), interval };
  });

  const fmt = (c: number) => c.toExponential(2);
  if (crossings.length === 0) {
    const mid = (logLo + logHi) / 2;
    const lower = lowerName(Math.sign(loss(a, mid) - loss(b, mid)));
    return {
      architectures: [first.architecture, second.architecture],
      range,
      status: "no-crossing",
      message: `no crossing in range [${fmt(range[0])}, ${fmt(range[1])}]: ${lower} is lower throughout`,
      crossings,
      lowerThroughout: lower,
      crossingShare,
    };
  }
  const described = crossings.map((c) => `${fmt(c.compute)} FLOPs (${c.betterAbove} lower above)`).join(", ");
  return {
    architectures: [first.architecture, second.architecture],
    range,
    status: "crossing",
    message: `curves cross at ${described}`,
    crossings,
    lowerThroughout: null,
    crossingShare,
  };
}
