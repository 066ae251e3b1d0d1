import { ARCHITECTURES, parseOrThrow } from "@bytelab/models";
import { z } from "zod";

export { ARCHITECTURES };
/** One of the zoo's architectures (@bytelab/models ARCHITECTURES). */
export const architectureSchema = z.enum(ARCHITECTURES);

/**
 * Parameters that get no weight decay: a parameter whose name matches one of these regular
 * expressions (case-insensitive), or any parameter of rank < 2. Decaying norm gains and biases
 * only pulls them towards 0 (= switching the layer off), and decaying embeddings shrinks rare
 * bytes' rows (nanoGPT / GPT-3 / H-Net all exempt them).
 */
export const DEFAULT_NO_DECAY_PATTERNS = [
  "(^|[._/])bias$",
  "norm",
  "(^|[._/])ln[_.0-9a-z]*",
  "embed",
  "(^|[._/])(wte|wpe|tok_emb|pos_emb|token_emb|start_tokens?)([._/]|$)",
];

const lrMultiplierSchema = z.strictObject({
  /** Parameters whose name starts with this prefix (longest matching prefix wins). */
  prefix: z.string().min(1),
  /** Their learning rate (and decoupled decay step) is lr x multiplier. */
  multiplier: z.number().positive(),
});

export const optimizerSchema = z.strictObject({
  /** Peak learning rate. 3e-3 suits ~1M-parameter byte models with AdamW (small models take large lr). */
  lr: z.number().positive().default(3e-3),
  /** AdamW beta1 (PyTorch default). */
  beta1: z.number().min(0).lt(1).default(0.9),
  /** AdamW beta2: 0.95 as in GPT-3 / nanoGPT / H-Net; steadier than 0.999 with small batches. */
  beta2: z.number().min(0).lt(1).default(0.95),
  /** AdamW epsilon (PyTorch default). */
  eps: z.number().positive().default(1e-8),
  /** Decoupled weight decay (AdamW, Loshchilov & Hutter), 0.1 as in GPT-3 / nanoGPT. */
  weightDecay: z.number().min(0).default(0.1),
  /** Global gradient-norm clip; 0 disables. 1.0 as in GPT-3 / nanoGPT. */
  clipNorm: z.number().min(0).default(1.0),
  /** See DEFAULT_NO_DECAY_PATTERNS. */
  noDecayPatterns: z.array(z.string()).default(DEFAULT_NO_DECAY_PATTERNS),
  /**
   * Per-parameter-group learning-rate multipliers by name prefix (H-Net trains outer stages with a
   * larger lr than inner ones). Empty = every parameter uses `lr`.
   */
  lrMultipliers: z.array(lrMultiplierSchema).default([]),
});

export const scheduleSchema = z.strictObject({
  /**
   * cosine: linear warmup, then cosine decay to minLrRatio x lr (GPT-3 / nanoGPT).
   * wsd: warmup-stable-decay (MiniCPM): warmup, constant lr, then decay over the last decayFraction of steps.
   * constant: warmup, then constant.
   */
  kind: z.enum(["cosine", "wsd", "constant"]).default("cosine"),
  /** Warmup length in steps; when unset, warmupFraction x total steps. */
  warmupSteps: z.int().min(0).optional(),
  /** Warmup as a fraction of the total steps (used when warmupSteps is unset). 5% is a common choice. */
  warmupFraction: z.number().min(0).max(1).default(0.05),
  /** Final lr as a fraction of the peak (cosine and wsd). 0.1 as in Chinchilla / nanoGPT. */
  minLrRatio: z.number().min(0).max(1).default(0.1),
  /** WSD only: fraction of the total steps spent decaying (10-20% in the WSD papers). */
  decayFraction: z.number().gt(0).max(1).default(0.2),
  /** WSD only: decay shape: linear, cosine or 1-sqrt (Hägele et al. 2024 find 1-sqrt best). */
  decayShape: z.enum(["linear", "cosine", "sqrt"]).default("linear"),
});

export const robustnessSchema = z.strictObject({
  /** Noise rates to evaluate validation bpb at (fraction of bytes corrupted). Empty = skip. */
  rates: z.array(z.number().gt(0).max(1)).default([0.01, 0.05]),
  /**
   * Noise kinds of @bytelab/data's corruptBytes, each evaluated alone at each rate: substitute (a random
   * byte), drop, duplicate, flipCase (ASCII letters). Substitution is the classic byte-level robustness probe.
   */
  kinds: z.array(z.enum(["substitute", "drop", "duplicate", "flipCase"])).default(["substitute"]),
  /** Validation windows used per (kind, rate); fewer than `windows` keeps the final eval quick. */
  windows: z.int().min(1).default(32),
});

export const evalSchema = z.strictObject({
  /** Held-out bpb every `interval` optimizer steps (and always at the end); 0 = only at the end. */
  interval: z.int().min(0).default(100),
  /** Fixed validation windows (seqLen + 1 bytes each, always the same ones) per evaluation. */
  windows: z.int().min(1).default(64),
  /** Test windows for the final test evaluation. */
  testWindows: z.int().min(1).default(128),
  /** Sequences per evaluation forward pass. */
  batchSize: z.int().min(1).default(16),
  robustness: robustnessSchema.prefault({}),
});

export const checkpointSchema = z.strictObject({
  /** Save every `interval` optimizer steps (and at the end); 0 = only at the end. */
  interval: z.int().min(0).default(100),
  /** Keep the newest `keep` checkpoints, delete older ones. */
  keep: z.int().min(1).default(2),
});

export const divergenceSchema = z.strictObject({
  /** Stop (status DIVERGED) when the training loss exceeds spikeFactor x the running median... */
  spikeFactor: z.number().gt(1).default(3),
  /** ...of the last `window` logged training losses... */
  window: z.int().min(1).default(50),
  /** ...once warmup is over (before that, early losses move too fast to judge). */
  afterWarmup: z.boolean().default(true),
  /** Absolute bound in nats; any loss above stops the run. 3 x ln(256) is far above a uniform guess. */
  maxLoss: z
    .number()
    .positive()
    .default(3 * Math.log(256)),
});

/**
 * A training run: everything that determines its result (the config hash covers all of it).
 * Single source of truth for `bytelab train --config`, the worker's job payload and run metadata.
 */
export const trainConfigSchema = z
  .strictObject({
    architecture: architectureSchema,
    /** Model config for the zoo's `createModel(architecture, model, seed)`; validated by the model's schema. */
    model: z.record(z.string(), z.unknown()).default({}),
    /** Dataset name for @bytelab/data (e.g. "brown", "file:notes.txt"). Brown is offline and small. */
    dataset: z.string().min(1).default("brown"),
    /** Bytes per training sequence. 128 keeps ~1M-param models quick on 2 CPU cores. */
    seqLen: z.int().min(2).default(128),
    /** Sequences per micro-batch. */
    batchSize: z.int().min(1).default(16),
    /** Micro-batches per optimizer step (gradients are averaged); bytes/step = batchSize x accumulation x seqLen. */
    gradAccumulation: z.int().min(1).default(1),
    /**
     * Optimizer steps. Give either steps or byteBudget; with neither, 1000 steps. With flopBudget, steps is
     * the planned estimate: it sets the schedule's length in steps and the hard cap (see flopBudget).
     */
    steps: z.int().min(1).optional(),
    /** Training bytes; steps = ceil(byteBudget / bytes per step). */
    byteBudget: z.int().min(1).optional(),
    /**
     * Training FLOPs. The run ends after the first optimizer step at which its measured cumulative training
     * FLOPs reach this (H-Net's FLOPs follow its measured compression, so its steps are not known in
     * advance): every run of a FLOP budget spends at least the budget and less than one step more.
     * `steps` is the planned estimate (default: ceil(flopBudget / FLOPs of one step at the model's analytic
     * FLOPs per byte)); the learning-rate schedule runs on the fraction of the budget spent (step
     * flops / flopBudget x steps), so every run ends its decay at its budget however many steps it takes;
     * FLOP_BUDGET_STEP_CAP x steps is a hard cap (see there).
     */
    flopBudget: z.number().positive().optional(),
    optimizer: optimizerSchema.prefault({}),
    schedule: scheduleSchema.prefault({}),
    eval: evalSchema.prefault({}),
    /** Write a training metrics record every `logInterval` steps. */
    logInterval: z.int().min(1).default(10),
    checkpoint: checkpointSchema.prefault({}),
    /** Seeds model init, data sampling and everything else random in the run. */
    seed: z.int().min(0).default(0),
    divergence: divergenceSchema.prefault({}),
  })

  .superRefine((c, ctx) => {
    if (c.steps !== undefined && c.byteBudget !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["byteBudget"],
        message: "give either steps or byteBudget, not both (remove one of them)",
      });
    if (c.flopBudget !== undefined && c.byteBudget !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["byteBudget"],
        message: "give either flopBudget or byteBudget, not both (remove one of them)",
      });
    for (const [i, p] of c.optimizer.noDecayPatterns.entries()) {
      try {
        new RegExp(p, "i");
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["optimizer", "noDecayPatterns", i],
          message: `"${p}" is not a valid regular expression`,
        });
      }
    }
  });

export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type TrainConfig = z.output<typeof trainConfigSchema>;
export type Architecture = z.infer<typeof architectureSchema>;

export const DEFAULT_STEPS = 1000;

/** Bytes predicted per optimizer step. */
export function bytesPerStep(c: TrainConfig): number {
  return c.batchSize * c.gradAccumulation * c.seqLen;
}

/**
 * Total optimizer steps of the run (from steps, the byte budget, or the default); with a flopBudget, the
 * planned steps (withPlannedSteps fills them in when only the budget is given).
 */
export function totalSteps(c: TrainConfig): number {
  if (c.steps !== undefined) return c.steps;
  if (c.flopBudget !== undefined)
    throw new Error(
      "a flopBudget without steps needs the model's FLOPs per byte: call withPlannedSteps first",
    );
  if (c.byteBudget !== undefined) return Math.ceil(c.byteBudget / bytesPerStep(c));
  return DEFAULT_STEPS;
}

/**
 * A FLOP-budgeted run stops at FLOP_BUDGET_STEP_CAP x its planned steps even if its measured FLOPs have
 * not reached the budget (it then ends COMPLETED with summary.budget.reached false, and says so). Only a
 * run that is far cheaper per step than planned gets there: H-Net's FLOPs per byte cannot fall below
 * those of its byte-level encoder and decoder (the shipped 1-stage H-Net at full compression still costs
 * 0.82x its planned FLOPs per byte), so 2x leaves a healthy run room to spend its budget, while a run whose
 * routing collapsed, or a FLOP accounting bug, cannot keep a worker busy forever.
 */
export const FLOP_BUDGET_STEP_CAP = 2;

/**
 * Relative slack of "the measured FLOPs reached the budget": cumulative FLOPs are a sum of per-step floats,
 * and a budget of exactly k steps must stop after k steps, not k + 1.
 */
export const BUDGET_TOLERANCE = 1e-9;

/** The measured cumulative training FLOPs have reached the budget. */
export function flopBudgetReached(flops: number, flopBudget: number): boolean {
  return flops >= flopBudget * (1 - BUDGET_TOLERANCE);
}

/**
 * Planned steps of a FLOP budget: the fewest steps of `flopsPerStep` (training FLOPs per byte x bytes per
 * step, at the model's analytic FLOPs per byte) that reach it, i.e. what a run of fixed cost per step takes.
 */
export function plannedStepsForFlops(flopBudget: number, flopsPerStep: number): number {
  if (!(flopsPerStep > 0))
    throw new Error(`FLOPs per step must be > 0 to plan a FLOP budget (got ${flopsPerStep})`);
  return Math.max(1, Math.ceil((flopBudget * (1 - BUDGET_TOLERANCE)) / flopsPerStep));
}

/** The config with its planned steps filled in from `trainingFlopsPerByte` when it has a flopBudget and no steps. */
export function withPlannedSteps(c: TrainConfig, trainingFlopsPerByte: number): TrainConfig {
  if (c.flopBudget === undefined || c.steps !== undefined) return c;
  return { ...c, steps: plannedStepsForFlops(c.flopBudget, trainingFlopsPerByte * bytesPerStep(c)) };
}

/** The most optimizer steps the run may take: its steps, or FLOP_BUDGET_STEP_CAP x them with a flopBudget. */
export function maxSteps(c: TrainConfig): number {
  const total = totalSteps(c);
  return c.flopBudget === undefined ? total : FLOP_BUDGET_STEP_CAP * total;
}

/** Warmup steps of the run (explicit, or a fraction of the total), never more than the total. */
export function warmupSteps(c: TrainConfig): number {
  const total = totalSteps(c);
  const w = c.schedule.warmupSteps ?? Math.round(c.schedule.warmupFraction * total);
  return Math.min(w, total);
}

/** Parses a config, turning zod issues into one message that names each field and the fix. */
export function parseTrainConfig(input: unknown, source = "training config"): TrainConfig {
  return parseOrThrow(trainConfigSchema, input, `${source} is invalid`);
}
