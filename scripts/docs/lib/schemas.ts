import {
  ablationSpecSchema,
  ARCHITECTURES,
  ladderSpecSchema,
  SIZE_PRESETS,
  sweepSpecSchema,
} from "@bytelab/experiments/spec";
import { architectureConfigSchema, HOURGLASS_DEPRECATED_KEYS } from "@bytelab/models";
import { trainConfigSchema } from "@bytelab/train";
import { buildDocIndex } from "./jsdoc";
import { type JsonSchema, walkSchema, zodToJsonSchema } from "./json-schema";

export type Architecture = (typeof ARCHITECTURES)[number];
export { ARCHITECTURES, SIZE_PRESETS };

/** Where each schema's doc comments live (read when a field has no zod description). */
export const SOURCES = {
  spec: [
    "packages/experiments/src/spec/common.ts",
    "packages/experiments/src/spec/sweep.ts",
    "packages/experiments/src/spec/ablation.ts",
    "packages/experiments/src/spec/ladder.ts",
    "packages/experiments/src/asha.ts",
  ],
  train: ["packages/train/src/config.ts"],
  model: (arch: Architecture) => [`packages/models/src/${arch}/config.ts`],
} as const;

/** Deprecated spellings of model keys, per architecture (still accepted, renamed; specs warn). */
export const DEPRECATED_MODEL_KEYS: Partial<Record<Architecture, Readonly<Record<string, string>>>> = {
  hourglass: HOURGLASS_DEPRECATED_KEYS,
};

export interface Schemas {
  sweep: JsonSchema;
  ablation: JsonSchema;
  ladder: JsonSchema;
  /** @bytelab/train's training config (`base`, `architectures[].train`). */
  train: JsonSchema;
  /** Each architecture's model config, unknown keys refused as spec expansion refuses them. */
  models: Record<Architecture, JsonSchema>;
}

/** Objects of a model config refuse unknown keys (spec expansion does, with the closest known key). */
function closeObjects(schema: JsonSchema): void {
  walkSchema(schema, (node) => {
    if (node.properties && node.additionalProperties === undefined) node.additionalProperties = false;
  });
}

let cached: Schemas | undefined;

/** The JSON Schemas (input side, every field described) of the spec kinds, training and model configs. */
export function loadSchemas(): Schemas {
  if (cached) return cached;
  const specDocs = buildDocIndex(SOURCES.spec);
  const models = {} as Record<Architecture, JsonSchema>;
  for (const arch of ARCHITECTURES) {
    const schema = zodToJsonSchema(architectureConfigSchema(arch), buildDocIndex(SOURCES.model(arch)));
    closeObjects(schema);
    models[arch] = schema;
  }
  cached = {
    sweep: zodToJsonSchema(sweepSpecSchema, specDocs),
    ablation: zodToJsonSchema(ablationSpecSchema, specDocs),
    ladder: zodToJsonSchema(ladderSpecSchema, specDocs),
    train: zodToJsonSchema(trainConfigSchema, buildDocIndex(SOURCES.train)),
    models,
  };
  return cached;
}
