import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { PrismaClient } from "@bytelab/db/runtime";
import type { Logger } from "../logger";

const RUN_ID = /^[A-Za-z0-9_-]{1,200}$/;
const WORK_FOLDER = /^([A-Za-z0-9_-]{1,200})-a(\d+)$/;

/**
 * BYTELAB_HOME/work/<runId>-a<attempt>: the local folder one attempt trains in (the trainer's run folder:
 * checkpoints/, metrics.jsonl, run.json, the metrics spill file). Local to this machine and to this claim: what
 * outlives the attempt goes to the artifact store (checkpoints as they are committed, run.json and
 * metrics.jsonl at the end), and the folder is deleted when the attempt ends. A stale attempt (frozen past its
 * lock) and the attempt that took the run over never share a folder, even with one BYTELAB_HOME.
 */
export function workFolder(home: string, runId: string, attempt: number): string {
  if (!RUN_ID.test(runId))
    throw new Error(`run id ${JSON.stringify(runId)} cannot name a folder (letters, digits, _ and - only)`);
  return join(home, "work", `${runId}-a${attempt}`);
}

const OWNER_FILE = "owner.json";

/** Marks a work folder as this worker process's (host and pid), so a restarted worker can tell it is orphaned. */
export function markWorkFolderOwner(runDir: string): void {
  writeFileSync(join(runDir, OWNER_FILE), JSON.stringify({ host: hostname(), pid: process.pid }));
}

/** True when the folder's owner was a worker process on this host that no longer exists. */
function ownerIsGone(folder: string): boolean {
  let owner: { host?: unknown; pid?: unknown };
  try {
    owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), "utf8"));
  } catch {
    return false; // no marker (or being written): decide from the database alone
  }
  if (owner.host !== hostname() || typeof owner.pid !== "number" || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Deletes work folders nobody trains in any more: of runs that are gone or finished, of an attempt older
 * than the run's current one, or whose owning worker process on this host is gone (killed: its run is
 * taken over by whichever worker claims it next, here or elsewhere). A folder of the current attempt of a
 * RUNNING run whose owner is alive may belong to another worker sharing this BYTELAB_HOME and stays
 * (`keepAttempt` keeps the attempt the caller is claiming). Returns the folders deleted.
 */
export async function removeStaleWorkFolders(
  prisma: PrismaClient,
  home: string,
  log: Logger,
  opts: { onlyRun?: string; keepAttempt?: number } = {},
): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(join(home, "work"));
  } catch {
    return [];
  }
  const folders = names
    .map((name) => ({ name, m: WORK_FOLDER.exec(name) }))
    .filter((f): f is { name: string; m: RegExpExecArray } => f.m !== null)
    .map((f) => ({ name: f.name, runId: f.m[1]!, attempt: Number(f.m[2]) }))
    .filter((f) => opts.onlyRun === undefined || f.runId === opts.onlyRun);
  if (folders.length === 0) return [];
  const runs = await prisma.run.findMany({
    where: { id: { in: [...new Set(folders.map((f) => f.runId))] } },
    select: { id: true, status: true, attempts: true },
  });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const removed: string[] = [];
  for (const f of folders) {
    if (f.runId === opts.onlyRun && f.attempt === opts.keepAttempt) continue;
    const run = byId.get(f.runId);
    const live = run && run.status === "RUNNING" && run.attempts === f.attempt;
    if (live && !ownerIsGone(join(home, "work", f.name))) continue;
    rmSync(join(home, "work", f.name), { recursive: true, force: true });
    removed.push(f.name);
  }
  if (removed.length) log.info(`removed ${removed.length} work folder(s) of finished or taken-over attempts`);
  return removed;
}
