import { z } from "zod";

/** Seeds are non-negative safe integers, as JSON configs and CLIs hold them. */
export const seedSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A seeded uniform generator: the same seed always gives the same bootstrap resamples. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

function splitmix32(state: { z: number }): number {
  state.z = (state.z + 0x9e3779b9) | 0;
  let t = state.z ^ (state.z >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return t >>> 0;
}

/** FNV-1a of a string, so a per-architecture stream depends on the name, not on the list order. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator, 128-bit state), seeded through
 * splitmix32. `stream` picks an independent sequence for the same seed (e.g. hashString(architecture)).
 */
export function createRandom(seed: number, stream = 0): Random {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32);
  const mixer = { z: (lo ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35)) | 0 };
  let a = splitmix32(mixer);
  let b = splitmix32(mixer);
  let c = splitmix32(mixer);
  let d = 1;
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32(); // let the counter mix into the state
  return {
    next: () => nextUint32() / 2 ** 32,
    int: (n: number) => Math.floor((nextUint32() / 2 ** 32) * n),
  };
}
