import { downsampleSeries } from "../downsample/downsample";
import { curveOnFlops } from "./run-values";
import type { ParsedReportInput, ParsedReportOptions } from "./schema";
import type { LearningCurveRun, LearningCurveSection } from "./types";

type XY = Array<{ x: number; y: number }>;

function downsample(curves: XY[], buckets: number): XY[] {
  const { series } = downsampleSeries(
    curves.map((c, i) => ({ id: String(i), x: c.map((p) => p.x), y: c.map((p) => p.y) })),
    { method: "lttb", buckets, scale: "log" },
  );
  return series.map((s) => s.x.map((x, i) => ({ x, y: s.y[i]! })));
}

/**
 * Per architecture, every run's training curve (LTTB-downsampled on a shared log-FLOPs grid, so a long run
 * costs the page as much as a short one) and its held-out evaluations, against cumulative training FLOPs.
 */
export function buildLearningCurves(
  input: ParsedReportInput,
  opts: ParsedReportOptions,
): LearningCurveSection {
  const architectures = [...new Set(input.runs.map((r) => r.architecture))];
  return {
    trainMetric: opts.trainMetric,
    heldOutMetric: opts.heldOutMetric,
    architectures: architectures.map((architecture) => {
      const runs = input.runs.filter((r) => r.architecture === architecture);
      const train = runs.map((r) => curveOnFlops(input.series[r.id]?.[opts.trainMetric]));
      const heldOut = runs.map((r) => curveOnFlops(input.series[r.id]?.[opts.heldOutMetric]));
      const trainDown = downsample(train, opts.curveBuckets);
      const heldOutDown = downsample(heldOut, opts.curveBuckets);
      return {
        architecture,
        runs: runs.map(
          (run, i): LearningCurveRun => ({
            runId: run.id,
            runName: run.name,
            group: run.configHash ?? run.id,
            status: run.status,
            train: trainDown[i]!,
            heldOut: heldOutDown[i]!,
            trainPointsStored: input.series[run.id]?.[opts.trainMetric]?.length ?? 0,
          }),
        ),
      };
    }),
  };
}
