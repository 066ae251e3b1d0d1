import { z } from "zod";
import type { Corpus } from "./corpus";
import { DatasetError } from "./errors";

export const SPLIT_NAMES = ["train", "validation", "test"] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/**
 * Fractions of the corpus, in byte order: train first, then validation, then test. Splitting by
 * contiguous byte ranges (not random documents) keeps the held-out text unseen and the split a
 * pure function of the corpus bytes and these fractions.
 */
export const splitFractionsSchema = z
  .object({
    train: z.number().gt(0, "train must get some bytes").max(1),
    validation: z.number().min(0).max(1),
    test: z.number().min(0).max(1),
  })
  .strict()
  .refine((f) => Math.abs(f.train + f.validation + f.test - 1) < 1e-9, {
    message: "train + validation + test must add up to 1",
  });
export type SplitFractions = z.infer<typeof splitFractionsSchema>;

/** 90 / 5 / 5, as in the enwik8 convention (90M / 5M / 5M). */
export const DEFAULT_SPLIT_FRACTIONS: Readonly<SplitFractions> = Object.freeze({
  train: 0.9,
  validation: 0.05,
  test: 0.05,
});

/** One split: the bytes [start, end) of its corpus (a view, not a copy). */
export interface CorpusSplit {
  dataset: string;
  split: SplitName;
  start: number;
  end: number;
  /** corpus.bytes.subarray(start, end), [end - start]. */
  bytes: Uint8Array;
}

export type CorpusSplits = Record<SplitName, CorpusSplit>;

export function parseSplitFractions(dataset: string, fractions: unknown): SplitFractions {
  const parsed = splitFractionsSchema.safeParse(fractions);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .map((i) => `${i.path.join(".") || "fractions"}: ${i.message}`)
    .join("; ");
  throw new DatasetError(
    dataset,
    `invalid split fractions (${details})`,
    "Give {train, validation, test} fractions adding up to 1, e.g. 0.9 / 0.05 / 0.05.",
  );
}

/**
 * Splits a corpus into contiguous byte ranges: train = [0, ⌊N·train⌋), validation up to
 * ⌊N·(train+validation)⌋, test the rest. Deterministic, disjoint, and covering [0, N).
 */
export function splitCorpus(
  corpus: Pick<Corpus, "name" | "bytes">,
  fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS,
): CorpusSplits {
  const f = parseSplitFractions(corpus.name, fractions);
  const n = corpus.bytes.length;
  const trainEnd = Math.min(n, Math.floor(n * f.train));
  const validationEnd =
    f.test === 0 ? n : Math.min(n, Math.max(trainEnd, Math.floor(n * (f.train + f.validation))));
  const make = (split: SplitName, start: number, end: number): CorpusSplit => ({
    dataset: corpus.name,
    split,
    start,
    end,
    bytes: corpus.bytes.subarray(start, end),
  });
  return {
    train: make("train", 0, trainEnd),
    validation: make("validation", trainEnd, validationEnd),
    test: make("test", validationEnd, n),
  };
}

/** Throws a DatasetError unless the split holds at least one sequence of seqLen + 1 bytes. */
export function requireSequence(split: CorpusSplit, seqLen: number): void {
  const need = seqLen + 1;
  if (split.bytes.length >= need) return;
  const fit = split.bytes.length - 1;
  throw new DatasetError(
    split.dataset,
    `the ${split.split} split (bytes ${split.start}..${split.end}) has ${split.bytes.length} bytes, ` +
      `fewer than one sequence of seqLen + 1 = ${need} bytes`,
    `Use ${fit >= 1 ? `a seqLen of at most ${fit}` : "a much shorter seqLen"}, a larger corpus, or a larger ${split.split} fraction.`,
  );
}
