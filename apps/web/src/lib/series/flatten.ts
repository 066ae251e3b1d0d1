// Run configs as flat, dotted keys ("model.d_model": 256, "optimizer.lr": 0.003): the keys the runs table
// groups and filters by and the compare page groups, plots and draws parallel coordinates with. flattenConfig,
// isSeedKey and stableJson are @bytelab/analysis's own (the server's `varying` keys; that module is client-safe).

import { flattenConfig, stableJson } from "@bytelab/analysis/config-keys";

export { flattenConfig, isSeedKey, stableJson } from "@bytelab/analysis/config-keys";

export type FlatConfig = Record<string, unknown>;

/** A run's flat config, with `architecture` added (it is a column of the run, and a key to group by). */
export function runKeys(run: { architecture: string; config: Record<string, unknown> }): FlatConfig {
  return { architecture: run.architecture, ...flattenConfig(run.config) };
}

/** Every key of the given flat configs, sorted. */
export function allKeys(flats: readonly FlatConfig[]): string[] {
  return [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
}

/**
 * Keys that take at least two different values among the configs that set them: the axes worth drawing. A key
 * that only some configs set, always to the same value, follows whatever sets those configs apart (an
 * architecture's own model keys follow `architecture`), so comparing a transformer with an H-Net shows
 * `architecture` and what really varies instead of every model key of both.
 */
export function keysWithDifferentValues(flats: readonly FlatConfig[]): string[] {
  return allKeys(flats).filter(
    (key) => new Set(flats.flatMap((f) => (key in f ? [stableJson(f[key])] : []))).size > 1,
  );
}

/** Keys whose value differs between the given flat configs (a key missing from some counts as differing). */
export function varyingKeys(flats: readonly FlatConfig[]): string[] {
  return allKeys(flats).filter((key) => new Set(flats.map((f) => stableJson(f[key]))).size > 1);
}
