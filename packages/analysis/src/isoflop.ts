import { z } from "zod";
import { parseInput } from "./errors";
import { solveLinearSystem } from "./linalg";

export const isoFlopPointSchema = z.object({
  runId: z.string().optional(),
  /** The compute budget the run belongs to (FLOPs); runs of one budget share this exact value. */
  compute: z.number({ error: "compute must be a finite number (FLOPs)" }).positive("compute must be > 0"),
  /** Model size (parameters). */
  params: z
    .number({ error: "params must be a finite number" })
    .positive("params must be > 0 (parameter count)"),
  /** Final loss (e.g. held-out bits per byte). */
  loss: z.number({ error: "loss must be a finite number; leave diverged runs out and say so" }),
});
export type IsoFlopPointInput = z.input<typeof isoFlopPointSchema>;

export interface IsoFlopBudget {
  compute: number;
  /** Distinct model sizes tested at this budget, ascending. */
  sizes: number[];
  points: number;
  status: "ok" | "refused";
  /** Why a budget was refused (null when ok). */
  reason: string | null;
  /** Loss-optimal model size: the parabola's minimum (null when refused). */
  optimalParams: number | null;
  /** The parabola's value at the minimum. */
  minLoss: number | null;
  /** loss = a u^2 + b u + c with u = ln(params) - center (null with fewer than 3 sizes). */
  parabola: { a: number; b: number; c: number; center: number } | null;
}

export interface IsoFlopAnalysis {
  budgets: IsoFlopBudget[];
  /**
   * N_opt(C) = coefficient * C^exponent, least squares in log-log over the accepted budgets (null with
   * fewer than two). The exponent is the compute-optimal model-size scaling exponent.
   */
  frontier: { exponent: number; coefficient: number; logCoefficient: number; budgetsUsed: number } | null;
}

function fitParabola(u: number[], loss: number[]): { a: number; b: number; c: number } | null {
  // normal equations for [a, b, c] with rows [u^2, u, 1]
  const s = new Float64Array(5); // sums of u^0..u^4
  const t = new Float64Array(3); // sums of loss * u^0..u^2
  for (let i = 0; i < u.length; i++) {
    let p = 1;
    for (let k = 0; k < 5; k++) {
      s[k]! += p;
      if (k < 3) t[k]! += loss[i]! * p;
      p *= u[i]!;
    }
  }
  const m = [s[4]!, s[3]!, s[2]!, s[3]!, s[2]!, s[1]!, s[2]!, s[1]!, s[0]!];
  const solution = solveLinearSystem(m, [t[2]!, t[1]!, t[0]!], 3);
  return solution ? { a: solution[0]!, b: solution[1]!, c: solution[2]! } : null;
}

function analyseBudget(compute: number, points: Array<{ params: number; loss: number }>): IsoFlopBudget {
  const sizes = [...new Set(points.map((p) => p.params))].sort((a, b) => a - b);
  const base = { compute, sizes, points: points.length, optimalParams: null, minLoss: null };
  const fmt = (n: number) => n.toExponential(2);
  if (sizes.length < 3)
    return {
      ...base,
      status: "refused",
      reason: `needs 3 or more model sizes to fit a parabola in log size; got ${sizes.length}`,
      parabola: null,
    };
  const logs = points.map((p) => Math.log(p.params));
  const center = logs.reduce((a, b) => a + b, 0) / logs.length;
  const fitted = fitParabola(
    logs.map((l) => l - center),
    points.map((p) => p.loss),
  );
  if (!fitted)
    return {
      ...base,
      status: "refused",
      reason: "the parabola fit is singular for these sizes",
      parabola: null,
    };
  const parabola = { ...fitted, center };
  if (!(fitted.a > 0))
    return {
      ...base,
      status: "refused",
      reason:
        "loss is not convex in log model size at this budget (no minimum); the tested sizes may all lie on one side of the optimum",
      parabola,
    };
  const uStar = -fitted.b / (2 * fitted.a);
  const optimal = Math.exp(center + uStar);
  const lo = sizes[0]!;
  const hi = sizes[sizes.length - 1]!;
  if (optimal < lo || optimal > hi)
    return {
      ...base,
      status: "refused",
      reason:
        `the minimum (N = ${fmt(optimal)}) lies ${optimal < lo ? "below" : "above"} the tested sizes ` +
        `[${fmt(lo)}, ${fmt(hi)}]; add ${optimal < lo ? "smaller" : "larger"} models at this budget`,
      parabola,
    };
  return {
    ...base,
    status: "ok",
    reason: null,
    optimalParams: optimal,
    minLoss: fitted.c - (fitted.b * fitted.b) / (4 * fitted.a),
    parabola,
  };
}

/**
 * Iso-FLOP analysis of a scaling ladder: for every compute budget, fits loss as a parabola in
 * ln(model size) and reports the loss-optimal size, refusing (with the reason) a budget whose minimum is
 * not inside the tested sizes; then fits N_opt against C across the accepted budgets.
 */
export function isoFlopAnalysis(points: IsoFlopPointInput[]): IsoFlopAnalysis {
  const parsed = parseInput(
    z.array(isoFlopPointSchema).min(1, "needs at least one run"),
    points,
    "isoFlopAnalysis",
    "points",
  );
  const byBudget = new Map<number, Array<{ params: number; loss: number }>>();
  for (const p of parsed) {
    const list = byBudget.get(p.compute) ?? [];
    list.push({ params: p.params, loss: p.loss });
    byBudget.set(p.compute, list);
  }
  const budgets = [...byBudget.keys()].sort((a, b) => a - b).map((c) => analyseBudget(c, byBudget.get(c)!));
  const ok = budgets.filter((b) => b.status === "ok");
  let frontier: IsoFlopAnalysis["frontier"] = null;
  if (ok.length >= 2) {
    const xs = ok.map((b) => Math.log(b.compute));
    const ys = ok.map((b) => Math.log(b.optimalParams!));
    const xMean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const yMean = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i]! - xMean) * (ys[i]! - yMean);
      sxx += (xs[i]! - xMean) ** 2;
    }
    const exponent = sxy / sxx;
    const logCoefficient = yMean - exponent * xMean;
    frontier = { exponent, coefficient: Math.exp(logCoefficient), logCoefficient, budgetsUsed: ok.length };
  }
  return { budgets, frontier };
}
