import { z } from "zod";
import { createDocument } from "zod-openapi";
import type { RouteContract } from "./contract";
import { API } from "./routes";
import { errorEnvelopeSchema } from "../schemas/error";
import packageJson from "../../../package.json";

const ERROR_TEXT: Record<number, string> = {
  400: "The request is malformed (e.g. a body that is not JSON)",
  401: "No API key, or an unknown or revoked one, where one is required",
  403: "The key lacks the scope, or a cross-site request tried to change something",
  404: "No such sweep, run or key",
  409: "Not possible in the current state (e.g. cancel a finished run)",
  413: "The body is larger than the server accepts",
  422: "The input does not validate: one detail per field, with its path and the fix",
  429: "Too many requests from this client: retry after the Retry-After header's seconds",
  500: "An unexpected error (logged on the server; no details are sent)",
  503: "Postgres or Redis does not answer, or the server is misconfigured",
};

const SPEC_BODY = {
  description:
    "A sweep, ablation or ladder spec (see docs and examples/). JSON, or YAML with Content-Type: application/yaml.",
  content: {
    "application/json": {
      schema: { type: "object", description: "A bytelab spec (kind: sweep | ablation | ladder)" },
    },
    "application/yaml": { schema: { type: "string", description: "The same spec as YAML text" } },
  },
};

const IDEMPOTENCY_HEADER = z.object({
  "Idempotency-Key": z.string().max(200).optional().meta({
    description: "Retries with the same key (and request) get the first answer; nothing is created twice.",
  }),
});

function operation(c: RouteContract) {
  const errors = [
    ...new Set([...(c.scope === "public" ? [] : [401, 403, 429]), 400, 422, 500, 503, ...(c.errors ?? [])]),
  ].sort();
  const responses: Record<string, unknown> = {
    [String(c.status ?? 200)]: {
      description: c.summary,
      content: { "application/json": { schema: c.response } },
    },
  };
  for (const status of errors)
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? "Error",
      content: {
        "application/json": { schema: c.sameBodyOn?.includes(status) ? c.response : errorEnvelopeSchema },
      },
    };
  return {
    operationId: c.id,
    summary: c.summary,
    ...(c.description ? { description: c.description } : {}),
    tags: [c.tag],
    ...(c.scope === "public" ? { security: [] } : { "x-required-scope": c.scope }),
    requestParams: {
      ...(c.params ? { path: c.params } : {}),
      ...(c.query ? { query: c.query } : {}),
      ...(c.idempotent ? { header: IDEMPOTENCY_HEADER } : {}),
    },
    ...(c.body
      ? {
          requestBody:
            c.body.kind === "spec"
              ? { required: true, ...SPEC_BODY }
              : { required: false, content: { "application/json": { schema: c.body.schema } } },
        }
      : {}),
    responses,
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated from the route contracts (the schemas that validate). */
export function openApiDocument(): ReturnType<typeof createDocument> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of Object.values(API) as RouteContract[]) {
    const path = `/api/v1${c.path}`;
    paths[path] ??= {};
    paths[path][c.method.toLowerCase()] = operation(c);
  }
  cached = createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "bytelab API",
        version: packageJson.version,
        description:
          "Launch and follow sweeps of byte-level language models, read runs and metric series, and gate CI on " +
          "verdicts. Errors always have the shape {error: {code, message, details: [{path, issue, fix?}]}}.",
      },
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            description:
              "An API key (`npx bytelab keys create`). Required unless the server listens on loopback only.",
          },
        },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: "sweeps", description: "Submit, plan, follow, cancel and re-run sweeps" },
        { name: "runs", description: "Runs, their events, logs and artifacts" },
        { name: "series", description: "Metric series, downsampled on the server" },
        { name: "verdicts", description: "Regression gates for CI" },
        { name: "workers", description: "Trainer workers and queue depths" },
        { name: "keys", description: "API keys (admin scope)" },
        { name: "system", description: "Health and this document" },
      ],
      paths: paths as never,
    },
    { allowEmptySchema: { custom: true } },
  );
  return cached;
}
