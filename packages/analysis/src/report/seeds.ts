import { aggregateSeeds } from "../aggregate/seeds";
import type { RunValues } from "./run-values";
import type { ParsedReportInput, ParsedReportOptions } from "./schema";
import type { SeedSection } from "./types";

function describe(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Runs that differ only in their seed, grouped, with mean / CI of their final metrics. Unfinished, failed and
 * cancelled runs are left out; diverged runs count as missing values of their group.
 */
export function buildSeeds(
  input: ParsedReportInput,
  values: Map<string, RunValues>,
  opts: ParsedReportOptions,
): SeedSection {
  const metrics = [opts.heldOutMetric, opts.testMetric, opts.trainMetric];
  const runs = input.runs.filter((r) => r.status === "COMPLETED" || r.status === "DIVERGED");
  if (runs.length === 0)
    return { metrics, varyingKeys: [], groups: [], note: "no completed or diverged runs to aggregate" };
  const byId = new Map(runs.map((r) => [r.id, r]));
  const aggregation = aggregateSeeds(
    runs.map((run) => {
      const v = values.get(run.id)!;
      const ok = run.status === "COMPLETED";
      return {
        runId: run.id,
        // The architecture column is authoritative even if a config does not repeat it.
        config: { ...run.config, architecture: run.architecture },
        metrics: {
          [opts.heldOutMetric]: ok ? (v.heldOut?.value ?? null) : null,
          [opts.testMetric]: ok ? (v.test?.value ?? null) : null,
          [opts.trainMetric]: ok ? (v.train?.value ?? null) : null,
        },
      };
    }),
    { level: opts.level },
  );
  // Label each group by the keys that tell it apart from the other groups of its architecture.
  const labelKeys = new Map<string, string[]>();
  for (const g of aggregation.groups) {
    const arch = describe(g.key.architecture);
    if (labelKeys.has(arch)) continue;
    const siblings = aggregation.groups.filter((o) => describe(o.key.architecture) === arch);
    labelKeys.set(
      arch,
      aggregation.varyingKeys.filter(
        (k) => new Set(siblings.map((o) => describe(o.key[k] ?? null))).size > 1,
      ),
    );
  }
  return {
    metrics,
    varyingKeys: aggregation.varyingKeys,
    groups: aggregation.groups.map((g) => {
      const architecture = describe(g.key.architecture);
      const keys = labelKeys.get(architecture) ?? [];
      return {
        label:
          keys.length > 0
            ? keys.map((k) => `${k}=${describe(g.key[k] ?? null)}`).join(", ")
            : "(one setting)",
        architecture,
        runIds: g.runIds,
        runNames: g.runIds.map((id) => byId.get(id)!.name),
        seeds: g.seeds,
        metrics: Object.fromEntries(metrics.map((m) => [m, g.metrics[m] ?? null])),
      };
    }),
    note: null,
  };
}
