import type { ServiceContext, SpecSource } from "@bytelab/service";
import type { z } from "zod";
import { type AuthInfo, authorize } from "../auth/authorize";
import { ApiError, detailsFromZod, toErrorResponse } from "../errors";
import { apiEnv } from "../env";
import { getRedis } from "../redis";
import { requestServiceContext } from "../service-context";
import { bodyFormat, parseJsonBody, readBodyText } from "./body";
import type { RouteContract } from "./contract";
import { requestHash, withIdempotency } from "./idempotency";
import { refuseNul } from "./input";
import { queryObject } from "./query";
import { enforceRateLimit } from "./rate-limit";
import { asUnavailable } from "./unavailable";

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type BodyOf<C extends RouteContract> = C["body"] extends { kind: "json"; schema: infer S }
  ? Out<S>
  : C["body"] extends { kind: "spec" }
    ? SpecSource
    : undefined;

export interface RouteInput<C extends RouteContract> {
  params: Out<C["params"]>;
  query: Out<C["query"]>;
  body: BodyOf<C>;
  request: Request;
  ctx: ServiceContext;
  auth: AuthInfo;
}

/** What a handler may return: the answer (sent with the contract's status), or an explicit status. */
export type RouteResult<C extends RouteContract> =
  | z.input<C["response"]>
  | { status: number; body: z.input<C["response"]> }
  /** A finished response (headers of its own, e.g. Set-Cookie); not for idempotent routes. */
  | Response;

interface NextContext {
  params?: Promise<Record<string, string | string[]>>;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    refuseNul(parsed.data, where);
    return parsed.data;
  }
  const details = detailsFromZod(parsed.error).map((d) => ({
    ...d,
    path: d.path ? `${where}.${d.path}` : where,
  }));
  throw new ApiError("VALIDATION_FAILED", `The request's ${where} is invalid.`, details);
}

/**
 * Answers smaller than this go out uncompressed ("no-transform" tells Next's gzip to leave them): a status
 * poll's few KB gain little from gzip, and 200 pollers a second would spend a core's tenth compressing them.
 * Larger answers (series, long lists) are gzipped as usual.
 */
const COMPRESS_FROM_BYTES = 16 * 1024;

function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  return new Response(text, {
    status,
    headers: {
      "content-type": "application/json",
      "cache-control": text.length < COMPRESS_FROM_BYTES ? "no-store, no-transform" : "no-store",
      ...headers,
    },
  });
}

function isExplicit(value: unknown): value is { status: number; body: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    "status" in value &&
    "body" in value &&
    Object.keys(value).length === 2
  );
}

/**
 * The one wrapper of every /api/v1 route: authenticate and check the scope (401 / 403), rate limit (429 with
 * Retry-After), parse path params, query and body with the contract's zod schemas (400 for a body that is
 * not JSON, 413 for one too large, 422 with field paths for invalid input), replay Idempotency-Key retries,
 * call the handler, and map every failure to the one error envelope (service errors to their status, Postgres or
 * Redis not answering to 503, anything unexpected to a logged 500 without details). Answers are never cached.
 */
export function route<C extends RouteContract>(
  contract: C,
  handler: (input: RouteInput<C>) => Promise<RouteResult<C>>,
): (request: Request, context: NextContext) => Promise<Response> {
  return async (request, context) => {
    try {
      const env = apiEnv();
      const auth = await authorize(request, contract.scope, contract.method);
      if (contract.scope !== "public")
        await enforceRateLimit(getRedis(), auth.client, env.BYTELAB_RATE_LIMIT);
      const url = new URL(request.url);
      const params = contract.params
        ? parseWith(contract.params, (await context.params) ?? {}, "path")
        : undefined;
      const query = contract.query ? parseWith(contract.query, queryObject(url), "query") : undefined;
      const text = contract.body ? await readBodyText(request, env.BYTELAB_MAX_BODY_BYTES) : "";
      let body: unknown;
      if (contract.body?.kind === "json") body = parseWith(contract.body.schema, parseJsonBody(text), "body");
      else if (contract.body?.kind === "spec")
        // JSON is parsed here (400 when it is not JSON), YAML by the service (422 with line and column).
        body = bodyFormat(request) === "yaml" ? { text, format: "yaml" } : { spec: parseJsonBody(text) };

      const run = async () => {
        const result = await handler({
          params,
          query,
          body,
          request,
          ctx: requestServiceContext(request),
          auth,
        } as RouteInput<C>);
        if (result instanceof Response) return result;
        return isExplicit(result) ? result : { status: contract.status ?? 200, body: result as unknown };
      };
      const key = contract.idempotent ? request.headers.get("idempotency-key") : null;
      if (key === null) {
        const result = await run();
        if (result instanceof Response) return result;
        return jsonResponse(result.body, result.status);
      }
      const answer = await withIdempotency(
        requestServiceContext(request).pool,
        auth.keyId ?? "anonymous",
        key,
        requestHash(contract.method, `${url.pathname}${url.search}`, text),
        async () => {
          const result = await run();
          if (result instanceof Response)
            throw new Error(`${contract.id}: an idempotent route must answer JSON`);
          return result;
        },
      );
      return jsonResponse(answer.body, answer.status, { "idempotency-replayed": String(answer.replayed) });
    } catch (error) {
      return toErrorResponse(asUnavailable(error) ?? error);
    }
  };
}
