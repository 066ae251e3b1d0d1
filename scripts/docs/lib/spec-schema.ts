import type { JsonSchema } from "./json-schema";
import {
  ARCHITECTURES,
  type Architecture,
  DEPRECATED_MODEL_KEYS,
  loadSchemas,
  SIZE_PRESETS,
} from "./schemas";

/** Where the editor schema is written; examples and docs point at it. */
export const SPEC_SCHEMA_PATH = "docs/reference/spec.schema.json";

const clone = <T>(v: T): T => structuredClone(v);
const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });

/**
 * Moves a generated schema's own `definitions` (z.lazy cycles: hourglass depth, H-Net layouts) into the
 * document's, under `prefix-<name>`, rewriting its references, so several generated schemas share one file.
 */
function hoist(schema: JsonSchema, prefix: string, into: Record<string, JsonSchema>): JsonSchema {
  const out = clone(schema);
  const local = out.definitions ?? {};
  delete out.definitions;
  const rename = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(rename);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as JsonSchema;
    if (typeof n.$ref === "string" && n.$ref.startsWith("#/definitions/"))
      n.$ref = `#/definitions/${prefix}-${n.$ref.slice("#/definitions/".length)}`;
    else if (n.$ref === "#") n.$ref = `#/definitions/${prefix}`;
    for (const [k, v] of Object.entries(n)) if (k !== "default" && k !== "const" && k !== "enum") rename(v);
  };
  rename(out);
  for (const [name, def] of Object.entries(local)) {
    rename(def);
    into[`${prefix}-${name}`] = def;
  }
  return out;
}

/** `if: { <key> is <value> } then: <then>` (draft 7). */
function when(key: string, value: string, then: JsonSchema): JsonSchema {
  return { if: { properties: { [key]: { const: value } }, required: [key] }, then };
}

/** The model config of whichever architecture the object names: one `if/then` per architecture. */
function modelByArchitecture(description: string | undefined): JsonSchema[] {
  return ARCHITECTURES.map((arch) =>
    when("architecture", arch, {
      properties: { model: { ...ref(`model-${arch}`), ...(description ? { description } : {}) } },
    }),
  );
}

/** Training keys that a spec sets elsewhere (architecture, model, seed): left out where `base` may not hold them. */
function trainFragment(train: JsonSchema, omit: readonly string[]): JsonSchema {
  const out = clone(train);
  for (const key of omit) delete out.properties?.[key];
  delete out.required;
  out.description =
    "Training-config keys of @bytelab/train (every one optional here; defaults fill the rest): see docs/reference/spec.md#training-config.";
  return out;
}

/** The model config with the deprecated spellings still accepted (marked deprecated: editors strike them). */
function modelSchema(arch: Architecture, schema: JsonSchema): JsonSchema {
  const out = clone(schema);
  const deprecated = DEPRECATED_MODEL_KEYS[arch] ?? {};
  for (const [old, use] of Object.entries(deprecated)) {
    const current = out.properties?.[use];
    if (!current || !out.properties) continue;
    out.properties[old] = {
      ...clone(current),
      description: `Deprecated spelling of ${use} (still accepted; write ${use}).`,
      deprecated: true,
      deprecationMessage: `deprecated: write ${use}`,
    };
  }
  out.description = `The ${arch} model config: see docs/architectures/${arch}.md.`;
  return out;
}

/**
 * The JSON Schema (draft 7) of a spec file, for editors: autocomplete and validation of every key of the
 * three spec kinds, the training config under `base` and each architecture's model config (chosen by the
 * entry's `architecture`). Generated from the zod schemas `bytelab sweep submit` validates with; the
 * cross-field rules zod checks in code (exactly one budget key, unique names, (model, seqLen) combinations)
 * are left to `bytelab sweep submit --dry-run`.
 */
export function buildSpecSchema(): JsonSchema {
  const s = loadSchemas();
  const definitions: Record<string, JsonSchema> = {};
  for (const arch of ARCHITECTURES)
    definitions[`model-${arch}`] = modelSchema(arch, hoist(s.models[arch], `model-${arch}`, definitions));
  const trainConfig = hoist(s.train, "train", definitions);
  definitions.train = trainFragment(trainConfig, ["architecture", "model", "seed"]);

  const sweep = hoist(s.sweep, "sweep", definitions);
  const sweepProps = sweep.properties!;
  // The architecture entry: a bare name, or an object whose `model` is that architecture's config.
  const entry = clone((sweepProps.architectures!.items as JsonSchema) ?? {});
  const entryModel = entry.properties!.model!;
  entry.properties!.model = { type: "object", description: entryModel.description };
  entry.properties!.train = { ...ref("train"), description: entry.properties!.train?.description };
  entry.allOf = modelByArchitecture(entryModel.description);
  definitions.architectureEntry = {
    description: sweepProps.architectures!.description,
    anyOf: [{ type: "string", enum: [...ARCHITECTURES] }, entry],
  };
  const specBranch = (spec: JsonSchema, kind: string): JsonSchema => {
    const out = clone(spec);
    const props = out.properties!;
    props.base = { ...ref("train"), description: props.base?.description };
    if (props.architectures)
      props.architectures = { ...props.architectures, items: ref("architectureEntry") };
    if (kind === "sweep") out.required = (out.required ?? []).filter((k) => k !== "kind");
    return out;
  };
  definitions.sweep = specBranch(sweep, "sweep");

  const ablationSpec = hoist(s.ablation, "ablation", definitions);
  const ablation = specBranch(ablationSpec, "ablation");
  const train = clone(trainConfig);
  ablation.properties!.base = {
    type: "object",
    description:
      `${ablationSpec.properties?.base?.description ?? ""} An ablation's base is the whole baseline run: architecture, model and training keys.`.trim(),
    properties: {
      ...trainFragment(train, ["seed"]).properties,
      model: { type: "object", description: train.properties?.model?.description },
    },
    required: ["architecture"],
    additionalProperties: false,
    allOf: modelByArchitecture(train.properties?.model?.description),
  };
  definitions.ablation = ablation;

  const ladder = specBranch(hoist(s.ladder, "ladder", definitions), "ladder");
  const sizes = ladder.properties!.sizes!;
  sizes.items = {
    anyOf: [{ type: "string", enum: Object.keys(SIZE_PRESETS) }, sizes.items as JsonSchema],
  };
  definitions.ladder = ladder;

  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "bytelab experiment spec",
    description:
      "A bytelab sweep, ablation or ladder spec (YAML or JSON). Generated from the zod schemas by `npm run docs:generate`; reference: docs/reference/spec.md. `npx bytelab sweep submit FILE --dry-run` checks what this schema cannot (cross-field rules, model sizes).",
    type: "object",
    properties: {
      kind: {
        description: "sweep (default), ablation or ladder.",
        enum: ["sweep", "ablation", "ladder"],
        default: "sweep",
      },
    },
    if: { properties: { kind: { const: "ablation" } }, required: ["kind"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
    then: ref("ablation"),
    else: {
      if: { properties: { kind: { const: "ladder" } }, required: ["kind"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
      then: ref("ladder"),
      else: ref("sweep"),
    },
    definitions,
  };
}
