import { z } from "zod";

/**
 * H-Net configuration (Hwang, Wang, Gu 2025, "Dynamic Chunking for End-to-End Hierarchical Sequence Modeling"),
 * following goombalab/hnet's HNetConfig. The reference fields keep their snake_case names so a reference
 * config (e.g. configs/hnet_2stage_L.json or a golden manifest's constructor kwargs) parses as-is; the fields
 * after `tie_embeddings` are the reference's implicit module defaults and the training-side ratio loss.
 *
 * Stages: a layout nests one level per stage, outermost first. ["T2", ["T4"], "T2"] has 2 levels
 * (stage 0 = byte-level encoder/decoder, stage 1 = innermost main network) and 1 dynamic-chunking stage;
 * ["T1", ["T1", ["T4"], "T1"], "T1"] has 3 levels and 2 chunking stages. Per-level lists (d_model,
 * d_intermediate, attn_cfg.*) have one entry per level, outermost first.
 *
 * Block letters (hnet/modules/block.py create_block): 'T' = attention (CausalMHA) + SwiGLU MLP,
 * 't' = attention only, 'M' = Mamba-2 + SwiGLU, 'm' = Mamba-2 only (lowercase = no MLP). "T1m4" = 1 'T' then 4 'm'.
 *
 * Per-stage learning-rate multipliers (the paper's lr_multiplier, e.g. [3.0, 1.7, 0.9] outer stages first;
 * hnet.models.mixer_seq.apply_lr_multiplier: embeddings and lm_head take stage 0's) belong to the training
 * config, not here: parameter names tell the stage (`backbone.` = 0, each `main_network.` one deeper).
 */
export type ArchLayout = [string] | [string, ArchLayout, string];

export const archLayoutSchema: z.ZodType<ArchLayout> = z.lazy(() =>
  z.union([z.tuple([z.string()]), z.tuple([z.string(), archLayoutSchema, z.string()])]),
);

const positiveInt = z.number().int().positive();
/** A value shared by every level, or one value per level (reference get_stage_cfg: lists are indexed by stage). */
const perLevel = <T extends z.ZodType>(value: T) => z.union([value, z.array(value).min(1)]);

export const ssmConfigSchema = z.object({
  /** Causal depthwise conv width of Mamba-2 (SSMConfig default 4). */
  d_conv: positiveInt.default(4),
  /** Mamba-2 inner width = expand * d_model (SSMConfig default 2). */
  expand: positiveInt.default(2),
  /** SSM state size N (SSMConfig default 128). */
  d_state: positiveInt.default(128),
  /** Block size of the reference's chunked scan kernel; does not change results (SSMConfig default 256). */
  chunk_size: positiveInt.default(256),
  /** Mamba-2 head width (mamba_ssm.Mamba2 default 64; HNetConfig does not expose it). */
  headdim: positiveInt.default(64),
  /** Mamba-2 B/C groups (mamba_ssm.Mamba2 default 1). */
  ngroups: positiveInt.default(1),
});

export const attnConfigSchema = z.object({
  /** Attention heads per level. 4 keeps head_dim = 64 at the default d_model 256 (reference: 16 heads of 64). */
  num_heads: perLevel(positiveInt).default([4, 6]),
  /**
   * Rotary dims at the front of each q/k head, non-interleaved. Half the head as in the reference configs
   * (32 of 64); 0 = no rotary.
   */
  rotary_emb_dim: perLevel(z.number().int().nonnegative()).default([32, 32]),
  /**
   * Sliding window per level: query i sees keys i-w..i; -1 = all earlier keys. The reference configs use
   * 1023 for the byte-level stages and -1 for the innermost one.
   */
  window_size: perLevel(z.number().int().min(-1)).default([1023, -1]),
});

export const ratioLossConfigSchema = z.object({
  /**
   * Target compression N per chunking stage (outermost first): the ratio loss is minimal when 1/N of the
   * positions are boundaries. Default: the paper's N = 6 for 1 stage and N = 3 per stage for 2 stages
   * (any other depth: 3 per stage).
   */
  N: z.array(z.number().gt(1)).min(1).optional(),
  /** alpha: weight of the summed ratio losses in the training loss (paper: 0.03). */
  weight: z.number().nonnegative().default(0.03),
});

export const hnetConfigSchema = z
  .object({
    /**
     * Nested layout, outermost first. Default: a small attention-only 1-stage H-Net. The paper's 1-stage
     * models put Mamba-2 at the byte level (e.g. ["m4", ["T22"], "m4"]); 'm' works here too, but this port
     * evaluates Mamba-2 in its quadratic form (O(T^2) like attention), so it buys no speed on TF.js.
     */
    arch_layout: archLayoutSchema.default(["T2", ["T4"], "T2"]),
    /** Width per level; must not shrink inward (the reference pads with a learned vector when it grows). */
    d_model: z.array(positiveInt).min(1).default([256, 384]),
    /** SwiGLU width per level before rounding up to swiglu_multiple_of (reference: ~2.7x d_model). */
    d_intermediate: z.array(z.number().int().nonnegative()).min(1).default([704, 1024]),
    /** Bytes: 256 (HNetConfig default; the zoo's logits are always [B, T, 256]). */
    vocab_size: z.literal(256).default(256),
    ssm_cfg: ssmConfigSchema.prefault({}),
    attn_cfg: attnConfigSchema.prefault({}),
    /** lm_head shares the embedding matrix (HNetConfig default false). */
    tie_embeddings: z.boolean().default(false),
    /** RMSNorm eps of every block and stack (reference Block norm_epsilon / Isotropic.rmsnorm eps 1e-5). */
    norm_eps: z.number().positive().default(1e-5),
    /** Rotary base (CausalMHA rotary_emb_base default 10000). */
    rotary_emb_base: z.number().positive().default(10000),
    /** SwiGLU hidden width = ceil(d_intermediate / m) * m (reference SwiGLU multiple_of 128). */
    swiglu_multiple_of: positiveInt.default(128),
    /** Std of the normal init of Linear weights (reference init_weights default 0.02; out_proj/fc2 scaled). */
    initializer_range: z.number().positive().default(0.02),
    ratio_loss: ratioLossConfigSchema.prefault({}),
  })
  .superRefine((cfg, ctx) => {
    for (const problem of validateHNetConfig(cfg)) ctx.addIssue({ code: "custom", ...problem });
  })
  .transform((cfg) => ({
    ...cfg,
    ratio_loss: {
      ...cfg.ratio_loss,
      N: cfg.ratio_loss.N ?? defaultRatioTargets(countLevels(cfg.arch_layout) - 1),
    },
  }));

export type HNetConfig = z.infer<typeof hnetConfigSchema>;
export type HNetConfigInput = z.input<typeof hnetConfigSchema>;

export type BlockKind = "T" | "t" | "M" | "m";

/** One level of the resolved hierarchy, with its stage's hyper-parameters. */
export interface LevelSpec {
  /** 0 = byte level. */
  stage: number;
  dModel: number;
  /** Width of the level outside (0 at stage 0): a learned pad_dimension appends dModel - dOuter channels. */
  dOuter: number;
  numHeads: number;
  rotaryEmbDim: number;
  windowSize: number;
  /** SwiGLU hidden width after rounding (0 when no block of the level has an MLP). */
  mlpHidden: number;
  body:
    | { innermost: true; main: BlockKind[] }
    | { innermost: false; encoder: BlockKind[]; decoder: BlockKind[]; inner: LevelSpec };
}

const BLOCKS_RE = /^(?:[mMtT]\d+)*$/;

/** "T1m4" -> [T, m, m, m, m] (reference: re.findall(r"([mMtT])(\d+)", layout)). */
export function parseBlocks(layout: string): BlockKind[] {
  if (!BLOCKS_RE.test(layout)) {
    throw new Error(
      `arch_layout entry "${layout}" is not a block list: use letters T/t/M/m each followed by a count, e.g. "T2" or "m4T1"`,
    );
  }
  const blocks: BlockKind[] = [];
  for (const [, kind, count] of layout.matchAll(/([mMtT])(\d+)/g))
    for (let i = 0; i < Number(count); i++) blocks.push(kind as BlockKind);
  return blocks;
}

export function countLevels(layout: ArchLayout): number {
  return layout.length === 1 ? 1 : 1 + countLevels(layout[1]);
}

function defaultRatioTargets(stages: number): number[] {
  return stages === 1 ? [6] : Array.from({ length: stages }, () => 3);
}

function pick(value: number | number[], level: number): number | undefined {
  return Array.isArray(value) ? value[level] : value;
}

function levelLayouts(layout: ArchLayout): ArchLayout[] {
  return layout.length === 1 ? [layout] : [layout, ...levelLayouts(layout[1])];
}

type RawConfig = Omit<HNetConfig, "ratio_loss"> & {
  ratio_loss: { N?: number[] | undefined; weight: number };
};

/** Cross-field checks, each naming the field and the fix. */
function validateHNetConfig(cfg: RawConfig): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const layouts = levelLayouts(cfg.arch_layout);
  const levels = layouts.length;
  const blocksPerLevel: BlockKind[][] = [];
  layouts.forEach((l, s) => {
    const all: BlockKind[] = [];
    for (const entry of l.length === 1 ? [l[0]] : [l[0], l[2]]) {
      try {
        all.push(...parseBlocks(entry));
      } catch (error) {
        problems.push({ path: ["arch_layout"], message: `level ${s}: ${(error as Error).message}` });
      }
    }
    blocksPerLevel.push(all);
  });
  for (const key of ["d_model", "d_intermediate"] as const) {
    if (cfg[key].length !== levels)
      problems.push({
        path: [key],
        message: `${key} has ${cfg[key].length} entries but arch_layout has ${levels} levels; give one per level, outermost first`,
      });
  }
  for (let s = 1; s < Math.min(levels, cfg.d_model.length); s++) {
    if (cfg.d_model[s]! < cfg.d_model[s - 1]!)
      problems.push({
        path: ["d_model", s],
        message: `d_model[${s}] = ${cfg.d_model[s]} is smaller than d_model[${s - 1}] = ${cfg.d_model[s - 1]}; inner levels must be at least as wide`,
      });
  }
  for (const key of ["num_heads", "rotary_emb_dim", "window_size"] as const) {
    const v = cfg.attn_cfg[key];
    if (Array.isArray(v) && v.length < levels)
      problems.push({
        path: ["attn_cfg", key],
        message: `attn_cfg.${key} has ${v.length} entries but arch_layout has ${levels} levels; give one per level or a single number`,
      });
  }
  for (let s = 0; s < levels; s++) {
    const blocks = blocksPerLevel[s] ?? [];
    const d = cfg.d_model[s];
    if (d === undefined) continue;
    if (blocks.some((b) => b === "T" || b === "t")) {
      const heads = pick(cfg.attn_cfg.num_heads, s);
      const rotary = pick(cfg.attn_cfg.rotary_emb_dim, s);
      if (heads !== undefined && d % heads !== 0)
        problems.push({
          path: ["attn_cfg", "num_heads"],
          message: `level ${s}: d_model ${d} is not divisible by num_heads ${heads}`,
        });
      if (heads !== undefined && rotary !== undefined && (rotary % 2 !== 0 || rotary > d / heads))
        problems.push({
          path: ["attn_cfg", "rotary_emb_dim"],
          message: `level ${s}: rotary_emb_dim ${rotary} must be even and at most head_dim ${d / heads}`,
        });
    }
    if (blocks.some((b) => b === "T" || b === "M") && (cfg.d_intermediate[s] ?? 0) <= 0)
      problems.push({
        path: ["d_intermediate", s],
        message: `level ${s} has 'T'/'M' blocks (with SwiGLU) but d_intermediate[${s}] is 0; give a width or use 't'/'m' blocks`,
      });
  }
  const N = cfg.ratio_loss.N;
  if (N && N.length !== levels - 1)
    problems.push({
      path: ["ratio_loss", "N"],
      message: `ratio_loss.N has ${N.length} entries but arch_layout has ${levels - 1} chunking stage(s)`,
    });
  return problems;
}

/** The hierarchy as a tree of levels with their resolved per-stage settings. Assumes a parsed config. */
export function resolveLevels(cfg: HNetConfig, layout: ArchLayout = cfg.arch_layout, stage = 0): LevelSpec {
  const dModel = cfg.d_model[stage]!;
  const multiple = cfg.swiglu_multiple_of;
  const dInter = cfg.d_intermediate[stage]!;
  const common = {
    stage,
    dModel,
    dOuter: stage === 0 ? 0 : cfg.d_model[stage - 1]!,
    numHeads: pick(cfg.attn_cfg.num_heads, stage)!,
    rotaryEmbDim: pick(cfg.attn_cfg.rotary_emb_dim, stage)!,
    windowSize: pick(cfg.attn_cfg.window_size, stage)!,
    mlpHidden: Math.ceil(dInter / multiple) * multiple,
  };
  if (layout.length === 1) return { ...common, body: { innermost: true, main: parseBlocks(layout[0]) } };
  return {
    ...common,
    body: {
      innermost: false,
      encoder: parseBlocks(layout[0]),
      decoder: parseBlocks(layout[2]),
      inner: resolveLevels(cfg, layout[1], stage + 1),
    },
  };
}
