import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrismaClient, migrate, type PrismaClient } from "@bytelab/db";
import type { MetricRecord } from "@bytelab/train/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/services/free-port";
import { createEmptyDatabase } from "@bytelab/db/testing";
import { DbMetricSink } from "../src/metrics/db-sink";
import { chunkRecords, recordToPoints } from "../src/metrics/points";
import { SPILL_FILE, SpillFile } from "../src/metrics/spill-file";
import { memoryLog } from "./helpers";

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let prisma: PrismaClient;
let dir: string;
let runId: string;

const record = (step: number, loss: number | null = 5 - step / 10): MetricRecord => ({
  kind: "train",
  step,
  bytesSeen: step * 32,
  flops: step * 1e6,
  wallTime: step * 0.01,
  metrics: { "train/loss": loss, lr: 1e-3 },
});

beforeAll(async () => {
  db = await createEmptyDatabase("trainer_metrics_sink");
  await migrate(db.url);
  prisma = createPrismaClient(db.url);
  dir = mkdtempSync(join(tmpdir(), "bytelab-sink-"));
  const run = await prisma.run.create({
    data: { name: "sink", architecture: "transformer", config: {}, configHash: "0".repeat(64), seed: 0 },
  });
  runId = run.id;
});
afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("metric points", () => {
  it("makes one point per metric with the record's position; a non-finite value (null) becomes NaN", () => {
    expect(recordToPoints("r", record(3, null))).toEqual([
      {
        runId: "r",
        name: "train/loss",
        step: 3,
        value: Number.NaN,
        bytesSeen: 96,
        flops: 3e6,
        wallTime: 0.03,
      },
      { runId: "r", name: "lr", step: 3, value: 1e-3, bytesSeen: 96, flops: 3e6, wallTime: 0.03 },
    ]);
    const chunks = chunkRecords(
      [1, 2, 3, 4, 5].map((s) => record(s)),
      4,
    );
    expect(chunks.map((c) => c.map((r) => r.step))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("spill file: appends records, skips a torn last line, removes itself", () => {
    const spill = new SpillFile(dir);
    spill.append([record(1), record(2)]);
    spill.append([record(3)]);
    writeFileSync(spill.path, `${readFileSync(spill.path, "utf8")}{"kind":"train","st`);
    expect(spill.read().map((r) => r.step)).toEqual([1, 2, 3]);
    spill.remove();
    expect(spill.exists()).toBe(false);
  });
});

describe("DbMetricSink", () => {
  it("spills to disk while Postgres refuses connections; a later flush replays the file once, idempotently", async () => {
    const log = memoryLog();
    const spill = new SpillFile(dir);
    const closedPort = await freePort(); // nothing listens there
    const down = new DbMetricSink({
      runId,
      target: `postgres://u:p@127.0.0.1:${closedPort}/none`,
      spill,
      flushMs: 10_000,
      maxPoints: 1_000,
      log,
    });
    for (let s = 1; s <= 5; s++) down.write(record(s));
    expect(await down.drain(0)).toBe(false);
    expect(down.stats.spilledRecords).toBe(5);
    expect(spill.read().map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(log.lines.join("\n")).toMatch(
      /cannot write metrics to Postgres .* buffering them in .*metrics-spill/,
    );

    // "Postgres is back": the next sink of the run (same folder) replays first, then writes its own batch.
    // Step 5 comes again with another value: the newest write wins, nothing is duplicated.
    const ingested: number[] = [];
    const up = new DbMetricSink({
      runId,
      target: db.url,
      spill,
      flushMs: 10_000,
      maxPoints: 3, // several chunks
      onIngested: (records) => {
        ingested.push(...records.map((r) => r.step));
      },
      log,
    });
    up.write(record(5, 0.5));
    up.write(record(6));
    expect(await up.drain(1_000)).toBe(true);
    expect(spill.exists()).toBe(false);
    expect(up.stats.replayedRecords).toBe(5);
    expect(ingested).toEqual([1, 2, 3, 4, 5, 5, 6]);
    const points = await prisma.metricPoint.findMany({
      where: { runId, name: "train/loss" },
      orderBy: { step: "asc" },
    });
    expect(points.map((p) => [p.step, p.value])).toEqual([
      [1, 4.9],
      [2, 4.8],
      [3, 4.7],
      [4, 4.6],
      [5, 0.5],
      [6, 4.4],
    ]);
    expect(Number(points[2]!.bytesSeen)).toBe(96);
    expect(points[2]!.flops).toBe(3e6);
    expect(await prisma.metricPoint.count({ where: { runId } })).toBe(12);
    expect(join(dir, SPILL_FILE)).toBe(spill.path);
  });
});
