import { type FlatConfig, isSeedKey, runKeys, stableJson, varyingKeys } from "./flatten";
import { formatConfigValue } from "./format";

/** What a run needs to be grouped: its id, name and config (architecture is a key too). */
export interface GroupableRun {
  id: string;
  name: string;
  architecture: string;
  config: Record<string, unknown>;
}

/**
 * How runs are grouped: not at all; by every config key except seeds (replicates of one setting end up
 * together: the default of the compare page); or by chosen keys only.
 */
export type GroupBy = { mode: "none" } | { mode: "seeds" } | { mode: "keys"; keys: string[] };

export interface RunGroup {
  /** Stable identity: the grouping keys' values as JSON. */
  id: string;
  /** What tells this group apart: "architecture=hnet, optimizer.lr=0.003" (or the run's name for one run). */
  label: string;
  /** The grouping keys' values of this group (only the keys that differ between groups). */
  values: Record<string, unknown>;
  runIds: string[];
}

/** The keys a GroupBy groups on, for these runs' flat configs. */
export function groupingKeys(flats: readonly FlatConfig[], by: GroupBy): string[] {
  if (by.mode === "none") return [];
  if (by.mode === "keys") return [...by.keys];
  return [...new Set(flats.flatMap((f) => Object.keys(f)))].filter((k) => !isSeedKey(k)).sort();
}

/**
 * Groups runs (in their order: a group sits where its first run was). With mode "none" every run is its own
 * group labelled with its name. Labels name only the grouping keys whose value differs between the groups,
 * so "group by everything but seed" reads "optimizer.lr=0.001" rather than the whole config.
 */
export function groupRuns(runs: readonly GroupableRun[], by: GroupBy): RunGroup[] {
  if (by.mode === "none") return runs.map((r) => ({ id: r.id, label: r.name, values: {}, runIds: [r.id] }));
  const flats = runs.map(runKeys);
  const keys = groupingKeys(flats, by);
  const groups = new Map<string, { runIds: string[]; flat: FlatConfig }>();
  runs.forEach((run, i) => {
    const flat = flats[i]!;
    const id = stableJson(keys.map((k) => flat[k] ?? null));
    const g = groups.get(id);
    if (g) g.runIds.push(run.id);
    else groups.set(id, { runIds: [run.id], flat });
  });
  const reps = [...groups.values()].map((g) => g.flat);
  const differing = varyingKeys(reps.map((f) => Object.fromEntries(keys.map((k) => [k, f[k]]))));
  // Chosen keys are always named (the person asked for them), even when all groups share a value; otherwise
  // only as many of the differing keys as it takes to tell the groups apart.
  const shown = by.mode === "keys" ? keys : distinguishingKeys(reps, differing);
  return [...groups.entries()].map(([id, g]) => {
    const values = Object.fromEntries(differing.map((k) => [k, g.flat[k] ?? null]));
    const label =
      shown.length > 0
        ? shown
            .map((k) => (k === "architecture" ? String(g.flat[k]) : `${k}=${formatConfigValue(g.flat[k])}`))
            .join(", ")
        : g.runIds.length === 1
          ? (runs.find((r) => r.id === g.runIds[0])?.name ?? "all runs")
          : "all runs";
    return { id, label, values, runIds: g.runIds };
  });
}

/**
 * A small set of keys whose values tell the groups apart (greedy: the key that splits the most groups first,
 * architecture winning ties, then the next one that splits what is left), so labels read "hnet,
 * optimizer.lr=0.001" rather than also naming every key that follows from the architecture.
 */
export function distinguishingKeys(reps: readonly FlatConfig[], keys: readonly string[]): string[] {
  const chosen: string[] = [];
  const signature = (f: FlatConfig, ks: readonly string[]) => stableJson(ks.map((k) => f[k] ?? null));
  const distinct = (ks: readonly string[]) => new Set(reps.map((f) => signature(f, ks))).size;
  const target = distinct(keys);
  let current = 1;
  while (current < target) {
    let best: string | null = null;
    let bestCount = current;
    for (const k of keys) {
      if (chosen.includes(k)) continue;
      const n = distinct([...chosen, k]);
      if (n > bestCount || (n === bestCount && best !== null && k === "architecture")) {
        best = k;
        bestCount = n;
      }
    }
    if (best === null) break;
    chosen.push(best);
    current = bestCount;
  }
  return keys.filter((k) => chosen.includes(k));
}
