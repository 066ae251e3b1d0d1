import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";

/** What to tell a user whose machine has no `redis-server` (or not the one BYTELAB_REDIS_BIN names). */
export function redisInstallHint(binary = "redis-server"): string {
  const missing =
    binary === "redis-server" ? "`redis-server` was not found on PATH" : `\`${binary}\` could not be run`;
  return [
    `bytelab needs a Redis server, and ${missing}.`,
    "Install it, or point REDIS_URL at a running Redis 6.2+:",
    "  Debian/Ubuntu:  sudo apt-get install -y redis-server",
    "  macOS:          brew install redis",
    "  elsewhere:      REDIS_URL=redis://host:6379 npm start",
  ].join("\n");
}

export const REDIS_INSTALL_HINT = redisInstallHint();

export class RedisNotInstalledError extends Error {
  constructor(binary = "redis-server") {
    super(redisInstallHint(binary));
    this.name = "RedisNotInstalledError";
  }
}

export function redisServerAvailable(binary = "redis-server"): boolean {
  const probe = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

export interface RedisServerOptions {
  port: number;
  /** Folder for the append-only file; null runs without persistence (tests). */
  dataDir: string | null;
  binary?: string;
  /** Own process group: a terminal Ctrl-C reaches only the launcher, which stops Redis in its turn. */
  detached?: boolean;
  /** Server log file (default: discarded). */
  logFile?: string;
}

export interface RedisServerHandle {
  url: string;
  process: ChildProcess;
  pid: number | null;
  stop(): Promise<void>;
}

/** Launches `redis-server` as a child process and resolves once it accepts connections. */
export async function startRedisServer(opts: RedisServerOptions): Promise<RedisServerHandle> {
  const binary = opts.binary ?? "redis-server";
  if (!redisServerAvailable(binary)) throw new RedisNotInstalledError(binary);
  const args = ["--port", String(opts.port), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes"];
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push("--dir", opts.dataDir, "--appendonly", "yes", "--appendfsync", "everysec");
  } else {
    args.push("--appendonly", "no");
  }
  if (opts.logFile) args.push("--logfile", opts.logFile);
  const child = spawn(binary, args, {
    stdio: ["ignore", "ignore", "pipe"],
    detached: opts.detached ?? false,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPort(opts.port, 10_000, () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
  });
  // SIGTERM: Redis flushes the append-only file and exits; SIGKILL only if it hangs.
  const stop = (graceMs = 10_000) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  return {
    url: `redis://127.0.0.1:${opts.port}`,
    process: child,
    pid: child.pid ?? null,
    stop: () => stop(),
  };
}

async function waitForPort(port: number, timeoutMs: number, check: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    check();
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not accept connections on port ${port} within ${timeoutMs} ms`);
}
