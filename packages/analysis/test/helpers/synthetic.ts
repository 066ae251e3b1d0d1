import { createRandom, type ScalingRunInput } from "../../src";

/** A seeded standard normal sampler (Box-Muller on the package's own generator). */
export function gaussian(seed: number): () => number {
  const random = createRandom(seed, 7);
  return () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

export interface Truth {
  E: number;
  A: number;
  alpha: number;
}

export const trueLoss = (t: Truth, compute: number) => t.E + t.A * compute ** -t.alpha;

/** A scaling ladder: `levels` compute values log-spaced over [lo, hi], `seeds` runs each, Gaussian noise. */
export function syntheticLadder(options: {
  architecture: string;
  truth: Truth;
  levels: number;
  seeds: number;
  lo: number;
  hi: number;
  noise: number;
  seed: number;
}): ScalingRunInput[] {
  const normal = gaussian(options.seed);
  const runs: ScalingRunInput[] = [];
  for (let k = 0; k < options.levels; k++) {
    const compute = options.lo * (options.hi / options.lo) ** (k / (options.levels - 1));
    for (let s = 0; s < options.seeds; s++)
      runs.push({
        runId: `${options.architecture}-c${k}-s${s}`,
        architecture: options.architecture,
        compute,
        bitsPerByte: trueLoss(options.truth, compute) + options.noise * normal(),
        seed: s,
      });
  }
  return runs;
}
