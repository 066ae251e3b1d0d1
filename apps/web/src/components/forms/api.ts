/**
 * The dashboard's client side of the REST API: every mutation and live refresh goes through here. Answers
 * are the API's JSON; failures are the one error envelope `{"error":{"code","message","details"}}`, turned
 * into an ApiFailure (a network failure too, with status 0), never thrown.
 */

export interface ApiIssue {
  /** Dotted path of the field at fault (spec paths as the user wrote them: `architectures[1].model.dim`). */
  path: string;
  issue: string;
  fix?: string;
}

export interface ApiFailure {
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  code: string;
  message: string;
  details: ApiIssue[];
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiFailure };

function isEnvelope(value: unknown): value is { error: ApiFailure } {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const e = (value as { error: unknown }).error;
  return typeof e === "object" && e !== null && "message" in e;
}

export interface ApiRequest {
  method?: "GET" | "POST" | "DELETE";
  /** Sent as JSON, unless it is a string (then as is, with `contentType`). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls /api/v1`path` on this origin (the session cookie goes along). */
export async function api<T>(path: string, req: ApiRequest = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    headers["content-type"] = req.contentType ?? "application/json";
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: req.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      cache: "no-store",
      credentials: "same-origin",
      signal: req.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    return {
      ok: false,
      error: {
        status: 0,
        code: "NETWORK",
        message: "The dashboard server did not answer: check that it is running, then retry.",
        details: [],
      },
    };
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (response.ok) return { ok: true, status: response.status, data: json as T };
  if (isEnvelope(json))
    return {
      ok: false,
      error: {
        status: response.status,
        code: json.error.code,
        message: json.error.message,
        details: json.error.details ?? [],
      },
    };
  return {
    ok: false,
    error: {
      status: response.status,
      code: "HTTP",
      message: `The server answered HTTP ${response.status}.`,
      details: [],
    },
  };
}

/** A sentence for a failure, saying what to do for the statuses a person can act on. */
export function describeFailure(error: ApiFailure): string {
  const said = /[.!?)]$/.test(error.message.trim()) ? error.message.trim() : `${error.message.trim()}.`;
  if (error.status === 503)
    return `Redis (the training queue) or Postgres did not answer, so nothing was changed; try again once it is back. The server said: ${said}`;
  if (error.status === 401) return `${said} Sign in with an API key on the login page.`;
  return said;
}
