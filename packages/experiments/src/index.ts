/**
 * @bytelab/experiments: sweep / ablation / scaling-ladder specs, their expansion into concrete runs with
 * canonical config hashes, reuse of existing runs, and ASHA early stopping in training FLOPs.
 *
 *   const spec = await loadSpecFile("examples/arch-compare.yaml");     // validated, or SpecValidationError
 *   const { runs, warnings } = await expandSpec(spec_as_written);        // every run validated, or nothing
 *   const plan = planSubmission(runs, existingRuns, { repeat: false });  // what to create vs reuse
 *
 * Parsing is light (zod only); expansion loads @bytelab/train and @bytelab/models (TF.js) on first use.
 */
export {
  type AshaConfig,
  type AshaConfigInput,
  type AshaDecision,
  ashaConfigSchema,
  decideAsha,
  type MetricObservation,
  rankAtRung,
  type RunHistories,
  rungFlops,
  rungReached,
  rungsCrossed,
  valueAtRung,
} from "./asha";
export { budgetLabel, type ResolvedBudget, resolveBudget } from "./budget";
export { type ExpandOptions, type ExpandResult, type Expansion, expandSpec, safeExpandSpec } from "./expand";
export {
  formatIssues,
  formatPath,
  type PathSegment,
  type SpecIssue,
  SpecValidationError,
} from "./issues";
export { type CombinationReport, checkCombination } from "./model-checks";
export { assignmentLabel, axisValues, drawValue, parameterPoints, roundSignificant } from "./parameters";
export { deepMerge, getPath, parseDottedPath, setPath } from "./paths";
export { droppedKeys, type RunDraft, resolveRun } from "./resolve-run";
export { type ExistingRun, planSubmission, REUSABLE_STATUSES, type SubmissionPlan } from "./reuse";
export type { RunOrigin, RunSpec } from "./run-spec";
export { type ModelScale, scaleModel } from "./scale";
export {
  type AblationSpec,
  type AblationSpecInput,
  ablationSpecSchema,
  variantSchema,
} from "./spec/ablation";
export {
  ARCHITECTURES,
  type ArchitectureEntry,
  architectureEntrySchema,
  type Budget,
  budgetSchema,
  type Distribution,
  distributionSchema,
  type Parameters,
  PRIORITY_LEVELS,
  parametersSchema,
  prioritySchema,
  seedsSchema,
} from "./spec/common";
export {
  type LadderSize,
  type LadderSpec,
  type LadderSpecInput,
  ladderSizeSchema,
  ladderSpecSchema,
  SIZE_PRESETS,
} from "./spec/ladder";
export { formatFromPath, loadSpecFile, parseSpecText, readSpecText, type SpecFormat } from "./spec/load";
export {
  type ExperimentSpec,
  type ExperimentSpecInput,
  experimentSpecSchema,
  parseSpec,
  SPEC_KINDS,
  type SpecKind,
  type SpecParseResult,
  safeParseSpec,
} from "./spec/schema";
export { type SweepSpec, type SweepSpecInput, sweepSpecSchema } from "./spec/sweep";
export { loadZoo, type ModelInfo, type Zoo } from "./zoo";
