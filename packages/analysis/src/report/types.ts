import type { ArchitectureAtBudget } from "../compare/compute-matched";
import type { CrossingResult } from "../fit/crossing";
import type { CurvePoint, PowerLawFit } from "../fit/power-law";
import type { SummaryStats } from "../stats/summary";
import type { ReportRunStatus } from "./schema";

/** How one run enters the scaling fit of its architecture. */
export type FitUse = { used: true } | { used: false; reason: string };

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

export interface ScalingSection {
  metric: string;
  level: number;
  /** Range of compute over the runs drawn (null when no run has compute). */
  computeRange: [number, number] | null;
  extrapolateTo: number | null;
  architectures: ScalingArchitecture[];
  crossings: ReportCrossing[];
}

/** One architecture at one budget of the compute-matched table (the analysis result without its run list). */
export type ComparisonCell = Omit<ArchitectureAtBudget, "runs">;

export interface ComparisonSection {
  metric: string;
  /** "given" (--budgets) or "auto" (log-spaced within the data). */
  budgetSource: "given" | "auto";
  rows: Array<{ budget: number; cells: ComparisonCell[] }>;
  /** Set when there is nothing to compare; says why. */
  note: string | null;
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
