import type { SubmissionPlan } from "@bytelab/experiments";
import type { PrismaClient } from "@bytelab/db/runtime";
import { type ConnectionFlags, ConnectionError, resolveServiceUrl } from "./connection";
import { followSweep } from "./follow";
import { SWEEP_EXIT } from "./outcome";
import { planLines } from "./plan";
import { openSweepSession } from "./session";
import { type ValidatedSpec, validateSpecFile } from "./spec-input";

export interface SubmitFlags extends ConnectionFlags {
  wait: boolean;
  repeat: boolean;
  dryRun: boolean;
  intervalMs: number;
}

/** Which expanded runs an existing run already covers (what submitSweep will decide under its lock). */
async function previewReuse(
  prisma: PrismaClient,
  spec: ValidatedSpec,
  repeat: boolean,
): Promise<SubmissionPlan> {
  const { planSubmission } = await import("@bytelab/experiments");
  const runs = spec.expansion.runs;
  const existing = repeat
    ? []
    : await prisma.run.findMany({
        where: { configHash: { in: runs.map((r) => r.configHash) } },
        select: { id: true, configHash: true, status: true },
      });
  return planSubmission(runs, existing, { repeat });
}

/** --dry-run: the plan, with reuse when a database is configured and answers (never required). */
async function dryRun(file: string, spec: ValidatedSpec, flags: SubmitFlags): Promise<number> {
  let plan: SubmissionPlan | null = null;
  let note = "";
  try {
    resolveServiceUrl("postgres", flags);
    const session = await openSweepSession(flags, { redis: false });
    try {
      plan = await previewReuse(session.prisma, spec, flags.repeat || spec.expansion.spec.repeat);
    } finally {
      await session.close();
    }
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    note = error.message.split("\n")[0]!;
  }
  for (const line of planLines(spec.expansion, plan)) console.log(line);
  if (note) console.log(`  (${note})`);
  console.log(`dry run: ${file} is valid; nothing was submitted`);
  return SWEEP_EXIT.ok;
}

/**
 * `bytelab sweep submit FILE`: validate + expand (exit 2, nothing written, on any problem), print the plan,
 * submitSweep (rows + jobs), print the sweep id; with --wait, follow it until every run is finished.
 */
export async function submitCommand(file: string, flags: SubmitFlags): Promise<number> {
  const spec = await validateSpecFile(file);
  if (flags.dryRun) return dryRun(file, spec, flags);

  const repeat = flags.repeat || spec.expansion.spec.repeat;
  const session = await openSweepSession(flags, { redis: true });
  try {
    const { submitSweep } = await import("@bytelab/queue");
    for (const line of planLines(spec.expansion, await previewReuse(session.prisma, spec, repeat)))
      console.log(line);
    const result = await submitSweep(session.prisma, session.trainQueue!, spec.input, {
      ...(flags.repeat ? { repeat: true } : {}),
    });
    const sweepId = result.sweep.id;
    if (result.existing)
      console.log(
        `already submitted: sweep ${sweepId} has this exact spec and every config has a run; nothing new was queued`,
      );
    else
      console.log(
        `submitted: ${result.created.length} new run${result.created.length === 1 ? "" : "s"} queued` +
          `, ${result.reused.length} reused, ${result.enqueued} job${result.enqueued === 1 ? "" : "s"} added`,
      );
    if (result.enqueueError)
      console.error(
        `warning: the runs are saved (QUEUED) but Redis did not take their jobs: ${result.enqueueError}\n` +
          "  Once Redis answers, a running worker re-adds them (requeueOrphans, every minute by default), or run " +
          "the same command again: it adds the missing jobs and creates nothing.",
      );
    console.log(`sweep id: ${sweepId}`);
    if (!flags.wait) {
      console.log(`follow it:  npx bytelab sweep status ${sweepId} --watch`);
      return SWEEP_EXIT.ok;
    }
    return await followSweep(session.prisma, sweepId, { intervalMs: flags.intervalMs });
  } finally {
    await session.close();
  }
}
