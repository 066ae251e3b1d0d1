import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface StartedProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code (or 128 + signal number). */
  exited: Promise<number>;
  /** Resolves once `pattern` appears in the output; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Runs `scripts/start.ts` exactly as `npm start` does (node + tsx), in its own process group so the test can
 * press "Ctrl-C" the way a terminal does: SIGINT to the whole group.
 */
export function runStart(env: NodeJS.ProcessEnv): StartedProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ""] ?? 0))),
  );
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = text.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output:\n${text}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then((code) => {
        if (!text.match(pattern)) {
          cleanup();
          reject(new Error(`start exited with ${code} before printing ${pattern}; output:\n${text}`));
        }
      });
      check();
    });
  return { child, output: () => text, exited, waitFor };
}

/** Ctrl-C in a terminal: SIGINT to every process of the foreground group. */
export function pressCtrlC(started: StartedProcess): void {
  if (started.child.pid === undefined) return;
  try {
    process.kill(-started.child.pid, "SIGINT");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // already gone: nothing to stop
  }
}

export interface Pidfile {
  launcher: number;
  services: Record<string, number>;
}

export function readPidfile(home: string): Pidfile | null {
  const path = join(home, "bytelab.pids.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Pidfile) : null;
}

/** Running (not gone, and not a zombie waiting for PID 1 to reap it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" })
      .trim()
      .startsWith("Z");
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Last resort in afterAll: whatever a failed test left running. */
export function killEverything(started: StartedProcess | undefined, pidfile: Pidfile | null): void {
  const pids = [started?.child.pid, pidfile?.launcher, ...Object.values(pidfile?.services ?? {})];
  for (const pid of pids) {
    if (pid === undefined) continue;
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}
