import { parseInput } from "../errors";
import { endedEarly, runBudget } from "./budgets";
import { buildComparison } from "./comparison";
import { buildDirect } from "./direct";
import { buildEnvironment } from "./environment";
import { buildLearningCurves } from "./learning-curves";
import { runValues, type RunValues } from "./run-values";
import { buildScaling } from "./scaling";
import {
  REPORT_RUN_STATUSES,
  type ReportInput,
  type ReportOptions,
  reportInputSchema,
  reportOptionsSchema,
} from "./schema";
import { buildSeeds } from "./seeds";
import type { ReportRunRow, SweepReport } from "./types";

function specKind(spec: unknown): string | null {
  if (spec && typeof spec === "object" && "kind" in spec && typeof spec.kind === "string") return spec.kind;
  return null;
}

/**
 * The report of one sweep as data: summary, scaling fits with bands and crossings, the compute-matched
 * table, seed aggregation, downsampled learning curves, the run list and the recorded environment.
 * Pure: everything comes from `input` (rows and series as stored) and `options`; renderReportHtml draws it.
 */
export function buildSweepReport(input: ReportInput, options: ReportOptions = {}): SweepReport {
  const parsed = parseInput(reportInputSchema, input, "buildSweepReport", "input");
  const opts = parseInput(reportOptionsSchema, options, "buildSweepReport", "options");
  const metrics = { heldOut: opts.heldOutMetric, test: opts.testMetric, train: opts.trainMetric };
  const values = new Map<string, RunValues>(
    parsed.runs.map((run) => [run.id, runValues(run, parsed.series[run.id] ?? {}, metrics)]),
  );

  const { section: fitted, fitUse } = buildScaling(parsed.runs, values, opts);
  const seeds = buildSeeds(parsed, values, opts);
  const scaling = { ...fitted, direct: buildDirect(seeds, parsed.runs, values, opts) };
  const comparison = buildComparison(parsed, opts, values);
  const runs: ReportRunRow[] = parsed.runs.map((run) => {
    const v = values.get(run.id)!;
    return {
      id: run.id,
      name: run.name,
      status: run.status,
      architecture: run.architecture,
      seed: run.seed,
      paramCount: run.paramCount,
      flopsPerByte: run.flopsPerByte,
      compute: v.compute,
      bytesSeen: v.bytesSeen,
      finalHeldOut: v.heldOut?.value ?? null,
      finalTest: v.test?.value ?? null,
      finalTrain: v.train?.value ?? null,
      wallTime: v.wallTime,
      error: run.error,
      fit: fitUse.get(run.id) ?? { used: false, reason: "not fitted" },
      budget: runBudget(run, v),
      endedEarly: endedEarly(run, v)?.detail ?? null,
    };
  });

  const warnings: string[] = [];
  if (parsed.runs.length === 0) warnings.push("This sweep has no runs.");
  const finished = parsed.runs.filter((r) => r.status === "COMPLETED");
  const noFlops = finished.filter((r) => values.get(r.id)!.compute === null);
  if (noFlops.length > 0)
    warnings.push(
      `${noFlops.length} completed run(s) have no training FLOPs recorded on their metric points and cannot be placed on the compute axis.`,
    );
  const noHeldOut = finished.filter((r) => values.get(r.id)!.heldOut === null);
  if (noHeldOut.length > 0)
    warnings.push(`${noHeldOut.length} completed run(s) have no finite final ${opts.heldOutMetric}.`);
  const pending = parsed.runs.filter((r) => r.status === "QUEUED" || r.status === "RUNNING");
  if (pending.length > 0)
    warnings.push(`${pending.length} run(s) are still queued or running; this report is a snapshot.`);
  const short = runs.filter((r) => r.status === "COMPLETED" && r.budget?.reachedBudget === false);
  if (short.length > 0)
    warnings.push(
      `${short.length} completed run(s) stopped before their training-FLOP budget (${short
        .slice(0, 3)
        .map((r) => `${r.name}: ${r.endedEarly ?? "stopped early"}`)
        .join(
          "; ",
        )}${short.length > 3 ? "; ..." : ""}); the compute-matched table compares them only up to where they stopped.`,
    );
  warnings.push(...comparison.warnings);

  const computes = runs.flatMap((r) => (r.compute === null ? [] : [r.compute]));
  const walls = runs.flatMap((r) => (r.wallTime === null ? [] : [r.wallTime.seconds]));
  const title = parsed.sweep.name.trim() || parsed.sweep.id;
  return {
    title: `Sweep report: ${title}`,
    generatedAt: (opts.generatedAt ?? new Date()).toISOString(),
    sweep: {
      id: parsed.sweep.id,
      name: parsed.sweep.name,
      description: parsed.sweep.description,
      createdAt: parsed.sweep.createdAt?.toISOString() ?? null,
      kind: specKind(parsed.sweep.spec),
    },
    summary: {
      runs: parsed.runs.length,
      byStatus: REPORT_RUN_STATUSES.map((status) => ({
        status,
        count: parsed.runs.filter((r) => r.status === status).length,
      })).filter((s) => s.count > 0),
      architectures: [...new Set(parsed.runs.map((r) => r.architecture))],
      totalCompute: computes.length > 0 ? computes.reduce((a, b) => a + b, 0) : null,
      totalWallSeconds: walls.length > 0 ? walls.reduce((a, b) => a + b, 0) : null,
    },
    scaling,
    comparison: comparison.section,
    seeds,
    learningCurves: buildLearningCurves(parsed, opts),
    runs,
    environment: buildEnvironment(parsed.runs),
    warnings,
  };
}
