import { z } from "zod";
import {
  architectureEntrySchema,
  BASE_KEYS_ELSEWHERE,
  budgetSchema,
  commonSpecFields,
  labelSchema,
} from "./common";
import { refineBaseKeys, refineUniqueLabels } from "./refinements";

/** Built-in model sizes: width and depth multipliers applied to each architecture's base model. */
export const SIZE_PRESETS = Object.freeze({
  xs: { width: 0.5, depth: 0.5 },
  s: { width: 1, depth: 1 },
  m: { width: 1.5, depth: 1.5 },
  l: { width: 2, depth: 2 },
  xl: { width: 3, depth: 2 },
});
export type SizePresetName = keyof typeof SIZE_PRESETS;

/**
 * One model size of a ladder: a preset name ("s"), or multipliers of the base model's widths and depths
 * ({ name, width, depth }), optionally with explicit model keys merged on top ({ name, model }).
 */
export const ladderSizeSchema = z
  .preprocess(
    (v) => (typeof v === "string" ? { preset: v } : v),
    z.strictObject({
      /** Label of the size in run names (default: the preset's name). */
      name: labelSchema.optional(),
      preset: z
        .enum(Object.keys(SIZE_PRESETS) as [SizePresetName])
        .optional()
        .meta({
          description:
            "A built-in size: xs (width and depth x0.5), s (x1), m (x1.5), l (x2), xl (width x3, depth x2).",
        }),
      /** Multiplies widths (rounded to keep head sizes whole). */
      width: z.number().positive().max(64).optional(),
      /** Multiplies layer counts (rounded, at least 1 where there was a layer). */
      depth: z.number().positive().max(64).optional(),
      /** Model keys set for this size, after scaling. */
      model: z.record(z.string(), z.unknown()).optional(),
    }),
  )
  .superRefine((s, ctx) => {
    if (s.name === undefined && s.preset === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: "a size needs a name (or a preset: xs, s, m, l, xl)",
      });
    if (s.preset !== undefined && (s.width !== undefined || s.depth !== undefined))
      ctx.addIssue({
        code: "custom",
        path: ["preset"],
        message: "give a preset or width/depth multipliers, not both",
      });
  })
  .transform((s) => {
    const preset = s.preset ? SIZE_PRESETS[s.preset] : undefined;
    return {
      name: s.name ?? s.preset!,
      width: preset?.width ?? s.width ?? 1,
      depth: preset?.depth ?? s.depth ?? 1,
      ...(s.model ? { model: s.model } : {}),
    };
  });
export type LadderSize = z.output<typeof ladderSizeSchema>;

/**
 * A scaling ladder: architectures x model sizes x compute budgets x seeds, for scaling curves
 * (loss against parameters and training FLOPs).
 */
export const ladderSpecSchema = z
  .strictObject({
    kind: z
      .literal("ladder")
      .meta({ description: "ladder: architectures x sizes x budgets, for scaling curves." }),
    ...commonSpecFields,
    architectures: z.array(architectureEntrySchema).min(1).meta({
      description: "The architectures compared; each entry's model is the base that the sizes scale.",
    }),
    sizes: z.array(ladderSizeSchema).min(1).meta({
      description: "Model sizes: a preset name (xs, s, m, l, xl) or { name, width, depth, model }.",
    }),
    /** One run per budget (per architecture, size and seed). */
    budgets: z.array(budgetSchema).min(1),
  })
  .superRefine((spec, ctx) => {
    refineBaseKeys(spec.base, BASE_KEYS_ELSEWHERE, ctx);
    refineUniqueLabels(
      spec.architectures.map((a) => a.name ?? a.architecture),
      "architectures",
      "give each entry of the same architecture its own `name`",
      ctx,
    );
    refineUniqueLabels(
      spec.sizes.map((s) => s.name),
      "sizes",
      "give every size its own name",
      ctx,
    );
    spec.architectures.forEach((a, i) => {
      if (a.parameters)
        ctx.addIssue({
          code: "custom",
          path: ["architectures", i, "parameters"],
          message: "a ladder varies sizes and budgets only; use a sweep to vary parameters",
        });
    });
  });

export type LadderSpec = z.output<typeof ladderSpecSchema>;
export type LadderSpecInput = z.input<typeof ladderSpecSchema>;
