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

type TrainSchema = Zoo["train"]["trainConfigSchema"];
type PreParsed = z.output<TrainSchema>;

/**
 * The state of one draft's resolution, stage by stage: the training and model configs as built from the
 * spec (each value remembering where in the spec it was written), and the issues and warnings so far, each
 * pointing at the spec.
 */
class RunResolution {
  readonly issues: SpecIssue[] = [];
  readonly warnings: SpecIssue[] = [];
  readonly train = new OriginTrackingBuilder();
  readonly model = new OriginTrackingBuilder();
  readonly modelAssignments: Array<{ path: PathSegment[]; value: unknown; spec: PathSegment[] }> = [];
  readonly arch: Architecture;

  constructor(
    readonly draft: RunDraft,
    readonly zoo: Zoo,
  ) {
    this.arch = draft.architecture;
  }

  fail(): ResolvedRun {
    return { ok: false, issues: this.issues, warnings: this.warnings };
  }

  /** Stage 1: training layers and assignments (model.* assignments kept for later), budget conflicts. */
  collectTraining(): void {
    const { draft, train } = this;
    for (const l of draft.trainLayers) train.merge(l.fragment, l.spec);
    for (const a of draft.assignment) {
      const path = parseDottedPath(a.key);
      if (path[0] === "model")
        this.modelAssignments.push({ path: path.slice(1), value: a.value, spec: a.spec });
      else train.set(path, a.value, a.spec);
    }
    if (draft.budget) {
      for (const key of ["steps", "byteBudget", "flopBudget"]) {
        if (train.get()[key] === undefined) continue;
        this.issues.push({
          path: formatPath(train.originOf([key]) ?? ["base", key]),
          issue: `${key} is set, but the spec gives a budget (${formatPath(draft.budget.spec)}) that decides the steps`,
          fix: `remove ${key}, or remove the budget`,
        });
      }
    }
    train.set(["architecture"], this.arch, draft.architectureSpec);
    train.set(["seed"], draft.seed, ["seeds"]);
  }

  /**
   * Merges a model-config fragment written at `spec`. A deprecated key (e.g. hourglass shortenFactor) is
   * merged under the key that replaced it, with its origin kept at the key as written, and warned about;
   * both spellings in one fragment is an issue.
   */
  mergeModel(fragment: unknown, spec: PathSegment[]): void {
    const deprecated = this.zoo.deprecatedModelKeys(this.arch, fragment);
    if (!deprecated.length || !isPlainObject(fragment)) {
      this.model.merge(fragment, spec);
      return;
    }
    const renamed = deprecated.filter(({ key, use }) => {
      if (fragment[use] === undefined || fragment[key] === undefined) return true;
      this.issues.push({
        path: formatPath([...spec, key]),
        issue: `${key} and ${use} are both given: ${key} is the deprecated spelling of ${use}`,
        fix: `keep ${use} and remove ${key}`,
      });
      return false;
    });
    const rest = { ...fragment };
    for (const { key } of deprecated) delete rest[key];
    this.model.merge(rest, spec);
    for (const { key, use } of renamed) {
      this.warnings.push(deprecationWarning([...spec, key], key, use));
      this.model.merge(fragment[key], [...spec, key], [use]);
    }
  }

  /** Where in the spec a config path was written (the base config when nowhere). */
  specPathOf(configPath: readonly PathSegment[]): PathSegment[] {
    if (configPath[0] === "model") {
      const rest = configPath.slice(1);
      return this.model.originOf(rest) ?? [...this.draft.modelSpec, ...rest];
    }
    return this.train.originOf(configPath) ?? ["base", ...configPath];
  }

  /** zod issues of a config as spec issues (unknown keys with the known ones). */
  mapZod(error: z.ZodError, schema: z.ZodType, prefix: PathSegment[]): void {
    for (const i of error.issues) {
      const own = i.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      if (i.code === "unrecognized_keys") {
        const known = knownKeys(schema, own) ?? [];
        for (const key of i.keys)
          this.issues.push(unknownKeyIssue(this.specPathOf([...prefix, ...own, key]), key, known));
      } else {
        this.issues.push({
          path: formatPath(this.specPathOf([...prefix, ...own])),
          issue: `${formatPath([...prefix, ...own]) || "config"}: ${i.message}`,
          fix: fixFor(i),
        });
      }
    }
  }

  /** Stage 2: the training keys alone (model aside): seqLen decides the model defaults and checks. */
  preParseTraining(): PreParsed | undefined {
    const trainSchema = this.zoo.train.trainConfigSchema;
    const pre = trainSchema.safeParse({ ...this.train.get(), model: {} });
    if (!pre.success) {
      this.mapZod(pre.error, trainSchema, []);
      return undefined;
    }
    return this.issues.length ? undefined : pre.data;
  }

  private parseModel(raw: JsonObject): JsonObject | undefined {
    const schema = this.zoo.modelSchema(this.arch);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.mapZod(parsed.error, schema, ["model"]);
      return undefined;
    }
    const out = parsed.data as JsonObject;
    for (const path of droppedKeys(raw, out)) {
      const parent = path.slice(0, -1);
      const known = knownKeys(schema, parent) ?? [];
      this.issues.push(unknownKeyIssue(this.specPathOf(["model", ...path]), String(path.at(-1)), known));
    }
    return this.issues.length ? undefined : out;
  }

  /** Stage 3: the model config: defaults, layers, the scale, model.* assignments; parsed and checked. */
  buildModel(seqLen: number, helpers: CombinationHelpers): JsonObject | undefined {
    const { draft, zoo, arch, model } = this;
    if (draft.modelDefaults === "small") model.merge(zoo.train.defaultModelConfig(arch, seqLen), null);
    for (const l of draft.modelLayers) this.mergeModel(l.fragment, l.spec);
    if (draft.scale) {
      const base = this.parseModel(model.get());
      if (!base) return undefined;
      const scaled = scaleModel(arch, base, draft.scale.scale);
      for (const note of scaled.notes)
        this.warnings.push({
          path: formatPath(draft.scale.spec),
          issue: note,
          fix: "give the size's model keys explicitly",
        });
      for (const [key, value] of Object.entries(scaled.model))
        if (zoo.train.canonicalJson(value) !== zoo.train.canonicalJson(base[key]))
          model.set([key], value, draft.scale.spec);
      if (draft.scale.overrides) this.mergeModel(draft.scale.overrides.fragment, draft.scale.overrides.spec);
    }
    for (const a of this.modelAssignments) {
      const [head, ...rest] = a.path;
      const renamed =
        typeof head === "string" ? zoo.deprecatedModelKeys(arch, { [head]: a.value })[0] : undefined;
      if (renamed)
        this.warnings.push(deprecationWarning(a.spec, `model.${renamed.key}`, `model.${renamed.use}`));
      model.set(renamed ? [renamed.use, ...rest] : a.path, a.value, a.spec);
    }
    const parsedModel = this.parseModel(model.get());
    if (!parsedModel) return undefined;

    const combination = checkCombination(arch, parsedModel, seqLen, helpers);
    for (const p of combination.errors)
      this.issues.push({ path: formatPath(this.specPathOf(p.path)), issue: p.issue, fix: p.fix });
    for (const p of combination.warnings)
      this.warnings.push({ path: formatPath(this.specPathOf(p.path)), issue: p.issue, fix: p.fix });
    return this.issues.length ? undefined : parsedModel;
  }

  /** Stage 4: parameter count and FLOPs from the zoo (an issue only when a FLOP budget needs them). */
  sizeModel(parsedModel: JsonObject, seqLen: number): ModelInfo | null {
    const { draft, arch } = this;
    try {
      return this.zoo.modelInfo(arch, parsedModel, seqLen);
    } catch (error) {
      const problem = {
        path: formatPath(draft.architectureSpec),
        issue: `cannot size the ${arch} model: ${(error as Error).message}`,
        fix:
          draft.budget?.budget.kind === "flops"
            ? "give a bytes or steps budget, or fix the model config"
            : "the run's paramCount and flopsPerByte stay unknown until the worker builds it",
      };
      if (draft.budget?.budget.kind === "flops") this.issues.push(problem);
      else this.warnings.push(problem);
      return null;
    }
  }

  /** Stage 5: the budget (spec budget, base flopBudget, or steps) as steps. */
  planBudget(pre: PreParsed, info: ModelInfo | null): ResolvedBudget | undefined {
    const { draft, zoo } = this;
    const perStep = zoo.train.bytesPerStep(pre);
    const trainingFlopsPerByte = info ? info.flopsPerByte.training : null;
    if (draft.budget) {
      try {
        return resolveBudget(draft.budget.budget, perStep, trainingFlopsPerByte);
      } catch (error) {
        this.issues.push({
          path: formatPath(draft.budget.spec),
          issue: (error as Error).message,
          fix: "raise the budget, or lower batchSize x gradAccumulation x seqLen",
        });
        return undefined;
      }
    }
    if (pre.flopBudget !== undefined && pre.steps === undefined) {
      // base.flopBudget without steps: plan the steps as a spec budget would.
      try {
        return resolveBudget({ kind: "flops", value: pre.flopBudget }, perStep, trainingFlopsPerByte);
      } catch (error) {
        this.issues.push({
          path: formatPath(this.train.originOf(["flopBudget"]) ?? ["base", "flopBudget"]),
          issue: (error as Error).message,
          fix: "raise flopBudget, or give steps too",
        });
        return undefined;
      }
    }
    const steps = zoo.train.totalSteps(pre);
    return resolveBudget({ kind: "steps", value: steps }, perStep, trainingFlopsPerByte);
  }

  /** Stage 6: the final training config (length as steps), its hash, the resolved run. */
  finish(parsedModel: JsonObject, info: ModelInfo | null, budget: ResolvedBudget): ResolvedRun {
    const { draft, zoo } = this;
    const trainSchema = zoo.train.trainConfigSchema;
    // Always express the length as steps (a byteBudget is the same run as its ceil(bytes / bytesPerStep)
    // steps): equivalent configs then hash equally. A FLOP budget stays in the config as flopBudget: the
    // trainer stops the run on its measured FLOPs, and the steps are its plan (schedule length, step cap).
    const { byteBudget: _byteBudget, ...trainKeys } = this.train.get();
    const flopBudget = draft.budget?.budget.kind === "flops" ? { flopBudget: draft.budget.budget.value } : {};
    const final = trainSchema.safeParse({
      ...trainKeys,
      ...flopBudget,
      model: parsedModel,
      steps: budget.steps,
    });
    if (!final.success) {
      this.mapZod(final.error, trainSchema, []);
      return this.fail();
    }
    const config = final.data as TrainConfig;
    return {
      ok: true,
      warnings: this.warnings,
      run: {
        label: draft.label,
        architecture: this.arch,
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
}

/**
 * Validates one draft into a concrete run: training config through @bytelab/train's schema, model config
 * through the architecture's schema (unknown keys refused), (model, seqLen) combination checks, model size
 * and FLOPs from the zoo, budget to steps, defaults filled in, config hash. Problems point at the spec.
 * Each stage is a method of RunResolution; a stage that finds issues ends the resolution.
 */
export function resolveRun(draft: RunDraft, zoo: Zoo, helpers: CombinationHelpers): ResolvedRun {
  const r = new RunResolution(draft, zoo);
  r.collectTraining();
  const pre = r.preParseTraining();
  if (!pre) return r.fail();
  const parsedModel = r.buildModel(pre.seqLen, helpers);
  if (!parsedModel) return r.fail();
  const info = r.sizeModel(parsedModel, pre.seqLen);
  if (r.issues.length) return r.fail();
  const budget = r.planBudget(pre, info);
  if (!budget) return r.fail();
  return r.finish(parsedModel, info, budget);
}
