import type { PrismaClient, Sweep } from "@bytelab/db/runtime";
import {
  type ExpandOptions,
  type Expansion,
  expandSpec,
  planSubmission,
  type RunSpec,
  type SpecIssue,
} from "@bytelab/experiments";
import { addTrainJobs, EnqueueError, type EnqueueOptions } from "./enqueue";
import { jobItemsFor, RUN_JOB_FIELDS } from "./job-items";
import type { SweepRecord } from "./sweep-record";
import type { TrainQueue } from "./train-queue";

/** Serialises submissions (pg advisory lock), so two submitting the same config do not both create it. */
export const SUBMIT_LOCK_KEY = 0x62_79_74_65_6c_61_62n; // "bytelab"

export interface SubmitOptions extends ExpandOptions, EnqueueOptions {
  /** Create runs even for configs that already have one (default: the spec's `repeat`, itself false). */
  repeat?: boolean;
}

export interface SubmittedRun {
  runId: string;
  label: string;
  configHash: string;
}

export interface SubmitResult {
  sweep: Sweep;
  /**
   * true when nothing had to be created and an earlier sweep with the same spec exists: that sweep is
   * returned (submitting twice is idempotent).
   */
  existing: boolean;
  /** Runs created by this submission (status QUEUED). */
  created: SubmittedRun[];
  /** Configs an existing run already covers (that run's status at submission). */
  reused: Array<SubmittedRun & { status: string }>;
  /** Jobs added to the queue (created runs, plus reused runs that were QUEUED without a job). */
  enqueued: number;
  /**
   * Set when Redis did not take the jobs. The runs are committed and QUEUED; requeueOrphans (run by the
   * web app / worker periodically, or by hand) adds their jobs once Redis answers.
   */
  enqueueError: string | null;
  warnings: SpecIssue[];
  expansion: Expansion;
}

function runRow(run: RunSpec, specName: string, sweepId: string) {
  return {
    name: `${specName}/${run.label}`,
    sweepId,
    status: "QUEUED" as const,
    architecture: run.architecture,
    config: JSON.parse(JSON.stringify(run.config)),
    configHash: run.configHash,
    seed: run.seed,
    paramCount: run.paramCount === null ? null : BigInt(run.paramCount),
    // Training FLOPs per byte at the run's seqLen (H-Net: at its ratio-loss targets until measured).
    flopsPerByte: run.flopsPerByte?.training ?? null,
    priority: run.priority,
  };
}

/**
 * Validates and expands `input` (a parsed spec file or API body), then in ONE transaction creates the
 * Sweep row and a QUEUED Run row per new config (configs that already have a run are reused unless
 * `repeat`), then adds one BullMQ job per new run with jobId = runId.
 *
 * Failure modes:
 *  - invalid spec or any invalid run: SpecValidationError, nothing written anywhere;
 *  - database error: the transaction rolls back, nothing queued;
 *  - Redis error after the commit: rows stay QUEUED, `enqueueError` says why, a WARN event is written on
 *    each run, and requeueOrphans (idempotent: jobId = runId) adds the jobs later.
 * Submitting the same spec again creates nothing and returns the earlier sweep (`existing: true`),
 * re-adding jobs for its QUEUED runs if Redis had lost them.
 */
export async function submitSweep(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  input: unknown,
  opts: SubmitOptions = {},
): Promise<SubmitResult> {
  const expansion = await expandSpec(input, opts);
  const { spec } = expansion;
  const repeat = opts.repeat ?? spec.repeat;
  const earlyStopping = spec.earlyStopping ?? null;

  const outcome = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SUBMIT_LOCK_KEY})`;
    const existingRuns = repeat
      ? []
      : await tx.run.findMany({
          where: { configHash: { in: expansion.runs.map((r) => r.configHash) } },
          select: { id: true, configHash: true, status: true },
        });
    const plan = planSubmission(expansion.runs, existingRuns, { repeat });
    const reused = plan.reuse.map(({ run, existing }) => ({
      runId: existing.id,
      label: run.label,
      configHash: run.configHash,
      status: existing.status,
    }));
    if (plan.create.length === 0) {
      const earlier = await tx.sweep.findFirst({
        where: { spec: { path: ["specHash"], equals: expansion.specHash } },
        orderBy: { createdAt: "desc" },
      });
      if (earlier) return { sweep: earlier, existing: true, created: [], reused };
    }
    const record: SweepRecord = {
      format: "bytelab.sweep/1",
      kind: expansion.kind,
      specHash: expansion.specHash,
      spec: JSON.parse(JSON.stringify(input)),
      earlyStopping,
      reusedRuns: reused.map(({ runId, label, configHash }) => ({ runId, label, configHash })),
      duplicates: expansion.duplicates.map(({ label, sameAs }) => ({ label, sameAs })),
      warnings: expansion.warnings.map(({ path, issue, fix }) => ({ path, issue, fix })),
      submittedAt: new Date().toISOString(),
    };
    const sweep = await tx.sweep.create({
      data: { name: spec.name, description: spec.description ?? null, spec: record },
    });
    const rows = await tx.run.createManyAndReturn({
      data: plan.create.map((run) => runRow(run, spec.name, sweep.id)),
      select: { id: true, configHash: true },
    });
    const idByHash = new Map(rows.map((r) => [r.configHash, r.id]));
    const created = plan.create.map((run) => ({
      runId: idByHash.get(run.configHash)!,
      label: run.label,
      configHash: run.configHash,
    }));
    await tx.runEvent.createMany({
      data: created.map((c) => ({
        runId: c.runId,
        kind: "SYSTEM" as const,
        level: "INFO" as const,
        message: `queued by sweep ${spec.name} (${c.label})`,
        data: { sweepId: sweep.id, specHash: expansion.specHash, label: c.label },
      })),
    });
    return { sweep, existing: false, created, reused };
  });

  // After the commit: jobs for the new runs, and for reused runs that are QUEUED (a no-op when their job
  // exists; heals a submission whose enqueue failed earlier). Payloads come from the committed rows.
  const queuedIds = [
    ...outcome.created.map((c) => c.runId),
    ...outcome.reused.filter((r) => r.status === "QUEUED").map((r) => r.runId),
  ];
  const rows = await prisma.run.findMany({
    where: { id: { in: queuedIds }, status: "QUEUED" },
    select: RUN_JOB_FIELDS,
  });
  const items = await jobItemsFor(prisma, rows, "submit");
  let enqueued = 0;
  let enqueueError: string | null = null;
  try {
    enqueued = await addTrainJobs(trainQueue, items, opts);
  } catch (error) {
    if (!(error instanceof EnqueueError)) throw error;
    enqueueError = error.message;
    await prisma.runEvent
      .createMany({
        data: error.runIds.map((runId) => ({
          runId,
          kind: "SYSTEM" as const,
          level: "WARN" as const,
          message: `not queued in Redis yet (${error.message}); requeueOrphans will add the job`,
        })),
      })
      .catch(() => {});
  }
  return {
    sweep: outcome.sweep,
    existing: outcome.existing,
    created: outcome.created,
    reused: outcome.reused,
    enqueued,
    enqueueError,
    warnings: expansion.warnings,
    expansion,
  };
}
