import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services/free-port";
import {
  type ApiEnv,
  type ApiServer,
  call,
  expectError,
  expectOk,
  openApiEnv,
  type Reply,
  rowCounts,
  serverEnv,
  startApi,
  tinySpec,
} from "./helpers";

// Idempotency-Key on POST /api/v1/sweeps, the CI retry protection: the same key and request -> one sweep and
// the first answer again (idempotency-replayed: true), also for 20 identical requests at once; the same key
// with another request -> 422; a first attempt that failed does not use the key up. No worker: the runs stay
// QUEUED, which is all this needs.

let env: ApiEnv;
let server: ApiServer;
let noRedis: ApiServer;

beforeAll(async () => {
  env = await openApiEnv("idempotency");
  const started = await Promise.allSettled([
    startApi({
      databaseUrl: env.db.url,
      redisUrl: env.redisUrl,
      workerPid: null,
      logFile: join(env.dir, "web.log"),
      env: serverEnv(env),
    }).then((s) => (server = s)),
    startApi({
      databaseUrl: env.db.url,
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      workerPid: null,
      logFile: join(env.dir, "no-redis.log"),
      env: serverEnv(env),
    }).then((s) => (noRedis = s)),
  ]);
  for (const r of started) if (r.status === "rejected") throw r.reason;
}, 120_000);

afterAll(async () => {
  await Promise.all([server, noRedis].map((s) => s?.stop()));
  await env?.close();
});

const submit = (
  spec: unknown,
  key: string | null,
  opts: { query?: string; apiKey?: string; base?: string } = {},
) =>
  call(
    opts.base ?? server.base,
    "createSweep",
    {},
    {
      body: spec,
      key: opts.apiKey ?? env.keys.write,
      query: opts.query ?? "",
      headers: key === null ? {} : { "idempotency-key": key },
    },
  );

const sweepCount = async () => (await rowCounts(env.pool)).sweeps;

describe("Idempotency-Key on POST /sweeps", () => {
  it("the same key twice: one sweep; the retry gets the first answer, marked replayed", async () => {
    const key = `ci-${randomUUID()}`;
    const spec = tinySpec("idem-twice", { repeat: true });
    const before = await sweepCount();
    const first = await submit(spec, key);
    const created = expectOk("createSweep", first, 201);
    expect(first.headers.get("idempotency-replayed")).toBe("false");
    const second = await submit(spec, key);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotency-replayed")).toBe("true");
    expect(expectOk("createSweep", second, 201)).toEqual(created);
    expect(second.text, "the replay is the first answer byte for byte").toBe(first.text);
    expect(await sweepCount()).toBe(before + 1);
  });

  it("20 identical requests at once with one key: exactly one sweep and 20 identical answers", async () => {
    const key = `ci-${randomUUID()}`;
    const spec = tinySpec("idem-burst", { seeds: [0, 1, 2], repeat: true });
    const before = await rowCounts(env.pool);
    const replies: Reply[] = await Promise.all(Array.from({ length: 20 }, () => submit(spec, key)));
    for (const r of replies) expectOk("createSweep", r, 201);
    const bodies = new Set(replies.map((r) => JSON.stringify(r.json)));
    expect(bodies.size, [...bodies].join("\n").slice(0, 2000)).toBe(1);
    expect(replies.filter((r) => r.headers.get("idempotency-replayed") === "false")).toHaveLength(1);
    const after = await rowCounts(env.pool);
    expect(after.sweeps).toBe(before.sweeps + 1);
    expect(after.runs).toBe(before.runs + 3);
    expect(after.idempotency_keys).toBe(before.idempotency_keys + 1);
  }, 60_000);

  it("with repeat (a new sweep on every submission) the key is what stops a retry launching twice", async () => {
    const spec = tinySpec("idem-repeat", { repeat: true });
    const before = await sweepCount();
    const a = expectOk("createSweep", await submit(spec, null), 201);
    const b = expectOk("createSweep", await submit(spec, null), 201);
    expect(a.sweepId).not.toBe(b.sweepId);
    expect(await sweepCount()).toBe(before + 2);
    const key = `ci-${randomUUID()}`;
    const c = expectOk("createSweep", await submit(spec, key), 201);
    const retried = await submit(spec, key);
    expect(expectOk("createSweep", retried, 201).sweepId).toBe(c.sweepId);
    expect(await sweepCount()).toBe(before + 3);
    // ?repeat=true on a spec without `repeat`: the same, through the query.
    const plain = tinySpec("idem-repeat-query");
    const q = `ci-${randomUUID()}`;
    const d = expectOk("createSweep", await submit(plain, q, { query: "?repeat=true" }), 201);
    expect(expectOk("createSweep", await submit(plain, q, { query: "?repeat=true" }), 201).sweepId).toBe(
      d.sweepId,
    );
    expect(await sweepCount()).toBe(before + 4);
  });

  it("the same key with another request (body, query) is refused with 422 and writes nothing", async () => {
    const key = `ci-${randomUUID()}`;
    expectOk("createSweep", await submit(tinySpec("idem-a", { repeat: true }), key), 201);
    const before = await rowCounts(env.pool);
    const otherBody = expectError(
      await submit(tinySpec("idem-b", { repeat: true }), key),
      422,
      "VALIDATION_FAILED",
    );
    expect(otherBody.error.details[0]).toMatchObject({ path: "headers.idempotency-key" });
    expectError(await submit(tinySpec("idem-a", { repeat: true }), key, { query: "?repeat=true" }), 422);
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("keys are per API key: another client's request with the same key is its own", async () => {
    const key = `ci-${randomUUID()}`;
    const spec = tinySpec("idem-scope", { repeat: true });
    const mine = expectOk("createSweep", await submit(spec, key), 201);
    const theirs = expectOk("createSweep", await submit(spec, key, { apiKey: env.keys.admin }), 201);
    expect(theirs.sweepId).not.toBe(mine.sweepId);
  });

  it("a first attempt that failed (invalid spec 422, Redis down 503) does not use the key up", async () => {
    const key = `ci-${randomUUID()}`;
    const spec = tinySpec("idem-retry", { repeat: true });
    const before = await rowCounts(env.pool);
    expectError(await submit({ ...spec, budget: { steps: -1 } }, key), 422);
    expectError(await submit(spec, key, { base: noRedis.base }), 503, "UNAVAILABLE");
    expect(await rowCounts(env.pool)).toEqual(before);
    const ok = await submit(spec, key);
    expectOk("createSweep", ok, 201);
    expect(ok.headers.get("idempotency-replayed")).toBe("false");
    expect(await sweepCount()).toBe(before.sweeps + 1);
  }, 60_000);

  it("keys: 1-200 printable ASCII characters; anything else is 400 before anything runs", async () => {
    const before = await rowCounts(env.pool);
    for (const bad of ["", "a b", "é", "x".repeat(201), "tab\there"])
      expectError(await submit(tinySpec("idem-bad", { repeat: true }), bad), 400, "BAD_REQUEST");
    expect(await rowCounts(env.pool)).toEqual(before);
  });
});
