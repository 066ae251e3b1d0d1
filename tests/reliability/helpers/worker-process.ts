import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../../workers/trainer/src/main.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface WorkerProcess {
  id: string;
  proc: ChildProcess;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `pattern` appears in its output. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM and wait (SIGKILL after `graceMs`); for cleanup. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A real trainer worker process (`node --import tsx workers/trainer/src/main.ts`, as npm start and the
 * Docker image run it), with `env` on top of this process's environment. Resolves once it listens.
 */
export async function startWorkerProcess(id: string, env: Record<string, string>): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, WORKER_ID: id, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const verbose = !!process.env.BYTELAB_TEST_VERBOSE;
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    if (verbose) process.stdout.write(chunk.toString().replace(/^/gm, `[${id}] `));
  };
  proc.stdout?.on("data", onData);
  proc.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const waitForOutput = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (done) throw new Error(`worker ${id} exited before printing ${pattern}:\n${text}`);
      if (Date.now() > deadline)
        throw new Error(`worker ${id} did not print ${pattern} in ${timeoutMs} ms:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const worker: WorkerProcess = {
    id,
    proc,
    output: () => text,
    exited,
    waitForOutput,
    kill: (signal) => {
      if (!done) proc.kill(signal);
    },
    stop: async (graceMs = 20_000) => {
      if (done) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  await waitForOutput(/listening on queue/);
  return worker;
}

/** Worker settings for reliability tests: short locks and stalled checks, quick polls and flushes. */
export function fastWorkerEnv(vars: Record<string, string>): Record<string, string> {
  return {
    CUDA_VISIBLE_DEVICES: "-1",
    WORKER_SLOTS: "1",
    WORKER_HEARTBEAT_MS: "500",
    WORKER_LOCK_DURATION_MS: "3000",
    WORKER_STALLED_INTERVAL_MS: "1000",
    WORKER_CANCEL_POLL_MS: "500",
    WORKER_METRICS_FLUSH_MS: "200",
    WORKER_SHUTDOWN_TIMEOUT_MS: "20000",
    WORKER_REQUEUE_INTERVAL_MS: "0",
    ...vars,
  };
}

/** Is process `pid` still alive? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
