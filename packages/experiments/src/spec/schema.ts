import { z } from "zod";
import { formatPath, type SpecIssue, SpecValidationError, zodIssues } from "../issues";
import { isPlainObject } from "../paths";
import { type AblationSpec, ablationSpecSchema } from "./ablation";
import { type LadderSpec, ladderSpecSchema } from "./ladder";
import { type SweepSpec, sweepSpecSchema } from "./sweep";

export const SPEC_KINDS = ["sweep", "ablation", "ladder"] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];

const schemaByKind = {
  sweep: sweepSpecSchema,
  ablation: ablationSpecSchema,
  ladder: ladderSpecSchema,
} as const;

/**
 * Any experiment spec, told apart by `kind` (default "sweep"). The single source of truth for spec files,
 * the REST API body and the UI form; `parseSpec` turns its errors into path + issue + fix.
 */
export const experimentSpecSchema = z.preprocess(
  (v) => (isPlainObject(v) && v.kind === undefined ? { ...v, kind: "sweep" } : v),
  z.discriminatedUnion("kind", [sweepSpecSchema, ablationSpecSchema, ladderSpecSchema]),
);

export type ExperimentSpec = SweepSpec | AblationSpec | LadderSpec;
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;

export type SpecParseResult =
  | { success: true; spec: ExperimentSpec }
  | { success: false; issues: SpecIssue[] };

/** Validates a spec (already read from YAML / JSON) without throwing. */
export function safeParseSpec(input: unknown): SpecParseResult {
  if (!isPlainObject(input))
    return {
      success: false,
      issues: [
        {
          path: "",
          issue: "a spec must be an object (a YAML mapping / JSON object)",
          fix: "start from an example in examples/",
        },
      ],
    };
  const kind = input.kind ?? "sweep";
  if (typeof kind !== "string" || !(SPEC_KINDS as readonly string[]).includes(kind))
    return {
      success: false,
      issues: [
        {
          path: formatPath(["kind"]),
          issue: `unknown spec kind ${JSON.stringify(kind)}`,
          fix: `use one of: ${SPEC_KINDS.join(", ")}`,
        },
      ],
    };
  const schema = schemaByKind[kind as SpecKind];
  const parsed = schema.safeParse({ ...input, kind });
  if (parsed.success) return { success: true, spec: parsed.data };
  return { success: false, issues: zodIssues(parsed.error, [], schema) };
}

/** Validates a spec; throws SpecValidationError (every issue with path and fix) when it is invalid. */
export function parseSpec(input: unknown, source = "sweep spec"): ExperimentSpec {
  const result = safeParseSpec(input);
  if (!result.success) throw new SpecValidationError(result.issues, source);
  return result.spec;
}
