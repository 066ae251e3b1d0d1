import { hashString, Prng, seedSchema } from "@bytelab/data/prng";

export { hashString, seedSchema };

/** A seeded uniform generator: the same seed always gives the same bootstrap resamples. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * The bootstrap's generator: bytelab's one seeded PRNG (@bytelab/data/prng). `stream` picks an independent
 * sequence for the same seed (e.g. hashString(architecture)).
 */
export function createRandom(seed: number, stream = 0): Random {
  const prng = Prng.fromSeed(seed, stream);
  return { next: () => prng.nextFloat(), int: (n: number) => prng.nextInt(n) };
}
