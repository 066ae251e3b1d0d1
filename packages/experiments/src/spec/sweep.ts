import { z } from "zod";
import {
  architectureEntrySchema,
  BASE_KEYS_ELSEWHERE,
  budgetSchema,
  commonSpecFields,
  parametersSchema,
} from "./common";
import { refineBaseKeys, refineUniqueLabels } from "./refinements";

/**
 * A sweep: architectures x parameter configurations x seeds, each run trained to the same budget.
 * With `budget: { flops }` the architectures are compared at equal training compute.
 */
export const sweepSpecSchema = z
  .strictObject({
    kind: z.literal("sweep").meta({ description: "sweep (the default when `kind` is left out)." }),
    ...commonSpecFields,
    architectures: z.array(architectureEntrySchema).min(1).meta({
      description: "The architectures compared: a name (`hnet`) or an entry with its own model config.",
    }),
    /** Varied for every architecture (each entry may add its own). */
    parameters: parametersSchema.optional(),
    /** Compute per run; without it, base.steps / base.byteBudget (or the training default) applies. */
    budget: budgetSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    refineBaseKeys(spec.base, BASE_KEYS_ELSEWHERE, ctx);
    refineUniqueLabels(
      spec.architectures.map((a) => a.name ?? a.architecture),
      "architectures",
      "give each entry of the same architecture its own `name`",
      ctx,
    );
  });

export type SweepSpec = z.output<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
