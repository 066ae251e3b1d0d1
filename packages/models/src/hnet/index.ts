export {
  type ArchLayout,
  type BlockKind,
  countLevels,
  type HNetConfig,
  type HNetConfigInput,
  hnetConfigSchema,
  type LevelSpec,
  parseBlocks,
  resolveLevels,
} from "./config";
export { emaScan, straightThrough } from "./dechunk";
export { hnetFlopsPerByte } from "./flops";
export { type MambaShape, mamba2Mixer, mambaShape } from "./mamba";
export { hnetFromGoldenFixture, hnetGoldenAdapter } from "./golden";
export { createHNetFromReference, hnetConfigFromReference } from "./import";
export { createHNet, type HNetForwardResult, HNetLM, type StageRoutingReport } from "./model";
export { boundaryProbabilities, type ChunkPlan, planChunks } from "./routing";
