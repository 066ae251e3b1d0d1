import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { checkpointsDir, readLatestName } from "@bytelab/train/checkpoint";

const repoRoot = new URL("../../../../", import.meta.url);

/** BYTELAB_HOME as the worker resolves it: the variable (relative to the cwd), else <project root>/.bytelab. */
export function resolveHome(home: string | undefined): string {
  if (home) return isAbsolute(home) ? home : resolve(home);
  return join(decodeURIComponent(repoRoot.pathname), ".bytelab");
}

/**
 * BYTELAB_HOME/runs/<runId>: everything a run writes (checkpoints/, metrics.jsonl, run.json, the metrics
 * spill file). Shared storage in a multi-machine setup, so that whichever worker picks a run up resumes it.
 */
export function runFolder(home: string, runId: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(runId))
    throw new Error(`run id ${JSON.stringify(runId)} cannot name a folder (letters, digits, _ and - only)`);
  return join(home, "runs", runId);
}

/** Step of the checkpoint `checkpoints/latest` names in `runDir`, or null when the run has none. */
export function latestCheckpointStep(runDir: string): number | null {
  const root = checkpointsDir(runDir);
  if (!existsSync(root)) return null;
  const name = readLatestName(root);
  const step = name ? /^step-(\d+)$/.exec(name)?.[1] : undefined;
  if (step === undefined || !existsSync(join(root, name!, "meta.json"))) return null;
  return Number.parseInt(step, 10);
}
