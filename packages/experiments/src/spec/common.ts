import type { Architecture } from "@bytelab/models";
import { z } from "zod";
import { ashaConfigSchema } from "../asha";

/** The zoo's architectures (kept in step with @bytelab/models' Architecture type by the check below). */
export const ARCHITECTURES = ["transformer", "hourglass", "hnet", "megabyte"] as const;
type MissingArchitecture = Exclude<Architecture, (typeof ARCHITECTURES)[number]>;
const _everyArchitectureListed: MissingArchitecture extends never ? true : never = true;
void _everyArchitectureListed;

export const architectureNameSchema = z.enum(ARCHITECTURES);

/** Names of runs, variants, sizes: used in run names and labels, so no spaces or slashes. */
export const labelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][\w.+=-]*$/, "use letters, digits and . _ + = - (no spaces or slashes), e.g. hnet-N6");

/** A config key as a dotted path: "optimizer.lr", "model.ratio_loss.weight", "model.d_model.1". */
export const dottedKeySchema = z
  .string()
  .regex(/^[A-Za-z_]\w*(\.\w+)*$/, 'use a dotted path of config keys, e.g. "optimizer.lr" or "model.dim"')
  .refine((k) => k !== "seed" && !k.startsWith("seed."), {
    message: '"seed" cannot be a parameter: list seeds under `seeds`',
  })
  .refine((k) => k !== "architecture", {
    message: '"architecture" cannot be a parameter: list architectures under `architectures`',
  });

/** Any JSON value (what a config key can be set to). */
export const jsonValueSchema = z.json();

/** Named priorities; an integer in [-100, 100] is accepted too (higher runs first). */
export const PRIORITY_LEVELS = Object.freeze({ low: -50, normal: 0, high: 50, urgent: 100 });
export const prioritySchema = z
  .union([z.enum(Object.keys(PRIORITY_LEVELS) as [keyof typeof PRIORITY_LEVELS]), z.int().min(-100).max(100)])
  .default("normal")
  .transform((p) => (typeof p === "number" ? p : PRIORITY_LEVELS[p]))
  .meta({
    description:
      "Queue priority of the runs: low (-50), normal (0), high (50), urgent (100), or an integer in [-100, 100]; higher runs first.",
  });

/**
 * Compute per run. `flops` (training FLOPs) is the one to compare architectures at equal compute: each run
 * gets it as config.flopBudget, and the trainer stops it once its measured cumulative training FLOPs reach
 * it (H-Net: FLOPs from its measured compression); the plan's steps = ceil(flops / (flopsPerByte(seqLen)
 * .training x bytes per step)) are the estimate at the analytic FLOPs per byte. `bytes` and `steps` fix the
 * data seen instead.
 */
export const budgetSchema = z
  .strictObject({
    flops: z.number().positive().optional().meta({
      description:
        "Training FLOPs per run (compute-matched: the trainer stops each run once its measured cumulative training FLOPs reach it).",
    }),
    bytes: z
      .number()
      .positive()
      .optional()
      .meta({ description: "Training bytes per run (steps = ceil(bytes / bytes per step))." }),
    steps: z.int().positive().optional().meta({ description: "Optimizer steps per run." }),
  })
  .superRefine((b, ctx) => {
    const given = (["flops", "bytes", "steps"] as const).filter((k) => b[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: "custom",
        path: given.length ? [given[1]!] : [],
        message: `give exactly one of flops, bytes or steps (got ${given.length ? given.join(" and ") : "none"})`,
      });
  })
  .transform((b): Budget => {
    if (b.flops !== undefined) return { kind: "flops", value: b.flops };
    if (b.bytes !== undefined) return { kind: "bytes", value: b.bytes };
    return { kind: "steps", value: b.steps! };
  });

export interface Budget {
  kind: "flops" | "bytes" | "steps";
  value: number;
}

/** A list of seeds, or { count, start } for start, start+1, ... */
export const seedsSchema = z
  .union([
    z.array(z.int().min(0)).min(1),
    z.strictObject({
      count: z.int().min(1).max(1000).meta({ description: "Number of seeds." }),
      start: z.int().min(0).default(0).meta({ description: "First seed; the others follow it." }),
    }),
  ])
  .default([0])
  .transform((s) => (Array.isArray(s) ? s : Array.from({ length: s.count }, (_, i) => s.start + i)))
  .superRefine((seeds, ctx) => {
    const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
    if (dup !== undefined)
      ctx.addIssue({ code: "custom", message: `seed ${dup} is listed twice; list each seed once` });
  });

/** How a random-search parameter is drawn. Exactly one key. */
export const distributionSchema = z
  .strictObject({
    /** One of these values, uniformly. */
    choice: z.array(jsonValueSchema).min(1).optional(),
    /** Uniform in [min, max]. */
    uniform: z.tuple([z.number(), z.number()]).optional(),
    /** Log-uniform in [min, max] (both > 0): learning rates, weight decay, budgets. */
    logUniform: z.tuple([z.number().positive(), z.number().positive()]).optional(),
    /** Integer uniform in [min, max], both included. */
    intUniform: z.tuple([z.int(), z.int()]).optional(),
  })
  .superRefine((d, ctx) => {
    const given = Object.keys(d).filter((k) => d[k as keyof typeof d] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: "custom",
        message: `give exactly one of choice, uniform, logUniform or intUniform (got ${given.join(", ") || "none"})`,
      });
    for (const key of ["uniform", "logUniform", "intUniform"] as const) {
      const range = d[key];
      if (range && range[0] > range[1])
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `min ${range[0]} is above max ${range[1]}; swap them`,
        });
    }
  });
export type Distribution = z.output<typeof distributionSchema>;

/** A grid axis: a list of values, or { logspace: [min, max, count] } (count values, log-evenly spaced). */
export const gridAxisSchema = z.union([
  z.array(jsonValueSchema).min(1),
  z.strictObject({
    logspace: z
      .tuple([z.number().positive(), z.number().positive(), z.int().min(2).max(1000)])
      .refine(([min, max]) => min < max, { message: "logspace min must be below max" })
      .meta({ description: "[min, max, count]: count values from min to max, evenly spaced in log scale." }),
  }),
]);
export type GridAxis = z.output<typeof gridAxisSchema>;

/**
 * What to vary. Configurations = grid (cartesian product) x (random samples, then explicit points);
 * a missing block contributes one empty assignment. Keys are dotted config paths ("model.dim").
 */
export const parametersSchema = z.strictObject({
  grid: z.record(dottedKeySchema, gridAxisSchema).optional().meta({
    description:
      "Cartesian product: each dotted key takes every value of its axis (a list, or { logspace: [min, max, count] }).",
  }),
  random: z
    .strictObject({
      /** Number of points drawn. */
      count: z.int().min(1).max(10_000),
      /** Seed of the sampler: the same spec always draws the same points. */
      seed: z.int().min(0).default(0),
      space: z
        .record(dottedKeySchema, distributionSchema)
        .meta({ description: "Each dotted key and the distribution it is drawn from." }),
    })
    .optional()
    .meta({ description: "Random search: `count` points drawn from `space` with the sampler seed `seed`." }),
  /** Explicit points, each a set of dotted keys and values. */
  list: z.array(z.record(dottedKeySchema, jsonValueSchema)).min(1).optional(),
});
export type Parameters = z.output<typeof parametersSchema>;

const configFragmentSchema = z.record(z.string(), z.unknown());

/** One architecture of a sweep or ladder; a bare name is { architecture: name }. */
export const architectureEntrySchema = z.preprocess(
  (v) => (typeof v === "string" ? { architecture: v } : v),
  z.strictObject({
    architecture: architectureNameSchema.meta({
      description: "The model family: transformer, hourglass, hnet or megabyte.",
    }),
    /** Label in run names; default: the architecture. Give one when an architecture is listed twice. */
    name: labelSchema.optional(),
    /** Model config (the architecture's own schema in @bytelab/models), merged over the model defaults. */
    model: configFragmentSchema.default({}),
    /** Training-config overrides for this architecture only (merged over `base`). */
    train: configFragmentSchema.default({}),
    /** Parameters varied for this architecture only (combined with the spec-wide ones). */
    parameters: parametersSchema.optional(),
  }),
);
export type ArchitectureEntry = z.output<typeof architectureEntrySchema>;

/**
 * Where model configs start before an entry's `model` is merged in:
 *   small     = @bytelab/train's defaultModelConfig(arch, seqLen): the ~1M-parameter models of `bytelab train`
 *   reference = the model schema's own defaults (the reference implementations' sizes; large for a CPU)
 */
export const modelDefaultsSchema = z.enum(["small", "reference"]).default("small");

/** Training-config keys (@bytelab/train trainConfigSchema) shared by every run; validated at expansion. */
export const baseConfigSchema = configFragmentSchema.default({});

/** Fields every spec kind has. */
export const commonSpecFields = {
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .meta({ description: "Name of the sweep (shown in the dashboard, the CLI and run names)." }),
  description: z
    .string()
    .max(10_000)
    .optional()
    .meta({ description: "Free text: what the experiment asks and why." }),
  base: baseConfigSchema,
  modelDefaults: modelDefaultsSchema,
  seeds: seedsSchema,
  priority: prioritySchema,
  /** Re-run configs that already have a run (default: reuse the existing run). */
  repeat: z.boolean().default(false),
  earlyStopping: ashaConfigSchema
    .refine((c) => isAshaMetric(c.metric), {
      path: ["metric"],
      error: (issue) => ashaMetricProblem(String((issue.input as { metric?: unknown })?.metric)),
    })
    .optional(),
};

/**
 * Metrics a run records while it trains, which ASHA can compare at its rungs. A metric no run records (a
 * typo) or one recorded only at the end (test/*, robustness) would never reach a rung: early stopping would
 * be silently off, so the spec is refused instead.
 */
export const ASHA_METRICS = [
  "val/bpb",
  "val/loss",
  "train/loss",
  "train/bpb",
  "train/aux_loss",
  "grad_norm",
] as const;
const STAGE_METRIC = /^stage\d+\/(boundary_fraction|ratio_loss|compression)$/;

function isAshaMetric(metric: string): boolean {
  return (ASHA_METRICS as readonly string[]).includes(metric) || STAGE_METRIC.test(metric);
}

function ashaMetricProblem(metric: string): string {
  const known = `${ASHA_METRICS.join(", ")} or an H-Net stageN/boundary_fraction | ratio_loss | compression`;
  if (/^(test|robust)/.test(metric))
    return `"${metric}" is recorded only when a run ends, so no run would ever be stopped early (fix: compare on val/bpb, recorded at every eval.interval)`;
  return `"${metric}" is not a metric runs record while training, so early stopping would never stop a run (fix: use one of ${known})`;
}

/** Keys a sweep or ladder's `base` may not hold, and where they belong instead. */
export const BASE_KEYS_ELSEWHERE: Readonly<Record<string, string>> = Object.freeze({
  architecture: "list architectures under `architectures`",
  model: "give model configs per architecture (`architectures[i].model`)",
  seed: "list seeds under `seeds`",
});
