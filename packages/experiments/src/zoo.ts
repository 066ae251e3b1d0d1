import type { Architecture, ByteLM, DeprecatedKey, FlopsPerByte } from "@bytelab/models";
import type { z } from "zod";
import type { CombinationHelpers } from "./model-checks";

type TrainModule = typeof import("@bytelab/train");
type ModelsModule = typeof import("@bytelab/models");

/** What expansion needs to know about one model: its size and its compute per byte. */
export interface ModelInfo {
  paramCount: number;
  flopsPerByte: FlopsPerByte;
}

/** The zoo has no model (or no config schema) for an architecture in this checkout. */
export class ArchitectureUnavailableError extends Error {
  override readonly name = "ArchitectureUnavailableError";
}

/**
 * The parts of @bytelab/train and @bytelab/models that expansion uses, loaded on first use: both pull in
 * TF.js, which a process that only parses specs (a form, the REST API's validation) should not pay for.
 *
 * Model config schemas are looked up as `<arch>ConfigSchema` exports of @bytelab/models (the zoo's
 * convention). Where the zoo's `createModel` is not exported yet, models are built with `create<Arch>`.
 * An architecture with neither is reported as unavailable with the reason, instead of being guessed at.
 */
export interface Zoo {
  readonly train: Pick<
    TrainModule,
    | "trainConfigSchema"
    | "defaultModelConfig"
    | "configHash"
    | "canonicalJson"
    | "bytesPerStep"
    | "totalSteps"
    | "SeededRng"
  >;
  /** The architecture's config schema, or undefined when the zoo has none (the config is then not checked). */
  modelSchema(architecture: Architecture): z.ZodType | undefined;
  /**
   * The deprecated keys at the top level of a model-config fragment as written (@bytelab/models
   * `deprecatedConfigKeys`: the schema still accepts them under their old spelling), each with the key to
   * write instead. Empty when @bytelab/models has no such helper.
   */
  deprecatedModelKeys(architecture: Architecture, rawModelConfig: unknown): DeprecatedKey[];
  /** Architecture helpers of @bytelab/models used by the (model, seqLen) checks. */
  readonly combinationHelpers: CombinationHelpers;
  /** Builds the model once (cached by config and seqLen) to read paramCount() and flopsPerByte(seqLen). */
  modelInfo(architecture: Architecture, model: Record<string, unknown>, seqLen: number): ModelInfo;
}

const capitalised: Record<Architecture, string> = {
  transformer: "Transformer",
  hourglass: "Hourglass",
  hnet: "HNet",
  megabyte: "Megabyte",
};

type ModelFactory = (architecture: Architecture, config: Record<string, unknown>, seed: number) => ByteLM;

function factoryFor(
  models: ModelsModule,
  architecture: Architecture,
): ((config: Record<string, unknown>) => ByteLM) | undefined {
  const exports = models as unknown as Record<string, unknown>;
  const zoo = exports.createModel;
  if (typeof zoo === "function") return (config) => (zoo as ModelFactory)(architecture, config, 0);
  const own = exports[`create${capitalised[architecture]}`];
  if (typeof own === "function") return (config) => (own as (c: unknown, seed: number) => ByteLM)(config, 0);
  return undefined;
}

function createZoo(train: TrainModule, models: ModelsModule): Zoo {
  const cache = new Map<string, ModelInfo>();
  const exports = models as unknown as Record<string, unknown>;
  const helper = <T>(name: string): T | undefined =>
    typeof exports[name] === "function" ? (exports[name] as T) : undefined;
  const deprecatedConfigKeys =
    helper<(architecture: string, raw: unknown) => DeprecatedKey[]>("deprecatedConfigKeys");
  return {
    train,
    deprecatedModelKeys: (architecture, raw) => deprecatedConfigKeys?.(architecture, raw) ?? [],
    combinationHelpers: {
      resolveHourglassLevels: helper("resolveHourglassLevels"),
      megabytePaddingMultiple: helper("megabytePaddingMultiple"),
    },
    modelSchema(architecture) {
      const schema = exports[`${architecture}ConfigSchema`];
      return schema && typeof (schema as z.ZodType).safeParse === "function"
        ? (schema as z.ZodType)
        : undefined;
    },
    modelInfo(architecture, model, seqLen) {
      const key = train.canonicalJson({ architecture, model, seqLen });
      const cached = cache.get(key);
      if (cached) return cached;
      const create = factoryFor(models, architecture);
      if (!create)
        throw new ArchitectureUnavailableError(
          `@bytelab/models has no ${architecture} model in this checkout (neither createModel nor create${capitalised[architecture]} is exported)`,
        );
      const built = create(model);
      try {
        const info = { paramCount: built.paramCount(), flopsPerByte: built.flopsPerByte(seqLen) };
        cache.set(key, info);
        return info;
      } finally {
        built.dispose();
      }
    },
  };
}

let loading: Promise<Zoo> | undefined;

/** The process-wide zoo (imports @bytelab/train and @bytelab/models the first time). */
export function loadZoo(): Promise<Zoo> {
  loading ??= Promise.all([import("@bytelab/train"), import("@bytelab/models")]).then(([train, models]) =>
    createZoo(train, models),
  );
  return loading;
}
