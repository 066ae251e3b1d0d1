/**
 * The errors every operation of the service throws. Each surface maps the code once: the REST API to an
 * HTTP status and the error envelope, the CLI to an exit code, the dashboard to a message next to the
 * field. `details` point at the offending field of the input (`architectures[1].model.dim`, `limit`).
 */
export type ServiceErrorCode =
  /** The input does not validate (HTTP 422, CLI exit 2). */
  | "INVALID_INPUT"
  /** The sweep / run / key does not exist (HTTP 404, CLI exit 2). */
  | "NOT_FOUND"
  /** The change is illegal in the current state, e.g. cancelling a finished run (HTTP 409, CLI exit 1). */
  | "CONFLICT"
  /** Postgres or Redis did not answer (HTTP 503, CLI exit 3). */
  | "UNAVAILABLE";

export interface ServiceErrorDetail {
  /** Dotted path of the field at fault, "" for the input as a whole. */
  path: string;
  issue: string;
  /** What to do about it, when there is something to say. */
  fix?: string;
}

export class ServiceError extends Error {
  override readonly name: string = "ServiceError";
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: ServiceErrorDetail[] = [],
  ) {
    super(message);
  }
}

export type EntityKind = "sweep" | "run" | "API key" | "artifact";

const LIST_HINT: Record<EntityKind, string> = {
  sweep: "list the recent ones with `bytelab sweep list` or GET /api/v1/sweeps",
  run: "list runs with `bytelab runs list` or GET /api/v1/runs",
  "API key": "list keys with `bytelab keys list`",
  artifact: "list a run's artifacts with GET /api/v1/runs/{id}/artifacts",
};

/** The one "not found" error of every surface: names what was looked for and how to list what exists. */
export class NotFoundError extends ServiceError {
  override readonly name = "NotFoundError";
  constructor(
    readonly kind: EntityKind,
    readonly id: string,
  ) {
    super("NOT_FOUND", `no ${kind} with id "${id}"; ${LIST_HINT[kind]}`, [
      { path: "id", issue: `no ${kind} with this id` },
    ]);
  }
}

/** The input does not validate; one detail per problem. */
export class InvalidInputError extends ServiceError {
  override readonly name = "InvalidInputError";
  constructor(message: string, details: ServiceErrorDetail[]) {
    super("INVALID_INPUT", message, details);
  }
}

/** The requested change is not legal in the current state (e.g. re-run a COMPLETED run). */
export class ConflictError extends ServiceError {
  override readonly name = "ConflictError";
  constructor(message: string, details: ServiceErrorDetail[] = []) {
    super("CONFLICT", message, details);
  }
}

/** A backing service (Postgres, Redis) did not answer. */
export class UnavailableError extends ServiceError {
  override readonly name = "UnavailableError";
  constructor(message: string) {
    super("UNAVAILABLE", message);
  }
}

/** zod issues as service details: dotted paths, the message as the issue. */
export function detailsFromZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): ServiceErrorDetail[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), issue: i.message }));
}
