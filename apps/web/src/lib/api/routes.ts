import {
  apiKeyListSchema,
  apiKeySchema,
  createApiKeyInputSchema,
  createdApiKeySchema,
  idSchema,
  MAX_WAIT_SECONDS,
  runArtifactsSchema,
  runDetailSchema,
  runEventsQuerySchema,
  runEventsSchema,
  runListQuerySchema,
  runListSchema,
  runLogSchema,
  runSeriesQuerySchema,
  runWaitSchema,
  seriesQuerySchema,
  seriesResponseSchema,
  submitResultSchema,
  sweepCheckSchema,
  sweepActionResultSchema,
  sweepListQuerySchema,
  sweepListSchema,
  sweepPlanSchema,
  sweepStatusSchema,
  sweepWaitSchema,
  verdictRequestSchema,
  verdictSchema,
  workersOverviewSchema,
} from "@bytelab/service/schemas";
import { runBoundariesQuerySchema, runBoundariesSchema } from "@bytelab/service";
import { z } from "zod";
import { healthSchema } from "../schemas/health";
import type { RouteContract } from "./contract";

const idParams = z.object({ id: idSchema.meta({ description: "The sweep's, run's or key's id." }) });
const runIdParams = z.object({ id: idSchema.meta({ description: "The run's id." }) });
const sweepIdParams = z.object({ id: idSchema.meta({ description: "The sweep's id." }) });

const repeatQuery = z.object({
  repeat: z.enum(["true", "false"]).optional().meta({
    description: "true: create runs even for configs that already have a run (default: the spec's `repeat`).",
  }),
});
const waitQuery = z.object({
  timeout: z.coerce
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(30)
    .meta({
      description: `Seconds to wait at most (0-${MAX_WAIT_SECONDS}, default 30); call again while finished is false.`,
    }),
});
const reasonBody = z.strictObject({ reason: z.string().max(500).optional() });
const rerunSweepBody = reasonBody.extend({
  includeCancelled: z
    .boolean()
    .optional()
    .meta({ description: "Also re-run CANCELLED runs (default: FAILED only)." }),
});
const reportQuery = z.object({
  metric: z.string().max(128).optional(),
  budgets: z
    .string()
    .regex(/^\s*[0-9.eE+]+(\s*,\s*[0-9.eE+]+)*\s*$/, "a comma-separated list of FLOP budgets, e.g. 1e15,1e16")
    .optional(),
  resamples: z.coerce.number().int().min(0).max(10_000).default(1000),
  seed: z.coerce.number().int().min(0).default(0),
});
const logQuery = z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) });
const runActionSchema = sweepActionResultSchema.shape.runs.element;
const sessionBody = z.strictObject({
  key: z.string().trim().min(1, "paste an API key (npx bytelab keys create)").max(200),
});
const sessionSchema = z.object({
  format: z.literal("bytelab.session/1"),
  signedIn: z.boolean(),
  key: apiKeySchema.nullable(),
  /** Whether this server requires keys (false: a loopback server, open to local reads). */
  keysRequired: z.boolean(),
});

/** Every route of /api/v1. The OpenAPI document lists exactly these; a test checks each has its route file. */
export const API = {
  health: {
    id: "getHealth",
    method: "GET",
    path: "/health",
    summary: "Liveness: Postgres, Redis and the alive workers (503 when Postgres or Redis is down)",
    tag: "system",
    scope: "public",
    response: healthSchema,
    sameBodyOn: [503],
  },
  openapi: {
    id: "getOpenApi",
    method: "GET",
    path: "/openapi.json",
    summary: "This document (OpenAPI 3.1)",
    tag: "system",
    scope: "public",
    response: z.record(z.string(), z.unknown()),
  },
  listSweeps: {
    id: "listSweeps",
    method: "GET",
    path: "/sweeps",
    summary: "Sweeps, newest first, with counts per status, outcome, progress and ETA (cursor pagination)",
    tag: "sweeps",
    scope: "read",
    query: sweepListQuerySchema,
    response: sweepListSchema,
  },
  createSweep: {
    id: "createSweep",
    method: "POST",
    path: "/sweeps",
    summary: "Submit a sweep / ablation / ladder spec (JSON, or YAML with Content-Type: application/yaml)",
    description:
      "Validates and expands the spec (422 with one detail per field, nothing written, when invalid), then creates the " +
      "sweep and its runs and queues them. Configs that already have a run are reused. The same spec again answers 200 " +
      "with the earlier sweep. Send an Idempotency-Key (e.g. the commit SHA) so a retried request never launches twice.",
    tag: "sweeps",
    scope: "write",
    query: repeatQuery,
    body: { kind: "spec" },
    idempotent: true,
    status: 201,
    response: submitResultSchema,
    errors: [413],
  },
  planSweep: {
    id: "planSweep",
    method: "POST",
    path: "/sweeps/plan",
    summary: "Dry run: validate a spec and show its runs, budgets, FLOPs and reuse, writing nothing",
    tag: "sweeps",
    scope: "read",
    query: repeatQuery,
    body: { kind: "spec" },
    response: sweepPlanSchema,
    errors: [413],
  },
  checkSweep: {
    id: "checkSweep",
    method: "POST",
    path: "/sweeps/check",
    summary:
      "Validate a spec for an editor: 200 with valid, every problem at its field, and the plan when valid",
    description:
      "The dry run of POST /sweeps/plan, for editors that validate as the user types: a spec with problems is an " +
      "answer (valid: false, issues with paths as the user wrote the spec), not a 422. Writes nothing.",
    tag: "sweeps",
    scope: "read",
    query: repeatQuery,
    body: { kind: "spec" },
    response: sweepCheckSchema,
    errors: [413],
  },
  getSweep: {
    id: "getSweep",
    method: "GET",
    path: "/sweeps/{id}",
    summary: "A sweep's status: its runs with step, bpb, throughput, worker, errors; counts, outcome, ETA",
    tag: "sweeps",
    scope: "read",
    params: sweepIdParams,
    response: sweepStatusSchema,
    errors: [404],
  },
  waitSweep: {
    id: "waitSweep",
    method: "GET",
    path: "/sweeps/{id}/wait",
    summary: "Long poll until every run of the sweep has finished (or the timeout)",
    tag: "sweeps",
    scope: "read",
    params: sweepIdParams,
    query: waitQuery,
    response: sweepWaitSchema,
    errors: [404],
  },
  cancelSweep: {
    id: "cancelSweep",
    method: "POST",
    path: "/sweeps/{id}/cancel",
    summary: "Cancel every QUEUED / RUNNING run of the sweep",
    tag: "sweeps",
    scope: "write",
    params: sweepIdParams,
    body: { kind: "json", schema: reasonBody },
    response: sweepActionResultSchema,
    errors: [404],
  },
  rerunSweep: {
    id: "rerunSweep",
    method: "POST",
    path: "/sweeps/{id}/rerun",
    summary:
      "Re-run the sweep's FAILED runs (and CANCELLED ones on request); each resumes from its checkpoint",
    tag: "sweeps",
    scope: "write",
    params: sweepIdParams,
    body: { kind: "json", schema: rerunSweepBody },
    response: sweepActionResultSchema,
    errors: [404],
  },
  sweepReport: {
    id: "getSweepReport",
    method: "GET",
    path: "/sweeps/{id}/report",
    summary:
      "The sweep's analysis: scaling fits with bootstrap bands, crossings, compute-matched table, seeds",
    description: "The same data `bytelab report` renders (@bytelab/analysis buildSweepReport).",
    tag: "sweeps",
    scope: "read",
    params: sweepIdParams,
    query: reportQuery,
    response: z.record(z.string(), z.unknown()).meta({ description: "@bytelab/analysis SweepReport" }),
    errors: [404],
  },
  listRuns: {
    id: "listRuns",
    method: "GET",
    path: "/runs",
    summary:
      "Runs with filters (sweep, status, architecture, config key=value, name), any sort, cursor pagination",
    tag: "runs",
    scope: "read",
    query: runListQuerySchema,
    response: runListSchema,
  },
  getRun: {
    id: "getRun",
    method: "GET",
    path: "/runs/{id}",
    summary: "A run: its row, what sets it apart in its sweep, environment, every metric recorded",
    tag: "runs",
    scope: "read",
    params: runIdParams,
    response: runDetailSchema,
    errors: [404],
  },
  waitRun: {
    id: "waitRun",
    method: "GET",
    path: "/runs/{id}/wait",
    summary: "Long poll until the run has finished (or the timeout)",
    tag: "runs",
    scope: "read",
    params: runIdParams,
    query: waitQuery,
    response: runWaitSchema,
    errors: [404],
  },
  runSeries: {
    id: "getRunSeries",
    method: "GET",
    path: "/runs/{id}/series",
    summary: "Metric series of one run, downsampled on the server (min/max buckets)",
    tag: "series",
    scope: "read",
    params: runIdParams,
    query: runSeriesQuerySchema,
    response: seriesResponseSchema,
    errors: [404],
  },
  compareSeries: {
    id: "getSeries",
    method: "GET",
    path: "/series",
    summary:
      "Metric series of several runs on one shared x grid (step, bytes, FLOPs, wall time), downsampled",
    tag: "series",
    scope: "read",
    query: seriesQuerySchema,
    response: seriesResponseSchema,
  },
  runEvents: {
    id: "listRunEvents",
    method: "GET",
    path: "/runs/{id}/events",
    summary: "The run's events (status changes, logs, checkpoints, early stops); `after` for live tailing",
    tag: "runs",
    scope: "read",
    params: runIdParams,
    query: runEventsQuerySchema,
    response: runEventsSchema,
    errors: [404],
  },
  runLogs: {
    id: "getRunLogs",
    method: "GET",
    path: "/runs/{id}/logs",
    summary: "The run's log lines (with the trainer output kept from failed attempts)",
    tag: "runs",
    scope: "read",
    params: runIdParams,
    query: logQuery,
    response: runLogSchema,
    errors: [404],
  },
  runArtifacts: {
    id: "listRunArtifacts",
    method: "GET",
    path: "/runs/{id}/artifacts",
    summary: "The run's checkpoints and other artifacts",
    tag: "runs",
    scope: "read",
    params: runIdParams,
    response: runArtifactsSchema,
    errors: [404],
  },
  cancelRun: {
    id: "cancelRun",
    method: "POST",
    path: "/runs/{id}/cancel",
    summary: "Cancel a QUEUED or RUNNING run (409 when it has finished)",
    tag: "runs",
    scope: "write",
    params: runIdParams,
    body: { kind: "json", schema: reasonBody },
    response: runActionSchema,
    errors: [404, 409],
  },
  rerunRun: {
    id: "rerunRun",
    method: "POST",
    path: "/runs/{id}/rerun",
    summary: "Re-run a FAILED or CANCELLED run from its last checkpoint (409 for any other status)",
    tag: "runs",
    scope: "write",
    params: runIdParams,
    body: { kind: "json", schema: reasonBody },
    response: runActionSchema,
    errors: [404, 409],
  },
  createVerdict: {
    id: "createVerdict",
    method: "POST",
    path: "/verdicts",
    summary:
      "Judge a run or sweep against a baseline: pass / regression / inconclusive, effect size and interval",
    tag: "verdicts",
    scope: "read",
    body: { kind: "json", schema: verdictRequestSchema },
    response: verdictSchema,
    errors: [404],
  },
  workers: {
    id: "getWorkers",
    method: "GET",
    path: "/workers",
    summary: "Workers (heartbeat age, devices, slots, current runs; stale ones flagged) and queue depths",
    tag: "workers",
    scope: "read",
    response: workersOverviewSchema,
  },
  listKeys: {
    id: "listKeys",
    method: "GET",
    path: "/keys",
    summary: "API keys (never their secrets), revoked ones marked",
    tag: "keys",
    scope: "admin",
    response: apiKeyListSchema,
  },
  createKey: {
    id: "createKey",
    method: "POST",
    path: "/keys",
    summary: "Create an API key; the answer holds its secret, shown this once",
    tag: "keys",
    scope: "admin",
    body: { kind: "json", schema: createApiKeyInputSchema },
    status: 201,
    response: createdApiKeySchema,
  },
  revokeKey: {
    id: "revokeKey",
    method: "DELETE",
    path: "/keys/{id}",
    summary: "Revoke an API key (by id or prefix); it stops working at once",
    tag: "keys",
    scope: "admin",
    params: idParams,
    response: apiKeySchema,
    errors: [404],
  },
  createSession: {
    id: "createSession",
    method: "POST",
    path: "/session",
    summary: "Dashboard sign-in: check an API key and keep it in an HTTP-only cookie for the browser",
    description:
      "Where keys are required (a server beyond loopback), the dashboard's pages and their requests use this cookie. " +
      "Other clients send `Authorization: Bearer <key>` instead.",
    tag: "system",
    scope: "public",
    body: { kind: "json", schema: sessionBody },
    response: sessionSchema,
  },
  deleteSession: {
    id: "deleteSession",
    method: "DELETE",
    path: "/session",
    summary: "Dashboard sign-out: forget the key cookie",
    tag: "system",
    scope: "public",
    response: sessionSchema,
  },
  runBoundaries: {
    id: "getRunBoundaries",
    method: "GET",
    path: "/runs/{id}/boundaries",
    summary: "H-Net chunk boundaries over validation text, from the run's latest checkpoint (runs the model)",
    description:
      "What `bytelab sample --show-boundaries` computes, on held-out text: the text in pieces, each starting where " +
      "a chunk starts (depth = nested stages starting there), and bytes per chunk per stage. `available: false` " +
      "with a reason for other architectures, a run without a checkpoint yet, or a checkpoint not on this server.",
    tag: "runs",
    scope: "read",
    params: runIdParams,
    query: runBoundariesQuerySchema,
    response: runBoundariesSchema,
    errors: [404],
  },
} as const satisfies Record<string, RouteContract>;

export type ApiRouteName = keyof typeof API;
