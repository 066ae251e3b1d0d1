import type { RunStatusName } from "../schemas/common";
import type { Progress } from "../schemas/sweep";

export interface RunProgressInput {
  status: RunStatusName;
  /** Latest recorded step. */
  step: number | null;
  totalSteps: number | null;
  bytesPerStep: number | null;
  /** Latest measured training throughput. */
  bytesPerSecond: number | null;
}

const ACTIVE: readonly RunStatusName[] = ["QUEUED", "RUNNING"];

/**
 * Steps done and left over a set of runs, and an ETA: the work left (bytes) of each unfinished run at its
 * own measured throughput (a queued run: at the mean throughput of the runs that have one), divided by the
 * runs training at once (at least one). A COMPLETED run counts as done whatever step it stopped at; a
 * failed or cancelled one counts the steps it trained and leaves nothing to wait for.
 */
export function estimateProgress(runs: readonly RunProgressInput[]): Progress {
  let stepsDone = 0;
  let stepsTotal = 0;
  const rates = runs.flatMap((r) => (r.bytesPerSecond && r.bytesPerSecond > 0 ? [r.bytesPerSecond] : []));
  const meanRate = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
  let secondsLeft = 0;
  let unknown = false;
  let left = false;
  let running = 0;
  for (const r of runs) {
    const total = r.totalSteps ?? r.step ?? 0;
    // A COMPLETED run is done whatever step it stopped at (ASHA, a FLOP budget reached early); a failed,
    // diverged or cancelled one counts the steps it trained, so a cancelled sweep does not read 100%.
    const done = r.status === "COMPLETED" ? total : Math.min(r.step ?? 0, total);
    stepsTotal += total;
    stepsDone += done;
    if (r.status === "RUNNING") running++;
    if (!ACTIVE.includes(r.status) || done >= total) continue;
    left = true;
    const rate = (r.status === "RUNNING" && r.bytesPerSecond) || meanRate;
    if (!rate || r.bytesPerStep === null) unknown = true;
    else secondsLeft += ((total - done) * r.bytesPerStep) / rate;
  }
  return {
    stepsDone,
    stepsTotal,
    fraction: stepsTotal > 0 ? Math.min(1, stepsDone / stepsTotal) : null,
    etaSeconds: !left || unknown ? null : secondsLeft / Math.max(1, running),
  };
}
