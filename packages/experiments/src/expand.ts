import type { Architecture } from "@bytelab/models";
import { budgetLabel } from "./budget";
import { formatPath, IssueCollector, type PathSegment, type SpecIssue, SpecValidationError } from "./issues";
import { type Assignment, assignmentLabel, parameterPoints, type UniformSource } from "./parameters";
import { isPlainObject } from "./paths";
import { type RunDraft, resolveRun } from "./resolve-run";
import type { RunOrigin, RunSpec } from "./run-spec";
import type { AblationSpec } from "./spec/ablation";
import type { LadderSpec } from "./spec/ladder";
import { type ExperimentSpec, type SpecKind, safeParseSpec } from "./spec/schema";
import type { SweepSpec } from "./spec/sweep";
import { loadZoo } from "./zoo";

/** A spec expanded into concrete runs. */
export interface Expansion {
  kind: SpecKind;
  /** The validated spec (defaults filled in). */
  spec: ExperimentSpec;
  /** sha256 of the canonical JSON of the spec as given: the same submission has the same specHash. */
  specHash: string;
  /** One per distinct config (configHash unique), in spec order. */
  runs: RunSpec[];
  /** Runs of the spec whose config equals an earlier one's: not run twice. */
  duplicates: Array<{ label: string; sameAs: string; configHash: string }>;
  /** Problems that do not stop the runs (padding, unvalidated model configs...). */
  warnings: SpecIssue[];
}

export type ExpandResult =
  | { success: true; expansion: Expansion }
  | { success: false; issues: SpecIssue[]; warnings: SpecIssue[] };

export interface ExpandOptions {
  /** Refuse specs that expand into more runs than this (default 5000): a typo in a grid should not queue 10^6 runs. */
  maxRuns?: number;
}

const DEFAULT_MAX_RUNS = 5000;

/**
 * Validates a spec (the parsed YAML / JSON) and expands it into runs, refusing the whole spec when any run
 * is invalid: nothing of a bad spec should reach the database or the queue.
 */
export async function safeExpandSpec(input: unknown, opts: ExpandOptions = {}): Promise<ExpandResult> {
  const parsed = safeParseSpec(input);
  if (!parsed.success) return { success: false, issues: parsed.issues, warnings: [] };
  const spec = parsed.spec;
  const zoo = await loadZoo();
  const issues = new IssueCollector();
  const warnings = new IssueCollector();
  const makeRng = (seed: number): UniformSource => new zoo.train.SeededRng(seed);

  const drafts = draftsFor(spec, makeRng, issues);
  const maxRuns = opts.maxRuns ?? DEFAULT_MAX_RUNS;
  if (drafts.length > maxRuns)
    issues.add({
      path: "",
      issue: `the spec expands into ${drafts.length} runs, more than the limit of ${maxRuns}`,
      fix: "shrink the grid / random count / seeds, or raise maxRuns deliberately",
    });
  if (issues.size) return { success: false, issues: issues.list(), warnings: [] };

  const runs: RunSpec[] = [];
  const byHash = new Map<string, RunSpec>();
  const duplicates: Expansion["duplicates"] = [];
  drafts.forEach((draft) => {
    const resolved = resolveRun(draft, zoo, zoo.combinationHelpers);
    warnings.addAll(resolved.warnings);
    if (!resolved.ok) {
      issues.addAll(resolved.issues, draft.label);
      return;
    }
    const run = resolved.run;
    const earlier = byHash.get(run.configHash);
    if (!earlier) {
      byHash.set(run.configHash, run);
      runs.push(run);
      return;
    }
    duplicates.push({ label: run.label, sameAs: earlier.label, configHash: run.configHash });
    const problem = {
      path: formatPath(variantPath(spec, run) ?? []),
      issue: `${run.label} has the same resolved config as ${earlier.label}`,
      fix:
        spec.kind === "ablation"
          ? "make the variant change something (a key set to its default changes nothing)"
          : "remove the duplicate point; it would not run twice anyway",
    };
    // An ablation variant identical to another is a mistake in the ablation; in a sweep it only wastes a slot.
    if (spec.kind === "ablation") issues.add(problem, run.label);
    else warnings.add(problem, run.label);
  });
  if (issues.size) return { success: false, issues: issues.list(), warnings: warnings.list() };
  return {
    success: true,
    expansion: {
      kind: spec.kind,
      spec,
      specHash: zoo.train.configHash(input),
      runs,
      duplicates,
      warnings: warnings.list(),
    },
  };
}

/** Like safeExpandSpec, but throws SpecValidationError (all issues, with paths, fixes and runs). */
export async function expandSpec(input: unknown, opts: ExpandOptions = {}): Promise<Expansion> {
  const result = await safeExpandSpec(input, opts);
  if (!result.success) throw new SpecValidationError(result.issues, specName(input));
  return result.expansion;
}

function specName(input: unknown): string {
  return isPlainObject(input) && typeof input.name === "string" ? `spec "${input.name}"` : "sweep spec";
}

function variantPath(spec: ExperimentSpec, run: RunSpec): PathSegment[] | undefined {
  if (spec.kind !== "ablation") return undefined;
  const i = spec.variants.findIndex((v) => v.name === run.origin.variant);
  return i < 0 ? ["baselineName"] : ["variants", i, "set"];
}

function draftsFor(
  spec: ExperimentSpec,
  makeRng: (seed: number) => UniformSource,
  issues: IssueCollector,
): RunDraft[] {
  switch (spec.kind) {
    case "sweep":
      return sweepDrafts(spec, makeRng, issues);
    case "ablation":
      return ablationDrafts(spec);
    case "ladder":
      return ladderDrafts(spec);
  }
}

const assignmentRecord = (a: Assignment): Record<string, unknown> =>
  Object.fromEntries(a.map(({ key, value }) => [key, value]));

/**
 * The draft fields that come from entry `i` of a spec's `architectures` list (sweeps and ladders alike):
 * which architecture, its training and model layers over the spec's base, and where each came from.
 */
function architectureEntryFields(
  spec: SweepSpec | LadderSpec,
  entry: { architecture: Architecture; train?: unknown; model?: unknown },
  i: number,
): Pick<
  RunDraft,
  | "architecture"
  | "architectureSpec"
  | "trainLayers"
  | "modelLayers"
  | "modelSpec"
  | "modelDefaults"
  | "priority"
> {
  return {
    architecture: entry.architecture,
    architectureSpec: ["architectures", i],
    trainLayers: [
      { fragment: spec.base, spec: ["base"] },
      { fragment: entry.train, spec: ["architectures", i, "train"] },
    ],
    modelLayers: [{ fragment: entry.model, spec: ["architectures", i, "model"] }],
    modelSpec: ["architectures", i, "model"],
    modelDefaults: spec.modelDefaults,
    priority: spec.priority,
  };
}

function sweepDrafts(
  spec: SweepSpec,
  makeRng: (seed: number) => UniformSource,
  issues: IssueCollector,
): RunDraft[] {
  const shared = parameterPoints(spec.parameters, ["parameters"], makeRng);
  const sharedKeys = new Set(shared.flatMap((a) => a.map((v) => v.key)));
  const drafts: RunDraft[] = [];
  spec.architectures.forEach((entry, i) => {
    const name = entry.name ?? entry.architecture;
    const own = parameterPoints(entry.parameters, ["architectures", i, "parameters"], makeRng);
    for (const key of new Set(own.flatMap((a) => a.map((v) => v.key))))
      if (sharedKeys.has(key))
        issues.add({
          path: formatPath(["architectures", i, "parameters"]),
          issue: `"${key}" is varied both spec-wide (parameters) and for ${name}`,
          fix: `vary "${key}" in one place only`,
        });
    for (const g of shared)
      for (const o of own) {
        const assignment = [...g, ...o];
        for (const seed of spec.seeds) {
          const label = [name, ...(assignment.length ? [assignmentLabel(assignment)] : []), `s${seed}`].join(
            "/",
          );
          drafts.push({
            label,
            ...architectureEntryFields(spec, entry, i),
            seed,
            assignment,
            ...(spec.budget ? { budget: { budget: spec.budget, spec: ["budget"] } } : {}),
            origin: { kind: "sweep", entry: name, assignment: assignmentRecord(assignment) },
          });
        }
      }
  });
  return drafts;
}

function ablationDrafts(spec: AblationSpec): RunDraft[] {
  const { model, ...trainBase } = spec.base;
  const architecture = spec.base.architecture as Architecture;
  const variants: Array<{ name: string; assignment: Assignment }> = [
    { name: spec.baselineName, assignment: [] },
    ...spec.variants.map((v, i) => ({
      name: v.name,
      assignment: Object.entries(v.set).map(([key, value]) => ({
        key,
        value,
        spec: ["variants", i, "set", key],
      })),
    })),
  ];
  return variants.flatMap((variant) =>
    spec.seeds.map(
      (seed): RunDraft => ({
        label: `${variant.name}/s${seed}`,
        architecture,
        architectureSpec: ["base", "architecture"],
        seed,
        trainLayers: [{ fragment: trainBase, spec: ["base"] }],
        modelLayers: [{ fragment: model ?? {}, spec: ["base", "model"] }],
        modelSpec: ["base", "model"],
        modelDefaults: spec.modelDefaults,
        assignment: variant.assignment,
        ...(spec.budget ? { budget: { budget: spec.budget, spec: ["budget"] } } : {}),
        priority: spec.priority,
        origin: {
          kind: "ablation",
          entry: String(architecture),
          assignment: assignmentRecord(variant.assignment),
          variant: variant.name,
        } satisfies RunOrigin,
      }),
    ),
  );
}

function ladderDrafts(spec: LadderSpec): RunDraft[] {
  const drafts: RunDraft[] = [];
  spec.architectures.forEach((entry, i) => {
    const name = entry.name ?? entry.architecture;
    spec.sizes.forEach((size, j) => {
      spec.budgets.forEach((budget, k) => {
        for (const seed of spec.seeds)
          drafts.push({
            label: `${name}/${size.name}/${budgetLabel(budget)}/s${seed}`,
            ...architectureEntryFields(spec, entry, i),
            seed,
            scale: {
              scale: { width: size.width, depth: size.depth },
              spec: ["sizes", j],
              ...(size.model ? { overrides: { fragment: size.model, spec: ["sizes", j, "model"] } } : {}),
            },
            assignment: [],
            budget: { budget, spec: ["budgets", k] },
            origin: {
              kind: "ladder",
              entry: name,
              assignment: {},
              size: { name: size.name, width: size.width, depth: size.depth },
            },
          });
      });
    });
  });
  return drafts;
}
