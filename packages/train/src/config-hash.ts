import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted (recursively), no whitespace, `undefined` members dropped.
 * Two configs that mean the same thing serialise to the same string whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value))
    throw new Error(`canonicalJson: ${value} has no JSON form; configs must hold finite numbers`);
  return value;
}

/** sha256 (hex) of the canonical JSON: identifies equal configs across runs and sweeps. */
export function configHash(config: unknown): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}
