import { type ChildProcess, spawn } from "node:child_process";
import type { OutputTail } from "./output-tail";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A long-running child of `npm start` (postgres, redis-server, web, worker). */
export interface Service {
  name: string;
  pid: number;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<ExitInfo>;
  output: OutputTail;
  /** Graceful stop, then SIGKILL after the grace period; resolves once the process (group) is gone. */
  stop(): Promise<void>;
}

export function exitPromise(child: ChildProcess): Promise<ExitInfo> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

export interface SpawnServiceOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  output: OutputTail;
  /** Signal for a graceful stop (SIGTERM for Node servers). */
  stopSignal?: NodeJS.Signals;
  graceMs: number;
}

/**
 * Spawns a child in its own process group (`detached`), so a terminal Ctrl-C reaches only `npm start`,
 * which stops the children one by one in its own order; stopping signals the whole group, so nothing
 * the child spawned itself is left behind.
 */
export function spawnService(opts: SpawnServiceOptions): Service {
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${opts.name}: ${opts.command}`);
  const pid = child.pid;
  child.stdout?.on("data", (c: Buffer) => opts.output.write(c));
  child.stderr?.on("data", (c: Buffer) => opts.output.write(c));
  const exited = exitPromise(child);
  return {
    name: opts.name,
    pid,
    exited,
    output: opts.output,
    stop: () => stopProcessGroup(pid, exited, opts.stopSignal ?? "SIGTERM", opts.graceMs),
  };
}

/** Signals the group led by `pid`, waits for the leader to exit, then kills whatever is left of the group. */
export async function stopProcessGroup(
  pid: number,
  exited: Promise<ExitInfo>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  signalGroup(pid, signal);
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
  ]);
  if (timedOut) signalGroup(pid, "SIGKILL");
  await exited;
  // Grandchildren that outlived the leader (the leader exited without waiting for them).
  if (groupAlive(pid)) {
    signalGroup(pid, "SIGKILL");
    await waitUntil(() => !groupAlive(pid), 5_000);
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return condition();
}
