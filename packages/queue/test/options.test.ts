import { describe, expect, it } from "vitest";
import {
  DEFAULT_JOB_OPTIONS,
  JOB_KINDS,
  QUEUE_NAMES,
  resolveRedisUrl,
  toBullPriority,
  trainJobOptions,
  trainJobPayloadSchema,
} from "../src";

describe("job registry and options", () => {
  it("maps run priorities (higher first) onto BullMQ's (lower first), clamped, never 0", () => {
    expect([100, 50, 0, -50, -100].map(toBullPriority)).toEqual([1, 51, 101, 151, 201]);
    expect(toBullPriority(1000)).toBe(1);
    expect(toBullPriority(-1000)).toBe(201);
    for (let p = -100; p < 100; p++) expect(toBullPriority(p)).toBeGreaterThan(toBullPriority(p + 1));
  });

  it("freezes the defaults and hands out copies", () => {
    expect(Object.isFrozen(DEFAULT_JOB_OPTIONS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_JOB_OPTIONS.backoff)).toBe(true);
    const opts = trainJobOptions("run-1", 0);
    expect(opts).toMatchObject({
      jobId: "run-1",
      priority: 101,
      attempts: 3,
      backoff: { type: "exponential" },
    });
    (opts.backoff as { delay: number }).delay = 1;
    expect(DEFAULT_JOB_OPTIONS.backoff.delay).toBe(30_000);
    expect(JOB_KINDS.train).toMatchObject({
      queue: QUEUE_NAMES.train,
      name: "train",
      defaults: DEFAULT_JOB_OPTIONS,
    });
    expect(QUEUE_NAMES.train).toBe("bytelab-train");
  });

  it("validates train payloads field by field", () => {
    const ok = {
      runId: "r1",
      sweepId: null,
      configHash: "a".repeat(64),
      config: { architecture: "hnet" },
      earlyStopping: { minFlops: 1e12 },
      enqueue: { reason: "submit", at: new Date().toISOString() },
    };
    expect(trainJobPayloadSchema.parse(ok).earlyStopping).toMatchObject({
      eta: 3,
      metric: "val/bpb",
      mode: "min",
    });
    const bad = trainJobPayloadSchema.safeParse({ ...ok, configHash: "xyz", extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join(".") || i.code)).toEqual([
      "configHash",
      "unrecognized_keys",
    ]);
  });

  it("requires a redis:// REDIS_URL", () => {
    expect(resolveRedisUrl("redis://h:6379")).toBe("redis://h:6379");
    expect(() => resolveRedisUrl("http://h")).toThrow(/must start with redis:\/\//);
  });
});
