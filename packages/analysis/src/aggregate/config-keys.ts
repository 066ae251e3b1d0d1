/**
 * Flattens a run config into dotted keys ("model.dModel": 256). Plain objects are walked; anything
 * else (arrays, strings, numbers, null) is a leaf compared by its JSON text.
 */
export function flattenConfig(
  config: Record<string, unknown>,
  prefix = "",
  out: Record<string, unknown> = {},
) {
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      flattenConfig(value as Record<string, unknown>, path, out);
    else out[path] = value;
  }
  return out;
}

/** The last segment of a dotted key is "seed" (seed, train.seed, data.seed, ...). */
export function isSeedKey(key: string): boolean {
  const last = key.slice(key.lastIndexOf(".") + 1);
  return last.toLowerCase() === "seed";
}

/** JSON text of a value with object keys sorted, so equal configs give equal text. */
export function stableJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}
