import { readFile } from "node:fs/promises";
import type { Expansion } from "@bytelab/experiments";

/** The spec file is missing, unreadable or invalid: nothing was written anywhere. Exit code 2. */
export class InvalidSpecError extends Error {
  override readonly name = "InvalidSpecError";
}

export interface ValidatedSpec {
  /** The file as parsed (what submitSweep receives and sweeps.spec records). */
  input: unknown;
  /** Its expansion into runs: every run validated. */
  expansion: Expansion;
}

/**
 * Expansion builds each model once on TF.js's CPU backend to count parameters and FLOPs, and TF.js then
 * prints a banner recommending tfjs-node: noise for a command that trains nothing. Only that message is dropped.
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
 * Reads, parses (YAML or JSON by extension), validates and expands a spec file. Any problem becomes an
 * InvalidSpecError that names the file, then each field: `path: issue (fix: ...) [runs]`.
 */
export async function validateSpecFile(file: string): Promise<ValidatedSpec> {
  const { expandSpec, formatFromPath, formatIssues, readSpecText, SpecValidationError } = await import(
    "@bytelab/experiments"
  );
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidSpecError(
      code === "ENOENT"
        ? `${file}: no such file; give the path of a sweep spec (.yaml, .yml or .json), e.g. examples/arch-compare-brown.yaml`
        : `${file}: cannot read it (${(error as Error).message})`,
    );
  }
  try {
    const input = readSpecText(text, formatFromPath(file), file);
    return { input, expansion: await withoutTfjsBanner(() => expandSpec(input)) };
  } catch (error) {
    if (error instanceof SpecValidationError)
      throw new InvalidSpecError(
        `${file} is invalid (${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}; nothing was submitted):\n` +
          formatIssues(error.issues),
      );
    throw error;
  }
}
