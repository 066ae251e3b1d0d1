import { randomBytes } from "node:crypto";
import { type CancelSignal, cancelKey, signalCancel } from "@bytelab/queue";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CancelWatcher } from "../src/cancel-watch";
import { memoryLog, waitFor } from "./helpers";

let redis: Redis;
let watcher: CancelWatcher;
const POLL_MS = 300;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  watcher = await CancelWatcher.start(inject("redisUrl"), POLL_MS, memoryLog());
});
afterAll(async () => {
  await watcher?.close();
  redis?.disconnect();
});

const runId = () => `run-${randomBytes(4).toString("hex")}`;

describe("CancelWatcher (the worker's side of the cancel protocol)", () => {
  it("hears a published cancel at once, and calls back once per run", async () => {
    const id = runId();
    const heard: CancelSignal[] = [];
    watcher.watch(id, (s) => heard.push(s));
    const t0 = Date.now();
    await signalCancel(redis, id, "superseded");
    await waitFor("the callback", () => heard.length === 1, 5_000, 10);
    expect(Date.now() - t0).toBeLessThan(POLL_MS); // pub/sub, not the poll
    expect(heard[0]).toMatchObject({ runId: id, reason: "superseded" });
    await signalCancel(redis, id, "again");
    await new Promise((r) => setTimeout(r, 2 * POLL_MS));
    expect(heard).toHaveLength(1);
  });

  it("finds a cancel whose message it missed through the key (poll)", async () => {
    const id = runId();
    const heard: CancelSignal[] = [];
    watcher.watch(id, (s) => heard.push(s));
    // The key without the message: what a watcher sees after a reconnect.
    await redis.set(cancelKey(id), JSON.stringify({ runId: id, reason: null, at: new Date().toISOString() }));
    await waitFor("the poll to find it", () => heard.length === 1, 5 * POLL_MS, 20);
    expect(await watcher.isCancelled(id)).toMatchObject({ runId: id });
    expect(await watcher.isCancelled(runId())).toBeNull();
  });

  it("ignores runs it does not watch and runs no longer watched", async () => {
    const id = runId();
    const heard: CancelSignal[] = [];
    const unwatch = watcher.watch(id, (s) => heard.push(s));
    unwatch();
    await signalCancel(redis, id, null);
    await new Promise((r) => setTimeout(r, 2 * POLL_MS));
    expect(heard).toEqual([]);
  });
});
