import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteContract } from "../../apps/web/src/lib/api/contract";
import { REPO_ROOT } from "../start/start-process";
import {
  API,
  type ApiEnv,
  type ApiServer,
  expectError,
  openApiEnv,
  send,
  serverEnv,
  startApi,
} from "./helpers";

// GET /api/v1/openapi.json, as served, checked against the OpenAPI 3.1 schema (a maintained validator) and
// against the routes that exist: every route file under apps/web/src/app/api/v1 and each HTTP method it
// exports is documented, and every documented operation has its route file exporting that method.

const API_DIR = join(REPO_ROOT, "apps/web/src/app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        responses: Record<string, unknown>;
        parameters?: Array<{ in: string; name: string }>;
      }
    >
  >;
}

let env: ApiEnv;
let server: ApiServer;
let doc: Doc;

/** Every route.ts under the API folder as "METHOD /api/v1/path/{param}", from the methods it exports. */
function routeFiles(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      // [...path]: the catch-all that answers unknown paths with the 404 envelope, not an operation.
      if (statSync(path).isDirectory()) {
        if (!entry.startsWith("[...")) walk(path);
      } else if (entry === "route.ts") {
        const segments = relative(API_DIR, dir)
          .split(sep)
          .filter(Boolean)
          .map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"));
        const url = `/api/v1/${segments.join("/")}`;
        const source = readFileSync(path, "utf8");
        const exported = source.matchAll(
          /export\s+(?:const|let|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g,
        );
        for (const [, method] of exported) found.set(`${method} ${url}`, relative(REPO_ROOT, path));
      }
    }
  };
  walk(API_DIR);
  return found;
}

beforeAll(async () => {
  env = await openApiEnv("openapi");
  server = await startApi({
    databaseUrl: env.db.url,
    redisUrl: env.redisUrl,
    workerPid: null,
    logFile: join(env.dir, "web.log"),
    env: serverEnv(env),
  });
  const reply = await send(server.base, "GET", "/openapi.json");
  expect(reply.status).toBe(200);
  doc = reply.json as Doc;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await env?.close();
});

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 3000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toMatch(/^3\.1/);
  });

  it("documents exactly the route files and the methods they export", () => {
    const files = routeFiles();
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths))
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path}`);
    const undocumented = [...files]
      .filter(([op]) => !documented.has(op))
      .map(([op, file]) => `${op} (${file})`);
    const withoutRoute = [...documented].filter((op) => !files.has(op));
    expect(undocumented, "route files whose method the document does not list").toEqual([]);
    expect(withoutRoute, "documented operations with no route file exporting the method").toEqual([]);
    expect(files.size).toBe(Object.keys(API).length);
  });

  it("lists every contract of the API object once, with a unique operationId and its path parameters", () => {
    const ids = new Set<string>();
    for (const c of Object.values(API) as RouteContract[]) {
      const op = doc.paths[`/api/v1${c.path}`]?.[c.method.toLowerCase()];
      expect(op, `${c.method} ${c.path}`).toBeDefined();
      expect(op!.operationId).toBe(c.id);
      expect(ids.has(c.id), `operationId ${c.id} twice`).toBe(false);
      ids.add(c.id);
      for (const [, name] of c.path.matchAll(/\{(\w+)\}/g))
        expect(
          op!.parameters?.some((p) => p.in === "path" && p.name === name),
          `${c.id}: path parameter ${name}`,
        ).toBe(true);
      expect(Object.keys(op!.responses)).toContain(String(c.status ?? 200));
      for (const status of c.errors ?? [])
        expect(Object.keys(op!.responses), `${c.id} ${status}`).toContain(String(status));
      if (c.scope !== "public")
        expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(["401", "403", "429"]));
    }
  });

  it("health's 503 (degraded) is documented with the health body it sends, not the error envelope", () => {
    const responses = doc.paths["/api/v1/health"]!.get!.responses as Record<string, { content: unknown }>;
    expect(responses["503"]!.content).toEqual(responses["200"]!.content);
    const listSweeps = doc.paths["/api/v1/sweeps"]!.get!.responses as Record<string, { content: unknown }>;
    expect(listSweeps["503"]!.content).toEqual(listSweeps["404"]?.content ?? listSweeps["401"]!.content);
  });

  it("a path that is no route answers 404 with the error envelope (not Next's HTML page)", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["POST", "/sweeps/x/nope"],
      ["DELETE", "/runs/x/y/z"],
      ["PUT", "/v2"],
    ] as const) {
      const reply = await send(server.base, method, path, method === "POST" ? { body: {} } : {});
      expect(expectError(reply, 404, "NOT_FOUND").error.message).toContain(`/api/v1${path}`);
    }
  });

  it("a method a route does not serve answers 405 with the envelope and Allow naming the ones it does", async () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      const concrete = path.replace(/\{\w+\}/g, "x").replace(/^\/api\/v1/, "");
      const served = METHODS.filter((m) => operations[m.toLowerCase()]);
      for (const method of METHODS.filter((m) => m !== "HEAD" && m !== "OPTIONS")) {
        if (operations[method.toLowerCase()]) continue;
        const reply = await send(server.base, method, concrete, {
          query: concrete.includes("wait") ? "?timeout=0" : "",
        });
        const where = `${method} ${path}: ${reply.text.slice(0, 200)}`;
        expect(reply.status, where).toBe(405);
        expect(expectError(reply, 405, "METHOD_NOT_ALLOWED").error.message, where).toContain(served[0]!);
        const allow = (reply.headers.get("allow") ?? "").split(/,\s*/);
        for (const m of served) expect(allow, where).toContain(m);
        expect(allow, where).not.toContain(method);
      }
    }
  });
});
