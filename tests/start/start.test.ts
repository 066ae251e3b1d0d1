import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services/free-port";
import {
  alive,
  groupAlive,
  killEverything,
  type Pidfile,
  pressCtrlC,
  readPidfile,
  runStart,
  type StartedProcess,
} from "./start-process";

// `npm start` end to end: real embedded Postgres, real redis-server, the production Next.js build, a real
// trainer worker. The first start builds the web app when apps/web/.next is missing or stale (tens of
// seconds); later starts reuse that build.

const READY_TIMEOUT_MS = 240_000;

interface Health {
  status: string;
  db: { ok: boolean };
  redis: { ok: boolean };
  workers: { alive: number; list: { id: string; pid: number }[] };
}

let home: string;
let ports: { web: number; pg: number; redis: number };
let current: StartedProcess | undefined;
let lastPidfile: Pidfile | null = null;

function startEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BYTELAB_HOME: home,
    PORT: String(ports.web),
    BYTELAB_PG_PORT: String(ports.pg),
    BYTELAB_REDIS_PORT: String(ports.redis),
    NO_COLOR: "1",
    ...extra,
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.BYTELAB_DEV;
  return env;
}

async function getHealth(): Promise<{ status: number; body: Health }> {
  const response = await fetch(`http://127.0.0.1:${ports.web}/api/v1/health`);
  return { status: response.status, body: (await response.json()) as Health };
}

/** Starts, waits for the printed URL, and returns the run plus how long it took. */
async function startAndWaitReady(): Promise<{ run: StartedProcess; seconds: number; pidfile: Pidfile }> {
  const t0 = performance.now();
  const run = runStart(startEnv());
  current = run;
  await run.waitFor(new RegExp(`bytelab is running: open http://localhost:${ports.web}`), READY_TIMEOUT_MS);
  const seconds = (performance.now() - t0) / 1000;
  const pidfile = readPidfile(home);
  expect(pidfile, "start writes BYTELAB_HOME/bytelab.pids.json").not.toBeNull();
  lastPidfile = pidfile;
  return { run, seconds, pidfile: pidfile! };
}

async function stopAndExpectCleanExit(run: StartedProcess, pidfile: Pidfile): Promise<void> {
  pressCtrlC(run);
  const code = await run.exited;
  expect(code, `Ctrl-C: exit status 130\n${run.output()}`).toBe(130);
  expect(run.output()).toMatch(/bytelab stopped/);
  // Shutdown order: worker, web, redis, postgres.
  const order = [...run.output().matchAll(/stopped (worker|web|redis|postgres)\b/g)].map((m) => m[1]);
  expect(order).toEqual(["worker", "web", "redis", "postgres"]);
  for (const [name, pid] of Object.entries({ launcher: pidfile.launcher, ...pidfile.services })) {
    expect(alive(pid), `${name} (pid ${pid}) must be gone`).toBe(false);
    expect(groupAlive(pid), `process group of ${name} (pgid ${pid}) must be empty`).toBe(false);
  }
  expect(existsSync(join(home, "bytelab.pids.json")), "pidfile removed on clean exit").toBe(false);
  current = undefined;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "bytelab-start-"));
  ports = { web: await freePort(), pg: await freePort(), redis: await freePort() };
});

// A test that failed half-way leaves its start running: stop it so the next test starts from scratch.
afterEach(async () => {
  if (!current) return;
  const run = current;
  current = undefined;
  pressCtrlC(run);
  const stopped = await Promise.race([
    run.exited.then(() => true),
    new Promise((r) => setTimeout(() => r(false), 30_000)),
  ]);
  if (!stopped) killEverything(run, lastPidfile);
});

afterAll(() => {
  killEverything(current, lastPidfile);
  rmSync(home, { recursive: true, force: true });
});

describe("npm start", () => {
  it("stops with the install hint and exit code 1 when redis-server is missing, before starting anything", async () => {
    const run = runStart(startEnv({ BYTELAB_REDIS_BIN: join(home, "no-such-dir", "redis-server") }));
    const code = await run.exited;
    expect(code).toBe(1);
    const out = run.output();
    expect(out).toContain("bytelab needs a Redis server");
    expect(out).toContain("sudo apt-get install -y redis-server");
    expect(out).toContain("brew install redis");
    expect(out).toContain("REDIS_URL=redis://");
    expect(existsSync(join(home, "postgres")), "no Postgres was initialised").toBe(false);
    expect(existsSync(join(home, "bytelab.pids.json"))).toBe(false);
  });

  it("names the variable to change when the Postgres port is taken", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(ports.pg, "127.0.0.1", () => r()));
    try {
      const run = runStart(startEnv());
      expect(await run.exited).toBe(1);
      expect(run.output()).toMatch(new RegExp(`port ${ports.pg} \\(embedded Postgres\\) is already in use`));
      expect(run.output()).toContain("BYTELAB_PG_PORT=");
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  let firstWorkerId = "";

  it("brings up Postgres, Redis, web and a worker; health is ok; Ctrl-C stops everything", async () => {
    const { run, seconds, pidfile } = await startAndWaitReady();
    console.log(`[start.test] first start ready in ${seconds.toFixed(1)} s`);
    expect(Object.keys(pidfile.services).sort()).toEqual(["postgres", "redis", "web", "worker"]);
    for (const pid of Object.values(pidfile.services)) expect(alive(pid)).toBe(true);

    const { status, body } = await getHealth();
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.db.ok).toBe(true);
    expect(body.redis.ok).toBe(true);
    expect(body.workers.alive).toBeGreaterThanOrEqual(1);
    expect(body.workers.list.map((w) => w.pid)).toContain(pidfile.services.worker);
    firstWorkerId = body.workers.list.find((w) => w.pid === pidfile.services.worker)!.id;

    // A second `npm start` on the same data refuses while this one runs.
    const second = runStart(startEnv({ PORT: String(ports.web + 1) }));
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `bytelab is already running with this data folder (${home}), pid ${pidfile.launcher}`,
    );

    // Something to find again after the restart, in each store.
    const redis = new Redis(`redis://127.0.0.1:${ports.redis}`);
    await redis.set("start-test:marker", "survives restarts");
    redis.disconnect();

    await stopAndExpectCleanExit(run, pidfile);
  });

  it("a second start reuses the data: the first worker's row (now STOPPED) and the Redis key are still there", async () => {
    expect(firstWorkerId).not.toBe("");
    const { run, seconds, pidfile } = await startAndWaitReady();
    console.log(`[start.test] second start ready in ${seconds.toFixed(1)} s`);
    expect(run.output()).toContain("database schema up to date");
    expect(run.output()).not.toContain("building the web app");

    const client = new pg.Client({
      connectionString: `postgres://bytelab:bytelab@127.0.0.1:${ports.pg}/bytelab`,
    });
    await client.connect();
    const { rows } = await client.query<{ status: string; stopped_at: Date | null }>(
      "SELECT status, stopped_at FROM workers WHERE id = $1",
      [firstWorkerId],
    );
    await client.end();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("STOPPED");
    expect(rows[0]?.stopped_at).not.toBeNull();

    const redis = new Redis(`redis://127.0.0.1:${ports.redis}`);
    expect(await redis.get("start-test:marker")).toBe("survives restarts");
    redis.disconnect();

    await stopAndExpectCleanExit(run, pidfile);
  });

  it("after the launcher was killed with SIGKILL, the next start stops its leftovers and starts cleanly", async () => {
    const { run, pidfile } = await startAndWaitReady();
    process.kill(pidfile.launcher, "SIGKILL");
    await run.exited;
    const orphans = Object.values(pidfile.services).filter(alive);
    expect(orphans.length, "Postgres at least outlives a SIGKILLed launcher").toBeGreaterThan(0);

    const next = await startAndWaitReady();
    expect(next.run.output()).toMatch(/left over from a previous run/);
    for (const pid of Object.values(pidfile.services)) expect(alive(pid), `old pid ${pid}`).toBe(false);
    const { body } = await getHealth();
    const pids = body.workers.list.map((w) => w.pid);
    expect(pids).toContain(next.pidfile.services.worker);
    expect(pids, "the old worker stopped gracefully (marked STOPPED)").not.toContain(pidfile.services.worker);
    await stopAndExpectCleanExit(next.run, next.pidfile);
  });

  it("when a service dies, stops the rest and exits non-zero with that service's last lines", async () => {
    const { run, pidfile } = await startAndWaitReady();
    process.kill(pidfile.services.worker!, "SIGKILL");
    const code = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toMatch(/worker exited unexpectedly \(killed by SIGKILL\)/);
    // "registered" is logged before start reports ready, so it is always among the last lines.
    expect(run.output()).toMatch(/last lines of worker[\s\S]*registered \(pid/);
    for (const [name, pid] of Object.entries(pidfile.services)) {
      expect(alive(pid), `${name} (pid ${pid}) must be gone`).toBe(false);
    }
    current = undefined;
  });
});
