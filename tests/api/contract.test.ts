import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteContract } from "../../apps/web/src/lib/api/contract";
import { healthSchema } from "../../apps/web/src/lib/schemas/health";
import { freePort } from "../../scripts/services/free-port";
import {
  API,
  type ApiEnv,
  type ApiRouteName,
  type ApiServer,
  call,
  expectError,
  expectOk,
  openApiEnv,
  pathOf,
  percentile,
  type Reply,
  type RequestOptions,
  rowCounts,
  sendChunked,
  serverEnv,
  sleep,
  startApi,
  tinySpec,
  tinySpecYaml,
} from "./helpers";

// Every route of the API object (apps/web/src/lib/api/routes.ts) called over HTTP against `next start` with
// a real trainer worker: each success answer validated with its contract's response schema, and each error
// status the API documents provoked on purpose, always answered with the one error envelope.
//
// Servers: `main` (loopback, auth auto, 64 KiB bodies) with the worker; `strict` (keys required, 5 requests
// a minute per key); `noRedis` (REDIS_URL on a closed port); `noDb` (DATABASE_URL on a closed port).

const MAX_BODY = 65_536;
const RATE_LIMIT = 5;
const ROUTES = Object.keys(API) as ApiRouteName[];
const NON_PUBLIC = ROUTES.filter((n) => (API[n] as RouteContract).scope !== "public");
const MUTATIONS = NON_PUBLIC.filter((n) => API[n].method !== "GET");
const WITH_ID = ROUTES.filter((n) => API[n].path.includes("{id}"));
const WITH_BODY = ROUTES.filter((n) => "body" in API[n]);

let env: ApiEnv;
let main: ApiServer;
let strict: ApiServer;
let noRedis: ApiServer;
let noDb: ApiServer;

/** Which routes answered their success contract, and which error statuses each route answered. */
const seenOk = new Set<ApiRouteName>();
const seenErrors = new Map<ApiRouteName, Set<number>>();

function ok<N extends ApiRouteName>(name: N, reply: Reply, status?: number) {
  const value = expectOk(name, reply, status);
  seenOk.add(name);
  return value;
}

function err(name: ApiRouteName, reply: Reply, status: number, code?: Parameters<typeof expectError>[2]) {
  const envelope = expectError(reply, status, code);
  const set = seenErrors.get(name) ?? new Set<number>();
  seenErrors.set(name, set.add(status));
  return envelope;
}

/** A cursor as the server encodes them (base64url JSON), with made-up contents. */
const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Path params and a valid body for each route, with the ids of the entities made below. */
const ids = { sweep: "", runA: "", runB: "", slowSweep: "", slowRun: "" };
function paramsFor(name: ApiRouteName, id?: string): Record<string, string> {
  if (!API[name].path.includes("{id}")) return {};
  if (id !== undefined) return { id };
  if (name === "revokeKey") return { id: "nope" };
  return { id: API[name].path.startsWith("/sweeps") ? ids.sweep : ids.runA };
}
function validBody(name: ApiRouteName): RequestOptions {
  switch (name) {
    case "createSweep":
    case "planSweep":
    case "checkSweep":
      return { body: tinySpec("contract-main", { seeds: [0, 1] }) };
    case "createVerdict":
      return { body: { candidate: { sweep: ids.sweep || "x" }, baseline: { value: 100 } } };
    case "createKey":
      return { body: { name: "made-by-test" } };
    case "createSession":
      return { body: { key: env.keys.read } };
    default:
      return "body" in API[name] ? { body: {} } : {};
  }
}

beforeAll(async () => {
  env = await openApiEnv("contract", { worker: true });
  const deadRedis = `redis://127.0.0.1:${await freePort()}`;
  const deadDb = `postgres://bytelab:bytelab@127.0.0.1:${await freePort()}/nothing`;
  const log = (name: string) => join(env.dir, `${name}.log`);
  const started = await Promise.allSettled([
    startApi({
      databaseUrl: env.db.url,
      redisUrl: env.redisUrl,
      workerPid: env.worker!.proc.pid!,
      logFile: log("main"),
      env: serverEnv(env, { BYTELAB_MAX_BODY_BYTES: String(MAX_BODY) }),
    }).then((s) => (main = s)),
    startApi({
      databaseUrl: env.db.url,
      redisUrl: env.redisUrl,
      workerPid: null,
      logFile: log("strict"),
      env: serverEnv(env, { BYTELAB_AUTH: "required", BYTELAB_RATE_LIMIT: String(RATE_LIMIT) }),
    }).then((s) => (strict = s)),
    startApi({
      databaseUrl: env.db.url,
      redisUrl: deadRedis,
      workerPid: null,
      logFile: log("no-redis"),
      env: serverEnv(env),
    }).then((s) => (noRedis = s)),
    startApi({
      databaseUrl: deadDb,
      redisUrl: env.redisUrl,
      workerPid: null,
      logFile: log("no-db"),
      env: serverEnv(env),
    }).then((s) => (noDb = s)),
  ]);
  for (const r of started) if (r.status === "rejected") throw r.reason;
}, 240_000);

afterAll(async () => {
  if (process.env.BYTELAB_TEST_VERBOSE)
    for (const s of [main, strict, noRedis, noDb])
      if (s) console.log(`--- ${s.logFile}\n${s.log().split("\n").slice(-150).join("\n")}`);
  await Promise.all([main, strict, noRedis, noDb].map((s) => s?.stop()));
  await env?.close();
}, 60_000);

describe("system routes", () => {
  it("health, openapi.json and workers answer their contracts", async () => {
    const health = ok("health", await call(main.base, "health"));
    expect(health).toMatchObject({ status: "ok", db: { ok: true }, redis: { ok: true } });
    const doc = ok("openapi", await call(main.base, "openapi")) as { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    const workers = ok("workers", await call(main.base, "workers"));
    expect(workers.workers.find((w) => w.pid === env.worker!.proc.pid)).toMatchObject({
      alive: true,
      stale: false,
    });
    expect(workers.queues.map((q) => q.name)).toContain(env.queueName);
    expect(workers.queueError).toBeNull();
  });
});

describe("a sweep through the API, trained by the worker", () => {
  it("plans a JSON and a YAML spec without writing anything", async () => {
    const before = await rowCounts(env.pool);
    const plan = ok("planSweep", await call(main.base, "planSweep", {}, validBody("planSweep")));
    expect(plan.totals).toMatchObject({ runs: 2, new: 2, reused: 0 });
    expect(plan.reuseChecked).toBe(true);
    const yaml = ok(
      "planSweep",
      await call(
        main.base,
        "planSweep",
        {},
        { raw: tinySpecYaml("contract-yaml"), contentType: "application/yaml" },
      ),
    );
    expect(yaml).toMatchObject({ name: "contract-yaml", totals: { runs: 1 } });
    // The editor's check: a valid spec answers its plan, an invalid one 200 with its problems at their fields.
    const valid = ok("checkSweep", await call(main.base, "checkSweep", {}, validBody("checkSweep")));
    expect(valid).toMatchObject({ valid: true, issues: [], plan: { totals: { runs: 2 } } });
    const invalid = ok(
      "checkSweep",
      await call(main.base, "checkSweep", {}, { body: { ...tinySpec("contract-bad"), seeds: [0, 0] } }),
    );
    expect(invalid).toMatchObject({ valid: false, plan: null });
    expect(invalid.issues.map((i) => i.path)).toEqual(["seeds"]);
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("submits (201), and the same spec again answers 200 with the same sweep", async () => {
    const created = ok(
      "createSweep",
      await call(main.base, "createSweep", {}, validBody("createSweep")),
      201,
    );
    expect(created).toMatchObject({ existing: false, enqueued: 2, enqueueError: null });
    ids.sweep = created.sweepId;
    [ids.runA, ids.runB] = created.created.map((c) => c.runId) as [string, string];
    const again = ok("createSweep", await call(main.base, "createSweep", {}, validBody("createSweep")), 200);
    expect(again).toMatchObject({ sweepId: ids.sweep, existing: true, created: [] });
  });

  it("GET /sweeps/{id}/wait returns finished: true once both runs COMPLETED", async () => {
    let wait = ok(
      "waitSweep",
      await call(main.base, "waitSweep", { id: ids.sweep }, { query: { timeout: 0 } }),
    );
    expect(wait.waitedSeconds).toBeLessThan(5);
    const deadline = Date.now() + 240_000;
    while (!wait.finished && Date.now() < deadline)
      wait = ok(
        "waitSweep",
        await call(main.base, "waitSweep", { id: ids.sweep }, { query: { timeout: 30 }, timeoutMs: 60_000 }),
      );
    expect(wait.finished).toBe(true);
    expect(wait.status.outcome).toBe("passed");
    expect(wait.status.counts.COMPLETED).toBe(2);
    const status = ok("getSweep", await call(main.base, "getSweep", { id: ids.sweep }));
    expect(status).toMatchObject({ outcome: "passed", total: 2 });
    expect(status.runs.every((r) => r.status === "COMPLETED" && r.step === 3)).toBe(true);
  }, 300_000);

  it("lists runs with filters, sort and cursor pagination", async () => {
    const list = (query: RequestOptions["query"]) =>
      call(main.base, "listRuns", {}, { query }).then((r) => ok("listRuns", r));
    expect((await list({ sweep: ids.sweep })).total).toBe(2);
    expect((await list({ sweep: "contract-main" })).total).toBe(2); // by name too
    expect((await list({ sweep: ids.sweep, status: "COMPLETED" })).total).toBe(2);
    expect((await list({ sweep: ids.sweep, status: "FAILED,DIVERGED" })).total).toBe(0);
    expect((await list({ status: ["QUEUED", "COMPLETED"], architecture: "transformer" })).total).toBe(2);
    expect((await list({ architecture: "hnet" })).total).toBe(0);
    // Keys that are JavaScript's own (a repeated __proto__ once turned the query into an array: sort=function).
    expect((await list(`?__proto__=a&__proto__=b&constructor=x&sweep=${ids.sweep}`)).total).toBe(2);
    expect((await list({ config: "model.n_embd=16" })).total).toBe(2);
    expect((await list({ config: ["model.n_embd=16", "seed=1"] })).runs.map((r) => r.id)).toEqual([ids.runB]);
    expect((await list({ config: "model.n_embd=17" })).total).toBe(0);
    expect((await list({ q: "S1" })).runs.map((r) => r.id)).toEqual([ids.runB]);
    const first = await list({ sweep: ids.sweep, sort: "seed", order: "asc", limit: 1 });
    expect(first.runs.map((r) => r.id)).toEqual([ids.runA]);
    expect(first.total).toBe(2);
    expect(first.nextCursor).toBeTypeOf("string");
    const second = await list({
      sweep: ids.sweep,
      sort: "seed",
      order: "asc",
      limit: 1,
      cursor: first.nextCursor!,
    });
    expect(second.runs.map((r) => r.id)).toEqual([ids.runB]);
    expect(second.nextCursor).toBeNull();
    const byBpb = await list({ sweep: ids.sweep, sort: "testBpb", order: "asc" });
    const values = byBpb.runs.map((r) => r.testBpb!);
    expect(values.every((v) => Number.isFinite(v))).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it("a run: detail, wait, series (every x axis), events, logs, artifacts", async () => {
    const run = ok("getRun", await call(main.base, "getRun", { id: ids.runA }));
    expect(run.run).toMatchObject({ id: ids.runA, status: "COMPLETED", step: 3, totalSteps: 3 });
    expect(run.metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining(["train/bpb", "val/bpb", "test/bpb"]),
    );
    const wait = ok("waitRun", await call(main.base, "waitRun", { id: ids.runA }, { query: { timeout: 5 } }));
    expect(wait.finished).toBe(true);
    expect(wait.waitedSeconds).toBeLessThan(2);
    for (const x of ["step", "bytes", "flops", "wall"]) {
      const series = ok(
        "runSeries",
        await call(main.base, "runSeries", { id: ids.runA }, { query: { metrics: "train/bpb,val/bpb", x } }),
      );
      expect(series.x).toBe(x);
      const train = series.series.find((s) => s.metric === "train/bpb")!;
      expect(train.step).toEqual([1, 2, 3]);
      expect(train.y.every((v) => v !== null && v > 0)).toBe(true);
    }
    const both = ok(
      "compareSeries",
      await call(
        main.base,
        "compareSeries",
        {},
        { query: { runs: `${ids.runA},${ids.runB}`, x: "flops", points: 10 } },
      ),
    );
    expect(new Set(both.series.map((s) => s.runId))).toEqual(new Set([ids.runA, ids.runB]));
    expect(both.missingRuns).toEqual([]);
    const missing = ok(
      "compareSeries",
      await call(main.base, "compareSeries", {}, { query: { runs: `${ids.runA},nope` } }),
    );
    expect(missing.missingRuns).toEqual(["nope"]);

    const events = ok("runEvents", await call(main.base, "runEvents", { id: ids.runA }));
    expect(events.events.some((e) => e.kind === "STATUS" && e.message.includes("COMPLETED"))).toBe(true);
    const lastId = events.events.at(-1)!.id;
    const newer = ok(
      "runEvents",
      await call(main.base, "runEvents", { id: ids.runA }, { query: { after: lastId } }),
    );
    expect(newer.events).toEqual([]);
    const statusOnly = ok(
      "runEvents",
      await call(main.base, "runEvents", { id: ids.runA }, { query: { kind: "STATUS" } }),
    );
    expect(statusOnly.events.every((e) => e.kind === "STATUS")).toBe(true);
    ok("runLogs", await call(main.base, "runLogs", { id: ids.runA }, { query: { limit: 10 } }));
    const artifacts = ok("runArtifacts", await call(main.base, "runArtifacts", { id: ids.runA }));
    expect(artifacts.artifacts.some((a) => a.kind === "CHECKPOINT" && a.step === 3)).toBe(true);
  });

  it("the sweep's report", async () => {
    const report = ok(
      "sweepReport",
      await call(main.base, "sweepReport", { id: ids.sweep }, { query: { resamples: 10 } }),
    );
    expect(report).toHaveProperty("sweep");
  });

  it("verdicts: pass, regression, and against a baseline run", async () => {
    const verdict = (body: unknown) =>
      call(main.base, "createVerdict", {}, { body }).then((r) => ok("createVerdict", r));
    const pass = await verdict({ candidate: { sweep: ids.sweep }, baseline: { value: 100 } });
    expect(pass.verdict).toBe("pass");
    expect(pass.candidate.n).toBe(2);
    expect(pass.effect?.interval).not.toBeNull(); // two seeds: an interval
    const regression = await verdict({ candidate: { sweep: ids.sweep }, baseline: { value: 1 } });
    expect(regression.verdict).toBe("regression");
    expect(regression.effect!.worseBy).toBeGreaterThan(1);
    expect(regression.compareUrl).toContain(main.origin);
    const byRun = await verdict({
      candidate: { run: ids.runA },
      baseline: { run: ids.runB },
      metric: "test/bpb",
      tolerance: 10,
    });
    expect(byRun).toMatchObject({ verdict: "pass", baseline: { kind: "run" } });
    expect(byRun.effect?.method).toBe("single-values");
  });

  it("409: cancel a finished run, re-run a COMPLETED run; nothing changes", async () => {
    const before = await rowCounts(env.pool);
    const cancel = err(
      "cancelRun",
      await call(main.base, "cancelRun", { id: ids.runA }, { body: {} }),
      409,
      "CONFLICT",
    );
    expect(cancel.error.details[0]).toMatchObject({ path: "status" });
    err("rerunRun", await call(main.base, "rerunRun", { id: ids.runA }, { body: {} }), 409, "CONFLICT");
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("cancel and re-run a run and a sweep", async () => {
    const slow = ok(
      "createSweep",
      await call(main.base, "createSweep", {}, { body: tinySpec("contract-slow", { steps: 100_000 }) }),
      201,
    );
    ids.slowSweep = slow.sweepId;
    ids.slowRun = slow.created[0]!.runId;
    const cancelled = ok(
      "cancelRun",
      await call(main.base, "cancelRun", { id: ids.slowRun }, { body: { reason: "test" } }),
    );
    expect(cancelled).toMatchObject({ runId: ids.slowRun, status: "CANCELLED", changed: true });
    const rerun = ok("rerunRun", await call(main.base, "rerunRun", { id: ids.slowRun }, { body: {} }));
    expect(rerun).toMatchObject({ previous: "CANCELLED", status: "QUEUED", changed: true });
    const sweepCancel = ok(
      "cancelSweep",
      await call(main.base, "cancelSweep", { id: ids.slowSweep }, { body: {} }),
    );
    expect(sweepCancel).toMatchObject({ action: "cancel", changed: 1 });
    const noFailed = ok(
      "rerunSweep",
      await call(main.base, "rerunSweep", { id: ids.slowSweep }, { body: {} }),
    );
    expect(noFailed.changed).toBe(0); // FAILED only by default
    const sweepRerun = ok(
      "rerunSweep",
      await call(main.base, "rerunSweep", { id: ids.slowSweep }, { body: { includeCancelled: true } }),
    );
    expect(sweepRerun).toMatchObject({ action: "rerun", changed: 1 });
    ok(
      "cancelSweep",
      await call(main.base, "cancelSweep", { id: ids.slowSweep }, { body: { reason: "done" } }),
    );
    const wait = ok(
      "waitSweep",
      await call(main.base, "waitSweep", { id: ids.slowSweep }, { query: { timeout: 30 } }),
    );
    expect(wait.finished).toBe(true);
    expect(wait.status.outcome).toBe("cancelled");
  }, 120_000);

  it("lists sweeps newest first, a page at a time", async () => {
    const page1 = ok("listSweeps", await call(main.base, "listSweeps", {}, { query: { limit: 1 } }));
    expect(page1.sweeps.map((s) => s.id)).toEqual([ids.slowSweep]);
    const page2 = ok(
      "listSweeps",
      await call(main.base, "listSweeps", {}, { query: { limit: 1, cursor: page1.nextCursor! } }),
    );
    expect(page2.sweeps.map((s) => s.id)).toEqual([ids.sweep]);
    expect(page2.sweeps[0]).toMatchObject({ outcome: "passed", counts: { COMPLETED: 2 } });
    expect(page2.nextCursor).toBeNull();
  });

  it("keys: create (secret shown once), list (no secrets), revoke; the revoked key gets 401", async () => {
    const created = ok(
      "createKey",
      await call(main.base, "createKey", {}, { body: { name: "ci", scopes: ["write"] } }),
      201,
    );
    expect(created.key.scopes).toEqual(["read", "write"]);
    expect(created.secret).toMatch(/^blk_[0-9a-f]{8}_/);
    ok("listSweeps", await call(main.base, "listSweeps", {}, { key: created.secret }));
    const list = ok("listKeys", await call(main.base, "listKeys"));
    expect(list.keys.map((k) => k.id)).toContain(created.key.id);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const revoked = ok("revokeKey", await call(main.base, "revokeKey", { id: created.key.id }));
    expect(revoked.revokedAt).not.toBeNull();
    const again = ok("revokeKey", await call(main.base, "revokeKey", { id: created.key.prefix }));
    expect(again.revokedAt).toBe(revoked.revokedAt);
    err("listSweeps", await call(main.base, "listSweeps", {}, { key: created.secret }), 401, "UNAUTHORIZED");
    err(
      "cancelRun",
      await call(main.base, "cancelRun", { id: ids.runA }, { key: created.secret, body: {} }),
      401,
    );
  });

  it("session: sign in sets an HttpOnly cookie, sign out clears it", async () => {
    const signIn = await call(main.base, "createSession", {}, validBody("createSession"));
    const session = ok("createSession", signIn);
    expect(session).toMatchObject({ signedIn: true, keysRequired: false, key: { name: "test-read" } });
    const cookie = signIn.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^bytelab_key=blk_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const signOut = await call(main.base, "deleteSession");
    expect(ok("deleteSession", signOut)).toMatchObject({ signedIn: false, key: null });
    expect(signOut.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    err(
      "createSession",
      await call(main.base, "createSession", {}, { body: { key: "blk_00000000_notakey" } }),
      401,
      "UNAUTHORIZED",
    );
  });
});

describe("errors: every documented status, always the envelope", () => {
  it("400: a body that is not JSON, on every route with a body", async () => {
    const before = await rowCounts(env.pool);
    for (const name of WITH_BODY) {
      const reply = await call(main.base, name, paramsFor(name), {
        raw: '{"name": "unclosed',
        contentType: "application/json",
      });
      const e = err(name, reply, 400, "BAD_REQUEST");
      expect(e.error.details[0]?.path).toBe("body");
    }
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("400: an Idempotency-Key that is not printable ASCII", async () => {
    const reply = await call(
      main.base,
      "createSweep",
      {},
      {
        ...validBody("createSweep"),
        headers: { "idempotency-key": "a b" },
      },
    );
    expect(err("createSweep", reply, 400).error.details[0]?.path).toBe("headers.idempotency-key");
  });

  it("401: where keys are required, no key, an unknown key or a malformed header, on every non-public route", async () => {
    const unknown = `blk_00000000_${"A".repeat(43)}`;
    for (const name of NON_PUBLIC) {
      const opts = validBody(name);
      for (const headers of [
        {} as Record<string, string>,
        { authorization: `Bearer ${unknown}` },
        { authorization: "Bearer not-a-key" },
        { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` },
        { authorization: "Bearer" },
        { cookie: "bytelab_key=not-a-key" },
      ])
        err(
          name,
          await call(strict.base, name, paramsFor(name, "x"), { ...opts, headers }),
          401,
          "UNAUTHORIZED",
        );
    }
    // Public routes need no key.
    ok("health", await call(strict.base, "health"));
    ok("openapi", await call(strict.base, "openapi"));
    ok("deleteSession", await call(strict.base, "deleteSession"));
  });

  it("401: on loopback too, a key that is sent must be valid (unknown, malformed)", async () => {
    err("listRuns", await call(main.base, "listRuns", {}, { key: `blk_00000000_${"A".repeat(43)}` }), 401);
    err("getSweep", await call(main.base, "getSweep", { id: "x" }, { key: "nope" }), 401);
  });

  it("403: a key without the scope", async () => {
    for (const name of NON_PUBLIC) {
      const scope = (API[name] as RouteContract).scope;
      const weaker = scope === "admin" ? ["read", "write"] : scope === "write" ? ["read"] : [];
      for (const k of weaker) {
        const reply = await call(main.base, name, paramsFor(name, "x"), {
          ...validBody(name),
          key: env.keys[k as "read" | "write"],
        });
        expect(err(name, reply, 403, "FORBIDDEN").error.details[0]).toMatchObject({ path: "scope" });
      }
    }
  });

  it("403: a cross-site change on a loopback server (foreign Origin, Sec-Fetch-Site: cross-site)", async () => {
    const before = await rowCounts(env.pool);
    for (const name of MUTATIONS)
      for (const headers of [
        { origin: "http://evil.example" } as Record<string, string>,
        { origin: "null" },
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site", origin: "http://sub.example" },
      ])
        err(
          name,
          await call(main.base, name, paramsFor(name, "x"), { ...validBody(name), headers }),
          403,
          "FORBIDDEN",
        );
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("404: an unknown id on every route with one", async () => {
    const before = await rowCounts(env.pool);
    for (const name of WITH_ID) {
      const e = err(
        name,
        await call(main.base, name, paramsFor(name, "nope"), validBody(name)),
        404,
        "NOT_FOUND",
      );
      expect(e.error.message).toContain("nope");
    }
    err(
      "createVerdict",
      await call(
        main.base,
        "createVerdict",
        {},
        { body: { candidate: { run: "nope" }, baseline: { value: 1 } } },
      ),
      404,
    );
    err(
      "createVerdict",
      await call(
        main.base,
        "createVerdict",
        {},
        { body: { candidate: { sweep: "nope" }, baseline: { value: 1 } } },
      ),
      404,
    );
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("413: a body over BYTELAB_MAX_BODY_BYTES, declared or streamed without a length", async () => {
    const before = await rowCounts(env.pool);
    const big = JSON.stringify({ ...tinySpec("big"), description: "x".repeat(MAX_BODY) });
    for (const name of WITH_BODY) {
      err(
        name,
        await call(main.base, name, paramsFor(name), { raw: big, contentType: "application/json" }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
      const streamed = await sendChunked(main.base, API[name].method, pathOf(API[name], paramsFor(name)), {
        chunks: 8,
        chunkSize: 16_384,
      });
      err(name, streamed, 413, "PAYLOAD_TOO_LARGE");
    }
    const yaml = `${tinySpecYaml("big-yaml")}description: ${"y".repeat(MAX_BODY)}\n`;
    err(
      "createSweep",
      await call(main.base, "createSweep", {}, { raw: yaml, contentType: "application/yaml" }),
      413,
    );
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("422: an invalid spec, one detail per field with its path and fix; nothing written", async () => {
    const before = await rowCounts(env.pool);
    const bad = { ...tinySpec("bad", { seeds: [0, 0] }), budget: { steps: -1 } };
    for (const name of ["createSweep", "planSweep"] as const) {
      const e = err(name, await call(main.base, name, {}, { body: bad }), 422, "VALIDATION_FAILED");
      expect(e.error.details.map((d) => d.path).sort()).toEqual(["budget.steps", "seeds"]);
      expect(e.error.details.every((d) => d.issue && d.fix)).toBe(true);
    }
    const yaml = err(
      "createSweep",
      await call(main.base, "createSweep", {}, { raw: "name: [unclosed", contentType: "application/yaml" }),
      422,
    );
    expect(yaml.error.details[0]?.issue).toMatch(/line 1/);
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("422: invalid query, path and body fields, each with its path", async () => {
    const cases: Array<[ApiRouteName, Record<string, string>, RequestOptions, string]> = [
      ["listRuns", {}, { query: { limit: 0 } }, "query.limit"],
      ["listRuns", {}, { query: { status: "DONE" } }, "query.status.0"],
      ["listRuns", {}, { query: { sort: "bogus" } }, "query.sort"],
      ["listRuns", {}, { query: { config: "no-equals" } }, "query.config.0"],
      ["listRuns", {}, { query: { cursor: "garbage" } }, "cursor"],
      ["listSweeps", {}, { query: { limit: 201 } }, "query.limit"],
      ["listSweeps", {}, { query: { cursor: "garbage" } }, "cursor"],
      ["waitSweep", { id: "x" }, { query: { timeout: 121 } }, "query.timeout"],
      ["waitRun", { id: "x" }, { query: { timeout: -1 } }, "query.timeout"],
      ["runSeries", { id: "x" }, { query: { x: "time" } }, "query.x"],
      ["runSeries", { id: "x" }, { query: { points: 9 } }, "query.points"],
      ["compareSeries", {}, { query: { runs: "a", from: 5, to: 1 } }, "query.to"],
      ["compareSeries", {}, { query: {} }, "query.runs"],
      ["runEvents", { id: "x" }, { query: { after: "abc" } }, "query.after"],
      ["runLogs", { id: "x" }, { query: { limit: 5001 } }, "query.limit"],
      ["sweepReport", { id: "x" }, { query: { budgets: "lots" } }, "query.budgets"],
      ["getRun", { id: " " }, {}, "path.id"],
      ["getSweep", { id: "x".repeat(201) }, {}, "path.id"],
      ["cancelRun", { id: "x" }, { body: { reason: "x", extra: 1 } }, "body"],
      ["rerunSweep", { id: "x" }, { body: { includeCancelled: "yes" } }, "body.includeCancelled"],
      ["createKey", {}, { body: { name: "k", scopes: ["root"] } }, "body.scopes.0"],
      ["createKey", {}, { body: { name: "" } }, "body.name"],
      ["createVerdict", {}, { body: { baseline: { value: 1 } } }, "body.candidate"],
      [
        "createVerdict",
        {},
        { body: { candidate: { run: "x" }, baseline: { value: 1 }, confidence: 2 } },
        "body.confidence",
      ],
      ["createSession", {}, { body: {} }, "body.key"],
      // Postgres stores no NUL character: refused up front (it used to reach SQL and answer 500).
      ["getRun", { id: "a\u0000b" }, {}, "path.id"],
      ["listRuns", {}, { query: { q: "\u0000" } }, "query.q"],
      ["listRuns", {}, { query: { sweep: "x\u0000" } }, "query.sweep"],
      ["listRuns", {}, { query: { config: 'model.x="\\u0000"' } }, "query.config.0"],
      ["compareSeries", {}, { query: { runs: "a,\u0000" } }, "query.runs.1"],
      ["createKey", {}, { body: { name: "a\u0000" } }, "body.name"],
      ["cancelRun", { id: ids.runA }, { body: { reason: "\u0000" } }, "body.reason"],
      ["createSweep", {}, { body: tinySpec("nul\u0000") }, "name"],
      ["planSweep", {}, { raw: 'name: "a\\0b"\n', contentType: "application/yaml" }, "name"],
      ["runEvents", { id: ids.runA }, { query: { after: "9999999999999999999" } }, "query.after"],
      // A YAML value inside its own anchor (once hung the server), and nesting too deep to validate.
      [
        "createSweep",
        {},
        { raw: "name: x\nbase: &b { inner: *b }\n", contentType: "application/yaml" },
        "base.inner",
      ],
      ["planSweep", {}, { raw: "a: &a [*a]\n", contentType: "application/yaml" }, "a.0"],
      [
        "createSweep",
        {},
        {
          raw: `{"name":"deep","base":${"[".repeat(30_000)}${"]".repeat(30_000)}}`,
          contentType: "application/json",
        },
        `base${".0".repeat(64)}`,
      ],
      // Forged cursors: a NUL in the id, a value that is no timestamp.
      [
        "listSweeps",
        {},
        { query: { cursor: forged({ t: "2026-01-01T00:00:00.000Z", id: "\u0000" }) } },
        "cursor",
      ],
      [
        "listRuns",
        {},
        { query: { cursor: forged({ s: "queuedAt", o: "desc", v: "garbage", id: "x" }) } },
        "cursor",
      ],
    ];
    for (const [name, params, opts, path] of cases) {
      const e = err(name, await call(main.base, name, params, opts), 422, "VALIDATION_FAILED");
      expect(
        e.error.details.map((d) => d.path),
        `${name} ${JSON.stringify(opts).slice(0, 200)} -> ${JSON.stringify(e.error.details).slice(0, 300)}`,
      ).toContain(path);
    }
  });

  it("429: over BYTELAB_RATE_LIMIT per key, with Retry-After", async () => {
    const replies: Reply[] = [];
    // A fixed one-minute window: if it turns over mid-way the count restarts once, so 2 x limit + 1 suffice.
    for (let i = 0; i < 2 * RATE_LIMIT + 1; i++) {
      const reply = await call(strict.base, "listSweeps", {}, { key: env.keys.read });
      replies.push(reply);
      if (reply.status === 429) break;
    }
    const limited = replies.at(-1)!;
    const e = err("listSweeps", limited, 429, "RATE_LIMITED");
    expect(e.error.message).toContain(String(RATE_LIMIT));
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(replies.slice(0, -1).every((r) => r.status === 200)).toBe(true);
    expect(replies.length).toBeGreaterThan(RATE_LIMIT);
    // Another key has its own budget.
    ok("listSweeps", await call(strict.base, "listSweeps", {}, { key: env.keys.write }));
  });

  it("503: Redis down: submit answers 503 and writes nothing; reads still work", async () => {
    const before = await rowCounts(env.pool);
    const t0 = Date.now();
    const e = err(
      "createSweep",
      await call(noRedis.base, "createSweep", {}, { body: tinySpec("no-redis") }),
      503,
      "UNAVAILABLE",
    );
    expect(e.error.message).toMatch(/Redis/);
    expect(Date.now() - t0).toBeLessThan(15_000);
    err(
      "createSweep",
      await call(
        noRedis.base,
        "createSweep",
        {},
        {
          raw: tinySpecYaml("no-redis-yaml"),
          contentType: "application/yaml",
          headers: { "idempotency-key": "no-redis" },
        },
      ),
      503,
    );
    expect(await rowCounts(env.pool)).toEqual(before);
    ok("listSweeps", await call(noRedis.base, "listSweeps"));
    ok("getSweep", await call(noRedis.base, "getSweep", { id: ids.sweep }));
    const workers = ok("workers", await call(noRedis.base, "workers"));
    expect(workers.queueError).toBeTypeOf("string");
    const health = await call(noRedis.base, "health");
    expect(health.status).toBe(503);
    expect(healthSchema.parse(health.json)).toMatchObject({ status: "degraded", redis: { ok: false } });
  }, 60_000);

  it("503: Postgres down: reads and writes answer 503 with the envelope, not 500", async () => {
    for (const name of ["listSweeps", "listRuns", "getRun", "listKeys"] as const)
      err(name, await call(noDb.base, name, paramsFor(name, "x")), 503, "UNAVAILABLE");
    err(
      "createSweep",
      await call(noDb.base, "createSweep", {}, { body: tinySpec("no-db") }),
      503,
      "UNAVAILABLE",
    );
    const health = await call(noDb.base, "health");
    expect(health.status).toBe(503);
    expect(healthSchema.parse(health.json)).toMatchObject({ status: "degraded", db: { ok: false } });
  }, 60_000);
});

describe("coverage of the contract", () => {
  it("routes not exercised above (added since): GET ones answer their contract with the sweep's run", async () => {
    for (const name of ROUTES.filter((n) => !seenOk.has(n) && API[n].method === "GET"))
      ok(name, await call(main.base, name, paramsFor(name)));
  });

  it("every route of the API object answered its success contract", () => {
    expect(ROUTES.filter((n) => !seenOk.has(n))).toEqual([]);
  });

  it("every route answered each error status it can answer", () => {
    const missing: string[] = [];
    for (const name of ROUTES) {
      const c = API[name] as RouteContract;
      const expected = new Set<number>(c.errors ?? []);
      if (c.scope !== "public") {
        expected.add(401);
        if (c.scope !== "read") expected.add(403);
      }
      if (c.body) expected.add(400);
      for (const status of expected)
        if (!seenErrors.get(name)?.has(status)) missing.push(`${c.id} ${status}`);
    }
    expect(missing).toEqual([]);
  });
});

describe("smoke load", () => {
  it("50 clients polling a run and a sweep for 5 s: no errors", async () => {
    const until = Date.now() + 5_000;
    const latencies: number[] = [];
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        while (Date.now() < until) {
          const t0 = performance.now();
          const reply =
            i % 2 === 0
              ? await call(main.base, "getRun", { id: ids.runA })
              : await call(main.base, "getSweep", { id: ids.sweep });
          latencies.push(performance.now() - t0);
          if (reply.status !== 200) failures.push(`${reply.status} ${reply.text.slice(0, 200)}`);
          await sleep(20);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    console.log(
      `[api smoke] ${latencies.length} requests in 5 s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
    );
    expect(failures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(250);
  }, 30_000);
});

describe("no stack traces or secrets in what the servers printed", () => {
  it("the server logs name no API key", () => {
    for (const server of [main, strict, noRedis, noDb])
      for (const secret of Object.values(env.keys)) expect(server.log()).not.toContain(secret);
  });
});
