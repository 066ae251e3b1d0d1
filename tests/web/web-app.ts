import { hostname } from "node:os";
import { join } from "node:path";
import { type AppEnv, startWeb } from "../../scripts/start/apps";
import { freePort } from "../../scripts/services/free-port";
import type { Service } from "../../scripts/start/service";
import { signalGroup, waitUntil } from "../../scripts/start/service";
import { probeUrl, waitForHealthy } from "../../scripts/start/wait-ready";
import { buildWeb, webBuildState } from "../../scripts/start/web-build";
import { REPO_ROOT } from "../start/start-process";

/** Telemetry off, as `npm start` does for its children; NODE_ENV is vitest's "test", which Next must not see. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
  delete env.NODE_ENV;
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}

export interface BuildOutcome {
  /** What happened: reused the build, built it, or waited for another process (npm start) building it. */
  action: "reused" | "built" | "waited";
  seconds: number;
  reason?: string;
}

/**
 * Makes sure apps/web/.next holds a production build of the current sources, with the very function and
 * freshness stamp `npm start` uses, so this test and the start test share one build. When another process
 * (the start test's `npm start`) is building right now, Next's build lock refuses a second build: wait
 * for that one to finish instead.
 */
export async function ensureWebBuild(logFile: string, timeoutMs = 300_000): Promise<BuildOutcome> {
  const state = webBuildState(REPO_ROOT);
  if (state.fresh) return { action: "reused", seconds: 0 };
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  try {
    await buildWeb(REPO_ROOT, childEnv(), logFile);
    return { action: "built", seconds: seconds(), reason: state.reason };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!/Another .*process is already running/.test(message)) throw error;
    const fresh = await waitUntil(() => webBuildState(REPO_ROOT).fresh, timeoutMs, 1_000);
    if (!fresh) throw new Error(`another next build held apps/web/.next for over ${timeoutMs / 1000} s`);
    return { action: "waited", seconds: seconds(), reason: state.reason };
  }
}

export interface RunningWeb {
  origin: string;
  service: Service;
  /** Seconds from spawning `next start` to a healthy GET /api/v1/health. */
  readySeconds: number;
  stop(): Promise<void>;
}

/**
 * `next start` on the production build at a free port on 127.0.0.1, launched exactly as `npm start`
 * launches it (own process group). Resolves once GET /api/v1/health reports db and redis ok and lists the
 * worker with pid `workerPid` (registered by the caller), or, with `workerPid: null` (a deliberately
 * degraded app), once the health route answers at all. Killed with its group if the test process exits.
 */
export async function startWebApp(opts: {
  databaseUrl: string;
  redisUrl: string;
  workerPid: number | null;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}): Promise<RunningWeb> {
  const port = await freePort();
  const host = "127.0.0.1";
  const appEnv: AppEnv = {
    databaseUrl: opts.databaseUrl,
    redisUrl: opts.redisUrl,
    base: childEnv(opts.env),
  };
  const t0 = performance.now();
  const service = startWeb({
    repoRoot: REPO_ROOT,
    port,
    host,
    dev: false,
    env: appEnv,
    logFile: opts.logFile,
  });
  // Last resort: a crashed or killed test run must not leave a Next server behind.
  const killOnExit = () => signalGroup(service.pid, "SIGKILL");
  process.once("exit", killOnExit);
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  const stop = async () => {
    await service.stop();
    process.off("exit", killOnExit);
  };
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const problem =
    opts.workerPid === null
      ? await waitForAnyAnswer(probeUrl(host, port), timeoutMs, () => exited)
      : await waitForHealthy(probeUrl(host, port), opts.workerPid, timeoutMs, () => exited).then((r) =>
          r.ready ? null : r.lastProblem,
        );
  if (problem !== null) {
    await stop();
    throw new Error(
      `next start did not get ready: ${problem}\nlast lines of ${opts.logFile}:\n${service.output.text()}`,
    );
  }
  return { origin: `http://${host}:${port}`, service, readySeconds: (performance.now() - t0) / 1000, stop };
}

/** Polls `url` until it answers with any HTTP status; null when it did, else why not. */
async function waitForAnyAnswer(
  url: string,
  timeoutMs: number,
  cancelled: () => boolean,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let problem = "the web app did not answer yet";
  while (Date.now() < deadline && !cancelled()) {
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).arrayBuffer();
      return null;
    } catch (error) {
      problem = `the web app did not answer: ${error instanceof Error ? error.message : String(error)}`;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return cancelled() ? "next start exited" : problem;
}

/** A worker identity for registerWorker, unique per test process. */
export function testWorkerIdentity(label: string, pid: number) {
  return {
    id: `${label}-${hostname()}-${pid}`,
    host: hostname(),
    pid,
    devices: [{ backend: "cpu", name: "cpu: test", kind: "cpu" as const }],
    slots: 1,
    version: "browser-test",
  };
}

export const logPath = (dir: string, name: string) => join(dir, `${name}.log`);
