import { plannedCompute } from "./budgets";
import type { RunValues } from "./run-values";
import type { ParsedReportOptions, ReportRun } from "./schema";
import type { DirectComparison, DirectGroup, SeedSection } from "./types";

/**
 * The direct comparison: each setting of the seed section (runs that differ only in their seed) with its
 * runs' final held-out values and the Student t interval of their mean. What a sweep at one budget per
 * architecture is compared by, since no scaling law can be fitted through a single compute value.
 */
export function buildDirect(
  seeds: SeedSection,
  runs: ReportRun[],
  values: Map<string, RunValues>,
  opts: ParsedReportOptions,
): DirectComparison {
  const metric = opts.heldOutMetric;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const groups = seeds.groups.map((g): DirectGroup => {
    const members = g.runIds.map((id) => byId.get(id)!);
    const planned = members.map(plannedCompute);
    const computes = members.flatMap((r) => {
      const c = values.get(r.id)!.compute;
      return c === null ? [] : [c];
    });
    const stats = g.metrics[metric] ?? null;
    return {
      label: g.label,
      architecture: g.architecture,
      budget: planned.every((p) => p !== null && p === planned[0]) ? (planned[0] ?? null) : null,
      compute: computes.length > 0 ? [Math.min(...computes), Math.max(...computes)] : null,
      n: stats?.n ?? 0,
      mean: stats?.mean ?? null,
      std: stats?.std ?? null,
      interval: stats?.ci ? { lower: stats.ci.lower, upper: stats.ci.upper } : null,
      runs: members.map((r) => {
        const v = values.get(r.id)!;
        return {
          runId: r.id,
          runName: r.name,
          compute: v.compute,
          value: r.status === "COMPLETED" ? (v.heldOut?.value ?? null) : null,
        };
      }),
    };
  });
  return { metric, level: opts.level, groups };
}
