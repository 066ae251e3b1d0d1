import { z } from "zod";

/**
 * xoshiro128** (Blackman & Vigna, 2018): a small, fast 32-bit generator with a 128-bit state that
 * serialises to four uint32 numbers, so a resumed run continues the exact same sequence. Seeds are
 * expanded into the state with splitmix32. The one seeded generator of bytelab: imported as
 * @bytelab/data/prng (no Node built-ins) by the data sampler and the analysis bootstrap.
 */
export const PRNG_ALGORITHM = "xoshiro128**";

const uint32 = z.number().int().min(0).max(0xffffffff);

export const prngStateSchema = z
  .object({
    algorithm: z.literal(PRNG_ALGORITHM),
    s: z.tuple([uint32, uint32, uint32, uint32]),
  })
  .strict()
  .refine((st) => st.s.some((x) => x !== 0), { message: "an all-zero xoshiro state never changes" });
export type PrngState = z.infer<typeof prngStateSchema>;

/** Seeds are non-negative safe integers (what JSON configs and CLIs hold). */
export const seedSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32: the mixing step that expands a seed into a generator's state. */
export function splitmix32(state: { z: number }): number {
  state.z = (state.z + 0x9e3779b9) | 0;
  let t = state.z ^ (state.z >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return t >>> 0;
}

/** FNV-1a of a string: a stream number that depends on a name (not on a list's order). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** bytelab's one seeded generator (sampling, bootstrap resamples, training randomness). */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = s;
  }

  /**
   * The generator of `seed`. `stream` picks an independent sequence for the same seed (e.g.
   * hashString(architecture)); stream 0 is the seed's own sequence.
   */
  static fromSeed(seed: number, stream = 0): Prng {
    const valid = seedSchema.parse(seed);
    const lo = valid >>> 0;
    const hi = Math.floor(valid / 2 ** 32);
    const mixer = { z: (lo ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(stream >>> 0, 0xc2b2ae35)) | 0 };
    const s: [number, number, number, number] = [
      splitmix32(mixer),
      splitmix32(mixer),
      splitmix32(mixer),
      splitmix32(mixer),
    ];
    if (s.every((x) => x === 0)) s[0] = 1;
    return new Prng(s);
  }

  static fromState(state: unknown): Prng {
    return new Prng(prngStateSchema.parse(state).s);
  }

  /** A JSON-serialisable copy of the state; Prng.fromState(p.state()) continues p's sequence. */
  state(): PrngState {
    return { algorithm: PRNG_ALGORITHM, s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /** Uniform in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n), 1 <= n <= 2^32, without modulo bias (rejection sampling). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32)
      throw new RangeError(`nextInt(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}
