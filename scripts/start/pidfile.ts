import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { StartError } from "./errors";
import { log } from "./log";
import { pidAlive, signalGroup, waitUntil } from "./service";

/**
 * BYTELAB_HOME/bytelab.pids.json: the pid of `npm start` and of each service it runs. It lets a second
 * `npm start` on the same data refuse politely, lets tests check that every process is gone, and lets the
 * next start clean up after a launcher that was killed with SIGKILL. Removed on a clean shutdown.
 */
export const PidfileSchema = z.object({
  launcher: z.number().int().positive(),
  startedAt: z.string(),
  services: z.record(z.string(), z.number().int().positive()),
});
export type Pidfile = z.infer<typeof PidfileSchema>;

/** A process we may stop as a leftover only if its command line still looks like what we started. */
const COMMAND_MARKERS: Record<string, RegExp> = {
  postgres: /postgres/,
  redis: /redis-server/,
  web: /next/,
  worker: /trainer|main\.ts/,
};

export function readPidfile(path: string): Pidfile | null {
  if (!existsSync(path)) return null;
  try {
    return PidfileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return null;
  }
}

export function writePidfile(path: string, pidfile: Pidfile): void {
  writeFileSync(path, `${JSON.stringify(pidfile, null, 2)}\n`);
}

export function removePidfile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Gone, or a zombie: a leftover's parent died, so the process was re-parented to PID 1, which may reap it
 * only later (in containers, PID 1 is often not a real init).
 */
function processGone(pid: number): boolean {
  if (!pidAlive(pid)) return true;
  try {
    return execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" })
      .trim()
      .startsWith("Z");
  } catch {
    return true;
  }
}

function commandOf(pid: number): string | null {
  try {
    return execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Before starting: refuse if another `npm start` serves this BYTELAB_HOME; stop the leftovers of one that
 * died without cleaning up (its services would hold the ports and the Postgres data folder).
 */
export async function handlePreviousRun(path: string, home: string): Promise<void> {
  const previous = readPidfile(path);
  if (!previous) return;
  if (
    previous.launcher !== process.pid &&
    pidAlive(previous.launcher) &&
    /start/.test(commandOf(previous.launcher) ?? "")
  ) {
    throw new StartError(
      `bytelab is already running with this data folder (${home}), pid ${previous.launcher}.`,
      `open it in the browser, stop it with Ctrl-C in its terminal (or kill ${previous.launcher}), or use another BYTELAB_HOME`,
    );
  }
  const leftovers = Object.entries(previous.services).filter(([name, pid]) => {
    const marker = COMMAND_MARKERS[name];
    const command = pidAlive(pid) ? commandOf(pid) : null;
    return command !== null && marker?.test(command) === true;
  });
  for (const [name, pid] of leftovers.reverse()) {
    const started = performance.now();
    log.warn(`stopping ${name} (pid ${pid}) left over from a previous run that did not shut down`);
    signalGroup(pid, name === "postgres" ? "SIGINT" : "SIGTERM");
    if (!(await waitUntil(() => processGone(pid), 15_000, 100))) signalGroup(pid, "SIGKILL");
    await waitUntil(() => processGone(pid), 5_000, 100);
    log.done(`stopped the old ${name}`, started);
  }
  removePidfile(path);
}
