import { beforeAll, describe, expect, it } from "vitest";
import { corruptBytes, loadCorpus } from "../src/index";
import { sameBytes } from "./bytes-equal";

let text: Uint8Array; // 200 kB of English (ASCII)

beforeAll(async () => {
  text = (await loadCorpus("brown")).bytes.subarray(100_000, 300_000);
});

const isLetter = (b: number) => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;

describe("corruptBytes", () => {
  it("drops about `drop` of the characters", () => {
    const out = corruptBytes(text, { drop: 0.1 }, 1);
    expect(1 - out.length / text.length).toBeCloseTo(0.1, 2);
  });

  it("duplicates about `duplicate` of the characters", () => {
    const out = corruptBytes(text, { duplicate: 0.05 }, 1);
    expect(out.length / text.length - 1).toBeCloseTo(0.05, 2);
  });

  it("substitutes about `substitute` of the bytes, always with a different byte", () => {
    const out = corruptBytes(text, { substitute: 0.2 }, 2);
    expect(out.length).toBe(text.length);
    let changed = 0;
    for (let i = 0; i < text.length; i++) if (out[i] !== text[i]) changed++;
    expect(changed / text.length).toBeCloseTo(0.2, 2);
  });

  it("flips the case of about `flipCase` of the letters and touches nothing else", () => {
    const out = corruptBytes(text, { flipCase: 0.3 }, 3);
    expect(out.length).toBe(text.length);
    let letters = 0;
    let flipped = 0;
    for (let i = 0; i < text.length; i++) {
      const a = text[i]!;
      const b = out[i]!;
      if (isLetter(a)) letters++;
      if (a === b) continue;
      expect(isLetter(a)).toBe(true);
      expect(b).toBe(a ^ 0x20);
      flipped++;
    }
    expect(flipped / letters).toBeCloseTo(0.3, 2);
  });

  it("is deterministic for a seed, differs across seeds, and is the identity at zero rates", () => {
    const rates = { substitute: 0.05, flipCase: 0.05, drop: 0.05, duplicate: 0.05 };
    const a = corruptBytes(text, rates, 11);
    expect(sameBytes(corruptBytes(text, rates, 11), a)).toBe(true);
    expect(sameBytes(corruptBytes(text, rates, 12), a)).toBe(false);
    const before = text.slice();
    expect(sameBytes(corruptBytes(text, {}, 11), text)).toBe(true);
    corruptBytes(text, rates, 13);
    expect(sameBytes(text, before)).toBe(true); // the input is never modified
  });

  it("drops and duplicates whole UTF-8 characters", () => {
    const utf8 = new TextEncoder().encode("naïve café — 日本語 😀 ".repeat(500));
    const out = corruptBytes(utf8, { drop: 0.2, duplicate: 0.2 }, 5);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(out)).not.toThrow();
    expect(sameBytes(out, utf8)).toBe(false);
  });

  it("rejects rates that add up to more than 1", () => {
    expect(() => corruptBytes(text, { drop: 0.6, substitute: 0.6 }, 1)).toThrow(/at most 1/);
    expect(() => corruptBytes(text, { drop: -0.1 }, 1)).toThrow();
  });
});
