import { join } from "node:path";
import { createApiKey, revokeApiKey } from "@bytelab/service";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteContract } from "../../apps/web/src/lib/api/contract";
import { freePort } from "../../scripts/services/free-port";
import { type RedisServerHandle, startRedisServer } from "../../scripts/services/redis-server";
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
  type RequestOptions,
  rowCounts,
  sendHttp,
  serverEnv,
  startApi,
  startApiExpectingExit,
  tinySpec,
} from "./helpers";

// Who may call what, against real `next start` processes:
//  - loopback (127.0.0.1, BYTELAB_AUTH=auto): reads open, changes only from the dashboard's own origin or with
//    a key; a DNS-rebinding page (Host: another name) is not the local user;
//  - every interface (0.0.0.0, auto): a key on every route except health and the OpenAPI document;
//  - 0.0.0.0 with BYTELAB_AUTH=off: the server refuses to start;
//  - the dashboard session cookie; rate limiting that a made-up X-Forwarded-For cannot dodge;
//  - keys never in the server's log.

let env: ApiEnv;
let loopback: ApiServer;
let open: ApiServer;
let limited: ApiServer;
let limitedRedis: RedisServerHandle;
let admin: { id: string; secret: string };
let readOnly: { id: string; secret: string };
let revoked: { id: string; secret: string };
const RATE_LIMIT = 10;

const ROUTES = Object.keys(API) as ApiRouteName[];
const NON_PUBLIC = ROUTES.filter((n) => (API[n] as RouteContract).scope !== "public");
const MUTATIONS = NON_PUBLIC.filter((n) => API[n].method !== "GET");

/** A request each route accepts as far as auth goes (ids may be unknown: 404 comes after auth). */
function request(name: ApiRouteName): { path: string; opts: RequestOptions } {
  const path = pathOf(API[name], API[name].path.includes("{id}") ? { id: "nope" } : {});
  const body =
    name === "createSweep" || name === "planSweep"
      ? tinySpec("auth")
      : name === "createKey"
        ? { name: "from-auth-test" }
        : name === "createVerdict"
          ? { candidate: { run: "nope" }, baseline: { value: 1 } }
          : name === "createSession"
            ? { key: "x" }
            : "body" in API[name]
              ? {}
              : undefined;
  return { path, opts: body === undefined ? {} : { body } };
}

async function make(name: string, scopes: Array<"read" | "write" | "admin">) {
  const created = await createApiKey(env.db.prisma, { name, scopes });
  return { id: created.key.id, secret: created.secret };
}

beforeAll(async () => {
  env = await openApiEnv("auth");
  admin = await make("auth-admin", ["admin"]);
  readOnly = await make("auth-read", ["read"]);
  revoked = await make("auth-revoked", ["admin"]);
  await revokeApiKey(env.db.prisma, revoked.id);
  // The rate-limited server counts in a Redis of its own: other test files' requests without a key (one
  // shared budget per Redis) must not use up its budget.
  limitedRedis = await startRedisServer({ port: await freePort(), dataDir: null });
  const log = (name: string) => join(env.dir, `${name}.log`);
  const started = await Promise.allSettled([
    startApi({
      databaseUrl: env.db.url,
      redisUrl: env.redisUrl,
      workerPid: null,
      logFile: log("loopback"),
      env: serverEnv(env),
    }).then((s) => (loopback = s)),
    startApi({
      databaseUrl: env.db.url,
      redisUrl: env.redisUrl,
      workerPid: null,
      host: "0.0.0.0",
      logFile: log("open"),
      env: serverEnv(env),
    }).then((s) => (open = s)),
    startApi({
      databaseUrl: env.db.url,
      redisUrl: limitedRedis.url,
      workerPid: null,
      logFile: log("limited"),
      env: serverEnv(env, { BYTELAB_RATE_LIMIT: String(RATE_LIMIT) }),
    }).then((s) => (limited = s)),
  ]);
  for (const r of started) if (r.status === "rejected") throw r.reason;
}, 180_000);

afterAll(async () => {
  await Promise.all([loopback, open, limited].map((s) => s?.stop()));
  await limitedRedis?.stop();
  await env?.close();
}, 60_000);

describe("a server on every interface (0.0.0.0)", () => {
  it("refuses to start with BYTELAB_AUTH=off: exits non-zero with the reason, never answers", async () => {
    const { exit, output, answered } = await startApiExpectingExit({
      databaseUrl: env.db.url,
      redisUrl: env.redisUrl,
      host: "0.0.0.0",
      logFile: join(env.dir, "off.log"),
      env: serverEnv(env, { BYTELAB_AUTH: "off" }),
    });
    expect(exit.code).not.toBe(0);
    expect(output).toMatch(/refusing to start: BYTELAB_AUTH=off while the server listens on 0\.0\.0\.0/);
    expect(output).toMatch(/BYTELAB_HOST|keys create/);
    expect(answered).toBe(false);
  }, 60_000);

  it("requires a key on every route except health, the OpenAPI document and the session", async () => {
    for (const name of NON_PUBLIC) {
      const { path, opts } = request(name);
      const e = expectError(await call(open.base, name, { id: "nope" }, opts), 401, "UNAUTHORIZED");
      expect(e.error.message, path).toMatch(/requires an API key/);
    }
    expectOk("health", await call(open.base, "health"));
    expectOk("openapi", await call(open.base, "openapi"));
    // The session routes are public by design: signing in checks the key itself.
    expectError(await call(open.base, "createSession", {}, { body: { key: "blk_00000000_x" } }), 401);
    expectError(await call(open.base, "createSession", {}, { body: { key: revoked.secret } }), 401);
  });

  it("a key revoked from another process stops working on every server at once, though servers cache keys", async () => {
    const key = await make("auth-cached", ["read"]);
    // Both servers have now authenticated (and cached) the key.
    for (const server of [open, loopback])
      expectOk("listSweeps", await call(server.base, "listSweeps", {}, { key: key.secret }));
    await revokeApiKey(env.db.prisma, key.id); // this test's process, not the servers'
    for (const server of [open, loopback]) {
      const deadline = Date.now() + 1_000; // the cache lives 60 s; the change notification takes milliseconds
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        status = (await call(server.base, "listSweeps", {}, { key: key.secret })).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe(401);
    }
  });

  it("serves a valid key (scope checked), refuses an unknown, revoked or malformed one", async () => {
    expectOk("listSweeps", await call(open.base, "listSweeps", {}, { key: readOnly.secret }));
    expectOk("listKeys", await call(open.base, "listKeys", {}, { key: admin.secret }));
    expectError(await call(open.base, "listKeys", {}, { key: readOnly.secret }), 403, "FORBIDDEN");
    expectError(await call(open.base, "createSweep", {}, { key: readOnly.secret, body: tinySpec("x") }), 403);
    expectError(await call(open.base, "listSweeps", {}, { key: revoked.secret }), 401, "UNAUTHORIZED");
    expectError(await call(open.base, "listSweeps", {}, { key: `blk_00000000_${"A".repeat(43)}` }), 401);
    for (const authorization of [
      "Bearer",
      "Bearer x y",
      `Basic ${Buffer.from(`u:${admin.secret}`).toString("base64")}`,
      `Token ${admin.secret}`,
      admin.secret,
    ])
      expectError(await call(open.base, "listSweeps", {}, { headers: { authorization } }), 401);
    // Case and spacing of the scheme do not matter.
    expectOk(
      "listSweeps",
      await call(
        open.base,
        "listSweeps",
        {},
        { headers: { authorization: `bearer   ${readOnly.secret}  ` } },
      ),
    );
  });

  it("a dashboard session: POST /session sets an HttpOnly cookie that then authorizes requests", async () => {
    const signIn = await call(open.base, "createSession", {}, { body: { key: admin.secret } });
    expect(expectOk("createSession", signIn)).toMatchObject({ signedIn: true, keysRequired: true });
    const setCookie = signIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const cookie = setCookie.split(";")[0]!;
    expectOk("listKeys", await call(open.base, "listKeys", {}, { headers: { cookie } }));
    // The cookie is ambient: a change it carries must come from the dashboard's own origin.
    expectError(
      await call(
        open.base,
        "createKey",
        {},
        { headers: { cookie, origin: "http://evil.example" }, body: { name: "csrf" } },
      ),
      403,
      "FORBIDDEN",
    );
    const created = await call(
      open.base,
      "createKey",
      {},
      { headers: { cookie, origin: open.origin }, body: { name: "via-cookie" } },
    );
    expectOk("createKey", created);
    // A read key's cookie gets no admin route; a revoked key's cookie gets nothing.
    const readCookie = `bytelab_key=${encodeURIComponent(readOnly.secret)}`;
    expectError(await call(open.base, "listKeys", {}, { headers: { cookie: readCookie } }), 403);
    expectError(
      await call(open.base, "listSweeps", {}, { headers: { cookie: `bytelab_key=${revoked.secret}` } }),
      401,
    );
    // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the cookie is Secure.
    const proxied = await call(
      open.base,
      "createSession",
      {},
      {
        body: { key: readOnly.secret },
        headers: { "x-forwarded-proto": "https" },
      },
    );
    expect(proxied.headers.get("set-cookie")).toMatch(/; Secure/);
    expect(setCookie).not.toMatch(/Secure/);
    // Sign out clears it.
    const signOut = await call(open.base, "deleteSession", {}, { headers: { cookie } });
    expect(signOut.headers.get("set-cookie")).toMatch(/^bytelab_key=; .*Max-Age=0/);
  });
});

describe("a loopback server (127.0.0.1)", () => {
  it("answers reads without a key", async () => {
    for (const name of ["listSweeps", "listRuns", "workers", "listKeys"] as const)
      expectOk(name, await call(loopback.base, name));
  });

  it("refuses a change from another site (foreign Origin, Sec-Fetch-Site: cross-site) with 403, writing nothing", async () => {
    const before = await rowCounts(env.pool);
    for (const name of MUTATIONS) {
      const { opts } = request(name);
      for (const headers of [
        { origin: "http://evil.example" },
        { origin: `http://127.0.0.1:${loopback.port + 1}` },
        { "sec-fetch-site": "cross-site" },
      ] as Array<Record<string, string>>)
        expectError(await call(loopback.base, name, { id: "nope" }, { ...opts, headers }), 403, "FORBIDDEN");
    }
    // Signing in from another site's page is refused too (login CSRF).
    expectError(
      await call(
        loopback.base,
        "createSession",
        {},
        { body: { key: admin.secret }, headers: { origin: "http://evil.example" } },
      ),
      403,
    );
    expectError(
      await call(loopback.base, "deleteSession", {}, { headers: { "sec-fetch-site": "cross-site" } }),
      403,
    );
    expect(await rowCounts(env.pool)).toEqual(before);
  });

  it("accepts the same change from its own origin, from a non-browser client, or with a bearer key", async () => {
    const key = (name: string) => ({ body: { name } });
    expectOk(
      "createKey",
      await call(
        loopback.base,
        "createKey",
        {},
        { ...key("same-origin"), headers: { origin: loopback.origin, "sec-fetch-site": "same-origin" } },
      ),
      201,
    );
    // The dashboard opened as http://localhost:PORT: Host and Origin both name localhost.
    const localhost = `localhost:${loopback.port}`;
    expectOk(
      "createKey",
      await sendHttp(loopback.base, "POST", "/keys", {
        headers: { host: localhost, origin: `http://${localhost}` },
        body: { name: "localhost-origin" },
      }),
      201,
    );
    // ...but a page of http://localhost:PORT calling http://127.0.0.1:PORT is another origin.
    expectError(
      await call(
        loopback.base,
        "createKey",
        {},
        { ...key("other"), headers: { origin: `http://${localhost}` } },
      ),
      403,
    );
    expectOk("createKey", await call(loopback.base, "createKey", {}, key("curl")), 201);
    expectOk(
      "createKey",
      await call(
        loopback.base,
        "createKey",
        {},
        {
          ...key("bearer"),
          key: admin.secret,
          headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
        },
      ),
      201,
    );
    const signIn = await call(
      loopback.base,
      "createSession",
      {},
      { body: { key: readOnly.secret }, headers: { origin: loopback.origin } },
    );
    expect(expectOk("createSession", signIn)).toMatchObject({ signedIn: true, keysRequired: false });
  });

  it("a key that is sent must work, even where none is needed", async () => {
    expectError(await call(loopback.base, "listSweeps", {}, { key: revoked.secret }), 401);
    expectError(
      await call(loopback.base, "listSweeps", {}, { headers: { authorization: "Bearer nope" } }),
      401,
    );
    expectError(await call(loopback.base, "listKeys", {}, { key: readOnly.secret }), 403);
  });

  it("a DNS-rebinding page (Host: its own name) is not served as the local user", async () => {
    const evil = `evil.example:${loopback.port}`;
    const headers = { host: evil, origin: `http://${evil}`, "sec-fetch-site": "same-origin" };
    const read = await sendHttp(loopback.base, "GET", "/keys", { headers });
    expect(expectError(read, 401, "UNAUTHORIZED").error.message).toMatch(/localhost/);
    const before = await rowCounts(env.pool);
    expectError(await sendHttp(loopback.base, "POST", "/keys", { headers, body: { name: "rebound" } }), 401);
    expect(await rowCounts(env.pool)).toEqual(before);
    // The dashboard's pages send such a visitor to sign in instead of showing the data.
    const page = await sendHttp(loopback.origin, "GET", "/sweeps", { headers });
    expect([302, 303, 307, 308]).toContain(page.status);
    expect(page.headers.get("location")).toMatch(/\/login\?next=/);
    // With a key it is an ordinary client; and the loopback names all work without one.
    const withKey = await sendHttp(loopback.base, "GET", "/keys", {
      headers: { ...headers, authorization: `Bearer ${admin.secret}` },
    });
    expectOk("listKeys", withKey);
    for (const host of [
      `localhost:${loopback.port}`,
      `127.0.0.1:${loopback.port}`,
      `[::1]:${loopback.port}`,
      "127.1.2.3",
    ])
      expectOk("listKeys", await sendHttp(loopback.base, "GET", "/keys", { headers: { host } }));
  });
});

describe("rate limiting", () => {
  it("requests without a key share one budget: a made-up X-Forwarded-For per request does not get around it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * RATE_LIMIT + 1 && !statuses.includes(429); i++)
      statuses.push(
        (await call(limited.base, "listSweeps", {}, { headers: { "x-forwarded-for": `10.0.${i}.${i}` } }))
          .status,
      );
    expect(statuses).toContain(429);
    // Each window's counter expires on its own (nothing piles up in Redis).
    const redis = new Redis(limitedRedis.url);
    try {
      const counters = await redis.keys("bytelab:ratelimit:*");
      expect(counters.length).toBeGreaterThan(0);
      for (const counter of counters) expect(await redis.ttl(counter)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    // A key has a budget of its own.
    expectOk("listSweeps", await call(limited.base, "listSweeps", {}, { key: readOnly.secret }));
  });
});

describe("keys never appear in what the servers print", () => {
  it("no secret (nor its random part) in any server's log after all of the above", async () => {
    // Also a failing sign-in and a request whose key is one character off.
    await call(open.base, "createSession", {}, { body: { key: `${admin.secret.slice(0, -1)}x` } });
    await call(open.base, "listSweeps", {}, { key: `${admin.secret.slice(0, -1)}x` });
    for (const server of [loopback, open, limited]) {
      const log = server.log();
      for (const { secret } of [
        admin,
        readOnly,
        revoked,
        ...Object.values(env.keys).map((s) => ({ secret: s })),
      ]) {
        expect(log).not.toContain(secret);
        expect(log).not.toContain(secret.slice(13, 33));
      }
    }
  });
});
