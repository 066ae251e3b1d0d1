import {
  BatchSampler,
  byteStats,
  type CorpusSplit,
  corruptBytes,
  type Dataset,
  evaluationBatches,
  type NoiseRates,
  openDataset,
} from "@bytelab/data";
import { type ByteBatch, byteBatch } from "./batch";
import type { TrainConfig } from "./config";

/** What the training loop needs from a dataset: a resumable sampler and fixed held-out windows. */
export interface TrainingData {
  dataset: Dataset;
  sampler: BatchSampler;
  /** The first `windows` validation windows (always the same ones), batched. */
  validation(windows: number, batchSize: number): ByteBatch[];
  /** The first `windows` test windows, batched. */
  test(windows: number, batchSize: number): ByteBatch[];
  /** The first `windows` validation windows after corrupting the validation text with `rates`. */
  noisyValidation(windows: number, batchSize: number, rates: NoiseRates, seed: number): ByteBatch[];
  /** Order-0 (unigram) entropy of the whole corpus in bits per byte: the baseline any model must beat. */
  unigramBitsPerByte: number;
}

/** Opens the config's dataset, checks each split fits seqLen + 1 bytes and builds the training sampler. */
export async function openTrainingData(config: TrainConfig, samplerState?: unknown): Promise<TrainingData> {
  const dataset = await openDataset(config.dataset, { seqLen: config.seqLen });
  const { train, validation, test } = dataset.splits;
  const sampler =
    samplerState === undefined
      ? new BatchSampler(train, { batchSize: config.batchSize, seqLen: config.seqLen, seed: config.seed })
      : BatchSampler.restore(train, samplerState);
  const windows = (split: CorpusSplit, n: number, batchSize: number): ByteBatch[] =>
    [...evaluationBatches(split, { seqLen: config.seqLen, batchSize, maxWindows: n })].map((b) =>
      byteBatch(b, config.seqLen + 1),
    );
  return {
    dataset,
    sampler,
    validation: (n, b) => windows(validation, n, b),
    test: (n, b) => windows(test, n, b),
    noisyValidation(n, b, rates, seed) {
      // Corrupt a prefix with head-room for dropped characters, then cut the usual windows from it.
      const need = n * config.seqLen + 1;
      const prefix = validation.bytes.subarray(0, Math.min(validation.bytes.length, 2 * need + 1024));
      const noisy = corruptBytes(prefix, rates, seed);
      const split: CorpusSplit = { ...validation, start: 0, end: noisy.length, bytes: noisy };
      return windows(split, n, b);
    },
    unigramBitsPerByte: byteStats(dataset.corpus.bytes).unigramBitsPerByte,
  };
}
