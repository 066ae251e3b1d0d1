import { join } from "node:path";
import { color } from "./log";
import { OutputTail } from "./output-tail";
import { type Service, spawnService } from "./service";
import { nextBin, webDir } from "./web-build";

export interface AppEnv {
  databaseUrl: string;
  redisUrl: string;
  /** Environment shared by every child (telemetry off, etc.). */
  base: NodeJS.ProcessEnv;
}

/** Cursor and screen control (not colours) that `next dev` writes for an interactive terminal. */
const CONTROL_SEQUENCES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-ln-z]`, "g");

const echo = (name: string) => (line: string) => {
  const text = line.replace(CONTROL_SEQUENCES, "");
  if (text.trim() !== "") console.log(`${color.dim(`[${name}]`)} ${text}`);
};

/** The Next.js app: `next start` on the production build, or `next dev` when `dev`. */
export function startWeb(opts: {
  repoRoot: string;
  port: number;
  host: string;
  dev: boolean;
  env: AppEnv;
  logFile: string;
}): Service {
  return spawnService({
    name: "web",
    command: process.execPath,
    args: [
      nextBin(opts.repoRoot),
      opts.dev ? "dev" : "start",
      "--port",
      String(opts.port),
      "--hostname",
      opts.host,
    ],
    cwd: webDir(opts.repoRoot),
    env: {
      ...opts.env.base,
      DATABASE_URL: opts.env.databaseUrl,
      REDIS_URL: opts.env.redisUrl,
      PORT: String(opts.port),
      // The app decides its auth mode from the address it listens on (open reads on loopback only).
      BYTELAB_HOST: opts.host,
      NODE_ENV: opts.dev ? "development" : "production",
    },
    output: new OutputTail(opts.logFile, echo("web")),
    stopSignal: "SIGTERM",
    graceMs: 10_000,
  });
}

/** One trainer worker (workers/trainer/src/main.ts), run by node with the tsx loader: one process, no build. */
export function startWorker(opts: { repoRoot: string; env: AppEnv; logFile: string }): Service {
  const dir = join(opts.repoRoot, "workers", "trainer");
  return spawnService({
    name: "worker",
    command: process.execPath,
    args: ["--import", "tsx", join(dir, "src", "main.ts")],
    cwd: dir,
    env: { ...opts.env.base, DATABASE_URL: opts.env.databaseUrl, REDIS_URL: opts.env.redisUrl },
    output: new OutputTail(opts.logFile, echo("worker")),
    stopSignal: "SIGTERM",
    // A worker finishing its current step and closing its queue connections.
    graceMs: 30_000,
  });
}
