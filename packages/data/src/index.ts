/**
 * @bytelab/data: byte corpora for byte-level language models.
 *
 *   const ds = await openDataset("brown", { seqLen: 256 });            // load + split + fit check
 *   const sampler = new BatchSampler(ds.splits.train, { batchSize: 32, seqLen: 256, seed: 1 });
 *   const batch = sampler.next();                                      // Int32Array [32, 257]
 *   const saved = sampler.state();                                     // JSON, into the checkpoint
 *   BatchSampler.restore(ds.splits.train, saved).next();               // continues exactly
 *   for (const b of evaluationBatches(ds.splits.validation, { seqLen: 256, batchSize: 32, maxWindows: 64 })) ...
 *   byteStats(ds.splits.validation.bytes).unigramBitsPerByte;          // the baseline to beat
 */
export type { Corpus } from "./corpus";
export { type Dataset, type OpenDatasetOptions, openDataset } from "./dataset";
export { bytelabHome, datasetsDir, findProjectRoot } from "./env";
export { DatasetError } from "./errors";
export {
  type EvaluationOptions,
  evaluationBatches,
  evaluationOptionsSchema,
  evaluationWindowCount,
} from "./evaluation";
export { corruptBytes, type NoiseRates, noiseRatesSchema } from "./noise";
export { Prng, type PrngState, prngStateSchema, seedSchema } from "./prng";
export {
  BUILTIN_DATASET_NAMES,
  type DatasetInfo,
  DEFAULT_DATASET,
  datasetLocalPath,
  datasetNameSchema,
  type LoadCorpusOptions,
  listDatasets,
  loadCorpus,
  loadCorpusOptionsSchema,
} from "./registry";
export {
  BatchSampler,
  type SamplerOptions,
  type SamplerState,
  samplerOptionsSchema,
  samplerStateSchema,
} from "./sampler";
export { FILE_SEPARATOR } from "./sources/files";
export {
  type CorpusSplit,
  type CorpusSplits,
  DEFAULT_SPLIT_FRACTIONS,
  requireSequence,
  SPLIT_NAMES,
  type SplitFractions,
  type SplitName,
  splitCorpus,
  splitFractionsSchema,
} from "./splits";
export { type ByteStats, byteStats } from "./stats";
