/**
 * The one exit-code table of every `bytelab` command, the errors that carry a code, and the mapping of
 * every other error (the service's ServiceErrors, the REST API's error envelope) onto the table.
 */
export const EXIT = {
  /** Success; with --wait / --watch: every run COMPLETED (ASHA early stops included); verdict: pass. */
  ok: 0,
  /** A run FAILED / DIVERGED / was CANCELLED (when waiting), a regression, a conflicting change. */
  failure: 1,
  /** Usage error or invalid input (bad flag, invalid spec, unknown id): nothing was written. */
  usage: 2,
  /** Postgres, Redis or the bytelab API server unreachable (the message says how to fix it). */
  unavailable: 3,
  /** Ctrl-C while waiting (the sweep or run keeps going). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The help epilogue of every command: the same table everywhere. */
export const EXIT_HELP = `
Exit codes (every command):
  0    success; with --wait / --watch every run COMPLETED (ASHA early stops count); verdict: pass
  1    a run FAILED, DIVERGED or was CANCELLED (while waiting), a verdict regression (or inconclusive,
       unless --inconclusive pass), a change the current state forbids (e.g. cancel a finished run),
       train: the run diverged
  2    usage error or invalid input: bad flag, invalid spec, unknown id, missing or insufficient API
       token; nothing was written
  3    service unreachable: Postgres, Redis or the bytelab server (--api); the message says how to fix it
  130  interrupted (Ctrl-C); a sweep or run being waited for keeps going`;

/** An error whose exit code and message are meant for the user as they are (no stack trace). */
export class CliError extends Error {
  override readonly name: string = "CliError";
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Lines printed under the message (`path: issue (fix: ...)`). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A bad flag, a missing file, a run that is not part of the sweep: exit 2, nothing written. */
export class UsageError extends CliError {
  override readonly name = "UsageError";
  constructor(message: string, details: readonly string[] = []) {
    super(EXIT.usage, message, details);
  }
}

/** Postgres / Redis / the API server not configured or not answering: exit 3, with the fix. */
export class UnreachableError extends CliError {
  override readonly name = "UnreachableError";
  constructor(message: string) {
    super(EXIT.unavailable, message);
  }
}

/** The codes of @bytelab/service's ServiceError, and their place in the table. */
const SERVICE_EXIT: Record<string, ExitCode> = {
  INVALID_INPUT: EXIT.usage,
  NOT_FOUND: EXIT.usage,
  CONFLICT: EXIT.failure,
  UNAVAILABLE: EXIT.unavailable,
};

interface ServiceErrorLike {
  code: string;
  message: string;
  details: ReadonlyArray<{ path: string; issue: string; fix?: string | undefined }>;
}

/**
 * A ServiceError of @bytelab/service (recognised by shape: the CLI imports the service lazily, only in
 * local mode, so `instanceof` would load Prisma for a remote command).
 */
export function isServiceError(error: unknown): error is Error & ServiceErrorLike {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceErrorLike>).code === "string" &&
    (error as Partial<ServiceErrorLike>).code! in SERVICE_EXIT &&
    Array.isArray((error as Partial<ServiceErrorLike>).details)
  );
}

/** `path: issue (fix: ...)`, the way spec problems have always been printed. */
export function detailLine(d: { path: string; issue: string; fix?: string | undefined }): string {
  return `${d.path || "(root)"}: ${d.issue}${d.fix ? ` (fix: ${d.fix})` : ""}`;
}

/** The exit code of an error, the lines to print, and whether it was expected (no stack trace then). */
export function describeError(error: unknown): { code: ExitCode; lines: string[]; expected: boolean } {
  if (error instanceof CliError)
    return {
      code: error.exitCode,
      lines: [error.message, ...error.details.map((d) => `  ${d}`)],
      expected: true,
    };
  if (isServiceError(error))
    return {
      code: SERVICE_EXIT[error.code]!,
      lines: [error.message, ...error.details.map((d) => `  ${detailLine(d)}`)],
      expected: true,
    };
  if (error instanceof Error)
    return { code: EXIT.failure, lines: [error.stack ?? error.message], expected: false };
  return { code: EXIT.failure, lines: [String(error)], expected: false };
}
