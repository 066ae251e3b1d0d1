// `npm start`: the whole of bytelab on one machine, with one command.
//
//   embedded Postgres (or DATABASE_URL) + redis-server (or REDIS_URL) -> migrations -> web app + one trainer
//   worker -> waits for GET /api/v1/health (db, redis ok, a worker alive) -> prints the URL.
//
// Ctrl-C / SIGTERM stop everything in reverse order (worker, web, redis, postgres). Every child runs in its
// own process group, so the terminal's Ctrl-C reaches only this process, which decides the order.
// Environment: see scripts/start/config.ts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { generatePrismaClient } from "@bytelab/db/generate";
import { type AppEnv, startWeb, startWorker } from "./start/apps";
import { homePaths, loadStartConfig, type StartConfig } from "./start/config";
import { redisServerAvailable, startPostgres, startRedis } from "./start/data-services";
import { StartError } from "./start/errors";
import { color, log, seconds } from "./start/log";
import { handlePreviousRun, removePidfile, writePidfile } from "./start/pidfile";
import { removeStackFile, stackFilePath, writeStackFile } from "@bytelab/service/local-stack";
import { assertPortFree } from "./start/ports";
import type { Service } from "./start/service";
import { reportDeath, ServiceDiedError, Supervisor } from "./start/supervisor";
import { probeUrl, publicUrl, waitForHealthy } from "./start/wait-ready";
import { buildWeb, webBuildState } from "./start/web-build";
import { redisInstallHint } from "./services/redis-server";

class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(signal);
  }
}

/** Exit status after a stop by signal, as a shell reports it: 128 + the signal number (Ctrl-C: 130). */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Environment every child gets: no telemetry calls home (and none can, offline). */
const CHILD_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  TURBO_TELEMETRY_DISABLED: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

async function main(): Promise<number> {
  const t0 = performance.now();
  let config: StartConfig;
  try {
    config = loadStartConfig(process.env);
  } catch (error) {
    return reportStartError(error);
  }

  // Checked first, before anything is started or written.
  if (!config.redisUrl && !redisServerAvailable(config.redisBinary)) {
    console.error(redisInstallHint(config.redisBinary));
    return 1;
  }

  const supervisor = new Supervisor();
  const interrupt = new AbortController();
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupt.signal.aborted) {
      firstSignalAt = Date.now();
      console.log("");
      log.info(`${signal}: shutting down (press Ctrl-C again to force)`);
      interrupt.abort(new Interrupted(signal));
      return;
    }
    // npm, tsx and the terminal may each deliver the same Ctrl-C: only a later one means "force".
    if (Date.now() - firstSignalAt < 1_500) return;
    log.warn("forced: killing every service now");
    supervisor.killAll();
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);

  const paths = homePaths(config.home);
  try {
    await run(config, paths, supervisor, interrupt.signal, t0);
    // Running: wait for Ctrl-C or for a service to die.
    await Promise.race([supervisor.died, aborted(interrupt.signal)]);
    return 0; // not reached: both reject
  } catch (error) {
    const stoppedBy = interrupt.signal.aborted && !(error instanceof ServiceDiedError);
    // Stopped on request (Ctrl-C: 130, SIGTERM: 143) is not success: a script that runs `npm start` and
    // checks its status learns that it was interrupted. Startup or service failures: 1.
    const code = stoppedBy ? (SIGNAL_EXIT[(interrupt.signal.reason as Interrupted).signal] ?? 130) : 1;
    if (!stoppedBy) {
      if (error instanceof ServiceDiedError) reportDeath(error);
      else reportStartError(error);
    }
    const stopping = performance.now();
    if (Object.keys(supervisor.pids()).length > 0) log.step("stopping services");
    await supervisor.shutdown();
    removePidfile(paths.pidfile);
    removeStackFile(stackFilePath(config.home));
    if (stoppedBy) log.done("bytelab stopped", stopping);
    return code;
  }
}

async function run(
  config: StartConfig,
  paths: ReturnType<typeof homePaths>,
  supervisor: Supervisor,
  interrupt: AbortSignal,
  t0: number,
): Promise<void> {
  const checkpoint = () => {
    if (interrupt.aborted) throw interrupt.reason;
    if (supervisor.death) throw supervisor.death;
  };
  mkdirSync(paths.logs, { recursive: true });
  log.info(`${color.bold("bytelab")} starting ${color.dim(`(data: ${config.home})`)}`);

  await handlePreviousRun(paths.pidfile, config.home);
  if (!config.databaseUrl) await assertPortFree(config.pgPort, "embedded Postgres", "BYTELAB_PG_PORT");
  if (!config.redisUrl) await assertPortFree(config.redisPort, "Redis", "BYTELAB_REDIS_PORT");
  await assertPortFree(config.webPort, "web app", "PORT");

  const startedAt = new Date().toISOString();
  const track = (service: Service) => {
    supervisor.add(service);
    writePidfile(paths.pidfile, { launcher: process.pid, startedAt, services: supervisor.pids() });
  };

  let t = performance.now();
  const generated = generatePrismaClient({ log: (line) => log.step(line) });
  if (generated.generated) log.done("Prisma client generated", t);

  // The web build (first start, or sources changed) runs while the databases start.
  const buildAbort = new AbortController();
  interrupt.addEventListener("abort", () => buildAbort.abort());
  const build = config.dev ? { fresh: true as const } : webBuildState(config.repoRoot);
  const buildTask = (async () => {
    if (build.fresh) return;
    const started = performance.now();
    log.step(`building the web app (${build.reason}); this takes a minute the first time`);
    await buildWeb(config.repoRoot, CHILD_ENV, join(paths.logs, "build.log"), buildAbort.signal);
    log.done("web app built", started);
  })();

  const dataTask = (async (): Promise<{ databaseUrl: string; redisUrl: string }> => {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const started = performance.now();
      log.step(`starting embedded Postgres on port ${config.pgPort}`);
      const pg = await startPostgres(paths.postgres, config.pgPort, join(paths.logs, "postgres.log"));
      track(pg.service);
      databaseUrl = pg.url;
      log.done(
        `Postgres ready ${color.dim(`(pid ${pg.service.pid}, data ${pg.dataDir ?? paths.postgres})`)}`,
        started,
      );
    } else {
      log.done(`using Postgres at DATABASE_URL ${color.dim(`(${withoutPassword(databaseUrl)})`)}`);
    }
    checkpoint();
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const started = performance.now();
      const redis = await startRedis(
        config.redisBinary,
        paths.redis,
        config.redisPort,
        join(paths.logs, "redis.log"),
      );
      track(redis.service);
      redisUrl = redis.url;
      log.done(
        `Redis ready on port ${config.redisPort} ${color.dim(`(pid ${redis.service.pid}, append-only file in ${paths.redis})`)}`,
        started,
      );
    } else {
      log.done(`using Redis at REDIS_URL ${color.dim(`(${withoutPassword(redisUrl)})`)}`);
    }
    checkpoint();
    const started = performance.now();
    const { migrate } = await import("@bytelab/db");
    const result = await migrate(databaseUrl).catch((error: unknown) => {
      throw new StartError(
        `database migration failed: ${error instanceof Error ? error.message : String(error)}`,
        config.databaseUrl
          ? "check that DATABASE_URL points at a reachable Postgres 16+ database"
          : undefined,
      );
    });
    log.done(
      result.applied.length > 0
        ? `database migrated (${result.applied.length} migration${result.applied.length === 1 ? "" : "s"} applied)`
        : "database schema up to date",
      started,
    );
    return { databaseUrl, redisUrl };
  })();
  dataTask.catch(() => buildAbort.abort());

  const [built, data] = await Promise.allSettled([buildTask, dataTask]);
  checkpoint();
  if (data.status === "rejected") throw data.reason;
  if (built.status === "rejected") throw built.reason;

  const appEnv: AppEnv = { ...data.value, base: CHILD_ENV };
  // From here on `bytelab sweep ...` (and any CLI command) finds this stack without DATABASE_URL/REDIS_URL.
  writeStackFile(stackFilePath(config.home), {
    format: "bytelab.stack/1",
    launcher: process.pid,
    startedAt: new Date().toISOString(),
    ...data.value,
    webUrl: publicUrl(config.webHost, config.webPort),
  });
  t = performance.now();
  log.step(`starting the web app${config.dev ? " (next dev)" : ""} and a trainer worker`);
  track(
    startWeb({
      repoRoot: config.repoRoot,
      port: config.webPort,
      host: config.webHost,
      dev: config.dev,
      env: appEnv,
      logFile: join(paths.logs, "web.log"),
    }),
  );
  const worker = startWorker({
    repoRoot: config.repoRoot,
    env: appEnv,
    logFile: join(paths.logs, "worker.log"),
  });
  track(worker);

  const ready = await waitForHealthy(
    probeUrl(config.webHost, config.webPort),
    worker.pid,
    config.readyTimeoutMs,
    () => interrupt.aborted || supervisor.death !== null,
  );
  checkpoint();
  if (!ready.ready) {
    throw new StartError(
      `bytelab did not become healthy within ${config.readyTimeoutMs / 1000} s: ${ready.lastProblem}`,
      `see the logs in ${paths.logs}`,
    );
  }
  log.done(`web app healthy, ${ready.health?.workers.alive} worker(s) alive`, t);
  const url = publicUrl(config.webHost, config.webPort);
  console.log("");
  console.log(
    `  ${color.bold("bytelab is running:")} open ${color.green(url)}   ${color.dim(`(ready in ${seconds(t0)})`)}`,
  );
  console.log(`  ${color.dim(`data: ${config.home}   logs: ${paths.logs}`)}`);
  console.log(`  ${color.dim("Press Ctrl-C to stop.")}`);
  console.log("");
}

/** host:port/database of a connection URL, for a progress line (never the password). */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "unparseable URL";
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function reportStartError(error: unknown): 1 {
  if (error instanceof StartError) {
    log.error(error.message);
    if (error.hint) log.info(error.hint);
  } else if (!(error instanceof Interrupted)) {
    log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  return 1;
}

process.exit(await main());
