import type { z } from "zod";

/**
 * One problem with a spec, in the shape of the REST error envelope's `details` (path + issue) plus the fix.
 * `path` points into the spec the user wrote (`architectures[1].model.shorten_factor`,
 * `parameters.grid["optimizer.lr"]`), so an editor or a form can highlight the field.
 */
export interface SpecIssue {
  path: string;
  issue: string;
  fix: string;
  /** The runs / variants the problem comes from (labels from the expansion), when it is not spec-wide. */
  runs?: string[];
}

/** The spec (or one of the runs it expands into) is invalid; nothing was queued. */
export class SpecValidationError extends Error {
  override readonly name = "SpecValidationError";
  constructor(
    readonly issues: SpecIssue[],
    readonly source = "sweep spec",
  ) {
    super(`${source} is invalid:\n${formatIssues(issues)}`);
  }
}

/** Human-readable lines: `  path: issue (fix: ...) [runs: a, b]`. */
export function formatIssues(issues: readonly SpecIssue[]): string {
  return issues
    .map((i) => {
      const runs = i.runs?.length
        ? ` [${i.runs.length > 3 ? `${i.runs.slice(0, 3).join(", ")} and ${i.runs.length - 3} more` : i.runs.join(", ")}]`
        : "";
      return `  ${i.path || "(root)"}: ${i.issue}${i.fix ? ` (fix: ${i.fix})` : ""}${runs}`;
    })
    .join("\n");
}

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** ["parameters", "grid", "optimizer.lr"] -> `parameters.grid["optimizer.lr"]`; numbers become `[i]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Converts zod issues into spec issues, prefixing paths with `prefix` and adding a fix for each. With
 * `schema` (the one that produced the error), unknown keys get a "did you mean" from the known ones.
 */
export function zodIssues(
  error: z.ZodError,
  prefix: readonly PathSegment[] = [],
  schema?: z.ZodType,
): SpecIssue[] {
  return error.issues.flatMap((i) => {
    const own = i.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const path = [...prefix, ...own];
    if (i.code === "unrecognized_keys") {
      const known = schema ? (knownKeys(schema, own) ?? []) : [];
      return i.keys.map((key) => unknownKeyIssue([...path, key], key, known));
    }
    if (i.code === "invalid_key" && i.issues.length)
      // A record key failed its own schema: its message says why (e.g. "seed" cannot be a parameter).
      return i.issues.map((inner) => ({
        path: formatPath(path),
        issue: `key: ${inner.message}`,
        fix: fixFor(inner),
      }));
    return [{ path: formatPath(path), issue: i.message, fix: fixFor(i) }];
  });
}

/** The issue for a key no schema knows, with the closest known key as the fix when there is one. */
export function unknownKeyIssue(
  path: readonly PathSegment[],
  key: string,
  known: readonly string[],
): SpecIssue {
  const near = closestKey(key, known);
  return {
    path: formatPath(path),
    issue: `unknown key "${key}"`,
    fix: near
      ? `did you mean "${near}"? (rename it, or remove it)`
      : known.length
        ? `remove it; known keys here: ${known.join(", ")}`
        : "remove it",
  };
}

type AnyDef = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): AnyDef | undefined =>
  (schema as { _zod?: { def?: AnyDef } } | undefined)?._zod?.def;

/**
 * Best-effort: the keys an object schema accepts at `path` inside `schema` (through optional, default,
 * pipes, lists, records, unions and lazies), for "did you mean" hints. Undefined when not an object there.
 */
export function knownKeys(schema: unknown, path: readonly PathSegment[], depth = 0): string[] | undefined {
  const def = defOf(schema);
  if (!def || depth > 64) return undefined;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return knownKeys(def.innerType, path, depth + 1);
    case "pipe":
      return knownKeys(def.out, path, depth + 1) ?? knownKeys(def.in, path, depth + 1);
    case "lazy":
      return knownKeys((def.getter as () => unknown)(), path, depth + 1);
    case "union": {
      const all = (def.options as unknown[]).flatMap((o) => knownKeys(o, path, depth + 1) ?? []);
      return all.length ? [...new Set(all)] : undefined;
    }
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      if (path.length === 0) return Object.keys(shape);
      const [head, ...rest] = path;
      return typeof head === "string" && head in shape ? knownKeys(shape[head], rest, depth + 1) : undefined;
    }
    case "array":
      return path.length && typeof path[0] === "number"
        ? knownKeys(def.element, path.slice(1), depth + 1)
        : undefined;
    case "tuple": {
      const items = def.items as unknown[];
      return path.length && typeof path[0] === "number"
        ? knownKeys(items[path[0]], path.slice(1), depth + 1)
        : undefined;
    }
    case "record":
      return path.length ? knownKeys(def.valueType, path.slice(1), depth + 1) : undefined;
    default:
      return undefined;
  }
}

/** A short instruction that resolves the zod issue. */
export function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      return received === undefined || received === "undefined"
        ? `add this field (a ${issue.expected})`
        : `give a ${issue.expected} here, not a ${received}`;
    }
    case "too_small":
      return issue.origin === "array" || issue.origin === "string"
        ? `give at least ${issue.minimum} ${issue.origin === "array" ? "entries" : "characters"}`
        : `use a value ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "string"
        ? `give at most ${issue.maximum} ${issue.origin === "array" ? "entries" : "characters"}`
        : `use a value ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    case "invalid_value":
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `remove ${issue.keys.map((k) => `"${k}"`).join(", ")} (check the spelling against the documented fields)`;
    case "invalid_union":
      return "use one of the accepted forms for this field (see the spec documentation)";
    case "not_multiple_of":
      return `use a multiple of ${issue.divisor}`;
    case "invalid_format":
      return `use the ${issue.format} format`;
    default:
      return "see the message";
  }
}

/** Levenshtein distance, for "did you mean" hints on unknown keys. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest known key to `key` (distance <= 1/3 of its length, at least 2), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Merges issues that say the same thing about the same path, collecting the runs they come from. */
export class IssueCollector {
  private readonly byKey = new Map<string, SpecIssue>();

  add(issue: SpecIssue, run?: string): void {
    const key = `${issue.path}\u0000${issue.issue}`;
    let existing = this.byKey.get(key);
    if (!existing) {
      existing = { ...issue, ...(issue.runs ? { runs: [...issue.runs] } : {}) };
      this.byKey.set(key, existing);
    }
    if (run !== undefined) {
      existing.runs ??= [];
      if (!existing.runs.includes(run)) existing.runs.push(run);
    }
  }

  addAll(issues: readonly SpecIssue[], run?: string): void {
    for (const i of issues) this.add(i, run);
  }

  get size(): number {
    return this.byKey.size;
  }

  list(): SpecIssue[] {
    return [...this.byKey.values()];
  }
}
