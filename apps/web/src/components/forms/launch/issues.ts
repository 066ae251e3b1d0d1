import { formatPath, type PathSegment } from "@bytelab/experiments/spec";
import { entryObject, type SpecDraft, specKind } from "./spec-model";
import { isPrefix, parseIssuePath, pathKey } from "./spec-paths";

/** One problem with the spec, wherever it was found. */
export interface FormIssue {
  /** Spec path as the schemas write it (`architectures[1].model.dim`; "" for the whole spec). */
  path: string;
  issue: string;
  fix?: string;
  /** schema: the zod schemas in the browser; server: POST /sweeps/plan or /sweeps; input: a field's text. */
  source: "schema" | "server" | "input";
}

/**
 * Every path the structured form has a field for, for this spec. An issue is shown at the field whose path
 * is its longest prefix (a model-check issue at `architectures[1].model.shorten_factor` lands on that
 * entry's model box); issues with no field (the spec as a whole) only appear in the summary.
 */
export function fieldPaths(spec: SpecDraft): PathSegment[][] {
  const kind = specKind(spec);
  const paths: PathSegment[][] = [
    ["kind"],
    ["name"],
    ["description"],
    ["modelDefaults"],
    ["priority"],
    ["seeds"],
    ["repeat"],
    ["base"],
    ["base", "dataset"],
    ["base", "seqLen"],
    ["base", "batchSize"],
    ["base", "optimizer", "lr"],
    ["base", "eval", "interval"],
  ];
  const list = (key: string) => (Array.isArray(spec[key]) ? (spec[key] as unknown[]) : []);
  if (kind === "sweep" || kind === "ladder") {
    paths.push(["architectures"]);
    list("architectures").forEach((_, i) => {
      paths.push(
        ["architectures", i],
        ["architectures", i, "architecture"],
        ["architectures", i, "name"],
        ["architectures", i, "model"],
      );
    });
  }
  if (kind === "sweep") {
    paths.push(["parameters"], ["parameters", "grid"], ...budgetPaths(["budget"]));
    const grid = (spec.parameters as { grid?: unknown } | undefined)?.grid;
    if (grid && typeof grid === "object")
      for (const key of Object.keys(grid)) paths.push(["parameters", "grid", key]);
  }
  if (kind === "ablation") {
    paths.push(
      ["base", "architecture"],
      ["base", "model"],
      ["baselineName"],
      ["variants"],
      ...budgetPaths(["budget"]),
    );
    list("variants").forEach((_, i) => {
      paths.push(
        ["variants", i],
        ["variants", i, "name"],
        ["variants", i, "description"],
        ["variants", i, "set"],
      );
    });
  }
  if (kind === "ladder") {
    paths.push(["sizes"], ["budgets"]);
    list("budgets").forEach((_, i) => {
      paths.push(...budgetPaths(["budgets", i]));
    });
  }
  return paths;
}

/** A budget's own path and one per kind (its value input). */
function budgetPaths(at: PathSegment[]): PathSegment[][] {
  return [at, ...BUDGET_KINDS.map((k) => [...at, k])];
}

export const BUDGET_KINDS = ["flops", "bytes", "steps"] as const;

/** Issues grouped by the field that shows them (pathKey of the field path); "" holds the rest. */
export function assignIssues(spec: SpecDraft, issues: readonly FormIssue[]): Map<string, FormIssue[]> {
  const fields = fieldPaths(spec);
  const out = new Map<string, FormIssue[]>();
  for (const issue of issues) {
    const segments = parseIssuePath(issue.path);
    let best: PathSegment[] | null = null;
    for (const f of fields) if (isPrefix(f, segments) && (!best || f.length > best.length)) best = f;
    const key = best ? pathKey(best) : "";
    out.set(key, [...(out.get(key) ?? []), issue]);
  }
  return out;
}

/** The issues' paths relative to the form (for the summary: "architectures[1].model.dim"). */
export function displayPath(issue: FormIssue): string {
  return issue.path === "" ? "(whole spec)" : formatPath(parseIssuePath(issue.path));
}

/** An architectures entry's label for headings: its name, else the architecture. */
export function entryLabel(entry: unknown, index: number): string {
  const e = entryObject(entry);
  return String(e.name ?? e.architecture ?? `entry ${index + 1}`);
}
