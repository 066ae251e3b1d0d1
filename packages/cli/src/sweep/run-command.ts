import { ConnectionError } from "./connection";
import { UnknownSweepError } from "./load-status";
import { SWEEP_EXIT } from "./outcome";
import { InvalidSpecError } from "./spec-input";

/** A sweep/run id that does not exist, a run that is not part of the sweep. Exit code 2. */
export class UnknownIdError extends Error {
  override readonly name = "UnknownIdError";
}

/** Error names of other packages that mean "no such id" (matched by name: they are loaded lazily). */
const NOT_FOUND_ERRORS = new Set(["SweepNotFoundError", "RunNotFoundError"]);

/** The exit code for an error, and whether its stack helps the user (only for the unexpected ones). */
export function exitCodeFor(error: unknown): { code: number; expected: boolean } {
  if (
    error instanceof InvalidSpecError ||
    error instanceof UnknownIdError ||
    error instanceof UnknownSweepError
  )
    return { code: SWEEP_EXIT.invalid, expected: true };
  if (error instanceof Error && NOT_FOUND_ERRORS.has(error.name))
    return { code: SWEEP_EXIT.invalid, expected: true };
  if (error instanceof ConnectionError) return { code: SWEEP_EXIT.failed, expected: true };
  return { code: SWEEP_EXIT.failed, expected: false };
}

/**
 * Runs a sweep subcommand: its returned number becomes the exit code; errors are printed as
 * `bytelab sweep <name>: message` on stderr with the matching exit code (see SWEEP_EXIT).
 */
export async function runSweepCommand(name: string, action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    const { code, expected } = exitCodeFor(error);
    const text =
      error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
    console.error(`bytelab sweep ${name}: ${text}`);
    process.exitCode = code;
  }
}
