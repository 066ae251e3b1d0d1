import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

/**
 * How the form's text inputs turn into spec values and back. What a person types is kept as typed where
 * it is not a number (the schema then says what is wrong at that field), so a mistake shows next to its
 * field instead of vanishing.
 */

/** "3e12" -> 3e12; "" -> undefined (the key is removed); anything else stays the text. */
export function numberFromText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export function textFromNumber(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "number" ? formatNumber(value) : String(value);
}

/** 3000000000000 -> "3e12", 0.003 -> "0.003": short and exact (parses back to the same number). */
export function formatNumber(n: number): string {
  const plain = String(n);
  if (Math.abs(n) < 1e6 || !Number.isFinite(n)) return plain;
  const exp = n.toExponential().replace("e+", "e");
  return exp.length < plain.length ? exp : plain;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A YAML / JSON fragment typed into a textarea (a model config, a variant's `set`): YAML accepts JSON as
 * well, so `{ "dim": 128 }` and `dim: 128` both work. Empty text is `empty`.
 */
export function parseFragment(text: string, empty: unknown): Parsed<unknown> {
  if (text.trim() === "") return { ok: true, value: empty };
  try {
    return { ok: true, value: parseYaml(text, { uniqueKeys: true }) as unknown };
  } catch (error) {
    return { ok: false, error: `not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** A fragment as editable text: JSON, one key per line for objects, "" for an empty object. */
export function fragmentText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
    return "";
  return JSON.stringify(value, null, 2);
}

/**
 * A list typed as "0, 1, 2" or "1e-3, 3e-3" or "[1, 2], [2, 4]": each item as YAML (numbers, booleans,
 * strings, lists). A mapping ("{ logspace: [1e-4, 1e-2, 5] }" or "{ count: 3 }") is returned as is.
 */
export function parseList(text: string): Parsed<unknown> {
  const t = text.trim();
  if (t === "") return { ok: true, value: undefined };
  try {
    if (t.startsWith("{")) return { ok: true, value: parseYaml(t) as unknown };
    const list = parseYaml(t.startsWith("[") && t.endsWith("]") && !t.includes("],") ? t : `[${t}]`);
    return { ok: true, value: list as unknown };
  } catch (error) {
    return { ok: false, error: `not a list of values: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** A list as "a, b, c" (each item in YAML flow style); a mapping as YAML flow. */
export function listText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => flow(v)).join(", ");
  return flow(value);
}

function flow(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return /^[\w.+-]+$/.test(v) && Number.isNaN(Number(v)) ? v : JSON.stringify(v);
  return stringifyYaml(v, { collectionStyle: "flow" }).trim();
}

/** Deep equality of JSON values (what the form compares to know whether a draft still matches the spec). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
