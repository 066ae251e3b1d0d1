import { z } from "zod";

/**
 * Schema of a golden fixture's manifest.json (packages/models/test/fixtures/golden/README.md is the spec).
 * Unknown keys are kept (`looseObject`): newer fixtures may add fields that older code ignores.
 */
const int = z.number().int();

export const goldenParamSchema = z.object({
  shape: z.array(int.nonnegative()),
  offset: int.nonnegative(),
  numel: int.nonnegative(),
  kind: z.string(),
});

export const goldenRoutingStageSchema = z.looseObject({
  stage: int.nonnegative(),
  seq_len: int.positive(),
  input_positions: z.array(int.nonnegative()),
  boundary_prob: z.array(z.number()),
  boundary_mask: z.array(z.union([z.boolean(), int])),
  num_boundaries: int.nonnegative(),
  boundary_fraction: z.number(),
  ratio_loss_N: z.number(),
  ratio_loss: z.number(),
});

export const goldenManifestSchema = z.looseObject({
  format_version: int,
  fixture: z.string().min(1),
  architecture: z.enum(["hourglass", "megabyte", "hnet", "transformer"]),
  variant: z.string().optional(),
  constructor: z.looseObject({
    cls: z.string(),
    kwargs: z.record(z.string(), z.unknown()),
  }),
  seed: int.optional(),
  input: z.array(int.min(0).max(255)).min(1),
  seq_len: int.positive(),
  batch: int.positive(),
  params: z.record(z.string(), goldenParamSchema),
  weights_file: z.string().default("weights.bin"),
  weights_num_floats: int.nonnegative(),
  n_params_total: int.nonnegative().optional(),
  logits_file: z.string().default("logits.bin"),
  logits_shape: z.tuple([int.positive(), int.positive(), int.positive()]),
  dtype: z.literal("float32"),
  byte_order: z.literal("little"),
  loss: z.looseObject({
    mean_ce_nats: z.number(),
    reference_loss: z.number().nullable().optional(),
  }),
  tolerance: z.looseObject({ logits_max_abs: z.number().positive() }),
  notes: z.string().optional(),
  routing: z.array(goldenRoutingStageSchema).optional(),
  ratio_loss: z
    .looseObject({ N_per_stage: z.array(z.number()), per_stage: z.array(z.number()), total: z.number() })
    .optional(),
  megabyte: z
    .looseObject({
      patch_size: int.positive(),
      num_patches: int.positive(),
      start_token_logits: z.array(z.number()),
    })
    .optional(),
});

export type GoldenManifest = z.infer<typeof goldenManifestSchema>;
export type GoldenRoutingStage = z.infer<typeof goldenRoutingStageSchema>;
