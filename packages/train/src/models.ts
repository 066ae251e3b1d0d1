import type { ByteLM } from "@bytelab/models";
import type { Architecture } from "./config";

/**
 * How training builds its model: (architecture, model config, seed) -> ByteLM. Runs and checkpoint loads
 * use @bytelab/models' `createModel` unless a caller passes another (tests train a tiny bigram model).
 */
export type ModelFactory = (
  architecture: Architecture,
  config: Record<string, unknown>,
  seed: number,
) => ByteLM;
