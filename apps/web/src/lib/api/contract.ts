import type { ApiScope } from "@bytelab/service/schemas";
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "DELETE";

/**
 * One REST route: what it accepts and answers, who may call it. The route handler (route.ts) validates
 * with these schemas and the OpenAPI document (openapi.ts) is generated from them, so the two cannot drift.
 */
export interface RouteContract {
  /** operationId in the OpenAPI document. */
  id: string;
  method: HttpMethod;
  /** Under /api/v1, with {param} placeholders: "/sweeps/{id}". */
  path: string;
  summary: string;
  description?: string;
  tag: "sweeps" | "runs" | "series" | "verdicts" | "workers" | "keys" | "system";
  /** The key scope needed; "public" routes need none (health, the OpenAPI document). */
  scope: ApiScope | "public";
  params?: z.ZodObject;
  query?: z.ZodType;
  /** "spec": a sweep spec, JSON or YAML (Content-Type: application/yaml). */
  body?: { kind: "json"; schema: z.ZodType } | { kind: "spec" };
  /** Accepts an Idempotency-Key header (retries answer the first request's result). */
  idempotent?: boolean;
  /** The success status (default 200) and answer. */
  status?: number;
  response: z.ZodType;
  /** Error statuses this route can answer besides 400, 401, 403, 422, 429, 500 and 503. */
  errors?: number[];
  /** Statuses answered with `response` itself rather than the error envelope (health: 503 when degraded). */
  sameBodyOn?: number[];
}
