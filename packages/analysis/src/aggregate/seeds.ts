import { z } from "zod";
import { AnalysisError, parseInput } from "../errors";
import { type SummaryStats, summarize } from "../stats/summary";
import { flattenConfig, isSeedKey, stableJson } from "./config-keys";

export const aggregateRunSchema = z.object({
  runId: z.string().min(1, "runId must be a non-empty string"),
  /** The run's config (nested objects are compared key by key, e.g. "model.dModel"). */
  config: z.record(z.string(), z.unknown()),
  /** Final metrics of the run; null (or absent) when the run has no value for one. */
  metrics: z.record(
    z.string(),
    z
      .number({ error: "metric values must be finite numbers or null (a diverged run's NaN: use null)" })
      .nullable(),
  ),
});
export type AggregateRunInput = z.input<typeof aggregateRunSchema>;

const optionsSchema = z
  .object({
    /** Group by exactly these dotted config keys; default: every key except seeds and `ignoreKeys`. */
    groupBy: z.array(z.string().min(1)).min(1, "groupBy needs at least one key").optional(),
    /** Keys left out of the default grouping besides the seed keys (e.g. "notes", "tags"). */
    ignoreKeys: z.array(z.string().min(1)).default([]),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type SeedAggregationOptions = z.input<typeof optionsSchema>;

export interface SeedGroup {
  /** The grouping keys' values shared by the group's runs. */
  key: Record<string, unknown>;
  runIds: string[];
  /** The seed values of the group's runs, from keys whose last segment is "seed". */
  seeds: unknown[];
  /** Per metric: summary over the runs that have it (missing: runs with null or no value; a metric no run of the group has is absent). */
  metrics: Record<string, SummaryStats & { missing: number }>;
}

export interface SeedAggregation {
  /** The keys runs were grouped by. */
  groupBy: string[];
  /** Grouping keys whose value differs between groups: what labels the groups for people. */
  varyingKeys: string[];
  groups: SeedGroup[];
}

/**
 * Groups runs that differ only in their seed (every config key except seed keys, or the keys given in
 * `groupBy`) and summarises each metric per group: mean, median, min, max, standard error and a Student t
 * confidence interval of the mean. Groups keep the order of their first run.
 */
export function aggregateSeeds(
  runs: AggregateRunInput[],
  options: SeedAggregationOptions = {},
): SeedAggregation {
  const parsed = parseInput(
    z.array(aggregateRunSchema).min(1, "needs at least one run"),
    runs,
    "aggregateSeeds",
    "runs",
  );
  const opts = parseInput(optionsSchema, options, "aggregateSeeds", "options");
  const flat = parsed.map((r) => flattenConfig(r.config));
  const allKeys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  let groupBy: string[];
  if (opts.groupBy) {
    const unknown = opts.groupBy.filter((k) => !allKeys.includes(k));
    if (unknown.length > 0)
      throw new AnalysisError(
        "invalid_input",
        "aggregateSeeds",
        unknown.map((k) => ({
          path: "options.groupBy",
          issue: `"${k}" is in no run's config; known keys: ${allKeys.slice(0, 30).join(", ")}`,
        })),
      );
    groupBy = opts.groupBy;
  } else {
    const ignored = new Set(opts.ignoreKeys);
    groupBy = allKeys.filter(
      (k) => !isSeedKey(k) && !ignored.has(k) && ![...ignored].some((p) => k.startsWith(`${p}.`)),
    );
  }

  const groups = new Map<string, { key: Record<string, unknown>; members: number[] }>();
  flat.forEach((f, i) => {
    const key = Object.fromEntries(groupBy.map((k) => [k, f[k] ?? null]));
    const text = stableJson(key);
    const group = groups.get(text) ?? { key, members: [] };
    group.members.push(i);
    groups.set(text, group);
  });
  const varyingKeys = groupBy.filter(
    (k) => new Set([...groups.values()].map((g) => stableJson(g.key[k]))).size > 1,
  );

  return {
    groupBy,
    varyingKeys,
    groups: [...groups.values()].map(({ key, members }) => {
      const names = [...new Set(members.flatMap((i) => Object.keys(parsed[i]!.metrics)))];
      const metrics: SeedGroup["metrics"] = {};
      for (const name of names) {
        const values = members.flatMap((i) => {
          const v = parsed[i]!.metrics[name];
          return v === null || v === undefined ? [] : [v];
        });
        if (values.length > 0)
          metrics[name] = { ...summarize(values, opts.level), missing: members.length - values.length };
      }
      const seeds = members.flatMap((i) =>
        Object.entries(flat[i]!)
          .filter(([k]) => isSeedKey(k))
          .map(([, v]) => v),
      );
      return { key, runIds: members.map((i) => parsed[i]!.runId), seeds, metrics };
    }),
  };
}
