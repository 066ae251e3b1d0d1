import { ServiceError, type ServiceErrorCode } from "@bytelab/service/errors";
import { ZodError } from "zod";
import { type ErrorCode, type ErrorDetail, type ErrorEnvelope, HTTP_STATUS_BY_CODE } from "./schemas/error";

/** Throw from a route handler to answer with the error envelope; `withErrors` turns it into a Response. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly status: number;
  /** Extra response headers (Retry-After for 429). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetail[] = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
    this.status = HTTP_STATUS_BY_CODE[code];
    this.headers = headers;
  }
}

/** Each service error code as the API says it. */
const CODE_BY_SERVICE_CODE: Record<ServiceErrorCode, ErrorCode> = {
  INVALID_INPUT: "VALIDATION_FAILED",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  UNAVAILABLE: "UNAVAILABLE",
};

export function fromServiceError(error: ServiceError): ApiError {
  return new ApiError(
    CODE_BY_SERVICE_CODE[error.code],
    error.message,
    error.details.map((d) => ({ path: d.path, issue: d.issue, ...(d.fix ? { fix: d.fix } : {}) })),
  );
}

/** One detail per zod issue, with the field path dotted (`steps`, `config.layers.0`). */
export function detailsFromZod(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), issue: issue.message }));
}

export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[] = []): ErrorEnvelope {
  return { error: { code, message, details } };
}

export function errorResponse(error: ApiError): Response {
  return Response.json(errorBody(error.code, error.message, error.details), {
    status: error.status,
    headers: { "cache-control": "no-store", ...error.headers },
  });
}

/** Maps anything thrown in a handler to the envelope; unknown errors become a logged 500. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  if (error instanceof ServiceError) return errorResponse(fromServiceError(error));
  if (error instanceof ZodError) {
    return errorResponse(new ApiError("VALIDATION_FAILED", "The request is invalid.", detailsFromZod(error)));
  }
  console.error("[api] unhandled error:", error);
  return errorResponse(new ApiError("INTERNAL", "Internal server error."));
}

type Handler<C> = (request: Request, context: C) => Promise<Response> | Response;

/** Wraps a route handler so every failure leaves as the error envelope. */
export function withErrors<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}
