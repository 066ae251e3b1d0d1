import type { ArchitectureAtBudget } from "../compare/compute-matched";
import type { CrossingResult } from "../fit/crossing";
import type { CurvePoint, PowerLawFit } from "../fit/power-law";
import type { SummaryStats } from "../stats/summary";
import type { ReportRunStatus } from "./schema";

/** How one run enters the scaling fit of its architecture. */
export type FitUse = { used: true } | { used: false; reason: string };

/** A run's training-FLOP budget (config.flopBudget, enforced by the trainer on measured FLOPs) and what it reached. */
export interface ReportRunBudget {
  /** The budget: e.g. 3.0e12. */
  flops: number;
  /** The cumulative training FLOPs it reached (largest recorded on its points), e.g. 3.001e12; null before any. */
  reached: number | null;
  /** reached >= flops (within float slack); false: it stopped before (see ReportRunRow.endedEarly); null: unknown. */
  reachedBudget: boolean | null;
}

export interface ReportRunRow {
  id: string;
  name: string;
  status: ReportRunStatus;
  architecture: string;
  seed: number;
  paramCount: number | null;
  flopsPerByte: number | null;
  /** Training FLOPs of the run (see RunValues.compute). */
  compute: number | null;
  bytesSeen: number | null;
  finalHeldOut: number | null;
  finalTest: number | null;
  finalTrain: number | null;
  wallTime: { seconds: number; source: "metrics" | "timestamps" } | null;
  /** The stored error of a failed run (runs.error). */
  error: string | null;
  fit: FitUse;
  /** Added with measured-FLOP budgets (additive): its FLOP budget and what it reached; null for runs without a FLOP budget. */
  budget: ReportRunBudget | null;
  /**
   * Added with measured-FLOP budgets (additive): why it ended before the compute it was planned for ("stopped early by ASHA (rung 1)
   * at 2.1e12 FLOPs", "diverged at 8.0e11 FLOPs", "stopped at ... before its budget of ..."); null otherwise.
   */
  endedEarly: string | null;
}

/** One run as a point of the scaling chart. */
export interface ScalingPoint {
  runId: string;
  runName: string;
  compute: number;
  /** Final held-out bpb; null for a run without a finite one (drawn at the chart's top edge). */
  bitsPerByte: number | null;
  used: boolean;
  reason: string | null;
  /**
   * Added with measured-FLOP budgets (additive): the compute the run was planned at (its FLOP budget; else steps x bytes per step x
   * FLOPs per byte), null when unknown. Runs with the same budget are one compute value of the fit's design.
   */
  budget: number | null;
}

/** A fit without its bootstrap draws (those are only needed to compute the band and crossings). */
export type ReportFit = Omit<PowerLawFit, "bootstrap"> & {
  bootstrap: { resamples: number; unit: string; failed: number; successful: number } | null;
  /** The fitted curve with its interval from the smallest compute of the fit out to `scaling.extrapolateTo`. */
  band: CurvePoint[];
};

export interface ScalingArchitecture {
  architecture: string;
  points: ScalingPoint[];
  fit: ReportFit | null;
  /** Why there is no fit (too few compute values, ...). */
  skipped: string | null;
}

export interface ReportCrossing extends CrossingResult {
  /** Per crossing: outside the compute range both fits saw, i.e. read off at least one extrapolated curve. */
  extrapolated: boolean[];
}

/** Added with measured-FLOP budgets (additive): one setting (runs that differ only in their seed) in the direct comparison. */
export interface DirectGroup {
  /** The seed section's label of the setting: "(one setting)", "model.ratio_loss.weight=0", ... */
  label: string;
  architecture: string;
  /** The planned compute its runs share (FLOP budget), null when they differ or it is unknown. */
  budget: number | null;
  /** Measured compute of its runs, [min, max]; null when none recorded any. */
  compute: [number, number] | null;
  /** Runs with a finite final held-out value. */
  n: number;
  /** Mean, sample std and Student t interval (at the section's level) of the final held-out value. */
  mean: number | null;
  std: number | null;
  interval: { lower: number; upper: number } | null;
  /** Every run of the setting: its final held-out value (null: none, see ReportRunRow). */
  runs: Array<{ runId: string; runName: string; compute: number | null; value: number | null }>;
}

/**
 * Added with measured-FLOP budgets (additive): final held-out values per setting, compared directly (a dot plot of the runs with
 * the seed interval of each setting's mean), for sweeps where no scaling law could be fitted.
 */
export interface DirectComparison {
  metric: string;
  level: number;
  groups: DirectGroup[];
}

export interface ScalingSection {
  metric: string;
  level: number;
  /** Range of compute over the runs drawn (null when no run has compute). */
  computeRange: [number, number] | null;
  /** How far fitted curves are drawn (only meaningful in mode "fit": there is nothing to extrapolate otherwise). */
  extrapolateTo: number | null;
  architectures: ScalingArchitecture[];
  crossings: ReportCrossing[];
  /**
   * Added with measured-FLOP budgets (additive): the chart that fits the data. "fit": at least one architecture has a fitted law:
   * draw runs against compute with the fitted curves, their bands and the extrapolation region. "direct":
   * no law was fitted (e.g. a single-budget sweep, one compute value per architecture): draw `direct`
   * (each setting's runs and the seed interval of their mean), no curves, no extrapolation.
   */
  mode: "fit" | "direct";
  /** Added with measured-FLOP budgets (additive): the direct comparison's data (filled in both modes; `mode` says which chart to draw). */
  direct: DirectComparison;
}

/**
 * Why a run has no value in a cell of the compute-matched table:
 *   not-reached         its curve ended before the budget (it finished its own, smaller budget)
 *   before-first-point  the budget lies before its first evaluation
 *   early-stopped       stopped early (ASHA) before the budget
 *   stopped-before-budget  completed before its own FLOP budget (an early stop or its step cap)
 *   diverged            diverged before the budget (its curve is cut at the first non-finite value)
 *   failed | cancelled  no usable curve
 *   unfinished          still queued or running (the report is a snapshot)
 *   no-eval             finished without a held-out value recorded with training FLOPs
 */
export type MissingReason =
  | "not-reached"
  | "before-first-point"
  | "early-stopped"
  | "stopped-before-budget"
  | "diverged"
  | "failed"
  | "cancelled"
  | "unfinished"
  | "no-eval";

/** One architecture at one budget of the compute-matched table (the analysis result without its run list). */
export type ComparisonCell = Omit<ArchitectureAtBudget, "runs"> & {
  /** Added with measured-FLOP budgets (additive): runs of the architecture in the sweep (n of them have a value here). */
  total: number;
  /** Added with measured-FLOP budgets (additive): "complete" (every run has a value), "partial" (some do), "empty" (none). */
  coverage: "complete" | "partial" | "empty";
  /** Added with measured-FLOP budgets (additive): every run without a value here, why, and in words ("stopped early by ASHA at ..."). */
  missing: Array<{ runId: string; runName: string; reason: MissingReason; detail: string }>;
};

export interface ComparisonSection {
  metric: string;
  /** "given" (--budgets) or "auto" (chosen from the runs: see `rule`). */
  budgetSource: "given" | "auto";
  rows: Array<{ budget: number; cells: ComparisonCell[] }>;
  /** Set when there is nothing to compare; says why. */
  note: string | null;
  /**
   * Added with measured-FLOP budgets (additive): the largest training FLOPs that every compared run reached (runs stopped early,
   * diverged, failed or unfinished aside); null when there is nothing to compare.
   */
  reachedByAll: number | null;
  /** Added with measured-FLOP budgets (additive): every cell of the table has a value (every architecture at every budget). */
  complete: boolean;
  /** Added with measured-FLOP budgets (additive): how the budgets were chosen, in words (what the HTML report prints). */
  rule: string;
}

export interface SeedGroupRow {
  label: string;
  architecture: string;
  runIds: string[];
  runNames: string[];
  seeds: unknown[];
  /** Per metric name: summary over the group's runs that have a finite final value. */
  metrics: Record<string, (SummaryStats & { missing: number }) | null>;
}

export interface SeedSection {
  metrics: string[];
  varyingKeys: string[];
  groups: SeedGroupRow[];
  note: string | null;
}

export interface LearningCurveRun {
  runId: string;
  runName: string;
  /** Runs with the same config (hash) share it, so seeds of one setting get one colour. */
  group: string;
  status: ReportRunStatus;
  /** Downsampled training curve against training FLOPs. */
  train: Array<{ x: number; y: number }>;
  /** Held-out evaluations against training FLOPs. */
  heldOut: Array<{ x: number; y: number }>;
  /** Points stored before downsampling (train series). */
  trainPointsStored: number;
}

export interface LearningCurveSection {
  trainMetric: string;
  heldOutMetric: string;
  architectures: Array<{ architecture: string; runs: LearningCurveRun[] }>;
}

/** One environment property and the runs that share each recorded value. */
export interface EnvironmentRow {
  property: string;
  values: Array<{ value: string; runs: number }>;
  /** Runs without a recorded value. */
  notRecorded: number;
}

export interface EnvironmentSection {
  rows: EnvironmentRow[];
  /** What the platform does not store yet, said plainly. */
  notes: string[];
}

export interface SweepReport {
  title: string;
  generatedAt: string;
  sweep: {
    id: string;
    name: string;
    description: string | null;
    createdAt: string | null;
    /** spec.kind when the spec has one ("sweep", "ablation", "ladder"). */
    kind: string | null;
  };
  summary: {
    runs: number;
    byStatus: Array<{ status: ReportRunStatus; count: number }>;
    architectures: string[];
    /** Sum of the runs' training FLOPs. */
    totalCompute: number | null;
    totalWallSeconds: number | null;
  };
  scaling: ScalingSection;
  comparison: ComparisonSection;
  seeds: SeedSection;
  learningCurves: LearningCurveSection;
  runs: ReportRunRow[];
  environment: EnvironmentSection;
  /** Things a reader should know (e.g. no run has FLOPs recorded). */
  warnings: string[];
}
