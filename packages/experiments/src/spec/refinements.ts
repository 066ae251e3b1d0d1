import type { z } from "zod";

/** Flags `base` keys that belong elsewhere in the spec. */
export function refineBaseKeys(
  base: Record<string, unknown>,
  elsewhere: Readonly<Record<string, string>>,
  ctx: z.RefinementCtx,
): void {
  for (const key of Object.keys(base)) {
    const where = elsewhere[key];
    if (where)
      ctx.addIssue({
        code: "custom",
        path: ["base", key],
        message: `\`base.${key}\` is not allowed here: ${where}`,
      });
  }
}

/** Flags a label used twice in the list at `field`. */
export function refineUniqueLabels(
  labels: readonly string[],
  field: string,
  fix: string,
  ctx: z.RefinementCtx,
): void {
  labels.forEach((label, i) => {
    if (labels.indexOf(label) !== i)
      ctx.addIssue({
        code: "custom",
        path: [field, i, "name"],
        message: `"${label}" is used twice in ${field}; ${fix}`,
      });
  });
}
