import type { ServiceContext } from "../context";
import type { RunStatusName } from "../schemas/common";
import { type SubmitResultJson, submitResultSchema } from "../schemas/sweep";
import { enforceUntrustedPolicy, type UntrustedSpecPolicy } from "./limits";
import { planJson } from "./plan";
import { type SpecSource, validateSpec } from "./spec-input";

export interface SubmitOptions {
  /** Create runs even for configs that already have one (default: the spec's `repeat`). */
  repeat?: boolean;
  /** The spec came from the network: refuse datasets outside the data roots and oversized expansions. */
  untrusted?: UntrustedSpecPolicy;
}

/**
 * Validates and expands the spec (InvalidInputError, nothing written, when it is invalid), checks that
 * Redis answers (UnavailableError, nothing written, when it does not), then submits: one transaction for the
 * sweep and its runs, one job per new run (@bytelab/queue submitSweep). The same spec again creates nothing
 * and answers the earlier sweep (`existing: true`).
 */
export async function submitSweep(
  ctx: ServiceContext,
  source: SpecSource,
  opts: SubmitOptions = {},
): Promise<SubmitResultJson> {
  const { input, expansion } = await validateSpec(source);
  if (opts.untrusted) await enforceUntrustedPolicy(expansion, opts.untrusted);
  const trainQueue = await ctx.trainQueue();
  const queue = await import("@bytelab/queue");
  const result = await queue.submitSweep(ctx.prisma, trainQueue, input, {
    ...(opts.repeat ? { repeat: true } : {}),
  });
  const byHash = new Map(result.expansion.runs.map((r) => [r.configHash, r]));
  const reuse = {
    create: result.created.flatMap((c) => byHash.get(c.configHash) ?? []),
    reuse: result.reused.flatMap((r) => {
      const run = byHash.get(r.configHash);
      return run ? [{ run, existing: { id: r.runId, configHash: r.configHash, status: r.status } }] : [];
    }),
  };
  return submitResultSchema.parse({
    format: "bytelab.sweep-submit/1",
    sweepId: result.sweep.id,
    existing: result.existing,
    created: result.created.map(({ runId, label }) => ({ runId, label })),
    reused: result.reused.map(({ runId, label, status }) => ({
      runId,
      label,
      status: status as RunStatusName,
    })),
    enqueued: result.enqueued,
    enqueueError: result.enqueueError,
    plan: planJson(result.expansion, reuse),
  });
}
