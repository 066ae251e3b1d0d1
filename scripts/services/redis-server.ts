import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";

export const REDIS_INSTALL_HINT = [
  "bytelab needs a Redis server, and `redis-server` was not found on PATH.",
  "Install it, or point REDIS_URL at a running Redis 6.2+:",
  "  Debian/Ubuntu:  sudo apt-get install -y redis-server",
  "  macOS:          brew install redis",
  "  elsewhere:      REDIS_URL=redis://host:6379 npm start",
].join("\n");

export class RedisNotInstalledError extends Error {
  constructor() {
    super(REDIS_INSTALL_HINT);
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
}

export interface RedisServerHandle {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Launches `redis-server` as a child process and resolves once it accepts connections. */
export async function startRedisServer(opts: RedisServerOptions): Promise<RedisServerHandle> {
  const binary = opts.binary ?? "redis-server";
  if (!redisServerAvailable(binary)) throw new RedisNotInstalledError();
  const args = ["--port", String(opts.port), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes"];
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push("--dir", opts.dataDir, "--appendonly", "yes", "--appendfsync", "everysec");
  } else {
    args.push("--appendonly", "no");
  }
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPort(opts.port, 10_000, () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { url: `redis://127.0.0.1:${opts.port}`, process: child, stop };
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
