import type { Architecture, DeprecatedKey, FlopsPerByte } from "@bytelab/models";
import type { z } from "zod";
import type { CombinationHelpers } from "./model-checks";

type TrainModule = typeof import("@bytelab/train");
type ModelsModule = typeof import("@bytelab/models");

/** What expansion needs to know about one model: its size and its compute per byte. */
export interface ModelInfo {
  paramCount: number;
  flopsPerByte: FlopsPerByte;
}

/**
 * The parts of @bytelab/train and @bytelab/models that expansion uses, loaded on first use: both pull in
 * TF.js, which a process that only parses specs (a form, the REST API's validation) should not pay for.
 * Models are described through the models zoo (`architectureConfigSchema`, `createModel`,
 * `deprecatedConfigKeys`), the one place that knows each architecture.
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
  /** The architecture's config schema (@bytelab/models `architectureConfigSchema`). */
  modelSchema(architecture: Architecture): z.ZodType;
  /**
   * The deprecated keys at the top level of a model-config fragment as written (@bytelab/models
   * `deprecatedConfigKeys`: the schema still accepts them under their old spelling), each with the key to
   * write instead.
   */
  deprecatedModelKeys(architecture: Architecture, rawModelConfig: unknown): DeprecatedKey[];
  /** Architecture helpers of @bytelab/models used by the (model, seqLen) checks. */
  readonly combinationHelpers: CombinationHelpers;
  /** Builds the model once (cached by config and seqLen) to read paramCount() and flopsPerByte(seqLen). */
  modelInfo(architecture: Architecture, model: Record<string, unknown>, seqLen: number): ModelInfo;
}

function createZoo(train: TrainModule, models: ModelsModule): Zoo {
  const cache = new Map<string, ModelInfo>();
  return {
    train,
    modelSchema: (architecture) => models.architectureConfigSchema(architecture),
    deprecatedModelKeys: (architecture, raw) => models.deprecatedConfigKeys(architecture, raw),
    combinationHelpers: {
      resolveHourglassLevels: models.resolveHourglassLevels,
      megabytePaddingMultiple: models.megabytePaddingMultiple,
    },
    modelInfo(architecture, model, seqLen) {
      const key = train.canonicalJson({ architecture, model, seqLen });
      const cached = cache.get(key);
      if (cached) return cached;
      const built = models.createModel(architecture, model, 0);
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
