import { describe, expect, it, vi } from "vitest";
import { bodyFormat, parseJsonBody, readBodyText } from "../src/lib/api/body";
import { findNul, refuseNul } from "../src/lib/api/input";
import { requestOrigin } from "../src/lib/api/origin";
import { queryObject } from "../src/lib/api/query";
import { asUnavailable } from "../src/lib/api/unavailable";
import { anonymousAllowed, authMode, hostName, unsafeAuthReason } from "../src/lib/auth/mode";
import { apiEnv } from "../src/lib/env";
import { ApiError } from "../src/lib/errors";

// The pieces of the /api/v1 route wrapper that need no server (the routes themselves are tested over HTTP
// in tests/api).

const request = (headers: Record<string, string>, url = "http://localhost:3000/api/v1/x") =>
  new Request(url, { headers });

describe("NUL characters (Postgres stores none)", () => {
  it("finds the first one with its dotted path, in values and keys, however deep", () => {
    expect(findNul({ a: "ok", b: ["x", "y\u0000"] })).toBe("b.1");
    expect(findNul({ "k\u0000": 1 })).toBe("k\u0000");
    expect(findNul("\u0000")).toBe("");
    expect(findNul({ a: 1, b: null, c: [true, "fine"] })).toBeNull();
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findNul(deep)?.split(".")).toHaveLength(100_000);
  });

  it("refuses with 422 and the field's path under where it came from", () => {
    const error = (() => {
      try {
        refuseNul({ name: "a\u0000" }, "body");
      } catch (e) {
        return e as ApiError;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.status).toBe(422);
    expect(error?.details[0]?.path).toBe("body.name");
    expect(() => refuseNul({ name: "a" }, "body")).not.toThrow();
  });
});

describe("the origin a client called (links in answers)", () => {
  it("is the Host it sent, or the proxy's X-Forwarded-Host/-Proto, not Next's localhost", () => {
    expect(requestOrigin(request({ host: "ci.example:8080" }))).toBe("http://ci.example:8080");
    expect(
      requestOrigin(request({ host: "a:1", "x-forwarded-host": "b.example", "x-forwarded-proto": "https" })),
    ).toBe("https://b.example");
    expect(requestOrigin(request({ host: "[::1]:3000" }))).toBe("http://[::1]:3000");
  });

  it("falls back to the request URL for odd values", () => {
    for (const host of ["evil.example/path", "a b", "x@y", ""])
      expect(requestOrigin(request(host ? { host } : {}))).toBe("http://localhost:3000");
    expect(requestOrigin(request({ host: "a.example", "x-forwarded-proto": "javascript" }))).toBe(
      "http://localhost:3000",
    );
  });
});

describe("Postgres or Redis not answering -> 503", () => {
  it("recognises Prisma, pg and ioredis outage errors, also wrapped", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const prisma = Object.assign(new Error("Can't reach database server at 127.0.0.1:5"), { code: "P1001" });
    const pgDown = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5"), { code: "ECONNREFUSED" });
    const aggregate = new AggregateError([pgDown], "");
    const terminated = new Error("Connection terminated unexpectedly");
    const shutdown = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    const redis = Object.assign(new Error("Reached the max retries per request limit"), {
      name: "MaxRetriesPerRequestError",
    });
    const wrapped = new Error("outer", { cause: prisma });
    for (const e of [prisma, pgDown, aggregate, terminated, shutdown, redis, wrapped]) {
      const mapped = asUnavailable(e);
      expect(mapped?.status, String(e)).toBe(503);
      expect(mapped?.headers["retry-after"]).toBe("5");
    }
    expect(asUnavailable(redis)?.message).toMatch(/^Redis/);
    expect(asUnavailable(prisma)?.message).toMatch(/^Postgres/);
    warn.mockRestore();
  });

  it("leaves every other error alone (a bug stays a 500)", () => {
    for (const e of [
      new TypeError("x is undefined"),
      Object.assign(new Error("duplicate key"), { code: "23505" }),
      Object.assign(new Error("invalid input syntax"), { code: "22P02" }),
      new ApiError("NOT_FOUND", "no"),
      "a string",
      null,
    ])
      expect(asUnavailable(e)).toBeNull();
  });
});

describe("who may go without a key", () => {
  const env = (vars: Record<string, string>) => apiEnv(vars as NodeJS.ProcessEnv);

  it("reads the host name of a Host header", () => {
    expect(hostName("LocalHost:3000")).toBe("localhost");
    expect(hostName("[::1]:3000")).toBe("::1");
    expect(hostName("127.0.0.1")).toBe("127.0.0.1");
    expect(hostName(null)).toBeNull();
  });

  it("only on a loopback server, and only a client that addressed it by a loopback name", () => {
    const loopback = authMode(env({ BYTELAB_HOST: "127.0.0.1" }));
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "127.9.9.9"])
      expect(anonymousAllowed(loopback, host), host).toBe(true);
    for (const host of ["evil.example:3000", "0.0.0.0:3000", "127.0.0.1.evil.example", null])
      expect(anonymousAllowed(loopback, host), String(host)).toBe(false);
    const open = authMode(env({ BYTELAB_HOST: "0.0.0.0" }));
    expect(anonymousAllowed(open, "localhost:3000")).toBe(false);
    const required = authMode(env({ BYTELAB_HOST: "127.0.0.1", BYTELAB_AUTH: "required" }));
    expect(anonymousAllowed(required, "localhost:3000")).toBe(false);
  });

  it("refuses BYTELAB_AUTH=off beyond loopback (and on every interface)", () => {
    expect(unsafeAuthReason(env({ BYTELAB_HOST: "0.0.0.0", BYTELAB_AUTH: "off" }))).toMatch(/0\.0\.0\.0/);
    expect(unsafeAuthReason(env({ BYTELAB_AUTH: "off" }))).toMatch(/every interface/);
    expect(unsafeAuthReason(env({ BYTELAB_HOST: "127.0.0.1", BYTELAB_AUTH: "off" }))).toBeNull();
  });
});

describe("bodies and query strings", () => {
  it("reads a body up to the limit and refuses one byte more, declared or not", async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      new Request("http://x/", { method: "POST", body, headers });
    expect(await readBodyText(post("x".repeat(1024)), 1024)).toHaveLength(1024);
    await expect(readBodyText(post("x".repeat(1025)), 1024)).rejects.toMatchObject({ status: 413 });
    await expect(readBodyText(post("x", { "content-length": "99999" }), 1024)).rejects.toMatchObject({
      status: 413,
    });
  });

  it("parses JSON (400 with the reason otherwise; empty is {}) and tells YAML by its content type", () => {
    expect(parseJsonBody("  ")).toEqual({});
    expect(() => parseJsonBody("{")).toThrow(expect.objectContaining({ status: 400 }));
    expect(bodyFormat(request({ "content-type": "Application/YAML; charset=utf-8" }))).toBe("yaml");
    expect(bodyFormat(request({ "content-type": "text/x-yaml" }))).toBe("yaml");
    expect(bodyFormat(request({ "content-type": "text/plain" }))).toBe("json");
  });

  it("turns a query string into an object: repeated keys into arrays", () => {
    const q = queryObject(new URL("http://x/?a=1&b=2&b=3&c="));
    expect(q).toEqual({ a: "1", b: ["2", "3"], c: "" });
  });

  it("keeps __proto__ an ordinary (ignored) key: the object's prototype is untouched", () => {
    const q = queryObject(new URL("http://x/?__proto__=a&__proto__=b&constructor=c"));
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
    expect(Object.keys(q).sort()).toEqual(["__proto__", "constructor"]);
    expect((q as { sort?: unknown }).sort).toBeUndefined();
  });
});
