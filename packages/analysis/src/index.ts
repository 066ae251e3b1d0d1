/**
 * @bytelab/analysis: the numerics behind scaling curves and run comparisons (pure TypeScript, no I/O),
 * shared by the dashboard, the REST API and the CLI. Every entry point validates its input with zod and
 * throws AnalysisError (code, where, details[{path, issue}]) on bad or too thin input.
 *
 *   const { fits } = fitScalingLaws(runs, { resamples: 1000, seed: 0, predictAt: [1e18] });
 *   fits[0].params;                       // { E, A, logA, alpha } of L(C) = E + A C^-alpha
 *   fits[0].intervals?.alpha;             // percentile bootstrap interval
 *   fits[0].provisional, fits[0].reasons; // few compute values, bound hit, diverged runs, ...
 *   findCrossing(fits[0], fits[1], { range: [1e15, 1e20] }).message;
 *   extrapolationBand(fits[0], { to: 1e20 });                 // curve + band for a chart
 *   compareAtBudgets(curves, { budgets: logSpaced(1e15, 1e18, 7) });
 *   isoFlopAnalysis(points).budgets;      // loss-optimal model size per budget (or the refusal)
 *   aggregateSeeds(runs).groups;          // mean, median, stderr, t CI per config
 *   downsampleSeries(series, { method: "lttb", buckets: 500, scale: "log" });
 */
export { flattenConfig, isSeedKey, stableJson } from "./aggregate/config-keys";
export {
  type AggregateRunInput,
  aggregateRunSchema,
  aggregateSeeds,
  type SeedAggregation,
  type SeedAggregationOptions,
  type SeedGroup,
} from "./aggregate/seeds";
export {
  type ArchitectureAtBudget,
  type ComputeMatchedComparison,
  type ComputeMatchedOptions,
  compareAtBudgets,
  type LearningCurveInput,
  learningCurveSchema,
} from "./compare/compute-matched";
export {
  type CurvePointXY,
  type Interpolated,
  interpolateLogLinear,
  normaliseCurve,
} from "./compare/interpolate";
export {
  type ChartSeries,
  chartSeriesSchema,
  type DownsampledSeries,
  type DownsampleOptions,
  downsampleSeries,
} from "./downsample/downsample";
export type { XGrid } from "./downsample/grid";
export { AnalysisError, type AnalysisIssue } from "./errors";
export { type Crossing, type CrossingOptions, type CrossingResult, findCrossing } from "./fit/crossing";
export { type ExtrapolationBandOptions, extrapolationBand, logSpaced, predictCurve } from "./fit/curve";
export {
  type BoundName,
  type CurvePoint,
  fitPowerLaw,
  type PowerLawFit,
  type PowerLawParams,
  powerLawLoss,
} from "./fit/power-law";
export { ALPHA_MAX, ALPHA_MIN } from "./fit/power-law-solver";
export { type ScalingLawFits, fitScalingLaws } from "./fit/scaling-laws";
export {
  type PowerLawFitOptions,
  powerLawFitOptionsSchema,
  type ScalingRun,
  type ScalingRunInput,
  scalingRunSchema,
} from "./fit/schemas";
export {
  type IsoFlopAnalysis,
  type IsoFlopBudget,
  type IsoFlopPointInput,
  isoFlopAnalysis,
  isoFlopPointSchema,
} from "./isoflop";
export { createRandom, type Random } from "./random";
export {
  type Interval,
  mean,
  median,
  percentileInterval,
  quantileSorted,
  sampleStd,
} from "./stats/descriptive";
export { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from "./stats/distributions";
export { type SummaryStats, summarize } from "./stats/summary";
