import { type ByteLM, createModel } from "@bytelab/models";
import type { Architecture } from "./config";

export type ModelFactory = (
  architecture: Architecture,
  config: Record<string, unknown>,
  seed: number,
) => ByteLM;

/** The zoo's `createModel` (validates the config against the architecture's schema, then builds). */
export const zooFactory: ModelFactory = (architecture, config, seed) =>
  createModel(architecture, config, seed);
