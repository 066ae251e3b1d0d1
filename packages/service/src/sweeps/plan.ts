import type { Expansion, RunSpec, SubmissionPlan } from "@bytelab/experiments";
import type { PrismaClient } from "@bytelab/db/runtime";
import type { RunStatusName } from "../schemas/common";
import { InvalidInputError } from "../errors";
import { type SweepCheck, type SweepPlan, sweepPlanSchema } from "../schemas/sweep";
import { enforceUntrustedPolicy, type UntrustedSpecPolicy } from "./limits";
import { type SpecSource, validateSpec } from "./spec-input";

/** Which expanded runs an existing run already covers (what submitSweep decides again under its lock). */
export async function previewReuse(
  prisma: PrismaClient,
  runs: readonly RunSpec[],
  repeat: boolean,
): Promise<SubmissionPlan> {
  const { planSubmission } = await import("@bytelab/experiments");
  const existing = repeat
    ? []
    : await prisma.run.findMany({
        where: { configHash: { in: runs.map((r) => r.configHash) } },
        select: { id: true, configHash: true, status: true },
      });
  return planSubmission(runs, existing, { repeat });
}

function range(values: readonly number[]): [number, number] | null {
  if (values.length === 0) return null;
  return [Math.min(...values), Math.max(...values)];
}

/** The plan as JSON: runs with their budgets and reuse, per-architecture ranges, totals, warnings. */
export function planJson(expansion: Expansion, reuse: SubmissionPlan | null): SweepPlan {
  const { spec, runs } = expansion;
  const reuseOf = new Map(reuse?.reuse.map((r) => [r.run.configHash, r.existing]) ?? []);
  const planRuns = runs.map((r) => {
    const existing = reuseOf.get(r.configHash);
    return {
      label: r.label,
      entry: r.origin.entry,
      architecture: r.architecture,
      seed: r.seed,
      paramCount: r.paramCount,
      steps: r.budget.steps,
      bytes: r.budget.bytes,
      flops: r.budget.flops,
      budget: { kind: r.budget.kind, value: r.budget.value },
      configHash: r.configHash,
      reuses: existing ? { runId: existing.id, status: existing.status as RunStatusName } : null,
    };
  });
  const entries = new Map<string, typeof planRuns>();
  for (const r of planRuns) entries.set(r.entry, [...(entries.get(r.entry) ?? []), r]);
  const fresh = planRuns.filter((r) => r.reuses === null);
  return sweepPlanSchema.parse({
    format: "bytelab.sweep-plan/1",
    kind: expansion.kind,
    name: spec.name,
    description: spec.description ?? null,
    specHash: expansion.specHash,
    priority: spec.priority,
    runs: planRuns,
    architectures: [...entries].map(([entry, group]) => ({
      entry,
      architecture: group[0]!.architecture,
      runs: group.length,
      paramCount: range(group.flatMap((r) => (r.paramCount === null ? [] : [r.paramCount]))),
      steps: range(group.map((r) => r.steps)),
      bytes: range(group.map((r) => r.bytes)),
      flops: range(group.flatMap((r) => (r.flops === null ? [] : [r.flops]))),
    })),
    totals: {
      runs: planRuns.length,
      new: fresh.length,
      reused: planRuns.length - fresh.length,
      flops: fresh.reduce((sum, r) => sum + (r.flops ?? 0), 0),
      bytes: fresh.reduce((sum, r) => sum + r.bytes, 0),
    },
    reuseChecked: reuse !== null,
    duplicates: expansion.duplicates.map(({ label, sameAs }) => ({ label, sameAs })),
    warnings: expansion.warnings.map(({ path, issue, fix, runs }) => ({
      path,
      issue,
      fix,
      ...(runs ? { runs } : {}),
    })),
  });
}

export interface PlanOptions {
  /** Plan new runs even for configs that already have one (default: the spec's `repeat`). */
  repeat?: boolean;
  /** The spec came from the network: refuse datasets outside the data roots and oversized expansions. */
  untrusted?: UntrustedSpecPolicy;
}

/**
 * The dry run of a spec: validates and expands it (InvalidInputError with field paths when it is invalid),
 * and with a database, says which runs would reuse existing ones. Writes nothing.
 */
export async function planSweep(
  prisma: PrismaClient | null,
  source: SpecSource,
  opts: PlanOptions = {},
): Promise<SweepPlan> {
  const { expansion } = await validateSpec(source);
  if (opts.untrusted) await enforceUntrustedPolicy(expansion, opts.untrusted);
  const repeat = opts.repeat ?? expansion.spec.repeat;
  return planJson(expansion, prisma ? await previewReuse(prisma, expansion.runs, repeat) : null);
}

/**
 * planSweep for editors: a spec with problems answers valid: false with one issue per field (path, issue,
 * fix) instead of throwing; anything else (Postgres down) still throws.
 */
export async function checkSweep(
  prisma: PrismaClient | null,
  source: SpecSource,
  opts: PlanOptions = {},
): Promise<SweepCheck> {
  try {
    const plan = await planSweep(prisma, source, opts);
    return { format: "bytelab.sweep-check/1", valid: true, message: null, issues: [], plan };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return {
      format: "bytelab.sweep-check/1",
      valid: false,
      message: error.message,
      issues: error.details.map((d) => ({ path: d.path, issue: d.issue, ...(d.fix ? { fix: d.fix } : {}) })),
      plan: null,
    };
  }
}
