import { z } from "zod";
import type { Corpus } from "./corpus";
import { DatasetError } from "./errors";
import { DEFAULT_DATASET, type LoadCorpusOptions, loadCorpus } from "./registry";
import {
  type CorpusSplits,
  DEFAULT_SPLIT_FRACTIONS,
  requireSequence,
  SPLIT_NAMES,
  type SplitFractions,
  splitCorpus,
} from "./splits";

/** A corpus with its train / validation / test splits, checked to hold at least one sequence each. */
export interface Dataset {
  corpus: Corpus;
  fractions: SplitFractions;
  splits: CorpusSplits;
}

export type OpenDatasetOptions = LoadCorpusOptions & {
  /** Model context length T; every split with a non-zero fraction must hold T + 1 bytes. */
  seqLen: number;
  fractions?: SplitFractions;
};

const seqLenSchema = z.number().int().min(1);

/**
 * The usual entry point: load `name` (default "brown"), split it, and check every non-empty split
 * fits one sequence of seqLen + 1 bytes, so training fails at start-up rather than at the first
 * evaluation.
 */
export async function openDataset(
  name: string = DEFAULT_DATASET,
  options: OpenDatasetOptions,
): Promise<Dataset> {
  const { seqLen, fractions = DEFAULT_SPLIT_FRACTIONS, ...loadOptions } = options;
  if (!seqLenSchema.safeParse(seqLen).success) {
    throw new DatasetError(
      name,
      `seqLen must be a positive integer, got ${String(seqLen)}`,
      "Pass seqLen >= 1.",
    );
  }
  const corpus = await loadCorpus(name, loadOptions);
  const splits = splitCorpus(corpus, fractions);
  for (const split of SPLIT_NAMES) {
    if (fractions[split] > 0) requireSequence(splits[split], seqLen);
  }
  return { corpus, fractions, splits };
}
