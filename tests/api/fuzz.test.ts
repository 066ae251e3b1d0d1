import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import fc from "../../apps/web/test/api-fast-check";
import type { RouteContract } from "../../apps/web/src/lib/api/contract";
import {
  API,
  type ApiEnv,
  type ApiRouteName,
  type ApiServer,
  expectError,
  expectNoLeak,
  openApiEnv,
  pathOf,
  type Reply,
  type RequestOptions,
  type RowCounts,
  rowCounts,
  send,
  serverEnv,
  startApi,
  tinySpec,
} from "./helpers";

// Property-based fuzzing of the REST API over HTTP (fast-check): random bodies, query strings, path ids and
// headers against the mutating and the reading routes of a running server. Whatever comes in:
//  - never a 500 (nor any 5xx: Postgres and Redis are up), never a stack trace or a source path;
//  - an error is always the one envelope, with a status the API documents;
//  - a success answers its contract's schema;
//  - no partial write: after every rejected request the row counts of sweeps, runs, run_events, api_keys and
//    idempotency_keys are what they were before it.
// The seed is printed; rerun a failure with BYTELAB_FUZZ_SEED=<seed> (fast-check also prints the path).

const SEED = Number(process.env.BYTELAB_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.BYTELAB_FUZZ_RUNS ?? 250);
const MAX_BODY = 16_384;

let env: ApiEnv;
let server: ApiServer;
const ids = { sweep: "", run: "", cancelledRun: "" };

beforeAll(async () => {
  console.log(`[api fuzz] seed ${SEED} (BYTELAB_FUZZ_SEED=${SEED} to replay), ${RUNS} runs per property`);
  fc.configureGlobal({ seed: SEED, numRuns: RUNS, endOnFailure: true });
  env = await openApiEnv("fuzz");
  server = await startApi({
    databaseUrl: env.db.url,
    redisUrl: env.redisUrl,
    workerPid: null,
    logFile: join(env.dir, "web.log"),
    env: serverEnv(env, { BYTELAB_MAX_BODY_BYTES: String(MAX_BODY) }),
  });
  // Something to point at: a sweep of two QUEUED runs (no worker takes them), one of them cancelled.
  const submitted = await send(server.base, "POST", "/sweeps", {
    body: tinySpec("fuzz-base", { seeds: [0, 1] }),
  });
  expect(submitted.status, submitted.text).toBe(201);
  const body = submitted.json as { sweepId: string; created: Array<{ runId: string }> };
  ids.sweep = body.sweepId;
  ids.run = body.created[0]!.runId;
  ids.cancelledRun = body.created[1]!.runId;
  const cancelled = await send(server.base, "POST", `/runs/${ids.cancelledRun}/cancel`, { body: {} });
  expect(cancelled.status, cancelled.text).toBe(200);
}, 180_000);

afterAll(async () => {
  if (process.env.BYTELAB_TEST_VERBOSE && server)
    console.log(server.log().split("\n").slice(-200).join("\n"));
  await server?.stop();
  await env?.close();
}, 60_000);

/** The statuses a route may answer, per the API: its own errors plus those every route may give. */
function documented(name: ApiRouteName): Set<number> {
  const c = API[name] as RouteContract;
  return new Set([
    c.status ?? 200,
    200,
    ...(c.errors ?? []),
    400,
    422,
    ...(c.scope === "public" ? [401] : [401, 403]),
    ...(c.method !== "GET" ? [403] : []),
    // 413 only where there is a body; 409 when an Idempotency-Key is still being used by another request.
    ...(c.body ? [413] : []),
    ...(c.idempotent ? [409] : []),
  ]);
}

/** Sends one fuzzed request and checks every invariant; returns the reply for property-specific checks. */
async function probe(name: ApiRouteName, path: string, opts: RequestOptions): Promise<Reply> {
  const c = API[name] as RouteContract;
  const before = await rowCounts(env.pool);
  // A request that takes this long hangs the server (every later one would time out too).
  const reply = await send(server.base, c.method, path, { timeoutMs: 20_000, ...opts });
  const what = `${c.method} ${path}${typeof opts.query === "string" ? opts.query : ""} -> ${reply.status}: ${reply.text.slice(0, 300)}`;
  expect(reply.status, what).toBeLessThan(500);
  expect([...documented(name)], what).toContain(reply.status);
  expectNoLeak(reply);
  if (reply.status >= 400) {
    expectError(reply, reply.status);
    const after: RowCounts = await rowCounts(env.pool);
    expect(after, `a rejected request wrote: ${what}`).toEqual(before);
  } else {
    const parsed = c.response.safeParse(reply.json);
    expect(parsed.success, `${what}\n${parsed.error?.message}`).toBe(true);
  }
  return reply;
}

// ---------------------------------------------------------------------------------------------------------
// Generators.

/** Strings that have broken servers before: NUL, lone surrogates, RTL marks, emoji, SQL and path syntax. */
const nasty = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\u202e\u0041",
  "😀",
  "' OR 1=1 --",
  "%00",
  "%",
  "..",
  "../../etc/passwd",
  "\\u0000",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "9999999999999999999",
  "9223372036854775808",
  "0x10",
  " ",
  "",
  "null",
  "[]",
  "{}",
  "x".repeat(300),
);
const text = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const numberText = fc.oneof(
  fc.constantFrom(
    "0",
    "-1",
    "1",
    "1.5",
    "1e3",
    "-0",
    "NaN",
    "Infinity",
    "1e308",
    "1e-320",
    "2e9",
    "9007199254740993",
  ),
  fc.integer({ min: -10, max: 6000 }).map(String),
  fc.double().map(String),
);
const queryValue = fc.oneof(text, numberText);
const jsonText = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null");

/** JSON that does not parse: a valid document cut or with a stray character. */
const brokenJson = fc
  .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.constantFrom("", "{", "]", ",", "'", "\u0000", "\\"))
  .map(([v, cut, extra]) => {
    const s = JSON.stringify(v) ?? "null";
    return `${s.slice(0, cut % (s.length + 1))}${extra}${s.length > 1 ? "}" : "{"}`;
  })
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });

/** YAML: random values dumped, with anchors, aliases, tags and broken indentation mixed in. */
const yamlText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => toYaml(v)),
  fc.constantFrom(
    "a: &a [1, 2]\nb: *a\n",
    "a: &a [*a]\n",
    "x: !!binary aGVsbG8=\n",
    "x: !!js/function 'function(){}'\n",
    "x: !custom 1\n",
    "? [complex, key]\n: value\n",
    "name: [unclosed\n",
    'name: "a\\0b"\narchitectures: []\n',
    "---\nname: a\n---\nname: b\n",
    "  bad:\n indent: 1\n",
    `lol: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
  ),
  fc.string({ maxLength: 200 }),
);

/** A valid tiny spec with one field replaced by something random (close to valid: deep validation paths). */
const nearSpec = fc
  .tuple(
    fc.constantFrom(
      "name",
      "base",
      "base.seqLen",
      "base.batchSize",
      "base.dataset",
      "base.optimizer",
      "architectures",
      "architectures.0",
      "architectures.0.architecture",
      "architectures.0.model",
      "architectures.0.model.n_embd",
      "seeds",
      "budget",
      "budget.steps",
      "kind",
      "priority",
      "repeat",
      "parameters",
      "earlyStopping",
      "unknownKey",
    ),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), text, fc.integer({ min: -5, max: 5 })),
  )
  .map(([path, value]) => {
    const spec = structuredClone(tinySpec("fuzz-near", { steps: 2 })) as Record<string, unknown>;
    const keys = path.split(".");
    let at: Record<string, unknown> = spec;
    for (const k of keys.slice(0, -1)) {
      const next = at[k];
      if (typeof next !== "object" || next === null) at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    at[keys.at(-1)!] = value;
    return spec;
  });

const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "application/yaml",
  "text/yaml",
  "application/x-yaml; charset=utf-16",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
  "",
  "application/json;;;",
);

/** A body: raw text with a content type (JSON, broken JSON, YAML, binary, huge) or a near-valid spec. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.record({ raw: jsonText, contentType }) },
  { weight: 2, arbitrary: fc.record({ raw: brokenJson, contentType }) },
  {
    weight: 2,
    arbitrary: fc.record({ raw: yamlText, contentType: fc.constantFrom("application/yaml", "text/yaml") }),
  },
  { weight: 1, arbitrary: fc.record({ raw: fc.string({ unit: "binary", maxLength: 300 }), contentType }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: MAX_BODY - 64, max: 4 * MAX_BODY }), fc.constantFrom("x", "é", "{"))
      .map(([n, ch]) => ({ raw: `{"name":"${ch.repeat(n)}"}`, contentType: "application/json" })),
  },
  {
    weight: 2,
    arbitrary: nearSpec.map((spec) => ({ raw: JSON.stringify(spec), contentType: "application/json" })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: MAX_BODY / 2 - 40 }), fc.constantFrom("[", '{"a":'), fc.boolean())
      .map(([depth, open, inSpec]) => {
        const n = open === "[" ? depth : Math.floor(depth / 5);
        const deep = `${open.repeat(n)}1${(open === "[" ? "]" : "}").repeat(n)}`;
        return { raw: inSpec ? `{"name":"deep","base":${deep}}` : deep, contentType: "application/json" };
      }),
  },
);

function encodable(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

/** A valid JSON body of each route with a body (specs aside), to mutate one field of. */
function templateFor(name: ApiRouteName): Record<string, unknown> {
  switch (name) {
    case "createVerdict":
      return {
        candidate: { run: ids.run },
        baseline: { value: 1 },
        metric: "test/bpb",
        direction: "lower",
        tolerance: 0.1,
        confidence: 0.9,
      };
    case "createKey":
      return { name: "fuzz", scopes: ["read"] };
    case "createSession":
      return { key: env.keys.read };
    case "rerunSweep":
      return { reason: "fuzz", includeCancelled: false };
    default:
      return { reason: "fuzz" };
  }
}

/** Every dotted path of a template (objects and their leaves). */
function pathsOf(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...pathsOf(v, p)];
  });
}

/** The route's valid body with one field (or a new one) set to something random. */
const JSON_ROUTES = (Object.keys(API) as ApiRouteName[]).filter(
  (n) => (API[n] as RouteContract).body?.kind === "json",
);
const nearBody = fc
  .tuple(
    fc.constantFrom(...JSON_ROUTES),
    fc.nat(),
    fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.double(), fc.integer(), fc.constant(undefined)),
    fc.boolean(),
  )
  .map(([name, pick, value, extraKey]) => {
    const body = structuredClone(templateFor(name));
    const paths = [...pathsOf(body), "unknownKey"];
    const keys = (extraKey ? "unknownKey" : paths[pick % paths.length]!).split(".");
    let at = body as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
    if (value === undefined) delete at[keys.at(-1)!];
    else at[keys.at(-1)!] = value;
    return { name, body };
  });

/** Path ids: the real ones, unknown ones, and strange ones. */
const pathId = fc.oneof(
  fc
    .constantFrom(
      () => ids.run,
      () => ids.cancelledRun,
      () => ids.sweep,
    )
    .map((f) => f()),
  // "." and ".." would be resolved away by the URL parser (another route), even percent-encoded.
  // Lone surrogates cannot be put in a URL at all (encodeURIComponent throws).
  text.filter((s) => s.length > 0 && s !== "." && s !== ".." && encodable(s)),
);

/** Header values the HTTP client can send (Latin-1 without control characters). */
const headerText = fc
  .oneof(
    text,
    fc.string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    }),
  )
  .map((s) =>
    [...s]
      // What undici sends: tab, visible ASCII and 0x80-0xff (no other control characters).
      .filter((ch) => ch === "\t" || (ch >= " " && ch !== "\u007f"))
      .map((ch) => (ch.charCodeAt(0) > 0xff ? "?" : ch))
      .join(""),
  );

const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("Bearer", "Bearer ", "bearer x", "Basic dTpw", "Bearer  blk_00000000_short", "Token abc"),
  headerText.map((s) => `Bearer ${s}`),
  headerText,
  fc
    .constantFrom(
      () => `Bearer ${env.keys.read}`,
      () => `bearer ${env.keys.write}`,
      () => `Bearer ${env.keys.admin}  `,
    )
    .map((f) => f()),
);
const cookie = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "bytelab_key=%E0%A4%A",
    "bytelab_key=%",
    "bytelab_key=",
    "bytelab_key=a=b",
    "x=1; bytelab_key",
  ),
  headerText.map((s) => `bytelab_key=${s}`),
);
const idempotencyKey = fc.oneof(
  fc.constant(undefined),
  headerText,
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 220,
  }),
);
const headers = fc
  .record({
    authorization,
    cookie,
    "idempotency-key": idempotencyKey,
    origin: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom("null", "http://evil.example", "garbage", "http://127.0.0.1"),
    ),
    "sec-fetch-site": fc.oneof(
      fc.constant(undefined),
      fc.constantFrom("same-origin", "cross-site", "none", "same-site", "x"),
    ),
    "x-forwarded-for": fc.oneof(fc.constant(undefined), headerText),
  })
  .map((h) =>
    Object.fromEntries(
      Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() === e[1]),
    ),
  );

/** A query string: the route's own keys and unknown ones, repeated keys, odd values, raw percent-escapes. */
function queryFor(name: ApiRouteName): fc.Arbitrary<string> {
  const shape = (API[name] as RouteContract).query as { shape?: Record<string, unknown> } | undefined;
  const known = Object.keys(shape?.shape ?? {});
  const keys = fc.oneof(
    ...(known.length ? [fc.constantFrom(...known)] : []),
    fc.constantFrom("runs", "metrics", "limit", "cursor", "__proto__", "constructor", "x[]", "a.b"),
    fc.string({ maxLength: 8 }),
  );
  return fc
    .tuple(
      fc.array(fc.tuple(keys, queryValue), { maxLength: 6 }),
      fc.oneof(fc.constant(""), fc.constantFrom("&%", "&a=%zz", "&=&&", "&%00=1", "&limit=%E0%A4%A")),
    )
    .map(([pairs, rawTail]) => {
      const params = new URLSearchParams();
      for (const [k, v] of pairs) params.append(k, v);
      // Long polls must not hold the property up: wait routes always get a timeout that ends at once.
      if (name === "waitRun" || name === "waitSweep") {
        params.delete("timeout");
        params.append("timeout", "0");
      }
      const s = `${params.toString()}${rawTail}`;
      return s ? `?${s}` : "";
    });
}

const GET_ROUTES = (Object.keys(API) as ApiRouteName[]).filter((n) => API[n].method === "GET");
const BODY_ROUTES = (Object.keys(API) as ApiRouteName[]).filter((n) => "body" in API[n]);
const DELETE_ROUTES = (Object.keys(API) as ApiRouteName[]).filter((n) => API[n].method === "DELETE");

function idFor(name: ApiRouteName): string {
  if (!API[name].path.includes("{id}")) return "";
  return API[name].path.startsWith("/sweeps") ? ids.sweep : ids.run;
}

// ---------------------------------------------------------------------------------------------------------

describe("fuzzing the API: never a 500, always the envelope, no partial write", () => {
  it("random bodies (JSON, broken JSON, YAML, binary, huge, near-valid specs) on every route with a body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BODY_ROUTES), body, fc.boolean(), async (name, b, withId) => {
        const id = withId ? idFor(name) : "nope";
        const path = pathOf(API[name], API[name].path.includes("{id}") ? { id } : {});
        await probe(name, path, b.contentType === undefined ? { raw: b.raw } : b);
      }),
    );
  }, 300_000);

  it("valid bodies with one field made random (NUL, unicode, numbers at bounds, wrong types)", async () => {
    await fc.assert(
      fc.asyncProperty(nearBody, async ({ name, body: b }) => {
        const path = pathOf(API[name], API[name].path.includes("{id}") ? { id: idFor(name) } : {});
        await probe(name, path, { body: b });
      }),
    );
  }, 300_000);

  it("random query strings and path ids on every GET route", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GET_ROUTES).chain((name) => fc.tuple(fc.constant(name), queryFor(name), pathId)),
        async ([name, query, id]) => {
          const path = pathOf(API[name], API[name].path.includes("{id}") ? { id } : {});
          await probe(name, path, { query });
        },
      ),
    );
  }, 300_000);

  it("random headers (Authorization, Cookie, Content-Type, Idempotency-Key, Origin) on every route", async () => {
    const routes = [...GET_ROUTES, ...BODY_ROUTES, ...DELETE_ROUTES];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), headers, contentType, async (name, h, type) => {
        const id = idFor(name) || "x";
        const path = pathOf(
          API[name],
          API[name].path.includes("{id}") ? { id: name === "revokeKey" ? "nope" : id } : {},
        );
        const opts: RequestOptions = { headers: h, query: name.startsWith("wait") ? "?timeout=0" : "" };
        if ("body" in API[name]) {
          // A body that is invalid for every route (nothing may be created): only the headers vary.
          opts.raw = JSON.stringify({ fuzz: true });
          if (type !== undefined) opts.contentType = type;
        }
        const reply = await probe(name, path, opts);
        // A request that states a key it cannot prove is never served as anonymous (an empty header is no
        // header: served like a request without one).
        if (h.authorization && !/^Bearer\s+blk_[0-9a-f]{8}_[\w-]{43}\s*$/i.test(h.authorization))
          expect(reply.status, `${h.authorization} -> ${reply.status}`).toBe(
            API[name].scope === "public" ? reply.status : 401,
          );
      }),
    );
  }, 300_000);

  it("the server printed no stack trace for any of it", () => {
    expect(server.log()).not.toMatch(/\[api\] unhandled error/);
  });
});
