/**
 * A small seeded PRNG (mulberry32) whose whole state is one uint32, so a checkpoint can store it
 * and a resumed run draws exactly the numbers the uninterrupted run would have drawn.
 */
export class SeededRng {
  private s: number;

  constructor(seed: number) {
    // Mix the seed once so that seeds 0, 1, 2... start far apart.
    this.s = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  get state(): number {
    return this.s;
  }

  static fromState(state: number): SeededRng {
    const rng = new SeededRng(0);
    rng.s = state >>> 0;
    return rng;
  }
}
