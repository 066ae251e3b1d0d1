import type { Expansion, SpecIssue } from "@bytelab/experiments";
import { InvalidInputError } from "../errors";

/** A spec as a surface receives it: already parsed (a JSON body, a form), or as YAML / JSON text. */
export type SpecSource = { spec: unknown } | { text: string; format?: "yaml" | "json" };

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

/**
 * Expansion builds each model once on TF.js's CPU backend to count parameters and FLOPs, and TF.js then
 * prints a banner recommending tfjs-node: noise for an operation that trains nothing. Only that message is dropped.
 */
async function withoutTfjsBanner<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("looks like you are running TensorFlow.js in Node"))
      return;
    warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

/**
 * The dotted path of the first string (or key) of a parsed spec holding a NUL character, or null: Postgres
 * cannot store one in a name or in the spec's JSON, so the insert would fail. Iterative: specs may nest deep.
 */
export function pathWithNul(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, ""]];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      if (item.includes("\u0000")) return path;
    } else if (item !== null && typeof item === "object") {
      const entries = Array.isArray(item)
        ? item.map((v, i) => [String(i), v] as const)
        : Object.entries(item);
      for (const [key, v] of entries.reverse()) {
        if (key.includes("\u0000")) return join(path, key);
        stack.push([v, join(path, key)]);
      }
    }
  }
  return null;
}

/**
 * Reads (YAML or JSON text), validates and expands a spec. Every problem becomes an InvalidInputError with
 * one detail per field: path (as the user wrote the spec), issue, fix. `source` names the input in messages.
 */
export async function validateSpec(source: SpecSource, name = "the spec"): Promise<ValidatedSpec> {
  const experiments = await import("@bytelab/experiments");
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
  const nul = pathWithNul(input);
  if (nul !== null)
    throw new InvalidInputError(`${name} is invalid (1 problem; nothing was submitted)`, [
      {
        path: nul,
        issue: "contains a NUL character (\\u0000), which no name or value may hold",
        fix: "remove the character",
      },
    ]);
  try {
    return { input, expansion: await withoutTfjsBanner(() => experiments.expandSpec(input)) };
  } catch (error) {
    if (error instanceof experiments.SpecValidationError) throw invalid(error.issues, name);
    throw error;
  }
}
