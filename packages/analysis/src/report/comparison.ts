import { compareAtBudgets, type LearningCurveInput } from "../compare/compute-matched";
import { logSpaced } from "../fit/curve";
import { curveOnFlops } from "./run-values";
import type { ParsedReportInput, ParsedReportOptions } from "./schema";
import type { ComparisonSection } from "./types";

/** `value` rounded to two significant digits, towards +infinity ("up") or -infinity ("down"). */
export function roundSignificant(value: number, direction: "up" | "down" | "nearest" = "nearest"): number {
  const scale = 10 ** (Math.floor(Math.log10(value)) - 1);
  const fn = direction === "up" ? Math.ceil : direction === "down" ? Math.floor : Math.round;
  return Number((fn(value / scale) * scale).toPrecision(2));
}

/**
 * Default budgets: `count` log-spaced values over the compute where every architecture has runs ending (from
 * the largest of the architectures' smallest final compute to the smallest of their largest), rounded to two
 * significant digits: there each architecture has a run that got that far. Falls back to the union of the
 * ranges when the architectures do not overlap.
 */
export function defaultBudgets(curves: LearningCurveInput[], count: number): number[] {
  const perArch = new Map<string, { first: number; last: number }>();
  for (const c of curves) {
    const end = c.points[c.points.length - 1]!.x;
    const cur = perArch.get(c.architecture);
    perArch.set(c.architecture, {
      first: Math.min(cur?.first ?? end, end),
      last: Math.max(cur?.last ?? end, end),
    });
  }
  const ranges = [...perArch.values()];
  let lo = Math.max(...ranges.map((r) => r.first));
  let hi = Math.min(...ranges.map((r) => r.last));
  if (!(lo < hi)) {
    lo = Math.min(...ranges.map((r) => r.first));
    hi = Math.max(...ranges.map((r) => r.last));
  }
  if (!(lo < hi) || count === 1) return [roundSignificant(hi, "down")];
  const a = roundSignificant(lo, "up");
  const b = roundSignificant(hi, "down");
  if (!(a < b)) return [roundSignificant(Math.sqrt(lo * hi))];
  const budgets = logSpaced(a, b, count).map((v, i) =>
    i === 0 || i === count - 1 ? v : roundSignificant(v),
  );
  return [...new Set(budgets)];
}

/** Compute-matched comparison of the held-out metric at common training-FLOP budgets. */
export function buildComparison(input: ParsedReportInput, opts: ParsedReportOptions): ComparisonSection {
  const metric = opts.heldOutMetric;
  const curves: LearningCurveInput[] = [];
  for (const run of input.runs) {
    if (run.status !== "COMPLETED" && run.status !== "DIVERGED") continue;
    const points = curveOnFlops(input.series[run.id]?.[metric]).map((p) => ({ x: p.x, value: p.y }));
    if (points.length > 0) curves.push({ runId: run.id, architecture: run.architecture, points });
  }
  const budgetSource = opts.budgets ? "given" : "auto";
  if (curves.length === 0)
    return {
      metric,
      budgetSource,
      rows: [],
      note: `no completed or diverged run has ${metric} recorded with training FLOPs > 0`,
    };
  const budgets = opts.budgets ?? defaultBudgets(curves, opts.budgetCount);
  const comparison = compareAtBudgets(curves, { budgets });
  return {
    metric,
    budgetSource,
    rows: comparison.budgets.map((b) => ({
      budget: b.budget,
      cells: b.architectures.map(({ runs: _runs, ...cell }) => cell),
    })),
    note: null,
  };
}
