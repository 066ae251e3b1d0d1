import type { SweepReport } from "@bytelab/analysis/report";
import {
  type ApiKeyJson,
  type ApiKeyList,
  type ApiScope,
  apiKeyListSchema,
  apiKeySchema,
  type CreatedApiKey,
  createdApiKeySchema,
  type RunActionResult,
  type RunDetail,
  type RunList,
  type RunListQuery,
  type RunWait,
  runActionResultSchema,
  runDetailSchema,
  runListSchema,
  runWaitSchema,
  type SubmitResultJson,
  type SweepActionResult,
  type SweepList,
  type SweepListQuery,
  type SweepPlan,
  type SweepStatus,
  type SweepWait,
  submitResultSchema,
  sweepActionResultSchema,
  sweepListSchema,
  sweepPlanSchema,
  sweepStatusSchema,
  sweepWaitSchema,
  type Verdict,
  type VerdictRequest,
  verdictSchema,
} from "@bytelab/service/schemas";
import { z } from "zod";
import { CliError, detailLine, EXIT, type ExitCode, UnreachableError, UsageError } from "../exit";
import { CLI_VERSION } from "../version";
import type { Backend, ReportQuery, SpecText, WaitCall } from "./backend";

/** The REST API's error envelope (shared/DESIGN.md). */
const envelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .array(z.object({ path: z.string().default(""), issue: z.string(), fix: z.string().optional() }))
      .optional()
      .default([]),
  }),
});

/** An error answer of the API (the envelope), on the exit-code table. */
export class ApiError extends CliError {
  override readonly name = "ApiError";
  constructor(
    exitCode: ExitCode,
    readonly status: number,
    readonly code: string,
    message: string,
    details: readonly string[] = [],
  ) {
    super(exitCode, message, details);
  }
}

/** Where the envelope's code (or the HTTP status when there is none) lands on the exit-code table. */
function exitCodeOf(status: number, code: string | null): ExitCode {
  switch (code) {
    case "VALIDATION_FAILED":
    case "INVALID_INPUT":
    case "NOT_FOUND":
    case "UNAUTHORIZED":
    case "FORBIDDEN":
    case "PAYLOAD_TOO_LARGE":
      return EXIT.usage;
    case "CONFLICT":
      return EXIT.failure;
    case "RATE_LIMITED":
    case "UNAVAILABLE":
    case "INTERNAL":
      return EXIT.unavailable;
  }
  if (status === 409) return EXIT.failure;
  if (status === 429 || status >= 500) return EXIT.unavailable;
  return EXIT.usage;
}

/** A loose check of the SweepReport JSON (its full type lives in @bytelab/analysis, without a zod schema). */
const sweepReportShape = z.looseObject({
  title: z.string(),
  sweep: z.looseObject({ id: z.string(), name: z.string() }),
  summary: z.looseObject({ runs: z.number(), architectures: z.array(z.string()) }),
  scaling: z.looseObject({ architectures: z.array(z.unknown()) }),
  runs: z.array(z.unknown()),
  warnings: z.array(z.string()),
});

export interface RemoteOptions {
  /** The server's origin (http://host:3000), optionally ending in /api/v1. */
  url: string;
  urlSource: "flag" | "env";
  token: string | null;
  tokenSource: "flag" | "env" | null;
  /** How long a request may take (default 120 s; wait routes: their timeout + 30 s). */
  requestTimeoutMs?: number;
  /** The longest Retry-After honoured (a 429 asking for longer fails at once). */
  maxRetryAfterSeconds?: number;
}

/** The origin without credentials, for messages (never the token either). */
function safeOrigin(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "")}`;
}

/** Parses --api / BYTELAB_API_URL: http(s) only; a trailing / or /api/v1 is dropped. */
export function parseApiUrl(raw: string, source: "flag" | "env"): URL {
  const name = source === "flag" ? "--api" : "BYTELAB_API_URL";
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(
      `${name} "${raw}" is not a URL; give the server's origin, e.g. ${name === "--api" ? "--api " : "BYTELAB_API_URL="}http://ci-box:3000`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`${name} must be an http:// or https:// URL (got ${url.protocol}//...)`);
  url.pathname = url.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "") || "/";
  url.search = "";
  url.hash = "";
  return url;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listens there)",
  ENOTFOUND: "the host name does not resolve (DNS)",
  EAI_AGAIN: "the host name could not be resolved right now (DNS)",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  UND_ERR_SOCKET: "the connection was closed by the server",
  UND_ERR_HEADERS_TIMEOUT: "the server did not answer in time",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified",
};

/** The low-level reason of a failed fetch (undici wraps it: TypeError("fetch failed", { cause })). */
function networkReason(error: unknown): string {
  let e: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return NETWORK_REASONS[code] ?? code;
    if (e instanceof Error && e.message) message = e.message; // the innermost message says most
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = (e as { cause?: unknown }).cause ?? inner;
  }
  return message === "bad port" ? "fetch refuses this port (a port browsers block, e.g. 1 or 6000)" : message;
}

/** The wait routes' timeout: whole seconds up to 120; 0 (answer at once) only when asked for exactly. */
function waitSeconds(timeoutSeconds: number): number {
  return timeoutSeconds <= 0 ? 0 : Math.max(1, Math.min(120, Math.round(timeoutSeconds)));
}

interface RequestSpec {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: URLSearchParams;
  body?: { contentType: string; text: string };
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The remote backend: a bytelab server's REST API under /api/v1, with `Authorization: Bearer <token>` when
 * a token is given. Every answer is parsed with the service's zod schema (the same JSON the local backend
 * returns); error envelopes become ApiErrors on the exit-code table; a server that cannot be reached
 * (refused, DNS, timeout) is an UnreachableError (exit 3) naming the URL and the fix. The token is never
 * printed.
 */
export class RemoteBackend implements Backend {
  readonly kind = "remote" as const;
  private readonly base: URL;
  private readonly origin: string;

  constructor(private readonly opts: RemoteOptions) {
    this.base = parseApiUrl(opts.url, opts.urlSource);
    this.origin = safeOrigin(this.base);
  }

  describe(): string {
    return this.origin;
  }

  private urlOf(path: string, query?: URLSearchParams): URL {
    const url = new URL(this.base);
    url.pathname = `${this.base.pathname === "/" ? "" : this.base.pathname}/api/v1${path}`;
    if (query && [...query.keys()].length > 0) url.search = query.toString();
    return url;
  }

  private where(): string {
    return `${this.origin} (from ${this.opts.urlSource === "flag" ? "--api" : "BYTELAB_API_URL"})`;
  }

  private unreachable(reason: string): UnreachableError {
    return new UnreachableError(
      `cannot reach the bytelab server at ${this.where()}: ${reason}.\n` +
        "  Fix: check the URL and that the server is running there (`npm start` on that host, or your " +
        "deployment); without --api / BYTELAB_API_URL the CLI uses the local Postgres and Redis instead.",
    );
  }

  private async send(req: RequestSpec): Promise<Response> {
    const url = this.urlOf(req.path, req.query);
    const timeoutMs = req.timeoutMs ?? this.opts.requestTimeoutMs ?? 120_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": `bytelab-cli/${CLI_VERSION}`,
      ...req.headers,
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    if (req.body) headers["content-type"] = req.body.contentType;
    try {
      return await fetch(url, {
        method: req.method,
        headers,
        ...(req.body ? { body: req.body.text } : {}),
        signal,
        redirect: "follow",
      });
    } catch (error) {
      if (req.signal?.aborted) throw error; // Ctrl-C: the caller handles it
      if (timeout.aborted)
        throw this.unreachable(`${req.method} ${url.pathname} got no answer within ${timeoutMs / 1000} s`);
      throw this.unreachable(networkReason(error));
    }
  }

  /** Seconds a 429 / 503 asks to wait (Retry-After: seconds or an HTTP date); null when absent or odd. */
  private static retryAfter(res: Response): number | null {
    const header = res.headers.get("retry-after");
    if (!header) return null;
    const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
    return Number.isFinite(seconds) ? Math.max(0, seconds) : null;
  }

  private async errorOf(req: RequestSpec, res: Response): Promise<CliError> {
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const envelope = envelopeSchema.safeParse(body);
    const route = `${req.method} ${this.urlOf(req.path).pathname}`;
    if (!envelope.success) {
      if (res.status === 404)
        return new UnreachableError(
          `${this.where()} has no ${route} (HTTP 404 without a bytelab error): is this the bytelab web app's ` +
            "origin, and as new as this CLI?\n  Fix: point --api / BYTELAB_API_URL at the server's origin, e.g. http://ci-box:3000.",
        );
      return new ApiError(
        exitCodeOf(res.status, null),
        res.status,
        `HTTP_${res.status}`,
        `the server at ${this.origin} answered ${route} with HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, " ").slice(0, 200)}` : ""}`,
      );
    }
    const { code, message, details } = envelope.data.error;
    let hint = "";
    if (res.status === 401 || code === "UNAUTHORIZED")
      hint = this.opts.token
        ? `\n  Fix: the token (from ${this.opts.tokenSource === "flag" ? "--token" : "BYTELAB_TOKEN"}) is not valid here (revoked, or of another server); create one with \`bytelab keys create --name ci\` on the server host.`
        : "\n  Fix: pass an API key with --token or BYTELAB_TOKEN (create one with `bytelab keys create --name ci` on the server host).";
    else if (res.status === 403 || code === "FORBIDDEN")
      hint =
        "\n  Fix: use a key with the needed scope (read < write < admin): `bytelab keys create --name ci --scope write`.";
    else if (res.status === 429) hint = "\n  Fix: the server limits request rates; try again later.";
    return new ApiError(
      exitCodeOf(res.status, code),
      res.status,
      code,
      `${message}${hint}`,
      details.map((d) => detailLine(d)),
    );
  }

  /** One request, its answer parsed with `schema`; a rate-limited GET waits Retry-After once and retries. */
  private async call<T>(req: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    let res = await this.send(req);
    if (res.status === 429 && req.method === "GET") {
      const wait = RemoteBackend.retryAfter(res) ?? 1;
      if (wait <= (this.opts.maxRetryAfterSeconds ?? 120)) {
        await res.arrayBuffer().catch(() => {});
        await new Promise((r) => setTimeout(r, wait * 1000));
        res = await this.send(req);
      }
    }
    if (!res.ok) throw await this.errorOf(req, res);
    let json: unknown;
    try {
      json = await res.json();
    } catch (error) {
      throw new CliError(
        EXIT.unavailable,
        `the server at ${this.origin} answered ${req.method} ${req.path} with something that is not JSON (${(error as Error).message}); is it a bytelab server?`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new CliError(
        EXIT.unavailable,
        `the server at ${this.origin} answered ${req.method} ${req.path} in an unexpected shape` +
          `${first ? ` (${first.path.join(".") || "(root)"}: ${first.message})` : ""}; is it the same bytelab version as this CLI (${CLI_VERSION})?`,
      );
    }
    return parsed.data;
  }

  private json(value: unknown) {
    return { contentType: "application/json", text: JSON.stringify(value) };
  }

  private specBody(spec: SpecText) {
    return { contentType: spec.format === "json" ? "application/json" : "application/yaml", text: spec.text };
  }

  /** The server names the spec "the spec"; say which file it was. */
  private async withSpecName<T>(spec: SpecText, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ApiError && error.exitCode === EXIT.usage && /^the spec\b/.test(error.message))
        throw new ApiError(
          error.exitCode,
          error.status,
          error.code,
          error.message.replace(/^the spec\b/, spec.file),
          error.details,
        );
      throw error;
    }
  }

  async planSweep(
    spec: SpecText,
    opts: { repeat: boolean },
  ): Promise<{ plan: SweepPlan; note: string | null }> {
    const plan = await this.withSpecName(spec, () =>
      this.call(
        {
          method: "POST",
          path: "/sweeps/plan",
          query: new URLSearchParams(opts.repeat ? { repeat: "true" } : {}),
          body: this.specBody(spec),
        },
        sweepPlanSchema,
      ),
    );
    return { plan, note: null };
  }

  submitSweep(spec: SpecText, opts: { repeat: boolean; idempotencyKey?: string }): Promise<SubmitResultJson> {
    return this.withSpecName(spec, () =>
      this.call(
        {
          method: "POST",
          path: "/sweeps",
          query: new URLSearchParams(opts.repeat ? { repeat: "true" } : {}),
          body: this.specBody(spec),
          ...(opts.idempotencyKey ? { headers: { "idempotency-key": opts.idempotencyKey } } : {}),
        },
        submitResultSchema,
      ),
    );
  }

  sweepStatus(sweepId: string): Promise<SweepStatus> {
    return this.call({ method: "GET", path: `/sweeps/${encodeURIComponent(sweepId)}` }, sweepStatusSchema);
  }

  listSweeps(query: SweepListQuery): Promise<SweepList> {
    const q = new URLSearchParams();
    if (query.limit !== undefined) q.set("limit", String(query.limit));
    if (query.cursor) q.set("cursor", query.cursor);
    return this.call({ method: "GET", path: "/sweeps", query: q }, sweepListSchema);
  }

  waitSweep(sweepId: string, call: WaitCall): Promise<SweepWait> {
    const seconds = waitSeconds(call.timeoutSeconds);
    return this.call(
      {
        method: "GET",
        path: `/sweeps/${encodeURIComponent(sweepId)}/wait`,
        query: new URLSearchParams({ timeout: String(seconds) }),
        timeoutMs: (seconds + 30) * 1000,
        ...(call.signal ? { signal: call.signal } : {}),
      },
      sweepWaitSchema,
    );
  }

  cancelSweep(sweepId: string, opts: { reason?: string }): Promise<SweepActionResult> {
    return this.call(
      {
        method: "POST",
        path: `/sweeps/${encodeURIComponent(sweepId)}/cancel`,
        body: this.json(opts.reason ? { reason: opts.reason } : {}),
      },
      sweepActionResultSchema,
    );
  }

  rerunSweep(
    sweepId: string,
    opts: { reason?: string; includeCancelled?: boolean },
  ): Promise<SweepActionResult> {
    return this.call(
      {
        method: "POST",
        path: `/sweeps/${encodeURIComponent(sweepId)}/rerun`,
        body: this.json({
          ...(opts.reason ? { reason: opts.reason } : {}),
          ...(opts.includeCancelled ? { includeCancelled: true } : {}),
        }),
      },
      sweepActionResultSchema,
    );
  }

  listRuns(query: RunListQuery): Promise<RunList> {
    const q = new URLSearchParams();
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
    if (query.sweep) q.set("sweep", query.sweep);
    if (list(query.status).length) q.set("status", list(query.status).join(","));
    if (list(query.architecture).length) q.set("architecture", list(query.architecture).join(","));
    for (const c of list(query.config)) q.append("config", c);
    if (query.q) q.set("q", query.q);
    if (query.sort) q.set("sort", query.sort);
    if (query.order) q.set("order", query.order);
    if (query.limit !== undefined) q.set("limit", String(query.limit));
    if (query.cursor) q.set("cursor", query.cursor);
    return this.call({ method: "GET", path: "/runs", query: q }, runListSchema);
  }

  getRun(runId: string): Promise<RunDetail> {
    return this.call({ method: "GET", path: `/runs/${encodeURIComponent(runId)}` }, runDetailSchema);
  }

  waitRun(runId: string, call: WaitCall): Promise<RunWait> {
    const seconds = waitSeconds(call.timeoutSeconds);
    return this.call(
      {
        method: "GET",
        path: `/runs/${encodeURIComponent(runId)}/wait`,
        query: new URLSearchParams({ timeout: String(seconds) }),
        timeoutMs: (seconds + 30) * 1000,
        ...(call.signal ? { signal: call.signal } : {}),
      },
      runWaitSchema,
    );
  }

  cancelRun(runId: string, opts: { reason?: string }): Promise<RunActionResult> {
    return this.call(
      {
        method: "POST",
        path: `/runs/${encodeURIComponent(runId)}/cancel`,
        body: this.json(opts.reason ? { reason: opts.reason } : {}),
      },
      runActionResultSchema,
    );
  }

  rerunRun(runId: string, opts: { reason?: string }): Promise<RunActionResult> {
    return this.call(
      {
        method: "POST",
        path: `/runs/${encodeURIComponent(runId)}/rerun`,
        body: this.json(opts.reason ? { reason: opts.reason } : {}),
      },
      runActionResultSchema,
    );
  }

  verdict(request: VerdictRequest): Promise<Verdict> {
    return this.call({ method: "POST", path: "/verdicts", body: this.json(request) }, verdictSchema);
  }

  createKey(input: { name: string; scopes: ApiScope[] }): Promise<CreatedApiKey> {
    return this.call({ method: "POST", path: "/keys", body: this.json(input) }, createdApiKeySchema);
  }

  listKeys(): Promise<ApiKeyList> {
    return this.call({ method: "GET", path: "/keys" }, apiKeyListSchema);
  }

  revokeKey(idOrPrefix: string): Promise<ApiKeyJson> {
    return this.call(
      { method: "DELETE", path: `/keys/${encodeURIComponent(idOrPrefix)}` },
      // The revoked key, bare (as the service answers it) or wrapped in an object.
      z.union([apiKeySchema, z.object({ key: apiKeySchema }).transform((r) => r.key)]),
    );
  }

  async sweepReport(sweepId: string, query: ReportQuery): Promise<SweepReport> {
    const q = new URLSearchParams();
    if (query.metric) q.set("metric", query.metric);
    if (query.budgets) q.set("budgets", query.budgets.join(","));
    if (query.resamples !== undefined) q.set("resamples", String(query.resamples));
    if (query.seed !== undefined) q.set("seed", String(query.seed));
    const report = await this.call(
      { method: "GET", path: `/sweeps/${encodeURIComponent(sweepId)}/report`, query: q },
      sweepReportShape,
    );
    return report as unknown as SweepReport;
  }

  async close(): Promise<void> {}
}
