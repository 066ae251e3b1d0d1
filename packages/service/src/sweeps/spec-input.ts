import type { Expansion, SpecIssue } from "@bytelab/experiments";
import { InvalidInputError } from "../errors";

/**
 * A spec as a surface receives it: already parsed (a JSON body, a form), or as YAML / JSON text. `name` is
 * how messages call it (a file name; default "the spec").
 */
export type SpecSource = ({ spec: unknown } | { text: string; format?: "yaml" | "json" }) & { name?: string };

/** Biggest spec text accepted (a spec is a few KB; a megabyte is a mistake or an attack). */
export const MAX_SPEC_TEXT_BYTES = 1 << 20;

export interface ValidatedSpec {
  /** The spec as parsed (what submitSweep receives and sweeps.spec records). */
  input: unknown;
  /** Its expansion into runs: every run validated. */
  expansion: Expansion;
}

function invalid(issues: readonly SpecIssue[], source: string): InvalidInputError {
  return new InvalidInputError(
    `${source} is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}; nothing was submitted)`,
    issues.map((i) => ({
      path: i.path,
      issue: i.runs?.length
        ? `${i.issue} [${i.runs.length > 3 ? `${i.runs.slice(0, 3).join(", ")} and ${i.runs.length - 3} more` : i.runs.join(", ")}]`
        : i.issue,
      fix: i.fix,
    })),
  );
}

/** Deeper than any spec (a handful of levels): beyond it, validation and hashing would recurse too far. */
export const MAX_SPEC_DEPTH = 64;

export interface SpecShapeProblem {
  path: string;
  issue: string;
  fix: string;
}

/**
 * What makes a parsed spec impossible to validate or store, before it is: a string (or key) holding a NUL
 * character (Postgres cannot store it), a value that contains itself (a YAML alias inside its own anchor:
 * validation would recurse forever), or nesting deeper than MAX_SPEC_DEPTH. Null when none. Iterative, and
 * a value shared by several aliases is walked once.
 */
export function specShapeProblem(value: unknown): SpecShapeProblem | null {
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const onPath = new Set<object>();
  const done = new Set<object>();
  const stack: Array<{ item: unknown; path: string; depth: number; exit?: true }> = [
    { item: value, path: "", depth: 0 },
  ];
  while (stack.length > 0) {
    const { item, path, depth, exit } = stack.pop()!;
    if (exit) {
      onPath.delete(item as object);
      done.add(item as object);
      continue;
    }
    if (typeof item === "string") {
      if (item.includes("\u0000"))
        return {
          path,
          issue: "contains a NUL character (\\u0000), which no name or value may hold",
          fix: "remove the character",
        };
      continue;
    }
    if (item === null || typeof item !== "object" || done.has(item)) continue;
    if (onPath.has(item))
      return {
        path,
        issue: "contains itself (a YAML alias inside its own anchor)",
        fix: "write the value out instead of referring back to it",
      };
    if (depth > MAX_SPEC_DEPTH)
      return {
        path,
        issue: `nested deeper than ${MAX_SPEC_DEPTH} levels`,
        fix: "a spec nests a few levels: check the structure",
      };
    onPath.add(item);
    stack.push({ item, path, depth, exit: true });
    const entries = Array.isArray(item) ? item.map((v, i) => [String(i), v] as const) : Object.entries(item);
    for (const [key, v] of entries.reverse()) {
      if (key.includes("\u0000"))
        return {
          path: join(path, key),
          issue: "the key contains a NUL character (\\u0000)",
          fix: "remove the character",
        };
      stack.push({ item: v, path: join(path, key), depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Reads (YAML or JSON text), validates and expands a spec. Every problem becomes an InvalidInputError with
 * one detail per field: path (as the user wrote the spec), issue, fix. `source` names the input in messages.
 */
export async function validateSpec(
  source: SpecSource,
  name = source.name ?? "the spec",
): Promise<ValidatedSpec> {
  const experiments = await import("@bytelab/experiments");
  // Expansion builds each model once on TF.js's CPU backend to count parameters and FLOPs; TF.js would then
  // print its "install the node backend" banner, noise for an operation that trains nothing.
  (await import("@bytelab/models")).quietTfjsNodeBanner();
  let input: unknown;
  if ("text" in source) {
    if (Buffer.byteLength(source.text, "utf8") > MAX_SPEC_TEXT_BYTES)
      throw new InvalidInputError(`${name} is larger than 1 MiB`, [
        { path: "", issue: "the spec text is larger than 1 MiB", fix: "a spec is a few KB: check the file" },
      ]);
    try {
      input = experiments.readSpecText(source.text, source.format ?? "yaml", name);
    } catch (error) {
      if (error instanceof experiments.SpecValidationError) throw invalid(error.issues, name);
      throw error;
    }
  } else input = source.spec;
  const problem = specShapeProblem(input);
  if (problem)
    throw new InvalidInputError(`${name} is invalid (1 problem; nothing was submitted)`, [problem]);
  try {
    return { input, expansion: await experiments.expandSpec(input) };
  } catch (error) {
    if (error instanceof experiments.SpecValidationError) throw invalid(error.issues, name);
    throw error;
  }
}
