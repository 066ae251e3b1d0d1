import { migrate, registerWorker } from "@bytelab/db";
import { disconnectPrisma, getPrisma } from "@bytelab/db/runtime";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { freePort } from "../../../scripts/services/free-port";
import { GET } from "../src/app/api/v1/health/route";
import { closeRedisConnections } from "../src/lib/redis";
import { healthSchema } from "../src/lib/schemas/health";

// The real route handler against a real Postgres (migrated) and the test run's Redis.

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };

async function callHealth() {
  const response = await GET(new Request("http://localhost/api/v1/health"), {});
  return { status: response.status, body: healthSchema.parse(await response.json()) };
}

beforeAll(async () => {
  db = await createEmptyDatabase("web_health");
  await migrate(db.url);
  process.env.DATABASE_URL = db.url;
  process.env.REDIS_URL = inject("redisUrl");
});

afterAll(async () => {
  process.env.DATABASE_URL = saved.DATABASE_URL;
  process.env.REDIS_URL = saved.REDIS_URL;
  await closeRedisConnections();
  await disconnectPrisma();
  await db.drop();
});

describe("GET /api/v1/health", () => {
  it("is 200 ok with db and redis latencies and the alive workers", async () => {
    const prisma = getPrisma(db.url);
    await registerWorker(prisma, {
      id: "health-test-worker",
      host: "h",
      pid: 4242,
      devices: [{ backend: "cpu", name: "cpu: test", kind: "cpu" }],
      slots: 2,
      version: "test",
    });
    const { status, body } = await callHealth();
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.db.ok).toBe(true);
    expect(body.redis.ok).toBe(true);
    expect(body.db.latencyMs).toBeGreaterThan(0);
    expect(body.workers.alive).toBe(1);
    expect(body.workers.list[0]).toMatchObject({
      id: "health-test-worker",
      pid: 4242,
      slots: 2,
      status: "ONLINE",
    });
  });

  it("is 503 degraded, naming Redis, when Redis does not answer", async () => {
    process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}`;
    try {
      const { status, body } = await callHealth();
      expect(status).toBe(503);
      expect(body.status).toBe("degraded");
      expect(body.db.ok).toBe(true);
      expect(body.redis.ok).toBe(false);
      expect(body.redis.error).toMatch(/ECONNREFUSED|connect|answer/i);
    } finally {
      process.env.REDIS_URL = inject("redisUrl");
    }
  });

  it("is 503 with the variable named when DATABASE_URL is missing", async () => {
    delete process.env.DATABASE_URL;
    try {
      const { status, body } = await callHealth();
      expect(status).toBe(503);
      expect(body.db.ok).toBe(false);
      expect(body.db.error).toContain("DATABASE_URL is not set");
      expect(body.workers.alive).toBe(0);
    } finally {
      process.env.DATABASE_URL = db.url;
    }
  });
});
