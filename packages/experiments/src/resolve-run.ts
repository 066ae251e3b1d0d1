import type { Architecture } from "@bytelab/models";
import type { TrainConfig } from "@bytelab/train";
import type { z } from "zod";
import { type ResolvedBudget, resolveBudget } from "./budget";
import { fixFor, formatPath, knownKeys, type PathSegment, type SpecIssue, unknownKeyIssue } from "./issues";
import { type CombinationHelpers, checkCombination } from "./model-checks";
import type { Assignment } from "./parameters";
import { isPlainObject, type JsonObject, OriginTrackingBuilder, parseDottedPath } from "./paths";
import type { RunOrigin, RunSpec } from "./run-spec";
import { type ModelScale, scaleModel } from "./scale";
import type { Budget } from "./spec/common";
import type { ModelInfo, Zoo } from "./zoo";

/** A spec fragment and where it was written. */
export interface Layer {
  fragment: unknown;
  spec: PathSegment[];
}

/** Everything that makes one run, before validation: what the expansion of a spec produces. */
export interface RunDraft {
  label: string;
  architecture: Architecture;
  /** Where the architecture is named in the spec. */
  architectureSpec: PathSegment[];
  seed: number;
  /** Training-config fragments, merged in order (base, then per-architecture overrides). */
  trainLayers: Layer[];
  /** Model-config fragments, merged in order over the model defaults. */
  modelLayers: Layer[];
  /** Where to point problems with model keys nobody wrote (defaults). */
  modelSpec: PathSegment[];
  modelDefaults: "small" | "reference";
  /** Ladder: widths/depths multiplied after the model layers, then `overrides` merged. */
  scale?: { scale: ModelScale; spec: PathSegment[]; overrides?: Layer };
  /** Varied keys (dotted paths), applied last. */
  assignment: Assignment;
  budget?: { budget: Budget; spec: PathSegment[] };
  priority: number;
  origin: RunOrigin;
}

export type ResolvedRun =
  | { ok: true; run: RunSpec; warnings: SpecIssue[] }
  | { ok: false; issues: SpecIssue[]; warnings: SpecIssue[] };

/** Keys of `input` (recursively) that the schema dropped from its output: unknown to the schema. */
export function droppedKeys(input: unknown, output: unknown, path: PathSegment[] = []): PathSegment[][] {
  if (isPlainObject(input) && isPlainObject(output))
    return Object.keys(input).flatMap((k) =>
      k in output ? droppedKeys(input[k], output[k], [...path, k]) : [[...path, k]],
    );
  if (Array.isArray(input) && Array.isArray(output))
    return input.flatMap((v, i) => droppedKeys(v, output[i], [...path, i]));
  return [];
}

/** The warning for a deprecated model-config key the spec writes at `spec` (its replacement is `use`). */
function deprecationWarning(spec: readonly PathSegment[], key: string, use: string): SpecIssue {
  return { path: formatPath(spec), issue: `${key} is deprecated`, fix: `write ${use}` };
}

/**
 * Validates one draft into a concrete run: training config through @bytelab/train's schema, model config
 * through the architecture's schema (unknown keys refused), (model, seqLen) combination checks, model size
 * and FLOPs from the zoo, budget to steps, defaults filled in, config hash. Problems point at the spec.
 */
export function resolveRun(draft: RunDraft, zoo: Zoo, helpers: CombinationHelpers): ResolvedRun {
  const issues: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  const fail = (): ResolvedRun => ({ ok: false, issues, warnings });
  const arch = draft.architecture;

  const train = new OriginTrackingBuilder();
  for (const l of draft.trainLayers) train.merge(l.fragment, l.spec);
  const modelAssignments: Array<{ path: PathSegment[]; value: unknown; spec: PathSegment[] }> = [];
  for (const a of draft.assignment) {
    const path = parseDottedPath(a.key);
    if (path[0] === "model") modelAssignments.push({ path: path.slice(1), value: a.value, spec: a.spec });
    else train.set(path, a.value, a.spec);
  }
  if (draft.budget) {
    for (const key of ["steps", "byteBudget", "flopBudget"]) {
      if (train.get()[key] === undefined) continue;
      issues.push({
        path: formatPath(train.originOf([key]) ?? ["base", key]),
        issue: `${key} is set, but the spec gives a budget (${formatPath(draft.budget.spec)}) that decides the steps`,
        fix: `remove ${key}, or remove the budget`,
      });
    }
  }
  train.set(["architecture"], arch, draft.architectureSpec);
  train.set(["seed"], draft.seed, ["seeds"]);

  const model = new OriginTrackingBuilder();
  /**
   * Merges a model-config fragment written at `spec`. A deprecated key (e.g. hourglass shortenFactor) is
   * merged under the key that replaced it, with its origin kept at the key as written, and warned about;
   * both spellings in one fragment is an issue.
   */
  const mergeModel = (fragment: unknown, spec: PathSegment[]) => {
    const deprecated = zoo.deprecatedModelKeys(arch, fragment);
    if (!deprecated.length || !isPlainObject(fragment)) {
      model.merge(fragment, spec);
      return;
    }
    const renamed = deprecated.filter(({ key, use }) => {
      if (fragment[use] === undefined || fragment[key] === undefined) return true;
      issues.push({
        path: formatPath([...spec, key]),
        issue: `${key} and ${use} are both given: ${key} is the deprecated spelling of ${use}`,
        fix: `keep ${use} and remove ${key}`,
      });
      return false;
    });
    const rest = { ...fragment };
    for (const { key } of deprecated) delete rest[key];
    model.merge(rest, spec);
    for (const { key, use } of renamed) {
      warnings.push(deprecationWarning([...spec, key], key, use));
      model.merge(fragment[key], [...spec, key], [use]);
    }
  };
  const specPathOf = (configPath: readonly PathSegment[]): PathSegment[] => {
    if (configPath[0] === "model") {
      const rest = configPath.slice(1);
      return model.originOf(rest) ?? [...draft.modelSpec, ...rest];
    }
    return train.originOf(configPath) ?? ["base", ...configPath];
  };
  const mapZod = (error: z.ZodError, schema: z.ZodType, prefix: PathSegment[]) => {
    for (const i of error.issues) {
      const own = i.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      if (i.code === "unrecognized_keys") {
        const known = knownKeys(schema, own) ?? [];
        for (const key of i.keys)
          issues.push(unknownKeyIssue(specPathOf([...prefix, ...own, key]), key, known));
      } else {
        issues.push({
          path: formatPath(specPathOf([...prefix, ...own])),
          issue: `${formatPath([...prefix, ...own]) || "config"}: ${i.message}`,
          fix: fixFor(i),
        });
      }
    }
  };

  // Training keys first (model aside): seqLen decides the model defaults and the combination checks.
  const trainSchema = zoo.train.trainConfigSchema;
  const pre = trainSchema.safeParse({ ...train.get(), model: {} });
  if (!pre.success) {
    mapZod(pre.error, trainSchema, []);
    return fail();
  }
  if (issues.length) return fail();
  const seqLen = pre.data.seqLen;

  if (draft.modelDefaults === "small") model.merge(zoo.train.defaultModelConfig(arch, seqLen), null);
  for (const l of draft.modelLayers) mergeModel(l.fragment, l.spec);
  const schema = zoo.modelSchema(arch);
  const parseModel = (raw: JsonObject): JsonObject | undefined => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      mapZod(parsed.error, schema, ["model"]);
      return undefined;
    }
    const out = parsed.data as JsonObject;
    for (const path of droppedKeys(raw, out)) {
      const parent = path.slice(0, -1);
      const known = knownKeys(schema, parent) ?? [];
      issues.push(unknownKeyIssue(specPathOf(["model", ...path]), String(path.at(-1)), known));
    }
    return issues.length ? undefined : out;
  };
  if (draft.scale) {
    const base = parseModel(model.get());
    if (!base) return fail();
    const scaled = scaleModel(arch, base, draft.scale.scale);
    for (const note of scaled.notes)
      warnings.push({
        path: formatPath(draft.scale.spec),
        issue: note,
        fix: "give the size's model keys explicitly",
      });
    for (const [key, value] of Object.entries(scaled.model))
      if (zoo.train.canonicalJson(value) !== zoo.train.canonicalJson(base[key]))
        model.set([key], value, draft.scale.spec);
    if (draft.scale.overrides) mergeModel(draft.scale.overrides.fragment, draft.scale.overrides.spec);
  }
  for (const a of modelAssignments) {
    const [head, ...rest] = a.path;
    const renamed =
      typeof head === "string" ? zoo.deprecatedModelKeys(arch, { [head]: a.value })[0] : undefined;
    if (renamed) warnings.push(deprecationWarning(a.spec, `model.${renamed.key}`, `model.${renamed.use}`));
    model.set(renamed ? [renamed.use, ...rest] : a.path, a.value, a.spec);
  }
  const parsedModel = parseModel(model.get());
  if (!parsedModel) return fail();

  const combination = checkCombination(arch, parsedModel, seqLen, helpers);
  for (const p of combination.errors)
    issues.push({ path: formatPath(specPathOf(p.path)), issue: p.issue, fix: p.fix });
  for (const p of combination.warnings)
    warnings.push({ path: formatPath(specPathOf(p.path)), issue: p.issue, fix: p.fix });
  if (issues.length) return fail();

  let info: ModelInfo | null = null;
  try {
    info = zoo.modelInfo(arch, parsedModel, seqLen);
  } catch (error) {
    const problem = {
      path: formatPath(draft.architectureSpec),
      issue: `cannot size the ${arch} model: ${(error as Error).message}`,
      fix:
        draft.budget?.budget.kind === "flops"
          ? "give a bytes or steps budget, or fix the model config"
          : "the run's paramCount and flopsPerByte stay unknown until the worker builds it",
    };
    if (draft.budget?.budget.kind === "flops") issues.push(problem);
    else warnings.push(problem);
  }
  if (issues.length) return fail();

  const perStep = zoo.train.bytesPerStep(pre.data);
  const trainingFlopsPerByte = info ? info.flopsPerByte.training : null;
  let budget: ResolvedBudget;
  if (draft.budget) {
    try {
      budget = resolveBudget(draft.budget.budget, perStep, trainingFlopsPerByte);
    } catch (error) {
      issues.push({
        path: formatPath(draft.budget.spec),
        issue: (error as Error).message,
        fix: "raise the budget, or lower batchSize x gradAccumulation x seqLen",
      });
      return fail();
    }
  } else if (pre.data.flopBudget !== undefined && pre.data.steps === undefined) {
    // base.flopBudget without steps: plan the steps as a spec budget would.
    try {
      budget = resolveBudget({ kind: "flops", value: pre.data.flopBudget }, perStep, trainingFlopsPerByte);
    } catch (error) {
      issues.push({
        path: formatPath(train.originOf(["flopBudget"]) ?? ["base", "flopBudget"]),
        issue: (error as Error).message,
        fix: "raise flopBudget, or give steps too",
      });
      return fail();
    }
  } else {
    const steps = zoo.train.totalSteps(pre.data);
    budget = resolveBudget({ kind: "steps", value: steps }, perStep, trainingFlopsPerByte);
  }

  // Always express the length as steps (a byteBudget is the same run as its ceil(bytes / bytesPerStep)
  // steps): equivalent configs then hash equally. A FLOP budget stays in the config as flopBudget: the
  // trainer stops the run on its measured FLOPs, and the steps are its plan (schedule length, step cap).
  const { byteBudget: _byteBudget, ...trainKeys } = train.get();
  const flopBudget = draft.budget?.budget.kind === "flops" ? { flopBudget: draft.budget.budget.value } : {};
  const final = trainSchema.safeParse({
    ...trainKeys,
    ...flopBudget,
    model: parsedModel,
    steps: budget.steps,
  });
  if (!final.success) {
    mapZod(final.error, trainSchema, []);
    return fail();
  }
  const config = final.data as TrainConfig;
  return {
    ok: true,
    warnings,
    run: {
      label: draft.label,
      architecture: arch,
      seed: draft.seed,
      config,
      configHash: zoo.train.configHash(config),
      priority: draft.priority,
      paramCount: info?.paramCount ?? null,
      flopsPerByte: info?.flopsPerByte ?? null,
      budget,
      origin: draft.origin,
    },
  };
}
