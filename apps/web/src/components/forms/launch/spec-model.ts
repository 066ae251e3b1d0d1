import { isPlainObject, SPEC_KINDS, type SpecKind } from "@bytelab/experiments/spec";
import { stringify as stringifyYaml } from "yaml";

/** A spec as the person writes it (the form edits it in place; the editor tab shows it as text). */
export type SpecDraft = Record<string, unknown>;

/** An example spec from the repository's examples/ folder, read on the server. */
export interface SpecTemplate {
  /** File name, e.g. arch-compare-brown.yaml. */
  file: string;
  format: "yaml" | "json";
  /** The file as written (comments included): what the editor tab shows when it is loaded. */
  text: string;
  /** The parsed spec; null when the file does not parse (then it is not offered). */
  spec: SpecDraft | null;
  kind: string;
  name: string;
  description: string | null;
}

/** Fields every kind has (kept when the kind changes). */
const COMMON_KEYS = [
  "kind",
  "name",
  "description",
  "base",
  "modelDefaults",
  "seeds",
  "priority",
  "repeat",
  "earlyStopping",
] as const;

/** The training keys every blank spec starts with: small models on the offline Brown corpus. */
const BLANK_BASE = { dataset: "brown", seqLen: 128, batchSize: 16 };

/** A blank spec of `kind` with the small defaults (`modelDefaults: small`: each empty model config is filled). */
export function blankSpec(kind: SpecKind): SpecDraft {
  const common = { kind, name: `my-${kind}`, modelDefaults: "small", seeds: [0], priority: "normal" };
  switch (kind) {
    case "sweep":
      return {
        ...common,
        base: { ...BLANK_BASE },
        architectures: [
          { architecture: "transformer" },
          { architecture: "hourglass" },
          { architecture: "hnet" },
          { architecture: "megabyte" },
        ],
        budget: { flops: 1e12 },
      };
    case "ablation":
      return {
        ...common,
        base: { ...BLANK_BASE, architecture: "hnet", model: {} },
        baselineName: "baseline",
        variants: [{ name: "no-ratio-loss", set: { "model.ratio_loss.weight": 0 } }],
        budget: { flops: 1e12 },
      };
    case "ladder":
      return {
        ...common,
        base: { ...BLANK_BASE },
        architectures: [{ architecture: "transformer" }, { architecture: "hnet" }],
        sizes: ["xs", "s", "m"],
        budgets: [{ flops: 3e11 }, { flops: 1e12 }, { flops: 3e12 }],
      };
  }
}

export function specKind(spec: SpecDraft): SpecKind {
  const k = spec.kind ?? "sweep";
  return (SPEC_KINDS as readonly unknown[]).includes(k) ? (k as SpecKind) : "sweep";
}

/** An architectures entry as an object (a bare "hnet" is { architecture: "hnet" }). */
export function entryObject(entry: unknown): Record<string, unknown> {
  if (typeof entry === "string") return { architecture: entry };
  return isPlainObject(entry) ? entry : {};
}

/**
 * The spec with another kind: the common fields stay; the kind's own fields come from its blank spec,
 * carrying over what translates (a sweep's first architecture becomes an ablation's base, an ablation's
 * base architecture a sweep's only architecture; architectures and budget between sweep and ladder).
 */
export function convertKind(spec: SpecDraft, kind: SpecKind): SpecDraft {
  const from = specKind(spec);
  if (from === kind) return spec;
  const blank = blankSpec(kind);
  const out: SpecDraft = {};
  for (const key of COMMON_KEYS) if (spec[key] !== undefined) out[key] = spec[key];
  out.kind = kind;
  const base = isPlainObject(spec.base) ? { ...spec.base } : {};
  const architectures = Array.isArray(spec.architectures) ? spec.architectures : null;
  if (kind === "ablation") {
    const first = entryObject(architectures?.[0]);
    out.base = {
      ...base,
      architecture: first.architecture ?? "hnet",
      model: isPlainObject(first.model) ? first.model : {},
    };
    out.baselineName = blank.baselineName;
    out.variants = blank.variants;
    out.budget = spec.budget ?? (Array.isArray(spec.budgets) ? spec.budgets[0] : undefined) ?? blank.budget;
  } else {
    const { architecture, model, ...rest } = base;
    out.base = rest;
    out.architectures =
      architectures ??
      (typeof architecture === "string"
        ? [{ architecture, ...(isPlainObject(model) && Object.keys(model).length > 0 ? { model } : {}) }]
        : blank.architectures);
    if (kind === "ladder") {
      out.architectures = (out.architectures as unknown[]).map((e) => {
        const { parameters: _dropped, ...entry } = entryObject(e);
        return entry;
      });
      out.sizes = blank.sizes;
      out.budgets = spec.budget ? [spec.budget] : blank.budgets;
    } else {
      if (from === "ladder" && Array.isArray(spec.budgets) && spec.budgets.length > 0)
        out.budget = spec.budgets[0];
      else if (spec.budget !== undefined) out.budget = spec.budget;
      else out.budget = blank.budget;
    }
  }
  return out;
}

export type SpecFormat = "yaml" | "json";

/** The spec as editor text. */
export function specText(spec: SpecDraft, format: SpecFormat): string {
  if (format === "json") return `${JSON.stringify(spec, null, 2)}\n`;
  return stringifyYaml(spec, { lineWidth: 100, aliasDuplicateObjects: false });
}

/** Architecture entries found in the templates (sweeps and ladders), offered as presets. */
export function templateArchitectures(
  templates: readonly SpecTemplate[],
): Array<{ label: string; entry: Record<string, unknown>; modelDefaults: string }> {
  const out: Array<{ label: string; entry: Record<string, unknown>; modelDefaults: string }> = [];
  for (const t of templates) {
    if (!t.spec || !Array.isArray(t.spec.architectures)) continue;
    for (const e of t.spec.architectures) {
      const entry = entryObject(e);
      if (typeof entry.architecture !== "string") continue;
      out.push({
        label: `${entry.name ?? entry.architecture} from ${t.file}`,
        entry,
        modelDefaults: typeof t.spec.modelDefaults === "string" ? t.spec.modelDefaults : "small",
      });
    }
  }
  return out;
}
