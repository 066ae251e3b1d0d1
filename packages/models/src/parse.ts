import type { z } from "zod";

/**
 * One line per zod issue, "  <field>: <problem>", the field as its dotted path after `prefix` (e.g. "kwargs."),
 * or "(root)" for the value as a whole. The one format of config errors in models (and train).
 */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .map((i) => `  ${i.path.length ? `${prefix}${i.path.join(".")}` : "(root)"}: ${i.message}`)
    .join("\n");
}

/** `schema.parse(input)`, but a failure is one Error, "<what>:" and then every offending field (describeIssues). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`${what}:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}
