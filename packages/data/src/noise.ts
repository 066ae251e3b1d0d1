import { z } from "zod";
import { Prng, seedSchema } from "./prng";

/**
 * Synthetic noise for robustness evaluation (as in ByT5 / byte-level model papers). Text is taken
 * one character at a time (a whole UTF-8 sequence; a stray byte counts as one character) and each
 * character gets at most one corruption, chosen by a single uniform draw:
 *   drop       the character is removed
 *   substitute it is replaced by one uniformly random byte different from its first byte
 *   duplicate  it is written twice
 *   flipCase   an ASCII letter changes case (other characters are left alone, so this is the
 *              probability per letter)
 * Rates are per character and must add up to at most 1.
 */
const rate = z.number().min(0).max(1);

export const noiseRatesSchema = z
  .object({
    substitute: rate.default(0),
    flipCase: rate.default(0),
    drop: rate.default(0),
    duplicate: rate.default(0),
  })
  .strict()
  .refine((r) => r.substitute + r.flipCase + r.drop + r.duplicate <= 1 + 1e-12, {
    message: "substitute + flipCase + drop + duplicate must be at most 1 (each character gets at most one)",
  });
export type NoiseRates = z.input<typeof noiseRatesSchema>;

/** Length of the UTF-8 character starting at i (1 for ASCII, stray or truncated bytes). */
function characterLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  const n =
    lead < 0x80
      ? 1
      : lead >= 0xc2 && lead < 0xe0
        ? 2
        : lead >= 0xe0 && lead < 0xf0
          ? 3
          : lead >= 0xf0 && lead < 0xf5
            ? 4
            : 1;
  if (i + n > bytes.length) return 1;
  for (let k = 1; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 1;
  return n;
}

function isAsciiLetter(b: number): boolean {
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

/** A corrupted copy of `bytes`; the same bytes, rates and seed always give the same result. */
export function corruptBytes(bytes: Uint8Array, rates: NoiseRates, seed: number): Uint8Array {
  const r = noiseRatesSchema.parse(rates);
  const prng = Prng.fromSeed(seedSchema.parse(seed));
  const dropUpTo = r.drop;
  const substituteUpTo = dropUpTo + r.substitute;
  const duplicateUpTo = substituteUpTo + r.duplicate;
  const flipUpTo = duplicateUpTo + r.flipCase;
  const out = new Uint8Array(r.duplicate > 0 ? bytes.length * 2 : bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = characterLength(bytes, i);
    const u = prng.nextFloat();
    if (u < dropUpTo) {
      // dropped: write nothing
    } else if (u < substituteUpTo) {
      const replacement = prng.nextInt(255);
      out[o++] = replacement >= bytes[i]! ? replacement + 1 : replacement;
    } else if (u < duplicateUpTo) {
      for (let copy = 0; copy < 2; copy++) for (let k = 0; k < n; k++) out[o++] = bytes[i + k]!;
    } else if (u < flipUpTo && n === 1 && isAsciiLetter(bytes[i]!)) {
      out[o++] = bytes[i]! ^ 0x20;
    } else {
      for (let k = 0; k < n; k++) out[o++] = bytes[i + k]!;
    }
    i += n;
  }
  return out.slice(0, o);
}
