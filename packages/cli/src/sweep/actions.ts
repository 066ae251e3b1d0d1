import type { RunActionResult, SweepActionResult } from "@bytelab/service/schemas";
import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode, UsageError } from "../exit";

export interface ActionFlags {
  run?: string | undefined;
  reason?: string | undefined;
  includeCancelled?: boolean;
  json: boolean;
}

const DONE_WORD = { cancel: "cancelled", rerun: "re-run" } as const;

function resultLine(action: "cancel" | "rerun", r: RunActionResult): string {
  if (!r.changed) return `not ${DONE_WORD[action]}: ${r.label} (${r.runId}), ${r.status}: ${r.note}`;
  return `${DONE_WORD[action]}: ${r.label} (${r.runId}), was ${r.previous}; ${r.note}`;
}

/** `--run RUN` must name a run of this sweep (its own: runs it reuses belong to their own sweep). */
async function checkRunOfSweep(
  backend: Backend,
  sweepId: string,
  runId: string,
  action: string,
): Promise<void> {
  const { run } = await backend.getRun(runId);
  if (run.sweep?.id === sweepId) return;
  throw new UsageError(
    `run ${run.id} is not a run of sweep ${sweepId}` +
      (run.sweep
        ? ` (it belongs to sweep ${run.sweep.id}; ${action} it there: bytelab sweep ${action} ${run.sweep.id} --run ${run.id})`
        : ""),
  );
}

/**
 * `bytelab sweep cancel ID [--run RUN]` / `bytelab sweep rerun ID [--run RUN]`: the service's cancelSweep /
 * cancelRun (Postgres first, then the Redis signal, waiting jobs removed) or rerunSweep / rerunRun (FAILED,
 * with --include-cancelled also CANCELLED, runs back to QUEUED, resuming from their last checkpoint).
 * A run whose state forbids the change is a conflict: exit 1.
 */
export async function sweepActionCommand(
  backend: Backend,
  action: "cancel" | "rerun",
  sweepId: string,
  flags: ActionFlags,
): Promise<ExitCode> {
  const reason = flags.reason ? { reason: flags.reason } : {};
  if (flags.run) {
    await checkRunOfSweep(backend, sweepId, flags.run, action);
    const result =
      action === "cancel"
        ? await backend.cancelRun(flags.run, reason)
        : await backend.rerunRun(flags.run, reason);
    if (flags.json) console.log(JSON.stringify(result, null, 2));
    else console.log(resultLine(action, result));
    return EXIT.ok;
  }
  const result: SweepActionResult =
    action === "cancel"
      ? await backend.cancelSweep(sweepId, reason)
      : await backend.rerunSweep(sweepId, {
          ...reason,
          ...(flags.includeCancelled ? { includeCancelled: true } : {}),
        });
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  for (const r of result.runs) console.log(resultLine(action, r));
  if (result.changed === 0)
    console.log(
      action === "cancel"
        ? `nothing to cancel: every run of sweep ${sweepId} has finished`
        : `nothing to re-run: sweep ${sweepId} has no FAILED runs${flags.includeCancelled ? " and no CANCELLED ones" : " (CANCELLED ones too: --include-cancelled)"}`,
    );
  else
    console.log(
      `${result.changed} run${result.changed === 1 ? "" : "s"} ${DONE_WORD[action]}` +
        (action === "rerun" ? `; follow them: npx bytelab sweep status ${sweepId} --watch` : ""),
    );
  return EXIT.ok;
}
