/**
 * @bytelab/experiments/spec: the spec schemas and their validation without expansion, safe to import in a
 * browser (the dashboard's launch form validates as the user types with exactly the zod schemas
 * `bytelab sweep submit` uses). Nothing reachable from here may import @bytelab/train, @bytelab/models
 * (types only) or Node built-ins: expansion (param counts, FLOPs) stays on the server (POST /sweeps/plan).
 */
export { type AshaConfig, type AshaConfigInput, ashaConfigSchema } from "../asha";
export { formatIssues, formatPath, type PathSegment, type SpecIssue } from "../issues";
export { getPath, isPlainObject, parseDottedPath, setPath } from "../paths";
export { type AblationSpec, type AblationSpecInput, ablationSpecSchema, variantSchema } from "./ablation";
export {
  ARCHITECTURES,
  type ArchitectureEntry,
  architectureEntrySchema,
  type Budget,
  budgetSchema,
  dottedKeySchema,
  type Parameters,
  PRIORITY_LEVELS,
  parametersSchema,
  prioritySchema,
  seedsSchema,
} from "./common";
export {
  type LadderSize,
  type LadderSpec,
  type LadderSpecInput,
  ladderSizeSchema,
  ladderSpecSchema,
  SIZE_PRESETS,
} from "./ladder";
export {
  type ExperimentSpec,
  type ExperimentSpecInput,
  experimentSpecSchema,
  SPEC_KINDS,
  type SpecKind,
  type SpecParseResult,
  safeParseSpec,
} from "./schema";
export { type SweepSpec, type SweepSpecInput, sweepSpecSchema } from "./sweep";
