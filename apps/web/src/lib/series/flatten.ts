// Run configs as flat, dotted keys ("model.d_model": 256, "optimizer.lr": 0.003): the keys the runs table
// groups and filters by and the compare page groups, plots and draws parallel coordinates with. Same rules
// as @bytelab/analysis flattenConfig / isSeedKey / stableJson (the server's `varying` keys), client-safe.

export type FlatConfig = Record<string, unknown>;

/** Plain objects are walked; anything else (arrays, strings, numbers, null) is a leaf. */
export function flattenConfig(
  config: Record<string, unknown>,
  prefix = "",
  out: FlatConfig = {},
): FlatConfig {
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      flattenConfig(value as Record<string, unknown>, path, out);
    else out[path] = value;
  }
  return out;
}

/** The last segment of a dotted key is "seed" (seed, data.seed, ...): seeds are replicates, not settings. */
export function isSeedKey(key: string): boolean {
  return key.slice(key.lastIndexOf(".") + 1).toLowerCase() === "seed";
}

/** JSON text with object keys sorted, so equal values give equal text (the identity of a config value). */
export function stableJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}

/** A run's flat config, with `architecture` added (it is a column of the run, and a key to group by). */
export function runKeys(run: { architecture: string; config: Record<string, unknown> }): FlatConfig {
  return { architecture: run.architecture, ...flattenConfig(run.config) };
}

/** Every key of the given flat configs, sorted. */
export function allKeys(flats: readonly FlatConfig[]): string[] {
  return [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
}

/** Keys whose value differs between the given flat configs (a key missing from some counts as differing). */
export function varyingKeys(flats: readonly FlatConfig[]): string[] {
  return allKeys(flats).filter((key) => new Set(flats.map((f) => stableJson(f[key]))).size > 1);
}
