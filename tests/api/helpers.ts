import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTrainQueue } from "@bytelab/queue";
import { type ApiScope, createApiKey } from "@bytelab/service";
import pg from "pg";
import { expect, inject } from "vitest";
import type { RouteContract } from "../../apps/web/src/lib/api/contract";
import { API, type ApiRouteName } from "../../apps/web/src/lib/api/routes";
import { type ErrorEnvelope, errorEnvelopeSchema } from "../../apps/web/src/lib/schemas/error";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { freePort } from "../../scripts/services/free-port";
import { OutputTail } from "../../scripts/start/output-tail";
import { type ExitInfo, type Service, signalGroup, spawnService } from "../../scripts/start/service";
import { probeUrl, waitForHealthy } from "../../scripts/start/wait-ready";
import { nextBin, webDir } from "../../scripts/start/web-build";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "../reliability/helpers/worker-process";
import { REPO_ROOT } from "../start/start-process";

// The REST API as clients meet it: `next start` on the production build (as `npm start` runs it) against a
// database of the test file's own, the test run's Redis and, where runs must train, a real trainer worker on
// a queue of the file's own. No mocks: every request below goes over HTTP to that process.

export { API, type ApiRouteName };

/** What `next start` gets besides the URLs (telemetry off; NODE_ENV is vitest's "test", which Next must not see). */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
  delete env.NODE_ENV;
  delete env.HOSTNAME;
  return env;
}

export interface ApiServer {
  /** http://127.0.0.1:PORT (also for a server bound to 0.0.0.0). */
  origin: string;
  /** origin + /api/v1 */
  base: string;
  port: number;
  host: string;
  service: Service;
  logFile: string;
  /** Everything the server printed so far (its log file). */
  log(): string;
  /**
   * Stops the server; first says so when apps/web/.next was rebuilt under it (another test run's build):
   * its 500s (ChunkLoadError) are then not the API's.
   */
  stop(): Promise<void>;
}

const REBUILT_UNDER_US = /ChunkLoadError|Failed to load chunk|Cannot find module '[^']*\.next\//;

export interface StartApiOptions {
  databaseUrl: string;
  redisUrl: string;
  logFile: string;
  /** Address to listen on (default 127.0.0.1); BYTELAB_HOST is set to it, as `npm start` does. */
  host?: string;
  /** BYTELAB_AUTH, BYTELAB_RATE_LIMIT, BYTELAB_MAX_BODY_BYTES, BYTELAB_QUEUE... */
  env?: NodeJS.ProcessEnv;
  /** Ready once health lists this worker; null: once health answers at all (degraded servers, no worker). */
  workerPid: number | null;
  readyTimeoutMs?: number;
}

/** Spawns `next start` exactly as scripts/start/apps.ts does (own process group), quietly. */
function spawnNext(opts: StartApiOptions, port: number, host: string): Service {
  return spawnService({
    name: "web",
    command: process.execPath,
    args: [nextBin(REPO_ROOT), "start", "--port", String(port), "--hostname", host],
    cwd: webDir(REPO_ROOT),
    env: {
      ...childEnv(opts.env ?? {}),
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      PORT: String(port),
      BYTELAB_HOST: host,
      NODE_ENV: "production",
    },
    output: new OutputTail(opts.logFile, null, 200),
    stopSignal: "SIGTERM",
    graceMs: 10_000,
  });
}

/** What `next start` prints when apps/web/.next is being rebuilt under it (another test run's build). */
const BUILD_MISSING = /Could not find a production build|ENOENT[^\n]*\.next\//;

/**
 * `next start` on a free port; resolves once it is ready (see `workerPid`). Killed if the test process exits.
 * When another process is rebuilding apps/web/.next right then (a parallel test run's global setup), waits
 * for that build and tries again.
 */
export async function startApi(opts: StartApiOptions): Promise<ApiServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startApiOnce(opts);
    } catch (error) {
      if (attempt >= 4 || !BUILD_MISSING.test(String((error as Error).message))) throw error;
      await sleep(15_000 * attempt);
    }
  }
}

async function startApiOnce(opts: StartApiOptions): Promise<ApiServer> {
  const port = await freePort();
  const host = opts.host ?? "127.0.0.1";
  const service = spawnNext(opts, port, host);
  const killOnExit = () => signalGroup(service.pid, "SIGKILL");
  process.once("exit", killOnExit);
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  const stop = async () => {
    await service.stop();
    process.off("exit", killOnExit);
    if (REBUILT_UNDER_US.test(readFileSync(opts.logFile, "utf8")))
      console.warn(
        `[api tests] apps/web/.next was rebuilt while ${origin} served it (ChunkLoadError in ${opts.logFile}): ` +
          "500s from it are not the API's; rerun when no other build runs.",
      );
  };
  const origin = `http://127.0.0.1:${port}`;
  const health = probeUrl(host, port);
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  let problem: string | null = null;
  if (opts.workerPid === null) {
    problem = "the server did not answer";
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !exited) {
      try {
        await (await fetch(health, { signal: AbortSignal.timeout(5_000) })).arrayBuffer();
        problem = null;
        break;
      } catch (error) {
        problem = `the server did not answer: ${(error as Error).message}`;
      }
      await sleep(200);
    }
  } else {
    const ready = await waitForHealthy(health, opts.workerPid, timeoutMs, () => exited);
    problem = ready.ready ? null : ready.lastProblem;
  }
  if (problem !== null) {
    await stop();
    throw new Error(`next start did not get ready: ${problem}\n${service.output.text()}`);
  }
  return {
    origin,
    base: `${origin}/api/v1`,
    port,
    host,
    service,
    logFile: opts.logFile,
    log: () => readFileSync(opts.logFile, "utf8"),
    stop,
  };
}

/**
 * Runs `next start` with settings it must refuse; resolves with how it exited and what it printed, or
 * throws if it is still running after `timeoutMs` (it was supposed to stop).
 */
export async function startApiExpectingExit(
  opts: Omit<StartApiOptions, "workerPid">,
  timeoutMs = 30_000,
): Promise<{ exit: ExitInfo; output: string; answered: boolean }> {
  const port = await freePort();
  const host = opts.host ?? "127.0.0.1";
  const service = spawnNext({ ...opts, workerPid: null }, port, host);
  let answered = false;
  const deadline = Date.now() + timeoutMs;
  let exit: ExitInfo | null = null;
  void service.exited.then((e) => {
    exit = e;
  });
  while (exit === null && Date.now() < deadline) {
    // Did it ever answer a request? A server that refuses to start must not.
    try {
      const r = await fetch(probeUrl(host, port), { signal: AbortSignal.timeout(1_000) });
      await r.arrayBuffer();
      answered = true;
    } catch {}
    await sleep(100);
  }
  if (exit === null) {
    await service.stop();
    throw new Error(`next start kept running, it should have refused to start:\n${service.output.text()}`);
  }
  return { exit, output: readFileSync(opts.logFile, "utf8"), answered };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// The test file's environment: database, queue, worker.

export interface ApiEnv {
  db: TestDatabase;
  /** A pg pool on the file's database, for row counts. */
  pool: pg.Pool;
  redisUrl: string;
  /** The BullMQ queue this file's servers submit to (BYTELAB_QUEUE) and its worker consumes. */
  queueName: string;
  /** Logs of the servers and the worker's BYTELAB_HOME. */
  dir: string;
  worker: WorkerProcess | null;
  /** A key with each scope, created directly in the database. */
  keys: Record<ApiScope, string>;
  close(): Promise<void>;
}

export async function openApiEnv(label: string, opts: { worker?: boolean } = {}): Promise<ApiEnv> {
  const db = await createTestDatabase(`api_${label}`);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const redisUrl = inject("redisUrl");
  const queueName = `api-${label}-${randomBytes(3).toString("hex")}`;
  const dir = mkdtempSync(join(tmpdir(), `bytelab-api-${label}-`));
  const keys = {} as Record<ApiScope, string>;
  for (const scope of ["read", "write", "admin"] as const)
    keys[scope] = (await createApiKey(db.prisma, { name: `test-${scope}`, scopes: [scope] })).secret;
  let worker: WorkerProcess | null = null;
  if (opts.worker)
    worker = await startWorkerProcess(
      `api-${label}`,
      fastWorkerEnv({
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        WORKER_QUEUE: queueName,
        BYTELAB_HOME: join(dir, "home"),
      }),
    );
  return {
    db,
    pool,
    redisUrl,
    queueName,
    dir,
    worker,
    keys,
    async close() {
      await worker?.stop();
      const queue = openTrainQueue({ redisUrl, name: queueName });
      await queue.queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await pool.end();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Settings of a test server: its own queue, rate limiting off unless asked (Redis counts are shared). */
export function serverEnv(env: ApiEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { BYTELAB_QUEUE: env.queueName, BYTELAB_RATE_LIMIT: "0", ...extra };
}

export const TABLES = ["sweeps", "runs", "run_events", "api_keys", "idempotency_keys"] as const;
export type RowCounts = Record<(typeof TABLES)[number], number>;

/** Row counts of the tables a request could write to. */
export async function rowCounts(pool: pg.Pool): Promise<RowCounts> {
  const { rows } = await pool.query<RowCounts>(
    `SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(", ")}`,
  );
  return rows[0]!;
}

// ---------------------------------------------------------------------------------------------------------
// Requests.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

export interface RequestOptions {
  query?: Record<string, string | number | string[]> | string;
  /** A value to send as JSON. */
  body?: unknown;
  /** A body sent as is (with `contentType`). */
  raw?: string | Uint8Array | ReadableStream<Uint8Array>;
  contentType?: string;
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function queryString(query: RequestOptions["query"]): string {
  if (query === undefined) return "";
  if (typeof query === "string") return query.startsWith("?") || query === "" ? query : `?${query}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  const s = params.toString();
  return s ? `?${s}` : "";
}

export async function send(
  base: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
  let body: RequestInit["body"];
  if (opts.raw !== undefined) {
    body = opts.raw as RequestInit["body"];
    if (opts.contentType) headers["content-type"] = opts.contentType;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = opts.contentType ?? "application/json";
  }
  const init: RequestInit & { duplex?: "half" } = {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    redirect: "manual",
  };
  if (body instanceof ReadableStream) init.duplex = "half";
  const response = await fetch(`${base}${path}${queryString(opts.query)}`, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * Streams a body of `chunks` x `chunkSize` bytes with chunked transfer encoding (no Content-Length), as a
 * client piping a file would; resolves with the answer even when the server answers (and stops reading)
 * before the body is complete.
 */
export function sendChunked(
  base: string,
  method: string,
  path: string,
  opts: { chunks: number; chunkSize: number; headers?: Record<string, string> },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...opts.headers },
    });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {}
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
        resolve({ status: res.statusCode ?? 0, headers, text, json });
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(opts.chunkSize, "x");
    let sent = 0;
    const next = () => {
      if (answered || req.destroyed) return;
      if (sent++ >= opts.chunks) {
        req.end();
        return;
      }
      req.write(chunk, () => setTimeout(next, 5));
    };
    next();
  });
}

/**
 * One request through node:http, for headers fetch will not send as given (Host: fetch always writes the
 * URL's host).
 */
export function sendHttp(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
    });
    req.on("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {}
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
        resolve({ status: res.statusCode ?? 0, headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The contract's path with its {params} filled in (URL-encoded). */
export function pathOf(contract: RouteContract, params: Record<string, string> = {}): string {
  return contract.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${contract.id}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

/** Calls the route of the API object by name. */
export function call(
  base: string,
  name: ApiRouteName,
  params: Record<string, string> = {},
  opts: RequestOptions = {},
): Promise<Reply> {
  const contract = API[name] as RouteContract;
  return send(base, contract.method, pathOf(contract, params), opts);
}

/** Signs of an internal leak in a response: stack frames, source files with line:column, module folders. */
const LEAK =
  /(\n\s+at\s+\S|\bat\s+[^\s()]+\s+\((?:\/|file:|node:)[^)]*:\d+:\d+\)|[\w./-]+\.(?:[cm]?js|tsx?):\d+:\d+|node_modules\/|\.next\/server|ignore-listed frames)/;

export function expectNoLeak(reply: Reply): void {
  expect(reply.text, `the answer leaks internals: ${reply.text.slice(0, 500)}`).not.toMatch(LEAK);
}

/** An error answer: the status, the one envelope (nothing else in it), no stack trace, not cached. */
export function expectError(
  reply: Reply,
  status: number,
  code?: ErrorEnvelope["error"]["code"],
): ErrorEnvelope {
  const where = `HTTP ${reply.status}: ${reply.text.slice(0, 800)}`;
  expect(reply.status, where).toBe(status);
  expect(reply.headers.get("content-type") ?? "", where).toMatch(/^application\/json/);
  const parsed = errorEnvelopeSchema.strict().safeParse(reply.json);
  expect(parsed.success, `not the error envelope: ${where}`).toBe(true);
  const envelope = parsed.data as ErrorEnvelope;
  expect(Object.keys(envelope.error).sort(), where).toEqual(["code", "details", "message"]);
  for (const d of envelope.error.details)
    expect(
      Object.keys(d).every((k) => ["path", "issue", "fix"].includes(k)),
      where,
    ).toBe(true);
  if (code) expect(envelope.error.code, where).toBe(code);
  expect(envelope.error.message.length, where).toBeGreaterThan(0);
  expectNoLeak(reply);
  expect(reply.headers.get("cache-control"), where).toBe("no-store");
  return envelope;
}

/** A success answer of `name`: its contract's status and response schema. Returns the parsed body. */
export function expectOk<N extends ApiRouteName>(
  name: N,
  reply: Reply,
  status?: number,
): (typeof API)[N]["response"]["_zod"]["output"] {
  const contract = API[name] as RouteContract;
  const where = `${contract.id}: HTTP ${reply.status}: ${reply.text.slice(0, 800)}`;
  expect(reply.status, where).toBe(status ?? contract.status ?? 200);
  const parsed = contract.response.safeParse(reply.json);
  if (!parsed.success)
    throw new Error(`${where}\ndoes not match the contract's response schema: ${parsed.error.message}`);
  expectNoLeak(reply);
  return parsed.data as never;
}

// ---------------------------------------------------------------------------------------------------------
// Specs that train in seconds.

const QUICK_EVAL = { interval: 0, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } };
export const TINY_TRANSFORMER = { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 };

/** One tiny transformer per seed, `steps` steps each: a few seconds per run on one CPU. */
export function tinySpec(
  name: string,
  opts: { seeds?: number[]; steps?: number; lr?: number; repeat?: boolean } = {},
): Record<string, unknown> {
  return {
    name,
    base: {
      dataset: "brown",
      seqLen: 32,
      batchSize: 2,
      eval: QUICK_EVAL,
      logInterval: 1,
      ...(opts.lr !== undefined ? { optimizer: { lr: opts.lr } } : {}),
    },
    architectures: [{ architecture: "transformer", model: TINY_TRANSFORMER }],
    seeds: opts.seeds ?? [0],
    budget: { steps: opts.steps ?? 3 },
    ...(opts.repeat ? { repeat: true } : {}),
  };
}

/** The same spec as YAML text. */
export function tinySpecYaml(name: string, steps = 2): string {
  return [
    `name: ${name}`,
    "base: { dataset: brown, seqLen: 32, batchSize: 2, logInterval: 1,",
    "  eval: { interval: 0, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } } }",
    "architectures:",
    "  - architecture: transformer",
    "    model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 }",
    `budget: { steps: ${steps} }`,
    "",
  ].join("\n");
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
