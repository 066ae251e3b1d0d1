import { describe, expect, it } from "vitest";
import { loadWorkerEnv, WorkerEnvError } from "../src/env";

const good = { DATABASE_URL: "postgres://u:p@h:5432/db", REDIS_URL: "redis://h:6379" };

describe("worker env", () => {
  it("applies the documented defaults", () => {
    const env = loadWorkerEnv(good);
    expect(env.WORKER_HEARTBEAT_MS).toBe(5_000);
    expect(env.WORKER_SLOTS).toBeUndefined();
  });

  it("treats an empty value as unset, except CUDA_VISIBLE_DEVICES where it means no GPU", () => {
    const env = loadWorkerEnv({ ...good, WORKER_SLOTS: "", WORKER_ID: "", CUDA_VISIBLE_DEVICES: "" });
    expect(env.WORKER_SLOTS).toBeUndefined();
    expect(env.WORKER_ID).toBeUndefined();
    expect(env.CUDA_VISIBLE_DEVICES).toBe("");
  });

  it("names every bad variable with its fix", () => {
    let error: unknown;
    try {
      loadWorkerEnv({ REDIS_URL: "http://nope", WORKER_SLOTS: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkerEnvError);
    const message = (error as Error).message;
    expect(message).toContain("DATABASE_URL: DATABASE_URL is not set");
    expect(message).toContain("REDIS_URL: REDIS_URL must start with redis://");
    expect(message).toContain("WORKER_SLOTS: WORKER_SLOTS must be a whole number >= 1");
  });
});
