import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SweepList } from "@bytelab/service/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteBackend } from "../src/backend/remote";
import { describeError } from "../src/exit";

// The HTTP details of the remote client that the real server seldom shows on purpose: Retry-After honoured
// once for GETs (never for a POST), answers that are not the API's (a proxy's HTML 404, a 502, a wrong
// shape), a server that never answers, a base URL with a path prefix. The peer is a plain node:http
// server that answers what each case needs; tests/remote.test.ts covers the real server.

const EMPTY_LIST: SweepList = { format: "bytelab.sweep-list/1", sweeps: [], nextCursor: null };

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.end();
const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; at: number }> = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, at: Date.now() });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function backend(url = origin, opts: { token?: string; requestTimeoutMs?: number } = {}) {
  return new RemoteBackend({
    url,
    urlSource: "flag",
    token: opts.token ?? null,
    tokenSource: opts.token ? "flag" : null,
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

const rateLimited = (res: ServerResponse) =>
  json(
    res,
    429,
    { error: { code: "RATE_LIMITED", message: "More than 5 requests in a minute", details: [] } },
    { "retry-after": "1" },
  );

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return describeError(error);
  }
  throw new Error("expected the call to fail");
}

describe("RemoteBackend over HTTP", () => {
  it("sends the token as a bearer header and its own user agent, under /api/v1 of a prefixed base URL", async () => {
    seen.length = 0;
    handler = (_req, res) => json(res, 200, EMPTY_LIST);
    await backend(`${origin}/bytelab/api/v1/`, { token: "blk_12345678_secret" }).listSweeps({ limit: 5 });
    expect(seen[0]).toMatchObject({ method: "GET", url: "/bytelab/api/v1/sweeps?limit=5" });
    expect(seen[0]!.headers.authorization).toBe("Bearer blk_12345678_secret");
    expect(seen[0]!.headers["user-agent"]).toMatch(/^bytelab-cli\/\d+\.\d+\.\d+$/);
  });

  it("a rate-limited GET waits Retry-After once and retries; a second 429 is exit 3", async () => {
    seen.length = 0;
    let calls = 0;
    handler = (_req, res) => (calls++ === 0 ? rateLimited(res) : json(res, 200, EMPTY_LIST));
    expect(await backend().listSweeps({})).toEqual(EMPTY_LIST);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);

    seen.length = 0;
    handler = (_req, res) => rateLimited(res);
    const e = await failure(backend().listSweeps({}));
    expect(e.code).toBe(3);
    expect(e.lines[0]).toContain("More than 5 requests in a minute");
    expect(e.lines.join("\n")).toContain("try again later");
    expect(seen).toHaveLength(2);
  });

  it("a rate-limited POST is not repeated (it may have changed something)", async () => {
    seen.length = 0;
    handler = (_req, res) => rateLimited(res);
    const e = await failure(backend().cancelSweep("s1", {}));
    expect(e.code).toBe(3);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/api/v1/sweeps/s1/cancel" });
  });

  it("answers that are not the API's: an HTML 404 (wrong origin), a 502, a wrong shape, not JSON", async () => {
    handler = (_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html>Not Found</html>");
    };
    const notApi = await failure(backend().listSweeps({}));
    expect(notApi.code).toBe(3);
    expect(notApi.lines[0]).toContain("has no GET /api/v1/sweeps (HTTP 404 without a bytelab error)");

    handler = (_req, res) => {
      res.writeHead(502);
      res.end("Bad Gateway");
    };
    const gateway = await failure(backend().sweepStatus("s1"));
    expect(gateway.code).toBe(3);
    expect(gateway.lines[0]).toContain("answered GET /api/v1/sweeps/s1 with HTTP 502: Bad Gateway");

    handler = (_req, res) => json(res, 200, { format: "bytelab.sweep-list/1", sweeps: "none" });
    const shape = await failure(backend().listSweeps({}));
    expect(shape.code).toBe(3);
    expect(shape.lines[0]).toMatch(/in an unexpected shape \(sweeps: .*\); is it the same bytelab version/);

    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{oops");
    };
    const garbled = await failure(backend().listSweeps({}));
    expect(garbled.code).toBe(3);
    expect(garbled.lines[0]).toContain("something that is not JSON");
  });

  it("the error envelope: its code sets the exit code, its details are printed as path: issue (fix)", async () => {
    handler = (_req, res) =>
      json(res, 422, {
        error: {
          code: "VALIDATION_FAILED",
          message: "the spec is invalid (1 problem; nothing was submitted)",
          details: [
            { path: "seeds[0]", issue: "Too small: expected number to be >=0", fix: "use a value >= 0" },
          ],
        },
      });
    const spec = { file: "ci/sweep.yaml", text: "name: x", format: "yaml" as const };
    const invalid = await failure(backend().submitSweep(spec, { repeat: false }));
    expect(invalid).toMatchObject({ code: 2, expected: true });
    expect(invalid.lines).toEqual([
      "ci/sweep.yaml is invalid (1 problem; nothing was submitted)",
      "  seeds[0]: Too small: expected number to be >=0 (fix: use a value >= 0)",
    ]);
    expect(seen.at(-1)!.headers["content-type"]).toBe("application/yaml");

    handler = (_req, res) =>
      json(res, 409, { error: { code: "CONFLICT", message: "run r1 has already finished" } });
    expect((await failure(backend().cancelRun("r1", {}))).code).toBe(1);
    handler = (_req, res) =>
      json(res, 503, { error: { code: "UNAVAILABLE", message: "Redis did not answer" } });
    expect((await failure(backend().rerunRun("r1", {}))).code).toBe(3);
  });

  it("a server that accepts the connection but never answers: exit 3 after the request timeout", async () => {
    handler = () => {}; // never answers
    const e = await failure(backend(origin, { requestTimeoutMs: 500 }).listSweeps({}));
    expect(e.code).toBe(3);
    expect(e.lines[0]).toContain("GET /api/v1/sweeps got no answer within 0.5 s");
    server.closeAllConnections();
  });
});
