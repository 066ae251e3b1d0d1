import { compareAtBudgets, type LearningCurveInput } from "../compare/compute-matched";
import { logSpaced } from "../fit/curve";
import { endedEarly, flopBudgetOf } from "./budgets";
import { sci } from "./html/format";
import { curveOnFlops, type RunValues } from "./run-values";
import type { ParsedReportInput, ParsedReportOptions, ReportRun } from "./schema";
import type { ComparisonCell, ComparisonSection, MissingReason } from "./types";

/** `value` rounded to `digits` significant digits (default two), towards +infinity ("up") or -infinity ("down"). */
export function roundSignificant(
  value: number,
  direction: "up" | "down" | "nearest" = "nearest",
  digits = 2,
): number {
  const scale = 10 ** (Math.floor(Math.log10(value)) - (digits - 1));
  const fn = direction === "up" ? Math.ceil : direction === "down" ? Math.floor : Math.round;
  return Number((fn(value / scale) * scale).toPrecision(digits));
}

/** The roundest number in [lo, hi] (fewest significant digits; hi itself when nothing rounder fits). */
export function roundestWithin(lo: number, hi: number): number {
  for (let digits = 1; digits <= 15; digits++) {
    const v = roundSignificant(hi, "down", digits);
    if (v >= lo && v <= hi) return v;
  }
  return hi;
}

/** `count` log-spaced budgets in [lo, hi], rounded to two significant digits without leaving the range. */
function spaced(lo: number, hi: number, count: number): number[] {
  if (count === 1 || !(lo < hi)) return [roundestWithin(Math.min(lo, hi), hi)];
  const a = roundSignificant(lo, "up");
  const b = roundSignificant(hi, "down");
  if (!(a < b)) return [roundestWithin(lo, hi)];
  const budgets = logSpaced(a, b, count).map((v, i) =>
    i === 0 || i === count - 1 ? v : roundSignificant(v),
  );
  return [...new Set(budgets)];
}

/** A compared run's held-out curve on the FLOPs axis and where it starts and ends. */
interface ComparedRun {
  run: ReportRun;
  points: Array<{ x: number; value: number }>;
  first: number;
  end: number;
  /** Why it ended before the compute it was planned for (then it does not choose the budgets). */
  early: ReturnType<typeof endedEarly>;
}

/**
 * One design budget (a sweep or an ablation): the architectures' largest runs end within this factor of the
 * compute every run reached. A ladder's budgets lie 2x or more apart.
 */
const ONE_BUDGET_RATIO = 1.5;

type Interval = [number, number];

/** The union of closed intervals, as sorted disjoint intervals. */
function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The intersection of two sorted disjoint interval lists. */
function intersect(x: Interval[], y: Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const a = Math.max(x[i]![0], y[j]![0]);
    const b = Math.min(x[i]![1], y[j]![1]);
    if (a <= b) out.push([a, b]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return out;
}

/** `v` moved into the nearest of `intervals` (in log distance) and rounded as far as it stays there. */
function snapInto(v: number, intervals: Interval[]): number {
  let best: { interval: Interval; at: number; distance: number } | null = null;
  for (const interval of intervals) {
    const at = Math.min(interval[1], Math.max(interval[0], v));
    const distance = Math.abs(Math.log(at) - Math.log(v));
    if (!best || distance < best.distance) best = { interval, at, distance };
  }
  const [a, b] = best!.interval;
  for (let digits = 2; digits <= 6; digits++) {
    const r = roundSignificant(best!.at, "nearest", digits);
    if (r >= a && r <= b) return r;
  }
  return best!.at;
}

/**
 * Default budgets, chosen from the runs that trained to the end (runs stopped early or diverged do not
 * choose them; they are reported where they fall short):
 *   - one design budget (every such run covers a common range of compute): `count` log-spaced budgets from
 *     where every run has its first evaluation up to the largest compute every run reached, so every run
 *     has a value at every budget;
 *   - a ladder of budgets: `count` log-spaced budgets over the compute where every architecture has a run
 *     whose curve covers the budget (each architecture has a value at every budget; runs of smaller
 *     budgets are "not reached" at the larger ones), plus the largest compute every run reached;
 *   - when no compute is covered by every architecture: over all runs, and the empty cells say why.
 */
export function defaultBudgets(
  runs: ReadonlyArray<Pick<ComparedRun, "first" | "end"> & { architecture: string }>,
  count: number,
): { budgets: number[]; rule: string } {
  const byArch = new Map<string, Interval[]>();
  for (const r of runs) byArch.set(r.architecture, [...(byArch.get(r.architecture) ?? []), [r.first, r.end]]);
  const loAll = Math.max(...runs.map((r) => r.first));
  const hiAll = Math.min(...runs.map((r) => r.end));
  const hiArch = Math.min(...[...byArch.values()].map((list) => Math.max(...list.map((i) => i[1]))));
  if (loAll <= hiAll && hiArch <= hiAll * ONE_BUDGET_RATIO)
    return {
      budgets: spaced(loAll, hiAll, count),
      rule:
        `log-spaced up to ${sci(hiAll)} FLOPs, the training compute every compared run reached, from ` +
        `${sci(loAll)} FLOPs, where every run has its first evaluation`,
    };
  const covered = [...byArch.values()].map(union).reduce(intersect);
  if (covered.length > 0) {
    const lo = covered[0]![0];
    const hi = covered[covered.length - 1]![1];
    const targets = lo < hi && count > 1 ? logSpaced(lo, hi, count) : [hi];
    const budgets = targets.map((v) => snapInto(v, covered));
    const home = covered.find(([a, b]) => a <= hiAll && hiAll <= b);
    const extra = home ? roundestWithin(home[0], hiAll) : null;
    if (extra !== null) budgets.push(extra);
    return {
      budgets: [...new Set(budgets)].sort((a, b) => a - b),
      rule:
        `log-spaced over ${sci(lo)} – ${sci(hi)} FLOPs where every architecture has a run whose curve covers ` +
        `the budget${extra !== null ? `, plus ${sci(extra)} FLOPs, which every compared run reached` : ""}`,
    };
  }
  const lo = Math.min(...runs.map((r) => r.first));
  const hi = Math.max(...runs.map((r) => r.end));
  return {
    budgets: spaced(lo, hi, count),
    rule: "no compute is covered by a run of every architecture: log-spaced over all runs (empty cells say why)",
  };
}

function firstLine(text: string, max = 120): string {
  const line = text.split("\n")[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Why a run without a usable curve has no value at any budget; null when it has a curve. */
function withoutCurve(run: ReportRun, values: RunValues): { reason: MissingReason; detail: string } | null {
  switch (run.status) {
    case "QUEUED":
    case "RUNNING":
      return { reason: "unfinished", detail: `still ${run.status.toLowerCase()}` };
    case "FAILED":
      return { reason: "failed", detail: run.error ? `failed: ${firstLine(run.error)}` : "failed" };
    case "CANCELLED":
      return {
        reason: "cancelled",
        detail: `cancelled${values.lastFlops === null ? "" : ` at ${sci(values.lastFlops)} FLOPs`}`,
      };
    default:
      return null;
  }
}

export interface ComparisonResult {
  section: ComparisonSection;
  /** For report.warnings: budgets that leave cells empty, and why. */
  warnings: string[];
}

/**
 * Compute-matched comparison of the held-out metric at common training-FLOP budgets: every architecture of
 * the sweep at every budget, each cell with the runs it could not use and why.
 */
export function buildComparison(
  input: ParsedReportInput,
  opts: ParsedReportOptions,
  values: Map<string, RunValues>,
): ComparisonResult {
  const metric = opts.heldOutMetric;
  const budgetSource = opts.budgets ? "given" : "auto";
  const architectures = [...new Set(input.runs.map((r) => r.architecture))];
  const compared: ComparedRun[] = [];
  const noCurve = new Map<string, { reason: MissingReason; detail: string }>();
  for (const run of input.runs) {
    const v = values.get(run.id)!;
    const problem = withoutCurve(run, v);
    if (problem) {
      noCurve.set(run.id, problem);
      continue;
    }
    const points = curveOnFlops(input.series[run.id]?.[metric]).map((p) => ({ x: p.x, value: p.y }));
    if (points.length === 0) {
      noCurve.set(
        run.id,
        run.status === "DIVERGED"
          ? { reason: "diverged", detail: "diverged before its first finite evaluation" }
          : { reason: "no-eval", detail: `no ${metric} recorded with training FLOPs` },
      );
      continue;
    }
    compared.push({
      run,
      points,
      first: points[0]!.x,
      end: points[points.length - 1]!.x,
      early: endedEarly(run, v),
    });
  }
  if (compared.length === 0)
    return {
      section: {
        metric,
        budgetSource,
        rows: [],
        note: `no completed or diverged run has ${metric} recorded with training FLOPs > 0`,
        reachedByAll: null,
        complete: false,
        rule: budgetSource === "given" ? "as given" : "nothing to choose budgets from",
      },
      warnings: [],
    };

  const full = compared.filter((c) => c.early === null);
  const choosing = full.length > 0 ? full : compared;
  const chosen = opts.budgets
    ? { budgets: opts.budgets, rule: "as given" }
    : defaultBudgets(
        choosing.map((c) => ({ architecture: c.run.architecture, first: c.first, end: c.end })),
        opts.budgetCount,
      );
  const leftOut = compared.length - full.length;
  const rule =
    leftOut > 0 && full.length > 0 && budgetSource === "auto"
      ? `${chosen.rule}; the ${leftOut} run(s) that ended early (ASHA, divergence) do not choose the budgets`
      : chosen.rule;
  const curves: LearningCurveInput[] = compared.map((c) => ({
    runId: c.run.id,
    architecture: c.run.architecture,
    points: c.points,
  }));
  const byId = new Map(compared.map((c) => [c.run.id, c]));
  const comparison = compareAtBudgets(curves, { budgets: chosen.budgets });

  const rows = comparison.budgets.map((b) => {
    const cells = architectures.map((architecture): ComparisonCell => {
      const found = b.architectures.find((a) => a.architecture === architecture);
      const { runs: interpolated = [], ...stats } = found ?? {
        architecture,
        n: 0,
        mean: null,
        std: null,
        min: null,
        max: null,
        notReached: 0,
        beforeFirstPoint: 0,
      };
      const members = input.runs.filter((r) => r.architecture === architecture);
      const missing: ComparisonCell["missing"] = [];
      for (const run of members) {
        const always = noCurve.get(run.id);
        if (always) {
          missing.push({ runId: run.id, runName: run.name, ...always });
          continue;
        }
        const at = interpolated.find((r) => r.runId === run.id);
        if (!at || at.excluded === null) continue;
        const c = byId.get(run.id)!;
        if (at.excluded === "before-first-point") {
          missing.push({
            runId: run.id,
            runName: run.name,
            reason: "before-first-point",
            detail: `its first ${metric} is at ${sci(c.first)} FLOPs`,
          });
          continue;
        }
        const budget = flopBudgetOf(run);
        missing.push({
          runId: run.id,
          runName: run.name,
          reason: c.early?.reason ?? "not-reached",
          detail:
            c.early?.detail ??
            `ended at ${sci(c.end)} FLOPs${budget === null ? "" : ` (its budget: ${sci(budget)})`}`,
        });
      }
      return {
        ...stats,
        total: members.length,
        coverage: stats.n === 0 ? "empty" : stats.n === members.length ? "complete" : "partial",
        missing,
      };
    });
    return { budget: b.budget, cells };
  });

  const warnings: string[] = [];
  for (const row of rows) {
    const empty = row.cells.filter((c) => c.coverage === "empty");
    if (empty.length === 0) continue;
    const why = empty.map((c) => {
      const details = [...new Set(c.missing.map((m) => m.detail))];
      const shown = details.slice(0, 3).join("; ");
      return `${c.architecture} (${c.total} run${c.total === 1 ? "" : "s"}: ${shown}${details.length > 3 ? "; ..." : ""})`;
    });
    warnings.push(
      `Compute-matched table: the ${budgetSource === "given" ? "requested " : ""}budget ${sci(row.budget)} FLOPs ` +
        `has no ${metric} for ${why.join(", ")}.`,
    );
  }
  return {
    section: {
      metric,
      budgetSource,
      rows,
      note: null,
      reachedByAll: Math.min(...choosing.map((c) => c.end)),
      complete: rows.every((r) => r.cells.every((c) => c.coverage !== "empty")),
      rule,
    },
    warnings,
  };
}
