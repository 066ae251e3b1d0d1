import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode } from "../exit";
import { followSweep } from "./follow";
import { planLines } from "./plan";
import { readSpecFile } from "./spec-input";

export interface SubmitFlags {
  wait: boolean;
  repeat: boolean;
  dryRun: boolean;
  json: boolean;
  intervalMs: number;
  idempotencyKey?: string | undefined;
}

/**
 * `bytelab sweep submit FILE`: the backend validates and expands the spec (exit 2, nothing written, on any
 * problem) and submits it (rows + jobs); prints the plan and the sweep id; with --wait, follows it until
 * every run is finished. --dry-run prints the plan only. --json prints the service's object instead.
 */
export async function submitCommand(backend: Backend, file: string, flags: SubmitFlags): Promise<ExitCode> {
  const spec = await readSpecFile(file);
  if (flags.dryRun) {
    const { plan, note } = await backend.planSweep(spec, { repeat: flags.repeat });
    if (flags.json) {
      console.log(JSON.stringify(plan, null, 2));
      return EXIT.ok;
    }
    for (const line of planLines(plan)) console.log(line);
    if (note) console.log(`  (${note})`);
    console.log(`dry run: ${file} is valid; nothing was submitted`);
    return EXIT.ok;
  }

  const result = await backend.submitSweep(spec, {
    repeat: flags.repeat,
    ...(flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {}),
  });
  const sweepId = result.sweepId;
  if (flags.json) {
    // With --wait: JSON lines, this object first, then one bytelab.sweep-status/1 per refresh.
    console.log(flags.wait ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  } else {
    for (const line of planLines(result.plan)) console.log(line);
    if (result.existing)
      console.log(
        `already submitted: sweep ${sweepId} has this exact spec and every config has a run; nothing new was queued`,
      );
    else
      console.log(
        `submitted: ${result.created.length} new run${result.created.length === 1 ? "" : "s"} queued` +
          `, ${result.reused.length} reused, ${result.enqueued} job${result.enqueued === 1 ? "" : "s"} added`,
      );
  }
  if (result.enqueueError)
    console.error(
      `warning: the runs are saved (QUEUED) but Redis did not take their jobs: ${result.enqueueError}\n` +
        "  Once Redis answers, a running worker re-adds them (requeueOrphans, every minute by default), or run " +
        "the same command again: it adds the missing jobs and creates nothing.",
    );
  if (!flags.json) console.log(`sweep id: ${sweepId}`);
  if (!flags.wait) {
    if (!flags.json) console.log(`follow it:  npx bytelab sweep status ${sweepId} --watch`);
    return EXIT.ok;
  }
  return followSweep(backend, sweepId, { intervalMs: flags.intervalMs, json: flags.json });
}
