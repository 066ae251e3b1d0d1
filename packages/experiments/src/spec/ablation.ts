import { z } from "zod";
import {
  ARCHITECTURES,
  budgetSchema,
  commonSpecFields,
  dottedKeySchema,
  jsonValueSchema,
  labelSchema,
} from "./common";
import { refineBaseKeys, refineUniqueLabels } from "./refinements";

/** One ablation variant: the baseline with a few keys changed. */
export const variantSchema = z.strictObject({
  name: labelSchema,
  description: z
    .string()
    .max(2000)
    .optional()
    .meta({ description: "What the variant changes and why (shown with its runs)." }),
  /** Dotted config paths and their new values, e.g. { "model.ratio_loss.weight": 0 }. */
  set: z
    .record(dottedKeySchema, jsonValueSchema)
    .refine((s) => Object.keys(s).length > 0, { message: "a variant must change at least one key" }),
});

/**
 * An ablation: one baseline run config (its `base` holds architecture, model and training keys) plus named
 * variants that each change a few keys; every variant and the baseline run with every seed.
 */
export const ablationSpecSchema = z
  .strictObject({
    kind: z.literal("ablation").meta({ description: "ablation: a baseline and variants of it." }),
    ...commonSpecFields,
    /** Label of the unchanged run. */
    baselineName: labelSchema.default("baseline"),
    variants: z.array(variantSchema).min(1).meta({
      description: "Named changes to the baseline; each one runs with every seed.",
    }),
    /** Compute per run; without it, base.steps / base.byteBudget (or the training default) applies. */
    budget: budgetSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    refineBaseKeys(spec.base, { seed: "list seeds under `seeds`" }, ctx);
    if (!(ARCHITECTURES as readonly unknown[]).includes(spec.base.architecture))
      ctx.addIssue({
        code: "custom",
        path: ["base", "architecture"],
        message: `an ablation's base must name its architecture, one of ${ARCHITECTURES.join(", ")} (got ${JSON.stringify(spec.base.architecture)})`,
      });
    refineUniqueLabels(
      [spec.baselineName, ...spec.variants.map((v) => v.name)],
      "variants",
      "give every variant its own name, different from the baseline's",
      ctx,
    );
  });

export type AblationSpec = z.output<typeof ablationSpecSchema>;
export type AblationSpecInput = z.input<typeof ablationSpecSchema>;
