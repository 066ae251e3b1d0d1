import type { z } from "zod";

/** One problem with the input, in the shape of the REST error envelope's `details`. */
export interface AnalysisIssue {
  /** Where the problem is, e.g. "runs[3].compute". Empty for the input as a whole. */
  path: string;
  /** What is wrong and, where it helps, what to do about it. */
  issue: string;
}

/**
 * The one error type of @bytelab/analysis. `code` says whether the input is malformed
 * (`invalid_input`) or well-formed but too thin to answer the question (`insufficient_data`);
 * the message names the function, the field and the fix, so the CLI and the API can show it verbatim.
 */
export class AnalysisError extends Error {
  override readonly name = "AnalysisError";

  constructor(
    readonly code: "invalid_input" | "insufficient_data",
    /** The function the input was given to, e.g. "fitPowerLaw". */
    readonly where: string,
    readonly details: AnalysisIssue[],
  ) {
    super(`${where}: ${details.map((d) => (d.path ? `${d.path}: ${d.issue}` : d.issue)).join("; ")}`);
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>, root: string): string {
  let out = root;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

/** Parses `input` with `schema`, turning zod's issues into one AnalysisError that names every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
  root = "",
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AnalysisError(
    "invalid_input",
    where,
    result.error.issues
      .slice(0, 20)
      .map((issue) => ({ path: formatPath(issue.path, root), issue: issue.message })),
  );
}

export function insufficientData(where: string, path: string, issue: string): AnalysisError {
  return new AnalysisError("insufficient_data", where, [{ path, issue }]);
}
