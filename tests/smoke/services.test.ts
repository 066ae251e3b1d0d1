import { Redis } from "ioredis";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../helpers/db";

describe("test services", () => {
  it("gives each suite its own Postgres database", async () => {
    const db = await createEmptyDatabase("smoke");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query("select current_database() as name, version() as v");
    await client.end();
    expect(rows[0].name).toMatch(/^smoke_/);
    await db.drop();
  });

  it("runs a real Redis", async () => {
    const redis = new Redis(inject("redisUrl"));
    await redis.set("k", "v");
    expect(await redis.get("k")).toBe("v");
    redis.disconnect();
  });
});
