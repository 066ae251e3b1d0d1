import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { submitSweep } from "@bytelab/queue";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from "../../scripts/services/embedded-postgres";
import { freePort } from "../../scripts/services/free-port";
import { SPILL_FILE } from "../../workers/trainer/src/metrics/spill-file";
import { metricSteps, range, tinySweep, waitFor } from "../../workers/trainer/test/helpers";
import { openReliabilityEnv, type ReliabilityEnv, workerVars } from "./helpers/setup";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "./helpers/worker-process";

// (c) Postgres refuses connections for a while (its cluster stopped, then started again on the same port
// and data folder): the worker keeps training, buffers metric records in the run folder's spill file, and
// writes them once Postgres is back; no point is lost and the run completes.

// Long enough that Postgres goes down while it trains, also on a loaded machine (~100 tiny steps/s).
const STEPS = 1500;
let dir: string;
let port: number;
let cluster: EmbeddedPostgresHandle;
let env: ReliabilityEnv;
let worker: WorkerProcess | undefined;

const startCluster = () => startEmbeddedPostgres({ dataDir: join(dir, "pg"), port, persistent: true });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bytelab-pg-outage-"));
  chmodSync(dir, 0o755); // the postgres OS user must reach its data folder
  port = await freePort();
  cluster = await startCluster();
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query("CREATE DATABASE outage");
  await admin.end();
  env = await openReliabilityEnv("pg_outage", { databaseUrl: cluster.urlFor("outage") });
});
afterAll(async () => {
  await worker?.stop();
  await env?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Postgres unreachable for a while", () => {
  it("buffers metrics on disk and writes them all once it is back", async () => {
    const started = Date.now();
    worker = await startWorkerProcess(
      "pg-outage",
      fastWorkerEnv({ ...workerVars(env), WORKER_DB_WAIT_MS: "120000" }),
    );
    const { created } = await submitSweep(
      env.prisma,
      env.trainQueue,
      tinySweep("pg-outage", { steps: STEPS }),
    );
    const runId = created[0]!.runId;
    const spill = join(env.home, "work", `${runId}-a1`, SPILL_FILE); // the attempt's local work folder
    await waitFor(
      "some training steps",
      async () => (await metricSteps(env.prisma, runId, "train/loss")).length >= 5,
    );
    await env.prisma.$disconnect();

    const down = Date.now();
    await cluster.stop();
    await waitFor("the worker to spill metrics to disk", () => existsSync(spill), 30_000, 50);
    await new Promise((r) => setTimeout(r, 2_500));
    cluster = await startCluster();
    const downMs = Date.now() - down;

    const run = await waitFor(
      "the run to finish",
      async () => {
        const r = await env.prisma.run.findUnique({ where: { id: runId } }).catch(() => null);
        return r && !["QUEUED", "RUNNING"].includes(r.status) ? r : null;
      },
      120_000,
      250,
    );
    expect(run.status, `${run.error}\n${worker.output()}`).toBe("COMPLETED");
    expect(run.attempts).toBe(1);
    expect(await metricSteps(env.prisma, runId, "train/loss")).toEqual(range(1, STEPS));
    expect(await metricSteps(env.prisma, runId, "val/bpb")).toEqual([
      ...range(1, STEPS / 10).map((i) => i * 10),
    ]);
    expect(existsSync(spill)).toBe(false);
    expect(worker.output()).toMatch(
      /cannot write metrics to Postgres .* buffering them in .*metrics-spill\.jsonl/,
    );
    // Training went on while Postgres was away: the records of many steps waited on disk.
    const replayed = /Postgres answers again after [\d.]+ s \((\d+) buffered records written/.exec(
      worker.output(),
    );
    expect(Number(replayed?.[1])).toBeGreaterThan(10);
    console.log(
      `[reliability] postgres-outage: Postgres away ${downMs} ms; run completed ${((Date.now() - started) / 1000).toFixed(1)} s after the worker started`,
    );
  });
});
