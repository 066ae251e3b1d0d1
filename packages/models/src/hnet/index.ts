export {
  type ArchLayout as HNetArchLayout,
  type BlockKind as HNetBlockKind,
  countLevels as countHNetLevels,
  type HNetConfig,
  type HNetConfigInput,
  hnetConfigSchema,
  type LevelSpec as HNetLevelSpec,
  parseBlocks as parseHNetBlocks,
  resolveLevels as resolveHNetLevels,
} from "./config";
export { emaScan as hnetDechunkEma, straightThrough } from "./dechunk";
export { hnetFlopsPerByte } from "./flops";
export { hnetFromGoldenFixture, hnetGoldenAdapter } from "./golden";
export { createHNetFromReference, hnetConfigFromReference } from "./import";
export { type MambaShape, mamba2Mixer, mambaShape } from "./mamba";
export { createHNet, type HNetForwardResult, HNetLM, type StageRoutingReport } from "./model";
export {
  boundaryProbabilities as hnetBoundaryProbabilities,
  type ChunkPlan as HNetChunkPlan,
  planChunks as planHNetChunks,
} from "./routing";
