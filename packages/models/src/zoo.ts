import type { z } from "zod";
import { type DeprecatedKey, type DeprecatedKeys, findDeprecatedKeys } from "./config-keys";
import { createHNet, hnetConfigSchema } from "./hnet";
import { createHourglass, HOURGLASS_DEPRECATED_KEYS, hourglassConfigSchema } from "./hourglass";
import { createMegabyte, megabyteConfigSchema } from "./megabyte";
import { ARCHITECTURES, type Architecture, type ByteLM } from "./model";
import { parseOrThrow } from "./parse";
import { createTransformer, transformerConfigSchema } from "./transformer";

/**
 * The model zoo: one entry per architecture with its config schema (the single source of truth for the
 * config's fields, defaults and validation) and its constructor. Training, the CLI and the API build
 * models only through here.
 */
interface ZooEntry {
  schema: z.ZodType;
  create(config: never, seed: number): ByteLM;
  /** Old spellings of config keys the schema still accepts (renaming them), each with the key to write. */
  deprecatedKeys?: DeprecatedKeys;
}

const ZOO = {
  transformer: { schema: transformerConfigSchema, create: createTransformer },
  hourglass: {
    schema: hourglassConfigSchema,
    create: createHourglass,
    deprecatedKeys: HOURGLASS_DEPRECATED_KEYS,
  },
  megabyte: { schema: megabyteConfigSchema, create: createMegabyte },
  hnet: { schema: hnetConfigSchema, create: createHNet },
} satisfies Record<Architecture, ZooEntry>;

/** The config each architecture accepts (z.input: every field optional; z.output: defaults filled in). */
export type ArchitectureConfigInput<A extends Architecture> = z.input<(typeof ZOO)[A]["schema"]>;
export type ArchitectureConfig<A extends Architecture> = z.output<(typeof ZOO)[A]["schema"]>;

function entry(architecture: string): ZooEntry {
  const found = (ZOO as Record<string, ZooEntry>)[architecture];
  if (!found) {
    throw new Error(`unknown architecture "${architecture}"; choose one of: ${ARCHITECTURES.join(", ")}`);
  }
  return found;
}

/** The zod schema of an architecture's config. */
export function architectureConfigSchema<A extends Architecture>(architecture: A): (typeof ZOO)[A]["schema"] {
  return entry(architecture).schema as (typeof ZOO)[A]["schema"];
}

/**
 * The deprecated keys written at the top level of a raw (not yet parsed) model config of `architecture`,
 * each with the key to write instead, e.g. hourglass `{ key: "shortenFactor", use: "shorten_factor" }`.
 * The schema accepts them (it renames them, so the parsed config and its hash do not depend on the
 * spelling); callers that read user input use this to tell the user. Both spellings of one key together
 * are refused by the schema.
 */
export function deprecatedConfigKeys(architecture: string, rawModelConfig: unknown): DeprecatedKey[] {
  const renames = entry(architecture).deprecatedKeys;
  return renames ? findDeprecatedKeys(renames, rawModelConfig) : [];
}

/**
 * Validates `config` against the architecture's schema and builds the model with weights from `seed`.
 * Errors name the architecture and every offending field.
 */
export function createModel<A extends Architecture>(
  architecture: A,
  config: ArchitectureConfigInput<A> | Record<string, unknown> = {},
  seed = 0,
): ByteLM {
  const { schema, create } = entry(architecture);
  parseOrThrow(schema, config ?? {}, `invalid ${architecture} config`);
  // The constructor gets the caller's input (it fills defaults itself); parsing here only reports errors early.
  return create((config ?? {}) as never, seed);
}
